"""Who sees which child, and the access log (NEN 7513): append-only in PostgreSQL, every look
recorded (refused ones too), break-the-glass with a reason, and the pages that read it."""

import datetime

import pytest
import time_machine
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.utils.html import escape

from audit.models import AccessGrant, AccessLogEntry
from audit.services import access_log_record
from intake.models import TeamMember
from samen import roles
from samen.db import owner_mode
from tests.factories import (
    ClientFactory,
    IndicationFactory,
    SupportRequestFactory,
    TeamFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 11, 23, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def lewenborg(db):
    return TeamFactory(name="WIJ Lewenborg")


@pytest.fixture
def other_child(lewenborg):
    return ClientFactory(first_name="Xylofoon", last_name="Quast", team=lewenborg)


@pytest.fixture
def other_request(other_child, lewenborg):
    return SupportRequestFactory(team=lewenborg, clients=[other_child])


@pytest.fixture
def privacy_officer(db):
    return UserFactory(role=roles.PRIVACY, username="privacy")


def _refused(statement_or_callable):
    """Run in a savepoint; return the database's error (the test's transaction lives on)."""
    with pytest.raises(DatabaseError) as caught, transaction.atomic():
        if callable(statement_or_callable):
            statement_or_callable()
        else:
            with connection.cursor() as cursor:
                cursor.execute(statement_or_callable)
    return str(caught.value)


# --- append-only, enforced by PostgreSQL ---------------------------------------------------


def test_the_application_works_as_a_role_that_may_only_add_and_read_the_log():
    entry = access_log_record(user=UserFactory(), event="read", part="test", channel="command")
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        assert cursor.fetchone()[0] == "samen_app"
    assert AccessLogEntry.objects.filter(pk=entry.pk).exists()
    denied = "permission denied"
    assert denied in _refused(lambda: AccessLogEntry.objects.filter(pk=entry.pk).update(reason="x"))
    assert denied in _refused(lambda: AccessLogEntry.objects.filter(pk=entry.pk).delete())
    assert denied in _refused("UPDATE audit_accesslogentry SET reason = 'x'")
    assert denied in _refused("DELETE FROM audit_accesslogentry")
    assert denied in _refused("TRUNCATE audit_accesslogentry")
    partition = "audit_accesslogentry_" + entry.at.strftime("%Y%m")
    assert denied in _refused(f"DELETE FROM {partition}")  # noqa: S608 - a fixed table name
    assert AccessLogEntry.objects.filter(pk=entry.pk).exists()


def test_even_the_owner_cannot_change_or_delete_an_entry():
    entry = access_log_record(user=UserFactory(), event="read", part="test", channel="command")
    with owner_mode():
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user <> 'samen_app'")
            assert cursor.fetchone()[0]
        assert "append-only" in _refused("UPDATE audit_accesslogentry SET reason = 'x'")
        assert "append-only" in _refused("DELETE FROM audit_accesslogentry")
        assert "append-only" in _refused(lambda: AccessLogEntry.objects.all().delete())
    assert AccessLogEntry.objects.get(pk=entry.pk).reason == ""


def test_entries_go_into_monthly_partitions():
    user = UserFactory()
    for moment in (NOW, NOW - datetime.timedelta(days=40), NOW.replace(year=2031)):
        with time_machine.travel(moment, tick=False):
            access_log_record(user=user, event="read", part="test", channel="command")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT child.relname FROM pg_inherits i JOIN pg_class parent ON parent.oid = "
            "i.inhparent JOIN pg_class child ON child.oid = i.inhrelid "
            "WHERE parent.relname = 'audit_accesslogentry'"
        )
        partitions = {row[0] for row in cursor.fetchall()}
    assert {
        "audit_accesslogentry_202611",
        "audit_accesslogentry_202610",
        "audit_accesslogentry_203111",
    } <= partitions


def test_no_read_without_its_entry(client, intake_worker, beijum):
    """When the entry cannot be written, the page is not shown."""
    request = SupportRequestFactory(team=beijum)
    client.force_login(intake_worker)
    with owner_mode(), connection.cursor() as cursor:
        cursor.execute("REVOKE INSERT ON audit_accesslogentry FROM samen_app")
    with pytest.raises(DatabaseError):
        client.get(f"/aanmeldingen/{request.pk}/")


# --- access follows the child ----------------------------------------------------------------


