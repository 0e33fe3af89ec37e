"""The report pages, exports and the council report, through their URLs and command."""

import csv
import io

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook
from pypdf import PdfReader

from reporting.periods import MONTH, Period
from reporting.selectors import REPORTS, Filters, client_flows
from tests.factories import SupportRequestFactory
from tests.urls_walk import all_paths

from .conftest import TODAY, at, council_made, day

Q3_QUERY = {"start": "2026-07-01", "end": "2026-09-30", "by": "month"}


def _get(client, user, url, language="en", **params):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client.get(url, params)


@pytest.mark.parametrize("slug", list(REPORTS))
def test_reports_for_officials_and_team_leads_only(
    client, slug, official, team_lead, intake_worker, provider_user, today
):
    url = reverse("reporting:report", args=[slug])
    assert _get(client, official, url).status_code == 200
    assert _get(client, team_lead, url).status_code == 200
    assert _get(client, intake_worker, url).status_code == 403
    assert _get(client, provider_user, url).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302


def test_every_reporting_url_refuses_staff_and_providers(client, intake_worker, provider_user):
    paths = [path for path, _name in all_paths() if path.startswith("/rapportages/")]
    assert len(paths) == 4
    for user in (intake_worker, provider_user):
        client.force_login(user)
        for path in paths:
            assert client.get(path).status_code == 403, path


def test_report_page_shows_chart_table_and_exports(client, official, q3):
    response = _get(client, official, reverse("reporting:report", args=["instroom"]), **Q3_QUERY)
    html = response.content.decode()
    assert html.count('<svg class="samen-chart"') == 5
    assert 'role="img"' in html
    assert '<td class="utrecht-table__cell utrecht-table__cell--numeric">&lt;5</td>' in html
    assert "export=csv&amp;table=triage-outcomes" in html
    assert "export=xlsx" in html
    assert "Aanbieder" not in html  # no provider or family names in client flows


def test_team_lead_starts_with_own_team(client, team_lead, q3):
    response = _get(client, team_lead, reverse("reporting:report", args=["instroom"]), **Q3_QUERY)
    assert response.context["form"].cleaned_data["team"] == q3["a"]
    totals = next(t for t, _c in response.context["sections"] if t.slug == "requests-by-referrer")
    assert totals.rows[-1].cells[-1].n == 14  # team A: 9 in July, 5 in August
    everyone = _get(
        client, team_lead, reverse("reporting:report", args=["instroom"]), team="", **Q3_QUERY
    )
    totals = next(t for t, _c in everyone.context["sections"] if t.slug == "requests-by-referrer")
    assert totals.rows[-1].cells[-1].n == 21


def test_a_wrong_filter_falls_back_with_a_message(client, official, today):
    url = reverse("reporting:report", args=["termijnen"])
    response = _get(client, official, url, start="2026-09-30", end="2026-07-01")
    assert response.status_code == 200
    assert "The filter could not be used" in response.content.decode()
    assert "The start date must be on or before the end date." in response.content.decode()
    response = _get(client, official, url, start="2020-01-01", end="2026-07-01")
    assert "at most 3 years" in response.content.decode()


def test_csv_export_matches_the_table(client, official, q3):
    url = reverse("reporting:report", args=["termijnen"])
    response = _get(client, official, url, "nl", export="csv", table="contact", **Q3_QUERY)
    assert response["Content-Type"].startswith("text/csv")
    assert (
        'filename="termijnen-contact-binnen-5-werkdagen-2026-K3-alle-teams.csv"'
        in response["Content-Disposition"]
    )
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][0] == "Periode"
    assert rows[1] == ["Jul 2026", "9", "8", "6", "75,0%", "2,0", "0"]
    assert rows[2] == ["Aug 2026", "5", "5", "<5", "–", "–", "<5"]
    assert rows[-1] == ["Totaal", "21", "20", "16", "80,0%", "2,5", "<5"]
    assert _get(client, official, url, export="csv", table="nope").status_code == 404


def test_xlsx_export_reads_back_as_the_tables(client, official, q3):
    url = reverse("reporting:report", args=["instroom"])
    response = _get(client, official, url, "nl", export="xlsx", **Q3_QUERY)
    book = load_workbook(io.BytesIO(response.content))
    with translation.override("nl"):
        tables = client_flows(
            Filters(Period(day("2026-07-01"), day("2026-09-30"), MONTH), None, TODAY)
        )
    assert len(book.sheetnames) == len(tables)
    for sheet_name, table in zip(book.sheetnames, tables, strict=True):
        sheet = book[sheet_name]
        assert sheet["A1"].value == str(table.title)
        body = [
            list(r)
            for r in sheet.iter_rows(min_row=5, max_row=4 + len(table.rows), values_only=True)
        ]
        for written, row in zip(body, table.rows, strict=True):
            assert written[0] == str(row.label)
            for value, cell in zip(written[1:], row.cells, strict=True):
                if hasattr(cell, "hidden"):
                    assert value == ("<5" if cell.hidden else cell.n)
                else:
                    assert value == (
                        None if cell.value is None else pytest.approx(cell.value / 100)
                    )
    outcomes = book[book.sheetnames[2]]
    assert outcomes["F8"].value == 18 and outcomes["G8"].number_format == "0.0%"


def test_council_report_button_gives_the_quarter_pdf(
    client, official, q3, eager, django_capture_on_commit_callbacks
):
    index = _get(client, official, reverse("reporting:index"))
    assert 'value="2026-Q3" selected' in index.content.decode()
    response = council_made(client, official, "2026-Q3", django_capture_on_commit_callbacks)
    assert response["Content-Type"] == "application/pdf"
    assert "raadsrapportage-basis-jeugdhulp-2026-K3.pdf" in response["Content-Disposition"]
    text = _pdf_text(b"".join(response.streaming_content))
    assert "Basis jeugdhulp – raadsrapportage K3 2026" in text
    assert "1 juli 2026 tot en met 30 september 2026" in text
    assert "Nieuwe ondersteuningsvragen 21" in text
    assert "Aandeel geholpen door WIJ 61,1%" in text
    assert "Contact binnen 5 werkdagen 80,0%" in text
    assert "Lopende indicaties aan het eind van het kwartaal 7" in text
    assert "<svg" not in text
    bad = _get(client, official, reverse("reporting:council"), quarter="2019-Q1")
    assert bad.status_code == 400


def test_council_report_command(tmp_path, q3):
    call_command("council_report", quarter="2026-Q3", output=str(tmp_path), today=TODAY)
    pdf = tmp_path / "raadsrapportage-basis-jeugdhulp-2026-K3.pdf"
    text = _pdf_text(pdf.read_bytes())
    assert "Nieuwe ondersteuningsvragen 21" in text
    assert "Triages 18" in text


def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_report_queries_do_not_grow_with_the_data(client, official, today, beijum):
    url = reverse("reporting:report", args=["termijnen"])

    def queries():
        client.force_login(official)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url, Q3_QUERY).status_code == 200
        return len(ctx)

    SupportRequestFactory(team=beijum, received_at=at("2026-08-03"))
    few = queries()
    for _ in range(30):
        SupportRequestFactory(team=beijum, received_at=at("2026-08-04"))
    assert queries() == few


def test_reports_link_in_the_navigation(client, official, team_lead, intake_worker):
    for user, visible in ((official, True), (team_lead, True), (intake_worker, False)):
        client.force_login(user)
        html = client.get("/").content.decode()
        assert (reverse("reporting:index") in html) is visible
