"""Charts drawn on the server as SVG: no JavaScript, no third party, the same in the
browser and in the council PDF. A chart draws some columns of its table (the table is
always shown beside it, so the chart is a picture of figures the reader can also read).
Suppressed cells (fewer than 5) are not drawn."""

import math
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from .tables import Count, Table

# Colours with at least 3:1 contrast against white (WCAG 1.4.11), told apart by most
# colour-blind readers in this order.
PALETTE = [
    "#1d3f8c",
    "#c25e00",
    "#1c6b2f",
    "#a3195b",
    "#00758f",
    "#6a3d9a",
    "#7a5c00",
    "#5f6b7a",
    "#b3261e",
]
WIDTH, HEIGHT = 760, 320
LEFT, RIGHT, TOP = 56, 16, 16


@dataclass(frozen=True)
class LegendItem:
    label: str
    colour: str
    line: bool


@dataclass(frozen=True)
class RenderedChart:
    svg: str
    legend: list[LegendItem]


def _nice_step(maximum: float, ticks: int = 5, *, whole: bool = False) -> float:
    """A round step for about `ticks` ticks; for counts (`whole`) a whole number, at least
    1 (no axis of families in steps of 0.2 or 2.5)."""
    raw = maximum / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    factors = (1, 2, 5, 10) if whole else (1, 2, 2.5, 5, 10)
    step = next((f * magnitude for f in factors if raw <= f * magnitude), 10 * magnitude)
    return max(1.0, step) if whole else step


def render(table: Table) -> RenderedChart | None:
    spec = table.chart
    rows = [row for row in table.rows if not row.total]
    if spec is None or not rows:
        return None
    values = {col: [row.cells[col].value for row in rows] for col in spec.bars + spec.lines}
    bar_tops = [
        sum(values[col][i] or 0 for col in spec.bars)
        if spec.stacked
        else max([values[col][i] or 0 for col in spec.bars], default=0)
        for i in range(len(rows))
    ]
    line_values = [v or 0 for col in spec.lines for v in values[col]]
    percent_axis = spec.percent and not spec.bars
    # Counts only (no shares or medians drawn): whole-number ticks.
    whole = not percent_axis and all(
        isinstance(row.cells[col], Count) for row in rows for col in spec.bars + spec.lines
    )
    maximum = 100.0 if percent_axis else (max([*bar_tops, *line_values, 0]) or 1)
    step = _nice_step(maximum, whole=whole)
    maximum = step * math.ceil(maximum / step)

    rotate = len(rows) > 6 or max(len(row.label) for row in rows) > 12
    bottom = 90 if rotate else 32
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - bottom
    band = plot_w / len(rows)

    def y(value):
        return TOP + plot_h - plot_h * value / maximum

    uid = f"chart-{table.slug}"  # table slugs are unique within a page
    description = _("Chart of the table below; the figures are in the table.")
    parts = [
        f'<svg class="samen-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{uid}-title {uid}-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{uid}-title">{escape(table.title)}</title>',
        f'<desc id="{uid}-desc">{escape(description)}</desc>',
    ]
    tick = 0.0
    while tick <= maximum + 1e-9:
        label = f"{tick:g}%" if percent_axis else f"{tick:g}"
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" '
            f'stroke="#d0d5dd" stroke-width="1"/>'
            f'<text x="{LEFT - 6}" y="{y(tick) + 4:.1f}" text-anchor="end" font-size="12" '
            f'fill="#333">{escape(label)}</text>'
        )
        tick += step

    legend = []
    colours = iter(PALETTE * 3)
    bar_colours = {col: next(colours) for col in spec.bars}
    line_colours = {col: next(colours) for col in spec.lines}
    gap = band * 0.15
    for i, row in enumerate(rows):
        x0 = LEFT + i * band + gap
        inner = band - 2 * gap
        base = 0.0
        for j, col in enumerate(spec.bars):
            value = values[col][i]
            if not value:
                continue
            if spec.stacked:
                top, x, w = base + value, x0, inner
                rect_y, height = y(top), y(base) - y(top)
                base = top
            else:
                w = inner / len(spec.bars)
                x = x0 + j * w
                rect_y, height = y(value), y(0) - y(value)
            parts.append(
                f'<rect x="{x:.1f}" y="{rect_y:.1f}" width="{max(w - 1, 1):.1f}" '
                f'height="{height:.1f}" fill="{bar_colours[col]}"/>'
            )
        cx = LEFT + (i + 0.5) * band
        if rotate:
            parts.append(
                f'<text x="{cx:.1f}" y="{TOP + plot_h + 14}" font-size="12" fill="#333" '
                f'text-anchor="end" transform="rotate(-40 {cx:.1f} {TOP + plot_h + 14})">'
                f"{escape(row.label)}</text>"
            )
        else:
            parts.append(
                f'<text x="{cx:.1f}" y="{TOP + plot_h + 18}" font-size="12" fill="#333" '
                f'text-anchor="middle">{escape(row.label)}</text>'
            )
    for col in spec.lines:
        points = [
            (LEFT + (i + 0.5) * band, y(value))
            for i, value in enumerate(values[col])
            if value is not None
        ]
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{py:.1f}" for x, py in points)
            parts.append(
                f'<polyline points="{path}" fill="none" stroke="{line_colours[col]}" stroke-width="2.5"/>'
            )
        parts.extend(
            f'<circle cx="{x:.1f}" cy="{py:.1f}" r="4" fill="{line_colours[col]}"/>'
            for x, py in points
        )
    parts.append(
        f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(0):.1f}" y2="{y(0):.1f}" stroke="#333"/>'
    )
    parts.append("</svg>")
    legend = [LegendItem(table.columns[col], bar_colours[col], False) for col in spec.bars] + [
        LegendItem(table.columns[col], line_colours[col], True) for col in spec.lines
    ]
    return RenderedChart(mark_safe("".join(parts)), legend)  # noqa: S308 - every text is escaped