def test_a_worker_sees_their_teams_children_and_not_another_teams(
    client, intake_worker, beijum, other_request, other_child
):
    own = SupportRequestFactory(team=beijum)
    client.force_login(intake_worker)
    assert client.get(f"/aanmeldingen/{own.pk}/").status_code == 200
    response = client.get(f"/aanmeldingen/{other_request.pk}/")
    assert response.status_code == 403
    html = response.content.decode()
    # Only what is needed to recognise the child, and the way in with a reason.
    assert "Xylofoon Quast" in html and "WIJ Lewenborg" in html
    assert other_child.bsn not in html and other_request.question not in html
    assert f"/jeugdigen/{other_child.pk}/toegang/" in html
    refused = AccessLogEntry.objects.get(outcome="refused")
    assert refused.client_ids == [other_child.pk] and refused.user_id == intake_worker.pk
    # Every other way in is closed too.
    for url in (
        f"/jeugdigen/{other_child.pk}/",
        f"/aanmeldingen/{other_request.pk}/lichte-toets/",
        f"/aanmeldingen/{other_request.pk}/bewerken/",
    ):
        assert client.get(url).status_code in (403, 404), url


def test_a_worker_in_two_teams_sees_both(client, intake_worker, lewenborg, other_request):
    TeamMember.objects.create(user=intake_worker, team=lewenborg)
    client.force_login(intake_worker)
    assert client.get(f"/aanmeldingen/{other_request.pk}/").status_code == 200


def test_the_assigned_worker_sees_a_request_of_another_team(
    client, intake_worker, other_request, other_child
):
    other_request.assigned_worker = intake_worker
    other_request.save()
    client.force_login(intake_worker)
    assert client.get(f"/aanmeldingen/{other_request.pk}/").status_code == 200
    assert client.get(f"/jeugdigen/{other_child.pk}/").status_code == 200


