"""Every bad value in an indication file is a line of the import's report — never a server
error, never stored: through the real import page (/jeugdadministratie/import/), the
command, and the importer itself on random bytes."""

import datetime
import html
import io
import random
import re

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.services import forget_known_partitions
from indications.importer import import_indications_csv
from indications.models import Indication
from intake.models import Client
from samen import roles
from samen.identifiers import generate_bsn
from tests.factories import ProviderFactory, UserFactory

pytestmark = pytest.mark.django_db
IMPORT = "/jeugdadministratie/import/"
HEADER = "bsn,first_name,last_name,date_of_birth,postcode,house_number,product_code,provider_agb,referrer_type,start,end"
GOOD = "111222333,Daan,Huizinga,2015-03-01,9735 AB,12,45A51,73990001,02,2025-01-01,2027-03-31"
OTHER = "12345672,Mila,Bos,2012-07-07,9735CD,3,51G01,73990001,04,2025-06-01,2026-12-31"
ROW = re.compile(
    r'<td class="utrecht-table__cell">(.*?)</td>\s*'
    r'<td class="utrecht-table__cell">(.*?)</td>\s*'
    r'<td class="utrecht-table__cell">(.*?)</td>',
    re.S,
)


@pytest.fixture(autouse=True)
def _setup(db, beijum):
    forget_known_partitions()
    ProviderFactory(agb_code="73990001", name="Zorg Noord")
    with time_machine.travel(datetime.datetime(2026, 11, 22, 10, 0, tzinfo=datetime.UTC)):
        yield


@pytest.fixture
def youth_admin(db):
    return UserFactory(role=roles.YOUTH_ADMIN, username="jeugdadmin")


def good_with(column: str, value: str, line: str = GOOD) -> str:
    values = line.split(",")
    values[HEADER.split(",").index(column)] = value
    return ",".join(values)


def post(client, content: bytes):
    response = client.post(
        IMPORT, {"file": SimpleUploadedFile("indicaties.csv", content, content_type="text/csv")}
    )
    assert response.status_code == 400, response.status_code
    rows = [
        tuple(html.unescape(cell) for cell in row) for row in ROW.findall(response.content.decode())
    ]
    assert "Niets geïmporteerd" in response.content.decode()
    return rows


def lines(*text: str) -> bytes:
    return ("\n".join(text) + "\n").encode()


