"""Importing indications (all or nothing, twice without duplicates), extension decisions
and a provider that stops."""

import datetime

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.utils.html import escape

from indications import services
from indications.models import ExtensionRequest, Indication, Task
from intake.models import Client
from openhouse.models import Provider
from samen import roles
from tests.factories import (
    ClientFactory,
    IndicationFactory,
    ProviderFactory,
    TriageFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
D = datetime.date
HEADER = "bsn,first_name,last_name,date_of_birth,postcode,house_number,product_code,provider_agb,referrer_type,start,end\n"


@pytest.fixture
def provider(db):
    return ProviderFactory(agb_code="73990001", name="Zorg Noord")


def write(tmp_path, *lines, header=HEADER):
    path = tmp_path / "indicaties.csv"
    path.write_text(header + "".join(line + "\n" for line in lines), encoding="utf-8")
    return path


GOOD = [
    "111222333,Daan,Huizinga,2015-03-01,9735 AB,12,45A51,73990001,02,2025-01-01,2027-03-31",
    "111222333,Daan,Huizinga,2015-03-01,9735 AB,12,45A04,73990001,02,01-02-2025,31-01-2027",
    "12345672,Mila,Bos,2012-07-07,9735CD,3,51G01,73990001,04,2025-06-01,2026-12-31",
]


def test_a_valid_file_imports_in_one_go_and_twice_creates_nothing_new(
    tmp_path, provider, beijum, capsys
):
    path = write(tmp_path, *GOOD)
    call_command("import_indications", str(path))
    assert "3 nieuwe indicaties, 0 al bekend, 2 nieuwe jeugdigen" in capsys.readouterr().out
    assert Indication.objects.count() == 3 and Client.objects.count() == 2
    assert Client.objects.get(bsn="012345672").team == beijum
    second = Indication.objects.get(product__code="45A04")
    assert (second.start_on, second.end_on) == (D(2025, 2, 1), D(2027, 1, 31))
    assert second.evaluation_due_on == D(2026, 11, 30)
    call_command("import_indications", str(path))
    assert "0 nieuwe indicaties, 3 al bekend, 0 nieuwe jeugdigen" in capsys.readouterr().out
    assert Indication.objects.count() == 3


@pytest.mark.parametrize(
    ("line", "field", "reason"),
    [
        (
            "123456789,Daan,Huizinga,2015-03-01,9735AB,12,45A51,73990001,02,2025-01-01,2027-03-31",
            "bsn",
            "elfproef",
        ),
        (
            "111222333,Daan,Huizinga,2015-03-01,9735AB,12,99X99,73990001,02,2025-01-01,2027-03-31",
            "product_code",
            "onbekende productcode",
        ),
        (
            "111222333,Daan,Huizinga,2015-03-01,9735AB,12,45A51,73999999,02,2025-01-01,2027-03-31",
            "provider_agb",
            "onbekende aanbieder",
        ),
        (
            "111222333,Daan,Huizinga,2015-03-01,9735AB,12,45A51,73990001,07,2025-01-01,2027-03-31",
            "referrer_type",
            "iJw-verwijzerscode",
        ),
        (
            "111222333,Daan,Huizinga,2015-03-01,9735AB,12,45A51,73990001,02,2025-01-01,2024-12-31",
            "end",
            "na de begindatum",
        ),
        (
            "111222333,Daan,Huizinga,2015-03-01,9735AB,12,45A51,73990001,02,1-1-25,2027-03-31",
            "start",
            "geen datum",
        ),
        (
            "111222333,Daan,Huizinga,2015-03-01,1011AB,12,45A51,73990001,02,2025-01-01,2027-03-31",
            "postcode",
            "WIJ-team",
        ),
        (
            "111222333,Daan,Huizinga,2015-03-01,9735AB,12,45A51,73990001,02,2026-01-01,2027-12-31",
            "start",
            "overlapt regel 2",
        ),
    ],
)
def test_a_file_with_any_bad_line_imports_nothing_and_says_why(
    tmp_path, provider, beijum, capsys, line, field, reason
):
    path = write(tmp_path, GOOD[0], line, GOOD[2])
    with pytest.raises(CommandError, match="Niets geïmporteerd"):
        call_command("import_indications", str(path))
    report = capsys.readouterr().err
    assert f"regel 3, veld {field}:" in report
    assert reason in report
    assert not Indication.objects.exists() and not Client.objects.exists()


def test_a_wrong_header_is_refused(tmp_path, provider):
    path = write(tmp_path, GOOD[0], header="bsn;naam\n")
    with pytest.raises(CommandError):
        call_command("import_indications", str(path))
    assert not Indication.objects.exists()


def test_an_overlap_with_a_registered_indication_is_refused(tmp_path, provider, beijum, capsys):
    client = ClientFactory(bsn="111222333", team=beijum)
    IndicationFactory(
        client=client,
        provider=ProviderFactory(agb_code="73990002"),
        start_on=D(2024, 1, 1),
        end_on=D(2025, 6, 30),
    )
    with pytest.raises(CommandError):
        call_command("import_indications", str(write(tmp_path, GOOD[0])))
    assert "overlapt een indicatie" in capsys.readouterr().err


def test_the_database_refuses_overlapping_indications(beijum):
    from django.db import IntegrityError, transaction

    first = IndicationFactory(client__team=beijum, start_on=D(2025, 1, 1), end_on=D(2025, 12, 31))
    with pytest.raises(IntegrityError), transaction.atomic():
        IndicationFactory(
            client=first.client,
            product=first.product,
            provider=ProviderFactory(),
            start_on=D(2025, 6, 1),
            end_on=D(2026, 5, 31),
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        IndicationFactory(
            client=first.client,
            product=first.product,
            provider=first.provider,
            start_on=D(2025, 2, 1),
            end_on=D(2025, 1, 1),
        )


@time_machine.travel(datetime.datetime(2026, 11, 22, 10, 0, tzinfo=datetime.UTC))
def test_an_extension_is_weighed_and_decided(beijum):
    """The youth administration decides (not the officials, who see no child). After the
    Open House closed for the product, "extend" needs WIJ's advice from the triage;
    "not extended" (Basis jeugdhulp at WIJ) does not."""
    from django.core.exceptions import ValidationError

    youth_admin = UserFactory(role=roles.YOUTH_ADMIN)
    indication = IndicationFactory(client__team=beijum, end_on=D(2026, 12, 31))
    request = ExtensionRequest.objects.create(
        indication=indication, requested_by="provider", reasons="Nog niet klaar."
    )

    def decide(extension, **values):
        values = {
            "decision": "extend",
            "weighing": "Gewogen.",
            "new_end_on": D(2027, 6, 30),
            **values,
        }
        return services.extension_decide(request_id=extension.pk, user=youth_admin, **values)

    with pytest.raises(ValidationError) as refused:
        decide(request)
    assert "alleen met het advies van WIJ" in str(refused.value)
    services.extension_advice_record(
        extension_id=request.pk,
        triage=TriageFactory(outcome="reindication_extend"),
        advice="WIJ adviseert te verlengen.",
        user=UserFactory(role=roles.WIJ_STAFF),
    )
    with pytest.raises(ValidationError):
        decide(request, weighing="")
    with pytest.raises(ValidationError):
        decide(request, new_end_on=D(2026, 6, 30))
    decide(request, weighing="Individueel gewogen: 6 maanden.")
    indication.refresh_from_db()
    assert (indication.status, indication.end_on, indication.evaluation_due_on) == (
        "extended",
        D(2027, 6, 30),
        D(2027, 4, 30),
    )
    request.refresh_from_db()
    assert request.decided_by == youth_admin
    other = ExtensionRequest.objects.create(
        indication=indication, requested_by="family", reasons="Graag langer."
    )
    decide(other, decision="wij", weighing="WIJ kan dit overnemen.", new_end_on=None)
    indication.refresh_from_db()
    assert indication.end_on == D(2027, 6, 30)
    other.refresh_from_db()
    assert (other.decision, other.new_end_on) == ("wij", None)


def test_a_provider_stop_flags_its_running_indications_for_wij(beijum, official, client):
    provider = ProviderFactory()
    running = [
        IndicationFactory(client__team=beijum, provider=provider, end_on=D(2027, 6, 30))
        for _ in range(3)
    ]
    IndicationFactory(
        client__team=beijum, provider=provider, end_on=D(2026, 12, 1)
    )  # ends before the stop
    other = IndicationFactory(client__team=beijum, end_on=D(2027, 6, 30))
    counts = services.provider_stop(provider=provider, stops_on=D(2027, 1, 1), user=official)
    assert counts == {"tasks": 3}
    assert set(Task.objects.values_list("indication_id", flat=True)) == {i.pk for i in running}
    assert not Task.objects.filter(indication=other).exists()
    provider.refresh_from_db()
    assert provider.stops_on == D(2027, 1, 1) and provider.status in ("stopping", "stopped")
    assert services.provider_stop(provider=provider, stops_on=D(2027, 1, 1), user=official) == {
        "tasks": 0
    }


def test_an_official_records_a_stop_in_the_admin(beijum, official, client):
    provider = ProviderFactory()
    IndicationFactory(client__team=beijum, provider=provider, end_on=D(2030, 6, 30))
    client.force_login(official)
    response = client.post(
        f"/admin/openhouse/provider/{provider.pk}/change/",
        {
            "name": provider.name,
            "agb_code": provider.agb_code,
            "contact_email": "",
            "status": "stopping",
            "stops_on": "2029-01-01",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
            "seen_version": provider.version,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Task.objects.filter(kind="provider_stops").count() == 1
    assert Provider.objects.get().history.first().history_user == official


def test_officials_no_longer_import_or_see_children_in_the_admin(client, official, beijum):
    """Importing needs a child's identity: it is the youth administration's work, on its
    own pages. Officials see indications without the child."""
    indication = IndicationFactory(client__team=beijum, client__first_name="Zoë")
    client.force_login(official)
    listing = client.get("/admin/indications/indication/").content.decode()
    assert "Indicaties importeren" not in listing
    assert f"#{indication.pk}" in listing and "Zoë" not in listing
    change = client.get(f"/admin/indications/indication/{indication.pk}/change/")
    assert change.status_code == 200
    assert "Zoë" not in change.content.decode()
    assert client.get("/admin/indications/indication/import/").status_code in (302, 404)
    assert client.get("/admin/indications/indication/add/").status_code == 403


def test_wij_staff_cannot_open_the_admin(client, intake_worker):
    intake_worker.is_staff = True
    intake_worker.save()
    client.force_login(intake_worker)
    assert client.get("/admin/indications/indication/", follow=True).status_code == 403


def test_the_families_of_a_stopping_provider_are_listed_per_team(
    client, intake_worker, official, beijum
):
    provider = ProviderFactory(name="Stoppende Zorg")
    running = IndicationFactory(client__team=beijum, provider=provider, end_on=D(2030, 6, 30))
    services.provider_stop(provider=provider, stops_on=D(2029, 1, 1), user=official)
    client.force_login(intake_worker)
    html = client.get("/werk/").content.decode()
    assert f"/aanbieders/{provider.pk}/gezinnen/" in html
    html = client.get(f"/aanbieders/{provider.pk}/gezinnen/").content.decode()
    assert escape(running.client.full_name) in html and "WIJ Beijum" in html
    client.force_login(official)  # officials see no client data
    assert client.get(f"/aanbieders/{provider.pk}/gezinnen/").status_code == 403


def test_validation_reads_the_database_a_fixed_number_of_times(
    provider, beijum, django_assert_max_num_queries
):
    from indications.importer import import_indications_csv

    def bad_file(lines):
        # Every line invalid (unknown product), so nothing is written: only validation runs.
        return HEADER + "".join(
            f"{generate(n)},Kind,Test{n},2015-01-01,9735AB,{n},99X99,73990001,02,2025-01-01,2026-12-31\n"
            for n in range(lines)
        )

    def generate(n):
        import random

        from samen.identifiers import generate_bsn

        return generate_bsn(random.Random(n))

    # The reference data (3), the staging table, the checks over it, and the savepoint
    # around it all (2): the same for 2 lines as for 60.
    with django_assert_max_num_queries(7):
        assert len(import_indications_csv(bad_file(2)).errors) == 2
    with django_assert_max_num_queries(7):
        assert len(import_indications_csv(bad_file(60)).errors) == 60
