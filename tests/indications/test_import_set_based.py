"""The import's checks over the whole file (a staging table and one query): the same Dutch
line messages as before, and a file of thousands of lines in as many queries as one of
fifty, with the history rows the ORM would write."""

import datetime
import io
import random

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.services import forget_known_partitions
from indications.models import Indication
from intake.models import Client
from samen import roles
from samen.identifiers import generate_bsn
from tests.factories import ClientFactory, IndicationFactory, ProviderFactory, UserFactory

pytestmark = pytest.mark.django_db
D = datetime.date
HEADER = "bsn,first_name,last_name,date_of_birth,postcode,house_number,product_code,provider_agb,referrer_type,start,end\n"
DAAN = "111222333,Daan,Huizinga,2015-03-01,9735 AB,12"


@pytest.fixture(autouse=True)
def _setup(db, beijum):
    forget_known_partitions()
    ProviderFactory(agb_code="73990001", name="Zorg Noord")
    with time_machine.travel(datetime.datetime(2026, 11, 22, 10, 0, tzinfo=datetime.UTC)):
        yield


def run(tmp_path, *lines) -> str:
    """Import the lines by the command; what it wrote to stderr (the line errors)."""
    path = tmp_path / "indicaties.csv"
    path.write_text(HEADER + "".join(line + "\n" for line in lines), encoding="utf-8")
    errors = io.StringIO()
    with pytest.raises(CommandError, match="Niets geïmporteerd"):
        call_command("import_indications", str(path), stderr=errors)
    return errors.getvalue()


def test_duplicates_overlaps_and_new_children_are_line_errors_in_dutch(tmp_path):
    registered = IndicationFactory(
        client=ClientFactory(bsn="012345672"),
        product__code="51G01",
        start_on=D(2025, 1, 1),
        end_on=D(2026, 12, 31),
    )
    report = run(
        tmp_path,
        f"{DAAN},45A51,73990001,02,2025-01-01,2027-03-31",  # 2
        f"{DAAN},45A51,73990001,02,2025-01-01,2027-03-31",  # 3: the same as 2
        f"{DAAN},45A51,73990001,02,2026-01-01,",  # 4: an open end overlapping 2
        f"012345672,Mila,Bos,2012-07-07,,3,{registered.product.code},73990001,04,2026-06-01,2027-12-31",  # 5
        "999999990,Nieuw,Kind,2012-07-07,,3,45A04,73990001,04,2026-06-01,2027-12-31",  # 6
        f"{DAAN},45A04,73990001,02,2025-01-01,2027-13-31",  # 7: its own error only
    )
    assert report.splitlines() == [
        "regel 3, veld line: hetzelfde als regel 2",
        "regel 4, veld start: overlapt regel 2 voor hetzelfde kind en product",
        "regel 5, veld start: overlapt een indicatie die al geregistreerd is voor dit kind "
        "en product",
        "regel 6, veld postcode: een nieuw kind heeft een postcode in het gebied van een "
        "WIJ-team nodig",
        "regel 7, veld end: geen datum (JJJJ-MM-DD of DD-MM-JJJJ)",
    ]
    assert Indication.objects.count() == 1


def test_the_same_allocation_again_is_known_not_an_overlap(tmp_path, capsys):
    line = f"{DAAN},45A51,73990001,02,2025-01-01,2027-03-31"
    path = tmp_path / "indicaties.csv"
    path.write_text(HEADER + line + "\n", encoding="utf-8")
    call_command("import_indications", str(path))
    call_command("import_indications", str(path))
    assert "0 nieuwe indicaties, 1 al bekend, 0 nieuwe jeugdigen" in capsys.readouterr().out


def lines_for(count: int, seed: int) -> str:
    rng = random.Random(seed)
    return HEADER + "".join(
        f"{generate_bsn(rng)},Kind,Test{n},2015-01-01,9735AB,{n},45A51,73990001,02,"
        f"2026-01-01,2027-01-31\n"
        for n in range(count)
    )


def test_thousands_of_lines_take_as_many_queries_as_fifty_with_their_history(tmp_path):
    from indications.importer import import_indications_csv

    def queries_for(count: int, seed: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            result = import_indications_csv(lines_for(count, seed).encode())
        assert result.ok and result.created == count and result.clients_created == count
        return len(captured.captured_queries)

    assert queries_for(50, 1) == queries_for(5_000, 2)
    assert Indication.objects.count() == Client.objects.count() == 5_050
    assert Indication.history.filter(history_type="+").count() == 5_050
    assert Client.history.filter(history_type="+").count() == 5_050
    one = Indication.objects.filter(client__last_name="Test4999").get()
    assert (one.status, one.evaluation_due_on, one.version) == ("active", D(2026, 11, 30), 1)
    assert one.client.search_name == "kind test4999" and one.client.team.name == "WIJ Beijum"
    again = import_indications_csv(lines_for(5_000, 2).encode())
    assert (again.created, again.existing, again.clients_created) == (0, 5_000, 0)


def test_the_upload_goes_through_the_storage_and_is_deleted(client):
    admin = UserFactory(role=roles.YOUTH_ADMIN, username="jeugdadmin")
    client.force_login(admin)
    upload = SimpleUploadedFile("indicaties.csv", lines_for(3, 7).encode(), "text/csv")
    response = client.post("/jeugdadministratie/import/", {"file": upload})
    assert response.status_code == 302
    assert Indication.objects.count() == 3
    # The history names who imported.
    assert set(Indication.history.values_list("history_user", flat=True)) == {admin.pk}
    _folders, files = default_storage.listdir("imports")
    assert files == []