CASES = {
    # found by the fuzzing of issue 15
    "first name over 100": (
        lines(HEADER, good_with("first_name", "D" * 101)),
        ("2", "first_name", "niet meer dan 100 tekens"),
    ),
    "house number over 10": (
        lines(HEADER, good_with("house_number", "12345678901")),
        ("2", "house_number", "niet meer dan 10 tekens"),
    ),
    "birth date in the future": (
        lines(HEADER, good_with("date_of_birth", "2027-01-01")),
        ("2", "date_of_birth", "kan niet in de toekomst liggen"),
    ),
    "first line without a separator": (
        b"just some text\nwithout columns\n",
        ("1", "header", "De eerste regel moet de kopregel zijn"),
    ),
    "NUL byte in a line": (
        lines(HEADER, GOOD, "12345672,Mila\x00,Bos"),
        ("3", "line", "NUL-byte"),
    ),
    "end date in 9999": (
        lines(HEADER, good_with("end", "9999-12-31")),
        ("2", "end", "Voor een open einde: laat de einddatum leeg"),
    ),
    "end date 31-12-9999": (
        lines(HEADER, good_with("end", "31-12-9999")),
        ("2", "end", "tussen 1-1-1900 en 31-12-2100"),
    ),
    "start date in 1850": (
        lines(HEADER, good_with("start", "1850-01-01")),
        ("2", "start", "tussen 1-1-1900 en 31-12-2100"),
    ),
    # and the other kinds of wrong file
    "non-UTF-8 bytes": (
        lines(HEADER, GOOD) + "12345672,Mila,Hüizinga".encode("latin-1") + b"\n",
        ("3", "file", "geen UTF-8-tekst"),
    ),
    "empty (blank lines only)": (b"  \n\n", ("1", "file", "het bestand is leeg")),
    "binary": (b"PK\x03\x04\x14\x00\x00\x00\x08\x00", ("1", "header", "kopregel")),
    "huge first line": (b"x" * 2000 + b"\n", ("1", "header", "kopregel")),
    "huge line": (lines(HEADER, GOOD, "1," * 3000), ("3", "line", "langer dan 1000 tekens")),
    "BSN that fails the eleven-test": (
        lines(HEADER, good_with("bsn", "111222334")),
        ("2", "bsn", "geen geldig BSN"),
    ),
    "duplicate lines": (lines(HEADER, GOOD, OTHER, GOOD), ("4", "line", "hetzelfde als regel 2")),
    "too few columns": (
        lines(HEADER, "111222333,Daan"),
        ("2", "line", "2 kolommen in plaats van 11"),
    ),
    "wrong header": (lines(HEADER.replace("bsn", "BSN-nummer"), GOOD), ("1", "header", "kopregel")),
    "not a date": (
        lines(HEADER, good_with("start", "2025-02-30")),
        ("2", "start", "geen datum"),
    ),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_every_bad_value_is_a_line_of_the_report(client, youth_admin, case):
    content, (line, column, fragment) = CASES[case]
    client.force_login(youth_admin)
    rows = post(client, content)
    assert any(row[0] == line and row[1] == column and fragment in row[2] for row in rows), rows
    assert not Indication.objects.exists() and not Client.objects.exists()


def test_the_other_lines_are_checked_too(client, youth_admin):
    """A line that cannot be read does not hide the errors of the others."""
    client.force_login(youth_admin)
    content = lines(
        HEADER,
        "111222333,Daan\x00",
        good_with("first_name", "M" * 101, OTHER),
        good_with("end", "9999-12-31"),
    )
    rows = post(client, content)
    assert [(row[0], row[1]) for row in rows] == [
        ("2", "line"),
        ("3", "first_name"),
        ("4", "end"),
    ]


def test_a_semicolon_file_with_a_byte_order_mark_imports(client, youth_admin):
    client.force_login(youth_admin)
    content = "\ufeff" + "\n".join(
        [HEADER.replace(",", ";"), GOOD.replace(",", ";"), OTHER.replace(",", ";")]
    )
    response = client.post(
        IMPORT,
        {"file": SimpleUploadedFile("i.csv", content.encode(), content_type="text/csv")},
        follow=True,
    )
    assert "2 nieuwe indicaties" in response.content.decode()
    assert Indication.objects.count() == 2


def test_the_command_reports_the_same_lines(tmp_path):
    path = tmp_path / "indicaties.csv"
    path.write_bytes(lines(HEADER, good_with("end", "9999-12-31"), "1\x00"))
    stderr = io.StringIO()
    with pytest.raises(CommandError, match="2 fout"):
        call_command("import_indications", str(path), stderr=stderr)
    assert "regel 2, veld end: Vul een datum in tussen 1-1-1900 en 31-12-2100." in stderr.getvalue()
    assert "regel 3, veld line: bevat een NUL-byte" in stderr.getvalue()
    assert not Indication.objects.exists()


def test_the_importer_never_raises_on_random_bytes():
    """Random bytes and random mutations of a good file: a report, never an exception."""
    rng = random.Random(15)
    good = lines(HEADER, GOOD, OTHER)
    alphabet = b"\x00\xff\xfe,;\"'\r\n\t 0123456789-9999abcAB\xc3\xa9\xe2\x80\xa8"
    for _ in range(150):
        if rng.random() < 0.3:
            data = bytes(rng.randrange(256) for _ in range(rng.randrange(300)))
        else:
            data = bytearray(good)
            for _ in range(rng.randrange(1, 8)):
                data[rng.randrange(len(data))] = rng.choice(alphabet)
            data = bytes(data)
        before = Indication.objects.count()
        result = import_indications_csv(data)
        if result.errors:
            assert result.created == 0 and Indication.objects.count() == before
            assert all(error.line >= 1 for error in result.errors)


def test_checking_a_file_takes_as_many_queries_for_1_line_as_for_500():
    """Reference data and registered children are read once per file, never per line."""
    rng = random.Random(15)

    def queries_for(count):
        # every line its own child, and wrong only in its end date: checked in full
        body = [
            good_with("end", "9999-12-31", good_with("bsn", generate_bsn(rng)))
            for _ in range(count)
        ]
        with CaptureQueriesContext(connection) as captured:
            result = import_indications_csv(lines(HEADER, *body))
        assert len(result.errors) == count
        return len(captured.captured_queries)

    assert queries_for(1) == queries_for(500)
