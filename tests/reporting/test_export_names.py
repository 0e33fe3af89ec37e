"""Exports that read well: XLSX sheet names whole and unique (at most 31 characters, Dutch),
Dutch file names with the period and the team, whole-number axes for counts in charts."""

import datetime
import io
import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from reporting import charts
from reporting.exports import SHEET_NAMES, period_part
from reporting.periods import MONTH, Period
from reporting.selectors import REPORTS, Filters
from reporting.tables import Chart, Count, Row, Share, Table

from .conftest import TODAY, council_made

pytestmark = pytest.mark.django_db
Q3 = {"start": "2026-07-01", "end": "2026-09-30", "by": "month"}


def _get(client, user, url, **params):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    return client.get(url, params)


@pytest.mark.parametrize("slug", list(REPORTS))
def test_every_sheet_name_is_whole_unique_and_dutch(client, official, today, slug):
    response = _get(client, official, reverse("reporting:report", args=[slug]), export="xlsx")
    names = load_workbook(io.BytesIO(response.content)).sheetnames
    with translation.override("nl"):
        tables = REPORTS[slug].build(Filters(Period(TODAY, TODAY, MONTH), None, TODAY))
        expected = [str(SHEET_NAMES[table.slug]) for table in tables]
    assert names == expected  # each table has its own short name, none cut
    assert len(set(names)) == len(names)
    assert all(len(name) <= 31 for name in names)


def test_no_short_name_is_english_or_too_long():
    with translation.override("nl"):
        dutch = {slug: str(name) for slug, name in SHEET_NAMES.items()}
    assert all(len(name) <= 31 for name in dutch.values()), dutch
    assert len(set(dutch.values())) == len(dutch)
    assert dutch["running"] == "Lopend per product"
    with translation.override("en"):
        assert all(dutch[slug] != str(name) for slug, name in SHEET_NAMES.items())


def test_xlsx_and_csv_file_names_say_report_period_and_team(
    client, official, today, beijum, eager, django_capture_on_commit_callbacks
):
    url = reverse("reporting:report", args=["instroom"])
    xlsx = _get(client, official, url, export="xlsx", team=beijum.pk, **Q3)
    assert xlsx["Content-Disposition"] == (
        'attachment; filename="clientstromen-2026-K3-wij-beijum.xlsx"'
    )
    csv = _get(client, official, url, export="csv", table="requests-by-referrer", **Q3)
    assert csv["Content-Disposition"] == (
        'attachment; filename="clientstromen-vragen-per-verwijzer-2026-K3-alle-teams.csv"'
    )
    forecast = _get(client, official, reverse("reporting:report", args=["prognose"]), export="xlsx")
    assert forecast["Content-Disposition"] == (
        'attachment; filename="prognose-vanaf-2026-11-22-alle-teams.xlsx"'
    )
    pdf = council_made(client, official, "2026-Q3", django_capture_on_commit_callbacks, "nl")
    assert pdf["Content-Disposition"] == (
        'attachment; filename="raadsrapportage-basis-jeugdhulp-2026-K3.pdf"'
    )


@pytest.mark.parametrize(
    ("start", "end", "part"),
    [
        ("2026-07-01", "2026-09-30", "2026-K3"),
        ("2026-03-01", "2026-03-31", "2026-03"),
        ("2026-01-01", "2026-12-31", "2026"),
        ("2025-12-01", "2026-11-30", "2025-12-tot-2026-11"),
        ("2025-12-01", "2026-11-22", "2025-12-01-tot-2026-11-22"),
        ("2026-02-01", "2026-04-30", "2026-02-tot-2026-04"),  # three months, not a quarter
    ],
)
def test_the_period_in_a_file_name(start, end, part):
    period = Period(datetime.date.fromisoformat(start), datetime.date.fromisoformat(end))
    assert period_part(period) == part


def _ticks(svg: str) -> list[str]:
    return re.findall(r'text-anchor="end" font-size="12" fill="#333">([^<]+)</text>', svg)


def _table(values, cell=Count):
    rows = [
        Row(f"m{i}", [cell(*v) if isinstance(v, tuple) else cell(v)]) for i, v in enumerate(values)
    ]
    return Table("t", "Tabel", ["Aantal"], rows, chart=Chart(bars=[0]))


@pytest.mark.parametrize("values", [[5, 6, 7], [12, 5, 0], [0, 0, 3], [9, 11], [44, 5]])
def test_count_axes_have_whole_numbers(values):
    ticks = _ticks(charts.render(_table(values)).svg)
    assert ticks and all(re.fullmatch(r"\d+", tick) for tick in ticks), ticks
    assert int(ticks[-1]) >= max(v for v in values if v >= 5 or v == 0)


def test_a_share_axis_keeps_its_decimals():
    table = Table(
        "s",
        "Aandeel",
        ["Aandeel"],
        [Row("a", [Share(12, 100)]), Row("b", [Share(10, 100)])],
        chart=Chart(lines=[0], percent=False),
    )
    ticks = _ticks(charts.render(table).svg)
    assert any("." in tick for tick in ticks), ticks  # 12% on an axis in steps of 2.5
