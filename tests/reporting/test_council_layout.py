"""The council PDF fits A4: no table is wider than the page it is on (the products' table
and the referrers' table go on landscape pages). Measured on WeasyPrint's layout boxes."""

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from reporting import council
from reporting.periods import parse_quarter

pytestmark = pytest.mark.django_db


def _tables(box):
    if type(box).__name__ == "TableBox":
        yield box
    for child in getattr(box, "children", []):
        yield from _tables(child)


def layout(today):
    from weasyprint import HTML

    with translation.override("nl"):
        html = render_to_string(
            "reporting/council.html", council.council_context(parse_quarter("2026-Q3"), today)
        )
    return HTML(string=html).render()


def too_wide(document) -> list[tuple[int, float, float]]:
    """(page number, table width, page content width) of every table wider than its page."""
    found = []
    for number, page in enumerate(document.pages, start=1):
        content = page._page_box.children[0]  # the page's content area (html box)
        found += [
            (number, table.margin_width(), content.width)
            for table in _tables(page._page_box)
            if table.margin_width() > content.width + 0.5
        ]
    return found


def test_every_table_fits_its_page_and_wide_ones_are_landscape(today):
    document = layout(today)
    assert too_wide(document) == []
    sizes = {(round(p.width), round(p.height)) for p in document.pages}
    assert sizes == {(794, 1123), (1123, 794)}  # A4 portrait and A4 landscape


def test_the_check_fails_when_the_wide_tables_stay_portrait(today, monkeypatch):
    monkeypatch.setattr(council, "PORTRAIT_COLUMNS", 99)
    document = layout(today)
    assert {(round(p.width), round(p.height)) for p in document.pages} == {(794, 1123)}
    assert too_wide(document)  # the products' table is cut off on portrait A4
