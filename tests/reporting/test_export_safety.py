"""No report export or admin CSV turns a name someone typed into a live formula
(CSV injection, OWASP): cells starting with =, +, -, @, tab or CR get a leading '."""

import csv
import io

import pytest
from django.conf import settings
from django.urls import reverse
from openpyxl import load_workbook

from samen.spreadsheets import safe_cell
from tests.factories import IndicationFactory, ProviderFactory

from .conftest import day

EVIL_NAMES = [
    '=HYPERLINK("http://evil.example.invalid","klik")',
    "+31 Zorg",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("text", EVIL_NAMES)
def test_formula_texts_get_a_quote(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["Zorg & Co", "-3", "12,5", "+4", "-0.5%", 7, None, "", "<5"])
def test_plain_texts_and_numbers_stay(value):
    assert safe_cell(value) == value


@pytest.fixture
def evil_providers(db):
    providers = []
    for n, name in enumerate(EVIL_NAMES):
        provider = ProviderFactory(name=name, agb_code=f"7398{n:04d}")
        IndicationFactory(provider=provider, start_on=day("2026-01-01"), end_on=day("2026-08-15"))
        providers.append(provider)
    return providers


def _get(client, user, url, **params):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client.get(url, params)


QUERY = {"start": "2026-07-01", "end": "2026-09-30", "by": "month"}


def test_report_csv_quotes_formula_names(client, official, today, evil_providers):
    response = _get(
        client,
        official,
        reverse("reporting:report", args=["transitie"]),
        export="csv",
        table="providers",
        **QUERY,
    )
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode().lstrip("\ufeff")), delimiter=";"))
    labels = {row[0] for row in rows[1:]}
    assert {"'" + name for name in EVIL_NAMES} <= labels
    assert not any(cell.startswith(("=", "@", "\t", "\r")) for row in rows for cell in row)


def test_report_xlsx_has_no_formula_cells(client, official, today, evil_providers):
    response = _get(
        client, official, reverse("reporting:report", args=["transitie"]), export="xlsx", **QUERY
    )
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    texts = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    texts.append(cell.value.replace("\r", "\n"))
    # A carriage return may come back as a line feed, depending on the XML library
    # openpyxl reads with (the standard library's, or lxml when installed).
    assert {"'" + name.replace("\r", "\n") for name in EVIL_NAMES} <= set(texts)


def test_admin_csv_export_quotes_formula_names(client, official, evil_providers):
    official.is_staff = True
    official.save()
    client.force_login(official)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(
        reverse("admin:openhouse_provider_changelist"),
        {"action": "export_as_csv", "_selected_action": [p.pk for p in evil_providers]},
    )
    rows = list(csv.reader(io.StringIO(response.content.decode().lstrip("\ufeff")), delimiter=";"))
    assert sorted(row[0] for row in rows[1:]) == sorted("'" + name for name in EVIL_NAMES)
