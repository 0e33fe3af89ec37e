"""Importing the previous system's allocations from its JW301 messages: a change history per
allocation number applied in order, all or nothing, idempotent; the command and the page."""

import datetime
import io
import zipfile

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.utils import translation

from ijw import xml
from ijw.importer import (
    MAX_ENTRIES,
    Jw301Result,
    entries_from_path,
    entries_from_zip,
    import_jw301,
)
from ijw.models import Message
from indications.models import Indication, Task
from intake.models import Client
from tests.factories import IndicationFactory

from .conftest import SHARED

NOW = datetime.datetime(2026, 12, 4, 10, 0, tzinfo=datetime.UTC)
pytestmark = pytest.mark.django_db
NEW_BSN = "111222333"  # passes the 11-proof; not the `child` fixture's


@pytest.fixture(autouse=True)
def pinned_time():
    with time_machine.travel(NOW, tick=False):
        yield


def _child(bsn=NEW_BSN, postcode="9735AB"):
    return xml.ClientData(
        bsn=bsn,
        date_of_birth=datetime.date(2014, 2, 14),
        last_name="Wit",
        prefix="de",
        first_names="Tom",
        street="Beijumerweg",
        house_number="12",
        postcode=postcode,
        city="Groningen",
    )


def jw301(
    identification,
    dated_on,
    *,
    number=500001,
    code="45A51",
    start_on=datetime.date(2026, 1, 15),
    end_on=datetime.date(2026, 7, 14),
    reason="",
    receiver="42420001",
    child=None,
    at=None,
) -> bytes:
    return xml.jw301_xml(
        sender="0014",
        receiver=receiver,
        identification=identification,
        dated_on=dated_on,
        client=child or _child(),
        products=[
            xml.AllocatedProduct(
                number=number,
                category=code[:2],
                code=code,
                allocated_at=at or datetime.datetime.combine(dated_on, datetime.time(9, 0)),
                start_on=start_on,
                end_on=end_on,
                change_reason=reason,
            )
        ],
    )


def history() -> dict[str, bytes]:
    """Allocation 500001: created, extended (04), shortened (05); allocation 500002 (the
    other product): created and then removed (13), sent wrongly."""
    return {
        # Named so that the file order is not the date order.
        "c-shortened.xml": jw301(
            "old-0003", datetime.date(2026, 9, 1), end_on=datetime.date(2026, 12, 31), reason="05"
        ),
        "a-created.xml": jw301("old-0001", datetime.date(2026, 1, 10)),
        "b-extended.xml": jw301(
            "old-0002", datetime.date(2026, 6, 1), end_on=datetime.date(2027, 1, 14), reason="04"
        ),
        "d-created.xml": jw301(
            "old-0004",
            datetime.date(2026, 2, 1),
            number=500002,
            code="50G41",
            start_on=datetime.date(2026, 2, 2),
            end_on=datetime.date(2026, 8, 1),
        ),
        "e-removed.xml": jw301(
            "old-0005",
            datetime.date(2026, 2, 3),
            number=500002,
            code="50G41",
            start_on=datetime.date(2026, 2, 2),
            end_on=datetime.date(2026, 2, 2),
            reason="13",
        ),
        "readme.txt": b"exported from the old system",
    }


def folder(tmp_path, files: dict[str, bytes]):
    path = tmp_path / "jw301"
    path.mkdir()
    for name, data in files.items():
        (path / name).write_bytes(data)
    return path


