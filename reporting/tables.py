"""The building blocks of every report: tables of cells that suppress small numbers.

Reports show aggregates only. A count of 1 to 4 could point at one family, so it is
shown as "<5" (and left out of charts); a share or a median built on fewer than 5, or
whose numerator is such a small count, is not shown at all. Zero stays zero: it
recognises nobody. Counts of organisations (providers) are not about families and are
shown as they are.
"""

from dataclasses import dataclass, field

from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

THRESHOLD = 5
SUPPRESSED = "<5"


def _small(n: int) -> bool:
    return 0 < n < THRESHOLD


@dataclass(frozen=True)
class Count:
    n: int
    suppress: bool = True

    @property
    def hidden(self) -> bool:
        return self.suppress and _small(self.n)

    @property
    def value(self) -> int | None:
        """The number for charts and spreadsheets; None when suppressed."""
        return None if self.hidden else self.n

    def __str__(self):
        return SUPPRESSED if self.hidden else number_format(self.n, force_grouping=True)


@dataclass(frozen=True)
class Share:
    """numerator / denominator as a percentage."""

    numerator: int
    denominator: int

    @property
    def value(self) -> float | None:
        if self.denominator < THRESHOLD or _small(self.numerator) or not self.denominator:
            return None
        return round(100 * self.numerator / self.denominator, 1)

    def __str__(self):
        value = self.value
        return "–" if value is None else f"{number_format(value, 1)}%"


@dataclass(frozen=True)
class Median:
    """The median of `n` values (days); not shown for fewer than 5."""

    median: float | None
    n: int

    @property
    def value(self) -> float | None:
        return None if self.median is None or self.n < THRESHOLD else self.median

    def __str__(self):
        value = self.value
        return "–" if value is None else number_format(value, 1)


def median(values: list[float]) -> Median:
    ordered = sorted(values)
    size = len(ordered)
    if not size:
        return Median(None, 0)
    middle = size // 2
    value = ordered[middle] if size % 2 else (ordered[middle - 1] + ordered[middle]) / 2
    return Median(float(value), size)


@dataclass
class Row:
    label: str
    cells: list
    total: bool = False  # the totals row: in the table and exports, not in the chart


@dataclass
class Chart:
    """Which columns of the table to draw: `bars` (stacked or side by side) and `lines`
    (drawn over the bars, on the same axis, or on a 0-100% axis when `percent`)."""

    bars: list[int] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    stacked: bool = True
    percent: bool = False


@dataclass
class Table:
    slug: str
    title: str
    columns: list[str]
    rows: list[Row]
    chart: Chart | None = None
    note: str = ""
    row_header: str = _("Period")
    # What the page shows of a long table (the largest rows, the rest summed); the exports
    # give every row. None: the page shows the table itself.
    page: "Table | None" = None

    @property
    def empty(self) -> bool:
        return not self.rows

    def for_page(self) -> "Table":
        return self.page or self

    def as_lists(self) -> list[list[str]]:
        """Header and rows as displayed (suppressed cells as "<5"), for CSV."""
        return [[str(self.row_header), *map(str, self.columns)]] + [
            [str(row.label), *(str(cell) for cell in row.cells)] for row in self.rows
        ]


def counts(values: list[int], *, suppress: bool = True) -> list[Count]:
    return [Count(n, suppress) for n in values]
