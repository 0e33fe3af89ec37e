"""The summary tables (reporting/summaries.py): the reports read the closed days there and
count the days since live, and every figure is exactly what the live count gives."""

import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from indications.models import Indication
from intake.models import SupportRequest
from reporting.models import ContactDay, EndedDay, EvaluationDay, SummaryRefresh
from reporting.periods import MONTH, QUARTER, Period, default_period
from reporting.selectors import REPORTS, Filters
from reporting.summaries import counted_until
from samen.models import JobRun
from tests.factories import SupportRequestFactory
from tests.reporting.conftest import TODAY, at, day

deadlines = REPORTS["termijnen"].build

PERIODS = [
    Period(day("2026-07-01"), day("2026-09-30"), MONTH),
    Period(day("2026-07-01"), day("2026-09-30"), QUARTER),
    # Starting and ending mid-month, the summary ending inside it.
    Period(day("2026-07-15"), day("2026-11-10"), MONTH),
    default_period(TODAY),
]


def _figures(filters: Filters, *, summaries: bool) -> list:
    """The deadline tables' rows, through the summaries or (rolled back without them)
    counted live."""
    with transaction.atomic():
        if not summaries:
            SummaryRefresh.objects.all().delete()
        tables = deadlines(filters)
        transaction.set_rollback(True)
    return [(table.slug, [(str(row.label), row.cells) for row in table.rows]) for table in tables]


def _refresh(on: str, *extra: str):
    call_command("refresh_report_summaries", "--date", on, *extra)


@pytest.mark.parametrize("refreshed_on", ["2026-08-20", "2026-11-22"])
@pytest.mark.parametrize("period", PERIODS, ids=["months", "quarter", "mid-month", "default"])
def test_summary_and_live_figures_are_equal(q3, refreshed_on, period):
    # A request received today: counted live on top of the summary.
    SupportRequestFactory(team=q3["a"], received_at=at("2026-11-22"), referrer_type="02")
    _refresh(refreshed_on)
    assert counted_until()["contact"] == day(refreshed_on) - datetime.timedelta(days=1)
    for team in (None, q3["a"], q3["b"]):
        filters = Filters(period, team, TODAY)
        live = _figures(filters, summaries=False)
        assert _figures(filters, summaries=True) == live
    # The data is in the figures: a report that counted none of it would prove nothing.
    assert _counted(live)


def _counted(figures) -> int:
    """The first column's totals added up: nonzero when the figures count anything."""
    return sum(rows[-1][1][0].n for _slug, rows in figures)


def test_the_summaries_hold_the_data(q3):
    _refresh("2026-11-22")
    assert ContactDay.objects.filter(team=q3["a"]).count() > 0
    assert sum(ContactDay.objects.values_list("n", flat=True)) == SupportRequest.objects.count()
    ended = EndedDay.objects.get(end_on=day("2026-09-10"))
    assert (ended.team, ended.ended, ended.lost) == (q3["a"], 8, 3)
    due = EvaluationDay.objects.get(due_on=day("2026-08-15"))
    assert (due.due, due.received, due.on_time) == (7, 6, 5)


def test_a_change_to_a_closed_day_shows_after_the_next_refresh(q3):
    period = Period(day("2026-08-01"), day("2026-08-31"), MONTH)
    filters = Filters(period, None, TODAY)
    _refresh("2026-11-22")
    before = _figures(filters, summaries=True)
    # First contact with the two overdue August requests, recorded late.
    SupportRequest.objects.filter(first_contact_on__isnull=True, team=q3["a"]).filter(
        received_at__date=day("2026-08-03")
    ).update(first_contact_on=day("2026-08-25"), status="contacted")
    assert _figures(filters, summaries=True) == before
    assert _figures(filters, summaries=False) != before
    _refresh("2026-11-22")
    assert _figures(filters, summaries=True) == _figures(filters, summaries=False)


def test_a_refresh_twice_writes_the_same_rows_and_older_days_stay(q3):
    _refresh("2026-11-22")
    rows = ContactDay.objects.order_by("team", "received_on", "first_contact_on", "closed")
    first = list(rows.values_list("team", "received_on", "first_contact_on", "closed", "n"))
    _refresh("2026-11-22")
    assert list(rows.values_list("team", "received_on", "first_contact_on", "closed", "n")) == first
    # A refresh recounts the last two years only: a day older than that keeps its rows.
    Indication.objects.filter(end_on=day("2026-09-10")).update(follow_up_request=None)
    _refresh("2028-10-01")
    assert EndedDay.objects.get(end_on=day("2026-09-10")).lost == 3
    _refresh("2028-10-01", "--all")
    assert EndedDay.objects.get(end_on=day("2026-09-10")).lost == 8


def test_the_nightly_job_is_recorded_and_scheduled(q3, settings):
    _refresh("2026-11-22")
    run = JobRun.objects.get(job="reporting.refresh_summaries")
    assert run.outcome == JobRun.Outcome.SUCCEEDED
    assert run.counts["contact"] == ContactDay.objects.count()
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "reporting.refresh_summaries" in tasks


def test_the_page_says_up_to_which_day_the_summary_counts(client, official, q3):
    url = reverse("reporting:report", args=["termijnen"])
    client.force_login(official)
    assert "31 oktober 2026" not in client.get(url).content.decode()
    _refresh("2026-11-01")
    page = client.get(url).content.decode()
    assert page.count("31 oktober 2026") >= 3
    xlsx = client.get(url, {"format": "xlsx"})
    assert xlsx.status_code == 200


def test_a_destroyed_file_counts_alike_in_the_summary(
    beijum, intake_worker, team_lead, privacy_officer, settings, tmp_path
):
    from rights.destruction import file_destroy
    from tests.rights.test_destruction import NOW, _rich_family

    settings.MEDIA_ROOT = tmp_path
    with time_machine.travel(NOW, tick=False):
        family = _rich_family(beijum, intake_worker, team_lead)
        today = NOW.date()
        filters = Filters(Period(day("2024-01-01"), today, MONTH), beijum, today)
        before = _figures(filters, summaries=False)
        assert _counted(before)
        _refresh(today.isoformat())
        file_destroy(family.request, user=privacy_officer, today=today)
        _refresh(today.isoformat())
        assert _figures(filters, summaries=True) == before
        assert _figures(filters, summaries=False) == before
