"""Retention (Jeugdwet art. 7.3.8): which files are past it, on the exact day, from either
starting moment; what still runs or is asked keeps a file out; the monthly job through
Celery, idempotent; the privacy officer's page and its "Nu controleren"."""

import datetime
import zoneinfo

import pytest
import time_machine
from celery.contrib.testing.worker import start_worker
from django.core import checks
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from django.utils.html import escape

from audit.models import AccessLogEntry
from rights import retention, tasks
from rights.models import RightsRequest, Tombstone
from samen.celery import app
from samen.models import JobRun
from tests.factories import (
    ClientFactory,
    IndicationFactory,
    RightsRequestFactory,
    SupportRequestFactory,
    TeamFactory,
)

pytestmark = pytest.mark.django_db
D = datetime.date
AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")
TODAY = D(2026, 12, 1)
NOW = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=AMSTERDAM)
# 20 years before today: a file judged on a day before this is past its retention.
CUTOFF = D(2006, 12, 1)
BOTH = ["last_record", "end_of_help"]


@pytest.fixture(autouse=True)
def pinned():
    with time_machine.travel(NOW, tick=False):
        yield


def at(day: datetime.date):
    """Travel to noon of `day` (Amsterdam): everything made inside is made then."""
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(12), AMSTERDAM))


def old_file(team, day: datetime.date):
    """A child registered on `day` with one request, closed that same day: its newest
    record and the end of its help are both `day`."""
    with at(day):
        child = ClientFactory(team=team)
        SupportRequestFactory(team=team, clients=[child], closed=True)
    return child


def past(today=TODAY) -> set:
    return set(retention.files_past_retention(today).values_list("pk", flat=True))


@pytest.mark.parametrize("start", BOTH)
def test_a_file_is_past_its_retention_the_day_after_the_term_not_before(settings, beijum, start):
    settings.FILE_RETENTION_FROM = start
    term_ended_yesterday = old_file(beijum, CUTOFF - datetime.timedelta(days=1))
    term_ends_today = old_file(beijum, CUTOFF)
    term_ends_tomorrow = old_file(beijum, CUTOFF + datetime.timedelta(days=1))
    assert past() == {term_ended_yesterday.pk}
    assert term_ends_today.pk in past(TODAY + datetime.timedelta(days=1))
    assert term_ends_tomorrow.pk not in past(TODAY + datetime.timedelta(days=1))
    judged = retention.files_past_retention(TODAY).get()
    assert judged.retention_basis_on == CUTOFF - datetime.timedelta(days=1)


def test_the_years_are_a_setting(settings, beijum):
    settings.FILE_RETENTION_YEARS = 25
    child = old_file(beijum, D(2001, 11, 30))
    assert past() == {child.pk}
    assert not past(D(2026, 11, 30))


@pytest.mark.parametrize(("start", "is_past"), [("last_record", False), ("end_of_help", True)])
def test_a_later_record_counts_only_from_the_last_record(settings, beijum, start, is_past):
    """The help ended in 2005; in 2009 the family asked for a correction (a record about
    the child): from the newest record the file is kept until 2029."""
    settings.FILE_RETENTION_FROM = start
    child = old_file(beijum, D(2005, 3, 1))
    with at(D(2009, 5, 4)):
        RightsRequestFactory(
            client=child,
            kind="correction",
            received_on=D(2009, 5, 4),
            deadline=D(2009, 6, 4),
            status="closed",
            decision="refused",
            decision_reason="Klopt zoals het staat.",
            decided_on=D(2009, 5, 20),
            closed_on=D(2009, 5, 20),
        )
    assert (child.pk in past()) is is_past


def test_end_of_help_counts_an_ended_indication(settings, beijum):
    settings.FILE_RETENTION_FROM = "end_of_help"
    child = old_file(beijum, D(2004, 1, 5))
    with at(D(2004, 1, 5)):
        IndicationFactory(
            client=child, start_on=D(2004, 1, 5), end_on=D(2007, 1, 5), status="ended"
        )
    assert child.pk not in past()
    assert child.pk in past(D(2027, 1, 6))


@pytest.mark.parametrize("start", BOTH)
def test_running_help_keeps_a_file_out(settings, beijum, start):
    settings.FILE_RETENTION_FROM = start
    open_request = old_file(beijum, D(2003, 2, 1))
    with at(D(2003, 2, 1)):
        SupportRequestFactory(team=beijum, clients=[open_request])  # never closed
    running = old_file(beijum, D(2003, 2, 1))
    with at(D(2003, 2, 1)):
        # Active still, its end long past: the ending job never ran on it.
        IndicationFactory(client=running, start_on=D(2003, 2, 1), end_on=D(2004, 2, 1))
    finished = old_file(beijum, D(2003, 2, 1))
    assert past() == {finished.pk}


