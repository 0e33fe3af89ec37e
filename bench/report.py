"""One way to print a benchmark's figures, shared by every part of `make bench`.

A row is one measured thing; where a floor was measured in the same run (the bare SQL doing
a job's work, Django's admin changelist with default settings, a trivial view), the row
carries it and the ratio, so that a figure is always read beside what the machine can do.
"""

import dataclasses
import statistics


@dataclasses.dataclass
class Row:
    name: str
    median_ms: float | None = None
    p95_ms: float | None = None
    queries: int | None = None
    bytes: int | None = None
    floor_name: str = ""
    floor_ms: float | None = None
    rows: int | None = None
    peak_mb: float | None = None
    target: str = ""
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.median_ms is None or not self.floor_ms:
            return None
        return self.median_ms / self.floor_ms


def summarise(samples_ms: list[float]) -> tuple[float, float]:
    """Median and 95th percentile (nearest rank) of a list of timings in ms."""
    ordered = sorted(samples_ms)
    p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
    return statistics.median(ordered), p95


def _cell(value, fmt: str) -> str:
    return "" if value is None else format(value, fmt)


def print_rows(write, title: str, rows: list[Row]) -> None:
    """Print a titled table with a fixed layout; `write` is e.g. `self.stdout.write`."""
    write(f"\n## {title}")
    write(
        f"{'what':<44}{'median ms':>11}{'p95 ms':>10}{'queries':>9}{'KB':>9}"
        f"{'floor ms':>10}{'ratio':>7}{'rows':>10}{'peak MB':>9}  target / note"
    )
    for row in rows:
        ratio = row.ratio
        write(
            f"{row.name:<44}{_cell(row.median_ms, '.1f'):>11}{_cell(row.p95_ms, '.1f'):>10}"
            f"{_cell(row.queries, 'd'):>9}"
            f"{_cell(None if row.bytes is None else row.bytes / 1024, '.1f'):>9}"
            f"{_cell(row.floor_ms, '.1f'):>10}{_cell(ratio, '.2f'):>7}"
            f"{_cell(row.rows, ',d'):>10}{_cell(row.peak_mb, '.0f'):>9}"
            f"  {' · '.join(part for part in (row.target, row.floor_name, row.note) if part)}"
        )
