"""Importing PGB indications (a budget holder instead of a provider), open ends and
allocations that name no referrer: through the command and the youth administration's
import page; the old header still imports as before; a re-import creates nothing new."""

import datetime
import io

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from audit.services import forget_known_partitions
from indications.importer import import_indications_csv
from indications.models import Indication
from intake.models import Client
from referrals.models import Product
from samen import roles
from tests.factories import ClientFactory, IndicationFactory, ProviderFactory, UserFactory

pytestmark = pytest.mark.django_db
D = datetime.date
OLD = "bsn,first_name,last_name,date_of_birth,postcode,house_number,product_code,provider_agb,referrer_type,start,end"
NEW = OLD + ",financing,budget_holder"
ZIN = "111222333,Daan,Huizinga,2015-03-01,9735 AB,12,45A51,73990001,02,2025-01-01,2027-03-31,,"
PGB = (
    "111222333,Daan,Huizinga,2015-03-01,9735 AB,12,45A04,,02,2025-02-01,2027-01-31,PGB,A. Huizinga"
)
OPEN = "12345672,Mila,Bos,2012-07-07,9735CD,3,51G01,73990001,,2025-06-01,,zin,"


@pytest.fixture(autouse=True)
def _setup(db, beijum):
    forget_known_partitions()
    ProviderFactory(agb_code="73990001", name="Zorg Noord")
    with time_machine.travel(datetime.datetime(2026, 11, 22, 10, 0, tzinfo=datetime.UTC)):
        yield


def content(*lines: str, header: str = NEW) -> bytes:
    return ("\n".join([header, *lines]) + "\n").encode()


def with_value(line: str, column: str, value: str) -> str:
    values = line.split(",")
    values[NEW.split(",").index(column)] = value
    return ",".join(values)


def test_pgb_open_end_and_no_referrer_import_and_a_reimport_creates_nothing(tmp_path):
    path = tmp_path / "indicaties.csv"
    path.write_bytes(content(ZIN, PGB, OPEN))
    out = io.StringIO()
    call_command("import_indications", str(path), stdout=out)
    assert "3 nieuwe indicaties, 0 al bekend, 2 nieuwe jeugdigen" in out.getvalue()
    pgb = Indication.objects.get(product__code="45A04")
    assert (pgb.financing, pgb.provider, pgb.budget_holder) == ("pgb", None, "A. Huizinga")
    assert pgb.is_pgb and pgb.end_on == D(2027, 1, 31)
    zin = Indication.objects.get(product__code="45A51")
    assert (zin.financing, zin.provider.agb_code, zin.budget_holder) == ("zin", "73990001", "")
    open_end = Indication.objects.get(product__code="51G01")
    assert (open_end.end_on, open_end.evaluation_due_on, open_end.referrer_type) == (None, None, "")
    out = io.StringIO()
    call_command("import_indications", str(path), stdout=out)
    assert "0 nieuwe indicaties, 3 al bekend, 0 nieuwe jeugdigen" in out.getvalue()
    assert Indication.objects.count() == 3


def test_a_file_with_the_old_header_imports_in_kind_as_before(tmp_path):
    old_line = ZIN.removesuffix(",,")
    result = import_indications_csv(content(old_line, header=OLD))
    assert result.ok and result.created == 1
    assert Indication.objects.get().financing == "zin"
    # The old header with the new columns is 13 against 11: the line says so.
    result = import_indications_csv(content(ZIN, header=OLD))
    assert [(e.line, e.field) for e in result.errors] == [(2, "line")]


def test_the_youth_administration_imports_pgb_on_its_page(client):
    client.force_login(UserFactory(role=roles.YOUTH_ADMIN))
    page = client.get("/jeugdadministratie/import/").content.decode()
    assert "financing,budget_holder" in page
    response = client.post(
        "/jeugdadministratie/import/",
        {"file": SimpleUploadedFile("i.csv", content(PGB.replace(",", ";")).replace(b",", b";"))},
        follow=True,
    )
    assert "1 nieuwe indicatie" in response.content.decode()
    assert Indication.objects.get().budget_holder == "A. Huizinga"


BAD = {
    "a PGB with an AGB code": (
        with_value(PGB, "provider_agb", "73990001"),
        "provider_agb",
        "Een persoonsgebonden budget heeft geen aanbieder.",
    ),
    "a PGB with an unknown AGB code": (
        with_value(PGB, "provider_agb", "73999999"),
        "provider_agb",
        "Een persoonsgebonden budget heeft geen aanbieder.",
    ),
    "a ZIN line without an AGB code": (
        with_value(ZIN, "provider_agb", ""),
        "provider_agb",
        "AGB-code",
    ),
    "an unknown AGB code": (
        with_value(ZIN, "provider_agb", "73999999"),
        "provider_agb",
        "onbekende aanbieder",
    ),
    "a PGB without budget holder": (
        with_value(PGB, "budget_holder", " "),
        "budget_holder",
        "budgethouder",
    ),
    "a ZIN line with a budget holder": (
        with_value(ZIN, "budget_holder", "A. Huizinga"),
        "budget_holder",
        "Alleen een persoonsgebonden budget heeft een budgethouder.",
    ),
    "an unknown financing": (with_value(ZIN, "financing", "WMO"), "financing", "ZIN"),
    "a budget holder over 200 characters": (
        with_value(PGB, "budget_holder", "B" * 201),
        "budget_holder",
        "200",
    ),
    "a referrer code that is not one": (
        with_value(ZIN, "referrer_type", "07"),
        "referrer_type",
        "iJw-verwijzerscode",
    ),
    "an end date in 9999": (
        with_value(ZIN, "end", "9999-12-31"),
        "end",
        "laat de einddatum leeg",
    ),
}


@pytest.mark.parametrize("case", BAD, ids=list(BAD))
def test_every_bad_value_is_a_line_error_and_nothing_is_imported(tmp_path, case):
    line, column, fragment = BAD[case]
    path = tmp_path / "indicaties.csv"
    path.write_bytes(content(OPEN, line))
    stderr = io.StringIO()
    with pytest.raises(CommandError, match="Niets geïmporteerd"):
        call_command("import_indications", str(path), stderr=stderr)
    lines = stderr.getvalue().splitlines()
    assert any(f"regel 3, veld {column}:" in x and fragment in x for x in lines), lines
    assert len(lines) == 1, lines
    assert not Indication.objects.exists() and not Client.objects.exists()


def test_an_open_end_overlaps_every_later_period():
    later = with_value(with_value(OPEN, "start", "2030-01-01"), "end", "2030-12-31")
    result = import_indications_csv(content(OPEN, later))
    assert [(e.line, e.field) for e in result.errors] == [(3, "start")]
    client = ClientFactory(bsn="012345672")
    IndicationFactory(
        client=client,
        product=Product.objects.get(code="51G01"),
        start_on=D(2024, 1, 1),
        end_on=None,
    )
    result = import_indications_csv(content(later))
    assert [(e.line, e.field) for e in result.errors] == [(2, "start")]
    assert "overlapt een indicatie" in str(result.errors[0])


def test_a_pgb_allocation_imported_again_is_the_same_indication():
    """The unique allocation treats an empty provider as equal (nulls not distinct)."""
    assert import_indications_csv(content(PGB)).created == 1
    again = import_indications_csv(content(PGB))
    assert (again.ok, again.created, again.existing) == (True, 0, 1)
    assert Indication.objects.count() == 1