@pytest.mark.parametrize("start", BOTH)
def test_an_open_request_keeps_a_file_out(settings, beijum, start):
    settings.FILE_RETENTION_FROM = start
    asked = old_file(beijum, D(2003, 2, 1))
    with at(D(2004, 1, 1)):
        RightsRequestFactory(
            client=asked, kind="inspection", received_on=D(2004, 1, 1), deadline=D(2004, 2, 1)
        )
    assert asked.pk not in past()


def test_a_destroyed_file_is_not_put_up_again(beijum):
    skeleton = old_file(beijum, D(2003, 2, 1))
    request = RightsRequestFactory(
        client=skeleton,
        kind="destruction",
        origin="retention",
        requester="",
        requester_name="",
        status="closed",
        decision="granted",
        decision_reason="Bewaartermijn verstreken.",
        decided_on=TODAY,
        closed_on=TODAY,
    )
    Tombstone.objects.create(client=skeleton, cause="retention", request=request)
    assert skeleton.pk not in past()


def test_the_review_makes_one_request_per_file_and_is_idempotent(beijum):
    team_b = TeamFactory(name="WIJ Lewenborg")
    first = old_file(beijum, D(2005, 6, 1))
    second = old_file(team_b, D(2006, 11, 30))
    old_file(beijum, D(2010, 1, 1))  # not yet
    assert retention.retention_review(TODAY) == 2
    assert retention.retention_review(TODAY) == 0
    made = {r.client_id: r for r in RightsRequest.objects.all()}
    assert set(made) == {first.pk, second.pk}
    request = made[second.pk]
    assert (request.kind, request.origin, request.requester, request.entitled) == (
        "destruction",
        "retention",
        "",
        True,
    )
    assert (request.received_on, request.deadline) == (TODAY, D(2027, 3, 1))
    assert request.team == team_b and made[first.pk].team == beijum
    assert (request.retention_from, request.retention_basis_on) == ("last_record", D(2006, 11, 30))
    assert request.status == "received" and request.history.count() == 1
    # Next month, still undecided: nothing new.
    assert retention.retention_review(D(2027, 1, 1)) == 0


def test_a_file_kept_on_purpose_comes_back_after_a_year(beijum, privacy_officer):
    from rights.services import rights_request_decide

    child = old_file(beijum, D(2005, 6, 1))
    retention.retention_review(TODAY)
    rights_request_decide(
        RightsRequest.objects.get(),
        decision="refused",
        reason="Het dossier is nog nodig: er loopt een procedure.",
        user=privacy_officer,
        today=TODAY,
    )
    assert retention.retention_review(D(2027, 1, 1)) == 0
    assert retention.retention_review(D(2027, 11, 30)) == 0
    assert retention.retention_review(D(2027, 12, 1)) == 1
    assert RightsRequest.objects.filter(client=child).count() == 2


def test_the_query_is_one_query_whatever_the_number_of_files(beijum, django_assert_num_queries):
    for year in range(1995, 2006):
        old_file(beijum, D(year, 5, 1))
    with django_assert_num_queries(1):
        assert len(list(retention.files_past_retention(TODAY))) == 11


def test_an_unusable_setting_runs_nothing(settings, beijum):
    old_file(beijum, D(2003, 2, 1))
    settings.FILE_RETENTION_FROM = "birth"
    with pytest.raises(Exception, match="FILE_RETENTION_FROM"):
        retention.retention_review(TODAY)
    settings.FILE_RETENTION_FROM = "last_record"
    settings.FILE_RETENTION_YEARS = 0
    with pytest.raises(Exception, match="FILE_RETENTION_YEARS"):
        retention.retention_review(TODAY)
    assert not RightsRequest.objects.exists()


@pytest.mark.parametrize(
    ("years", "start", "ids"),
    [
        (20, "last_record", []),
        (40, "end_of_help", []),
        (15, "last_record", ["rights.W001"]),
        (101, "last_record", ["rights.W001"]),
        (20, "first_record", ["rights.W002"]),
    ],
)
def test_the_system_check_warns_on_settings_outside_sense(years, start, ids):
    with override_settings(FILE_RETENTION_YEARS=years, FILE_RETENTION_FROM=start):
        found = [m.id for m in checks.run_checks() if m.id.startswith("rights.")]
    assert found == ids