def zipped(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def run(entries) -> Jw301Result:
    with translation.override("en"):
        result = import_jw301(entries)
        # The report's words, in English, while the language is set.
        result.lines = [str(line) for line in result.errors + result.notes]
    return result


def _from_zip(data) -> Jw301Result:
    result = Jw301Result()
    entries = entries_from_zip(data, result, name="upload.zip")
    if not result.ok:
        return result
    return import_jw301(entries, result=result)


def test_a_change_history_is_applied_in_date_order(tmp_path, provider, beijum):
    result = Jw301Result()
    entries = entries_from_path(folder(tmp_path, history()), result)
    assert [note.file for note in result.notes] == ["readme.txt"]
    result = import_jw301(entries, result=result)
    assert result.ok, result.errors
    assert (result.created, result.updated, result.removed, result.clients_created) == (2, 2, 1, 1)
    indication = Indication.objects.get()
    assert indication.allocation_number == 500001
    assert (indication.start_on, indication.end_on) == (
        datetime.date(2026, 1, 15),
        datetime.date(2026, 12, 31),
    )
    assert indication.referrer_type == "" and indication.financing == Indication.Financing.ZIN
    assert indication.provider == provider and indication.product.code == "45A51"
    child = Client.objects.get(bsn=NEW_BSN)
    assert (child.first_name, child.last_name, child.team) == ("Tom", "de Wit", beijum)
    assert (child.postcode, child.house_number) == ("9735AB", "12")
    # Each message is in the register, as imported, linked to what it made.
    imported = Message.objects.filter(status=Message.Status.IMPORTED)
    assert imported.count() == 5
    assert set(indication.ijw_messages.values_list("identification", flat=True)) == {
        "old-0001",
        "old-0002",
        "old-0003",
    }
    assert not Indication.objects.filter(allocation_number=500002).exists()


def test_importing_the_same_folder_twice_changes_nothing(tmp_path, provider, beijum):
    path = folder(tmp_path, history())
    call_command("import_indications", "--format", "jw301", str(path), stdout=io.StringIO())
    before = list(Indication.objects.values())
    result = import_jw301(entries_from_path(path, Jw301Result()))
    assert result.ok
    assert (result.created, result.updated, result.removed, result.existing) == (0, 0, 0, 5)
    assert list(Indication.objects.values()) == before
    assert Message.objects.count() == 5


def test_the_zip_imports_as_the_folder(provider, beijum):
    result = _from_zip(zipped(history()))
    assert result.ok, result.errors
    assert (result.created, result.updated, result.removed) == (2, 2, 1)


def test_an_end_before_today_ends_the_indication_and_an_open_end_is_kept(provider, child):
    result = run(
        [
            (
                "ended.xml",
                jw301(
                    "old-1",
                    datetime.date(2025, 1, 1),
                    start_on=datetime.date(2025, 1, 15),
                    end_on=datetime.date(2025, 6, 30),
                ),
            ),
            (
                "open.xml",
                jw301(
                    "old-2",
                    datetime.date(2026, 1, 1),
                    number=500009,
                    code="50G41",
                    end_on=None,
                    child=_child(bsn=child.bsn),
                ),
            ),
        ]
    )
    assert result.ok, result.lines
    ended, open_end = Indication.objects.order_by("allocation_number")
    assert ended.status == Indication.Status.ENDED
    assert open_end.end_on is None and open_end.status == Indication.Status.ACTIVE


def test_the_official_example_names_products_that_are_not_basis_jeugdhulp(provider, child):
    """Its Ontvanger 42420001 is our provider; its products 55A11/55A12 (category 55) are
    not among the 11: they are skipped, each with a line, and nothing is stored but the
    message in the register (so a second import knows it)."""
    raw = (SHARED / "voorbeelden" / "JW301.xml").read_bytes()
    # As published it is sent by municipality 0384: not ours to import.
    refused = run([("JW301.xml", raw)])
    assert not refused.ok and "0384" in refused.errors[0].reason
    raw = raw.replace(b"<jw301:Afzender>0384<", b"<jw301:Afzender>0014<")
    result = run([("JW301.xml", raw)])
    assert result.ok
    assert result.created == 0
    assert [note.allocation for note in result.notes] == ["300201", "300202"]
    assert "55A11" in result.lines[0] and "not one of the 11" in result.lines[0]
    assert not Indication.objects.exists()
    assert Message.objects.get().status == Message.Status.IMPORTED


def _one_error(entries) -> str:
    result = run(entries)
    assert not result.ok
    assert not Indication.objects.exists() and not Message.objects.exists()
    assert Client.objects.filter(bsn=NEW_BSN).exists() is False
    return " | ".join(result.lines)


def test_bad_input_is_an_error_line_and_nothing_is_stored(provider, beijum):
    good = ("good.xml", jw301("old-1", datetime.date(2026, 1, 10)))
    base = jw301("old-2", datetime.date(2026, 1, 10), number=500002, code="50G41")
    cases = {
        "not-xml.xml": (b"\x01 not xml", "not a readable XML message"),
        "utf-16.xml": (b"\xff\xfe<\x00?\x00", "NUL bytes"),
        "wrong.xml": (
            base.replace(b"<jw301:Geslacht>", b"<jw301:Onzin/><jw301:Geslacht>"),
            "schema",
        ),
        "bad-date.xml": (base.replace(b"2026-01-15", b"2026-02-30"), "schema"),
        "year-9999.xml": (
            base.replace(b"<jw301:Einddatum>2026-07-14", b"<jw301:Einddatum>9999-12-31"),
            "Einddatum",
        ),
        "bad-bsn.xml": (
            jw301("old-2", datetime.date(2026, 1, 10), number=500002, child=_child("123456789")),
            "not a valid BSN",
        ),
        "unknown-agb.xml": (
            jw301("old-2", datetime.date(2026, 1, 10), number=500002, receiver="99999999"),
            "unknown provider (AGB code 99999999)",
        ),
        "no-team.xml": (
            jw301(
                "old-2",
                datetime.date(2026, 1, 10),
                number=500002,
                child=_child("999900018", "1011AB"),
            ),
            "postcode in a WIJ team's area",
        ),
        "a-jw305.xml": ((SHARED / "voorbeelden" / "JW305.xml").read_bytes(), "not a JW301"),
    }
    for name, (raw, expected) in cases.items():
        report = _one_error([good, (name, raw)])
        assert name in report and expected in report, (name, report)


def test_duplicates_are_refused(provider, beijum):
    raw = jw301("old-1", datetime.date(2026, 1, 10))
    assert "the same message identification old-1" in _one_error([("a.xml", raw), ("b.xml", raw)])
    same_moment = jw301("old-2", datetime.date(2026, 1, 10), end_on=datetime.date(2026, 9, 1))
    assert "the order is unknown" in _one_error([("a.xml", raw), ("b.xml", same_moment)])


def test_a_change_of_another_child_or_without_reason_is_refused(provider, beijum):
    created = ("a.xml", jw301("old-1", datetime.date(2026, 1, 10)))
    later = datetime.date(2026, 3, 1)
    no_reason = jw301("old-2", later, end_on=datetime.date(2026, 9, 1))
    assert "needs its reason" in _one_error([created, ("b.xml", no_reason)])
    shorter = jw301("old-2", later, end_on=datetime.date(2026, 9, 1), reason="05")
    assert "an earlier end date" in _one_error([created, ("b.xml", shorter)])
    other = jw301("old-2", later, code="50G41", end_on=datetime.date(2026, 9, 1), reason="12")
    assert "another child, product or provider" in _one_error([created, ("b.xml", other)])


def test_an_overlap_with_a_registered_indication_is_an_error(provider, child):
    IndicationFactory(client=child, provider=provider, start_on=datetime.date(2025, 1, 1))
    result = run([("a.xml", jw301("old-1", datetime.date(2026, 1, 10), child=_child(child.bsn)))])
    assert "already has an indication for this product" in " ".join(result.lines)
    assert Indication.objects.count() == 1 and not Message.objects.exists()


def test_a_removal_of_an_allocation_something_depends_on_is_refused(provider, child):
    first = run([("a.xml", jw301("old-1", datetime.date(2026, 1, 10), child=_child(child.bsn)))])
    assert first.ok
    indication = Indication.objects.get()
    Task.objects.create(
        indication=indication,
        team=child.team,
        kind=Task.Kind.choices[0][0],
        due_on=datetime.date(2026, 6, 1),
    )
    removed = jw301(
        "old-2",
        datetime.date(2026, 2, 1),
        end_on=datetime.date(2026, 1, 15),
        reason="13",
        child=_child(child.bsn),
    )
    result = run([("b.xml", removed)])
    assert "cannot be removed (reason 13)" in " ".join(result.lines)
    assert Indication.objects.filter(pk=indication.pk).exists()


def test_zip_bombs_and_paths_out_of_the_folder_are_refused(provider, beijum, monkeypatch):
    with translation.override("en"):
        result = _from_zip(zipped({"../evil.xml": jw301("old-1", datetime.date(2026, 1, 10))}))
        assert "a path outside the folder" in str(result.errors[0])
        result = _from_zip(b"PK\x03\x04 not really a zip")
        assert "not a readable zip file" in str(result.errors[0])
        monkeypatch.setattr("ijw.importer.MAX_ENTRIES", 2)
        result = _from_zip(zipped({f"{n}.xml": b"<x/>" for n in range(3)}))
        assert "more than 2 files" in str(result.errors[0])
        monkeypatch.setattr("ijw.importer.MAX_TOTAL_BYTES", 1_000)
        result = _from_zip(zipped({"big.xml": b" " * 2_000}))
        assert "MB of messages" in str(result.errors[0])
    assert MAX_ENTRIES > 1_000
    assert not Indication.objects.exists()


def test_the_command_prints_the_report_and_fails_on_errors(tmp_path, provider, beijum):
    out = io.StringIO()
    with translation.override("en"):
        call_command(
            "import_indications", "--format", "jw301", str(folder(tmp_path, history())), stdout=out
        )
    assert (
        "2 new allocations, 2 updated, 1 removed, 0 already known, 1 new children" in out.getvalue()
    )
    single = tmp_path / "one.xml"
    single.write_bytes(jw301("old-9", datetime.date(2026, 1, 10), receiver="99999999"))
    err = io.StringIO()
    with pytest.raises(CommandError), translation.override("en"):
        call_command("import_indications", "--format", "jw301", str(single), stderr=err)
    assert "one.xml: unknown provider" in err.getvalue()


# The page (/jeugdadministratie/import/)

IMPORT = "/jeugdadministratie/import/"


def _upload(name, data, content_type="application/zip"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type=content_type)


def test_the_page_checks_first_and_imports_on_confirmation(client, youth_admin, provider, beijum):
    client.force_login(youth_admin)
    response = client.post(IMPORT, {"file": _upload("oud.zip", zipped(history()))})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Er is nog niets opgeslagen" in html and "readme.txt" in html
    assert not Indication.objects.exists() and not Message.objects.exists()
    token = response.context["confirm"].initial["token"]
    done = client.post(IMPORT, {"token": token})
    assert done.status_code == 200
    assert "2 nieuwe toewijzingen, 2 gewijzigd, 1 verwijderd" in done.content.decode()
    assert Indication.objects.get().allocation_number == 500001
    # The confirmation is used up: a second post imports nothing again.
    again = client.post(IMPORT, {"token": token})
    assert again.status_code == 400 and "opnieuw" in again.content.decode()


def test_the_page_takes_several_xml_files(client, youth_admin, provider, beijum):
    client.force_login(youth_admin)
    files = [
        _upload(name, data, "text/xml") for name, data in history().items() if name.endswith(".xml")
    ]
    response = client.post(IMPORT, {"file": files})
    assert response.status_code == 200
    client.post(IMPORT, {"token": response.context["confirm"].initial["token"]})
    assert Indication.objects.count() == 1


def test_bad_messages_are_listed_on_the_page_and_nothing_is_stored(
    client, youth_admin, provider, beijum
):
    client.force_login(youth_admin)
    files = {**history(), "x.xml": jw301("old-9", datetime.date(2026, 1, 1), receiver="99999999")}
    response = client.post(IMPORT, {"file": _upload("oud.zip", zipped(files))})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Niets geïmporteerd: 1 fout." in html
    assert '<td class="utrecht-table__cell">x.xml</td>' in html
    assert "onbekende aanbieder (AGB-code 99999999)" in html
    assert not Indication.objects.exists() and not Client.objects.exists()


@pytest.mark.parametrize(
    "token",
    ["", "0" * 32, "zz", "a\x00b", "9" * 10_000],
    ids=["empty", "unknown", "odd", "nul", "huge"],
)
def test_an_odd_confirmation_is_a_message_not_an_error(client, youth_admin, token):
    client.force_login(youth_admin)
    response = client.post(IMPORT, {"token": token})
    assert response.status_code == 400
    assert "opnieuw" in response.content.decode()


def test_a_50_mb_upload_is_refused_with_a_message(client, youth_admin, provider, beijum):
    client.force_login(youth_admin)
    response = client.post(IMPORT, {"file": _upload("groot.zip", b"0" * 50_000_000)})
    assert response.status_code == 400
    assert "groter dan 20 MB" in response.content.decode()
    assert not Indication.objects.exists() and not Message.objects.exists()


def test_a_csv_and_xml_together_are_refused(client, youth_admin):
    client.force_login(youth_admin)
    files = [_upload("a.csv", b"bsn\n", "text/csv"), _upload("b.xml", b"<x/>", "text/xml")]
    response = client.post(IMPORT, {"file": files})
    assert response.status_code == 400
    assert "CSV-bestand" in response.content.decode()


def test_only_the_youth_administration_imports(client, provider, beijum, intake_worker):
    client.force_login(intake_worker)
    response = client.post(IMPORT, {"file": _upload("oud.zip", zipped(history()))})
    assert response.status_code == 403
    assert not Indication.objects.exists()


def test_another_product_of_a_basis_category_is_skipped_like_a_jw315_would_route_it(
    provider, beijum
):
    raw = jw301("old-9", datetime.date(2026, 1, 10), number=500009, code="45A03")
    result = run([("ander-product.xml", raw)])
    assert result.ok and result.created == 0
    assert any("45A03" in line and "not one of the 11" in line for line in result.lines)


def test_an_allocation_of_another_municipality_is_not_imported(provider, beijum):
    raw = jw301("old-8", datetime.date(2026, 1, 10)).replace(
        b"<jw301:Afzender>0014<", b"<jw301:Afzender>0363<"
    )
    result = run([("amsterdam.xml", raw)])
    assert not result.ok and "0363" in " ".join(result.lines)


def test_an_allocation_number_this_system_issued_is_not_changed_by_an_import(provider, beijum):
    """Found in review: the sequence's numbers and the old system's could meet; an old
    message then silently rewrote an allocation this system had made."""
    raw = jw301("old-7", datetime.date(2026, 1, 10), number=500007)
    made_here = run([("a.xml", raw)])
    assert made_here.ok
    Message.objects.filter(status=Message.Status.IMPORTED).delete()  # as if we issued it
    later = jw301(
        "old-7b", datetime.date(2026, 2, 10), number=500007, end_on=datetime.date(2026, 9, 1)
    )
    result = run([("b.xml", later)])
    assert not result.ok and "issued by this system" in " ".join(result.lines)