@time_machine.travel(NOW)
def test_break_the_glass_opens_the_file_with_a_reason_for_a_while(
    client, intake_worker, other_request, other_child, lewenborg
):
    client.force_login(intake_worker)
    url = f"/jeugdigen/{other_child.pk}/toegang/"
    form = client.get(url, {"next": f"/aanmeldingen/{other_request.pk}/"})
    assert form.status_code == 200
    # "Other" needs an explanation; nothing is opened without one.
    response = client.post(url, {"reason": "other", "explanation": ""})
    assert response.status_code == 400 and not AccessGrant.objects.exists()
    response = client.post(
        url,
        {
            "reason": "colleague_away",
            "explanation": "Collega ziek",
            "next": f"/aanmeldingen/{other_request.pk}/",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"/aanmeldingen/{other_request.pk}/"
    assert client.get(f"/aanmeldingen/{other_request.pk}/").status_code == 200
    entry = AccessLogEntry.objects.get(break_glass=True)
    assert entry.client_ids == [other_child.pk] and "Collega ziek" in entry.reason
    # An outside `next` is not followed.
    response = client.post(url, {"reason": "moved", "next": "https://evil.example/"})
    assert response["Location"] == f"/jeugdigen/{other_child.pk}/"
    with time_machine.travel(NOW + datetime.timedelta(hours=9)):
        client.force_login(intake_worker)
        assert client.get(f"/aanmeldingen/{other_request.pk}/").status_code == 403


@time_machine.travel(NOW)
def test_the_childs_team_lead_sees_who_looked_and_why(
    client, intake_worker, team_lead, lewenborg, other_child
):
    AccessGrant.objects.create(
        user=intake_worker,
        client=other_child,
        reason="joint_case",
        expires_at=NOW + datetime.timedelta(hours=8),
    )
    client.force_login(intake_worker)
    client.get(f"/jeugdigen/{other_child.pk}/")
    # The Beijum lead is not this child's team lead.
    client.force_login(team_lead)
    assert client.get(f"/jeugdigen/{other_child.pk}/inzage/").status_code == 403
    lead = UserFactory(role=roles.TEAM_LEAD, username="lead-lewenborg")
    TeamMember.objects.create(user=lead, team=lewenborg)
    client.force_login(lead)
    page = client.get(f"/jeugdigen/{other_child.pk}/").content.decode()
    assert f"/jeugdigen/{other_child.pk}/inzage/" in page
    log_page = client.get(f"/jeugdigen/{other_child.pk}/inzage/").content.decode()
    assert escape(intake_worker.last_name) in log_page
    assert "gezamenlijke casus" in log_page.lower() or "joint case" in log_page
    filtered = client.get(
        f"/jeugdigen/{other_child.pk}/inzage/", {"user": lead.pk, "event": "read"}
    ).content.decode()
    assert escape(intake_worker.last_name) not in filtered.split("<tbody")[1]


def test_searches_are_logged_by_the_children_shown_never_by_their_terms(
    client, intake_worker, beijum, other_child
):
    own = ClientFactory(first_name="Daan", last_name="Huizinga", team=beijum)
    client.force_login(intake_worker)
    assert client.get("/aanmeldingen/zoek-jeugdige/?client_search=Huizinga").status_code == 405
    html = client.post("/aanmeldingen/zoek-jeugdige/", {"client_search": "Huizinga"}).content
    assert b"Daan Huizinga" in html
    entry = AccessLogEntry.objects.get(event="search")
    assert entry.client_ids == [own.pk] and entry.part == "client search"
    assert "Huizinga" not in f"{entry.path} {entry.reason}"
    # Another team's child is found, but shown only to be recognised, not to be chosen.
    html = client.post("/aanmeldingen/zoek-jeugdige/", {"client_search": "Xylofoon"}).content
    html = html.decode()
    assert "Xylofoon Quast" in html and f'value="{other_child.pk}"' not in html
    assert other_child.bsn not in html and other_child.postcode not in html


def test_an_official_gets_no_end_evaluation_and_no_child(client, official, beijum):
    from openhouse.models import EndEvaluation

    indication = IndicationFactory(client__team=beijum)
    evaluation = EndEvaluation.objects.create(
        indication=indication,
        version=1,
        original_name="e.pdf",
        on_time=True,
        document="x.pdf",
        uploaded_at=NOW,
        uploaded_by=UserFactory(role=roles.PROVIDER),
    )
    client.force_login(official)
    assert client.get(f"/eindevaluaties/{evaluation.pk}/download/").status_code == 403
    assert client.get(f"/jeugdigen/{indication.client_id}/").status_code == 403


# --- the privacy officer's log ---------------------------------------------------------------


def test_the_privacy_officer_reads_and_filters_the_whole_log(
    client, privacy_officer, intake_worker, other_child
):
    access_log_record(user=intake_worker, event="read", part="child file", clients=[7])
    access_log_record(
        user=intake_worker, event="search", part="client search", clients=[other_child.pk]
    )
    client.force_login(privacy_officer)
    page = client.get("/toegangslog/").content.decode()
    assert "dossier van de jeugdige" in page and "zoeken naar een jeugdige" in page
    page = client.get("/toegangslog/", {"client": other_child.pk}).content.decode()
    assert "zoeken naar een jeugdige" in page and "dossier van de jeugdige" not in page
    # The officer sees reference numbers, not files.
    assert "Xylofoon" not in page
    assert client.get(f"/jeugdigen/{other_child.pk}/").status_code == 403
    assert client.get(f"/jeugdigen/{other_child.pk}/inzage/").status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        "?page=99999999999999999999",
        "?page=-1",
        "?since=9999-12-31",
        "?until=0001-01-01",
        "?client=99999999999999999999999",
        "?event=nonsense",
    ],
)
def test_odd_filters_never_break_the_log(client, privacy_officer, query):
    client.force_login(privacy_officer)
    assert client.get(f"/toegangslog/{query}").status_code == 200


@pytest.mark.parametrize("query", ["?client=%00", "?user=%00"])
def test_a_nul_byte_in_a_log_filter_gets_the_400_page(client, privacy_officer, query):
    client.force_login(privacy_officer)
    response = client.get(f"/toegangslog/{query}")
    assert response.status_code == 400
    assert "Er klopt iets niet in het verzoek" in response.content.decode()


@pytest.mark.parametrize(
    "persona", ["intake_worker", "team_lead", "official", "provider_user", "outsider"]
)
def test_only_the_privacy_officer_reads_the_whole_log(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get("/toegangslog/").status_code == 403


def test_only_partitions_past_the_retention_are_dropped(settings):
    from io import StringIO

    from django.core.management import call_command

    settings.AUDIT_LOG_RETENTION_MONTHS = 24
    user = UserFactory()
    for moment in (NOW.replace(year=2020), NOW.replace(year=2025)):
        with time_machine.travel(moment, tick=False):
            access_log_record(user=user, event="read", part="test", channel="command")
    with time_machine.travel(NOW, tick=False):
        out = StringIO()
        call_command("audit_drop_old_partitions", stdout=out)
    assert "dropped audit_accesslogentry_202011" in out.getvalue()
    assert "202511" not in out.getvalue().split("kept")[0]
    assert AccessLogEntry.objects.filter(at__year=2025).count() == 1
    assert not AccessLogEntry.objects.filter(at__year=2020).exists()