# --- The job ---------------------------------------------------------------------------


def test_the_job_runs_through_celery_and_records_its_run(beijum):
    old_file(beijum, D(2005, 6, 1))
    assert tasks.retention_review.apply(args=["2026-12-01"]).get() == {"requests": 1}
    assert tasks.retention_review.apply(args=["2026-12-01"]).get() == {"requests": 0}
    runs = JobRun.objects.filter(job="rights.retention_review").order_by("started_at")
    assert [(r.outcome, r.counts) for r in runs] == [
        ("succeeded", {"requests": 1}),
        ("succeeded", {"requests": 0}),
    ]
    assert runs[0].run_date == TODAY


def test_the_job_without_a_date_runs_for_today(beijum):
    old_file(beijum, D(2005, 6, 1))
    assert tasks.retention_review.apply().get() == {"requests": 1}
    assert RightsRequest.objects.get().received_on == TODAY


def test_a_failed_run_is_recorded_and_makes_nothing(settings, beijum):
    old_file(beijum, D(2005, 6, 1))
    settings.FILE_RETENTION_FROM = "nonsense"
    with pytest.raises(Exception, match="FILE_RETENTION_FROM"):
        tasks.retention_review.apply(args=["2026-12-01"]).get()
    run = JobRun.objects.get(job="rights.retention_review")
    assert run.outcome == "failed" and "FILE_RETENTION_FROM" in run.error
    assert not RightsRequest.objects.exists()


def test_the_command_records_its_run(beijum, capsys):
    old_file(beijum, D(2005, 6, 1))
    call_command("retention_review", "--date", "2026-12-01")
    assert "destruction requests made 1" in capsys.readouterr().out
    assert JobRun.objects.get(job="rights.retention_review").counts == {"requests": 1}


def test_the_beat_runs_it_monthly_and_health_does_not_call_it_stale_mid_month(settings, client):
    entry = next(
        e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == "rights.retention_review"
    )
    assert entry["schedule"].day_of_month == {1}
    assert entry["schedule"].hour == {4}
    assert "rights.retention_review" in app.tasks
    tasks.retention_review.apply(args=["2026-12-01"])
    with time_machine.travel(NOW + datetime.timedelta(days=30), tick=False):
        assert client.get("/health/").json()["jobs"]["rights.retention_review"]["stale"] is False
    with time_machine.travel(NOW + datetime.timedelta(days=33), tick=False):
        assert client.get("/health/").json()["jobs"]["rights.retention_review"]["stale"] is True


@pytest.mark.broker
@pytest.mark.django_db(transaction=True)
def test_the_job_runs_through_the_real_broker_and_a_real_worker(beijum, empty_queue):
    old_file(beijum, D(2005, 6, 1))
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        counts = tasks.retention_review.delay("2026-12-01").get(timeout=30)
    assert counts == {"requests": 1}
    assert RightsRequest.objects.get().origin == "retention"
    assert JobRun.objects.filter(job="rights.retention_review", outcome="succeeded").exists()


# --- The page --------------------------------------------------------------------------

URL = "/privacy/bewaartermijn/"
REVIEW_URL = "/privacy/bewaartermijn/controleren/"


def test_the_privacy_officer_sees_the_files_put_up_open_first_without_names(
    client, privacy_officer, beijum
):
    closed_child = old_file(beijum, D(2004, 4, 4))
    open_child = old_file(beijum, D(2005, 5, 5))
    with at(D(2026, 11, 1)):
        retention.retention_review(D(2026, 11, 1))
    closed = RightsRequest.objects.get(client=closed_child)
    RightsRequest.objects.filter(pk=closed.pk).update(
        status="closed",
        decision="refused",
        decision_reason="Nog nodig.",
        decided_on=D(2026, 11, 10),
        closed_on=D(2026, 11, 10),
    )
    open_request = RightsRequest.objects.get(client=open_child)
    client.force_login(privacy_officer)
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index(f"#{open_request.pk}") < html.index(f"#{closed.pk}")
    assert "5-5-2005" in html and "4-4-2004" in html  # the dates judged on
    assert "1-2-2027" in html  # the open one's deadline
    assert "WIJ Beijum" in html
    for child in (closed_child, open_child):
        assert escape(child.last_name) not in html and child.bsn not in html
    entry = AccessLogEntry.objects.get(part="retention list")
    assert sorted(entry.client_ids) == sorted([closed_child.pk, open_child.pk])


def test_the_list_costs_the_same_queries_for_one_or_many(
    client, privacy_officer, beijum, django_assert_max_num_queries
):
    client.force_login(privacy_officer)
    old_file(beijum, D(2004, 4, 4))
    retention.retention_review(TODAY)
    with django_assert_max_num_queries(12) as one:
        assert client.get(URL).status_code == 200
    for year in range(1990, 2004):
        old_file(TeamFactory(), D(year, 4, 4))
    retention.retention_review(TODAY)
    with django_assert_max_num_queries(len(one.captured_queries)):
        html = client.get(URL).content.decode()
    assert html.count("utrecht-table__row") == 1 + 15


def test_the_list_pages_by_fifty(client, privacy_officer, beijum):
    client.force_login(privacy_officer)
    child = ClientFactory(team=beijum)
    RightsRequest.objects.bulk_create(
        RightsRequest(
            kind="destruction",
            origin="retention",
            client=child,
            team=beijum,
            requester="",
            received_on=TODAY,
            deadline=D(2027, 3, 1),
        )
        for _ in range(51)
    )
    first = client.get(URL).content.decode()
    assert 'rel="next"' in first and 'rel="prev"' not in first
    second = client.get(URL + "?page=2").content.decode()
    assert 'rel="prev"' in second and 'rel="next"' not in second
    assert second.count("utrecht-table__row") == 1 + 1


@pytest.mark.parametrize(
    "query",
    ["?page=abc", "?page=0", "?page=-1", "?page=99999999999999", "?page=²", "?page=", "?x=%FF"],
)
def test_odd_query_strings_never_fail(client, privacy_officer, query):
    client.force_login(privacy_officer)
    assert client.get(URL + query).status_code == 200
    assert client.get(REVIEW_URL + query).status_code == 200


def test_a_nul_byte_is_a_clear_400(client, privacy_officer):
    client.force_login(privacy_officer)
    assert client.get(URL + "?page=%00").status_code == 400


@pytest.mark.parametrize(
    "persona", ["intake_worker", "team_lead", "official", "provider_user", "outsider"]
)
def test_others_get_403(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(URL).status_code == 403
    assert client.get(REVIEW_URL).status_code == 403
    assert client.post(REVIEW_URL, {"confirmed": "1"}).status_code == 403
    assert not RightsRequest.objects.exists()


def test_check_now_shows_what_it_will_do_first(client, privacy_officer, beijum):
    old_file(beijum, D(2005, 6, 1))
    old_file(beijum, D(2006, 1, 1))
    client.force_login(privacy_officer)
    look = client.get(REVIEW_URL)
    assert look.status_code == 200
    html = look.content.decode()
    assert "1-12-2006" in html  # the cut-off
    assert "2 " in html and 'name="confirmed" value="1"' in html
    # A post without the confirmation shows the look again and does nothing.
    assert client.post(REVIEW_URL).status_code == 200
    assert not RightsRequest.objects.exists()
    done = client.post(REVIEW_URL, {"confirmed": "1"}, follow=True)
    assert done.redirect_chain[-1][0] == URL
    assert RightsRequest.objects.filter(origin="retention").count() == 2
    assert "2" in str(next(iter(done.context["messages"])))
    again = client.post(REVIEW_URL, {"confirmed": "1"}, follow=True)
    assert RightsRequest.objects.count() == 2
    assert "Geen nieuwe" in again.content.decode() or "No new" in again.content.decode()
    assert JobRun.objects.filter(job="rights.retention_review").count() == 2


def test_check_now_with_unusable_settings_says_so(client, privacy_officer, settings, beijum):
    settings.FILE_RETENTION_FROM = "nonsense"
    old_file(beijum, D(2005, 6, 1))
    client.force_login(privacy_officer)
    response = client.post(REVIEW_URL, {"confirmed": "1"}, follow=True)
    assert response.status_code == 200
    assert "FILE_RETENTION_FROM" in response.content.decode()
    assert not RightsRequest.objects.exists()
    assert client.get(URL).status_code == 200  # the list still shows, with the label as set


def test_the_navigation_offers_the_page_to_the_privacy_officer_only(
    client, privacy_officer, team_lead
):
    client.force_login(privacy_officer)
    assert URL in client.get("/").content.decode()
    client.force_login(team_lead)
    assert URL not in client.get("/").content.decode()


def test_the_time_is_pinned():
    assert timezone.localdate() == TODAY
