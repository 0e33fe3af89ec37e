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
from tests.factories import IndicationFactory, SupportRequestFactory, TriageFactory
from tests.reporting.conftest import TODAY, at, day

# The data of the basis-jeugdhulp tests: trajectories ended, outcomes per child.
from tests.reporting.test_basis_help import help_q3  # noqa: F401
from triage.models import Triage

SUMMARISED = ["termijnen", "matched-care"]

PERIODS = [
    Period(day("2026-07-01"), day("2026-09-30"), MONTH),
    Period(day("2026-07-01"), day("2026-09-30"), QUARTER),
    # Starting and ending mid-month, the summary ending inside it.
    Period(day("2026-07-15"), day("2026-11-10"), MONTH),
    default_period(TODAY),
]


def _figures(filters: Filters, *, summaries: bool, reports=("termijnen",)) -> list:
    """The reports' table rows, through the summaries or (rolled back without them)
    counted live."""
    with transaction.atomic():
        if not summaries:
            SummaryRefresh.objects.all().delete()
        tables = [table for slug in reports for table in REPORTS[slug].build(filters)]
        transaction.set_rollback(True)
    return [(table.slug, [(str(row.label), row.cells) for row in table.rows]) for table in tables]


def _refresh(on: str, *extra: str):
    call_command("refresh_report_summaries", "--date", on, *extra)


def _signals(a):
    """Help too light (a July Basis outcome's family back, and on to specialist care) and
    too heavy (indications started in July, one ended within 8 weeks)."""
    household = Triage.objects.filter(held_on=day("2026-07-10")).first().support_request.household
    SupportRequestFactory(household=household, team=a, received_at=at("2026-09-01"))
    TriageFactory(
        support_request__household=household,
        support_request__team=a,
        held_on=day("2026-09-20"),
        outcome="specialist",
    )
    TriageFactory(
        support_request__team=a, held_on=day("2026-08-05"), outcome=Triage.Outcome.REINDICATION_WIJ
    )
    for end_on, status in [("2026-08-01", "ended"), ("2027-07-01", "active")]:
        IndicationFactory(
            client__team=a, start_on=day("2026-07-02"), end_on=day(end_on), status=status
        )


@pytest.mark.usefixtures("help_q3")
@pytest.mark.parametrize("refreshed_on", ["2026-08-20", "2026-11-22"])
@pytest.mark.parametrize("period", PERIODS, ids=["months", "quarter", "mid-month", "default"])
def test_summary_and_live_figures_are_equal(q3, refreshed_on, period):
    _signals(q3["a"])
    # A request received today: counted live on top of the summary.
    SupportRequestFactory(team=q3["a"], received_at=at("2026-11-22"), referrer_type="02")
    _refresh(refreshed_on)
    assert set(counted_until().values()) == {day(refreshed_on) - datetime.timedelta(days=1)}
    for team in (None, q3["a"], q3["b"]):
        filters = Filters(period, team, TODAY)
        live = _figures(filters, summaries=False, reports=SUMMARISED)
        assert _figures(filters, summaries=True, reports=SUMMARISED) == live
        # The data is in every table: one that counted none of it would prove nothing.
        if team is None:
            assert all(_table_counts(live).values())


def _table_counts(figures) -> dict:
    """{table: the sum of its counts}."""
    return {
        slug: sum(getattr(cell, "n", 0) for _label, cells in rows for cell in cells)
        for slug, rows in figures
    }


def _counted(figures) -> int:
    """The first column's totals added up: nonzero when the figures count anything."""
    return sum(rows[-1][1][0].n for _slug, rows in figures)


def test_the_summaries_hold_the_data(q3):
    _refresh("2026-11-22")
    assert ContactDay.objects.filter(team=q3["a"]).count() > 0
    # Per team, and of all teams together (no team).
    for teams in ({"team__isnull": False}, {"team__isnull": True}):
        rows = ContactDay.objects.filter(**teams)
        assert sum(rows.values_list("n", flat=True)) == SupportRequest.objects.count()
    for team in (q3["a"], None):
        ended = EndedDay.objects.get(end_on=day("2026-09-10"), team=team)
        assert (ended.ended, ended.lost) == (8, 3)
        due = EvaluationDay.objects.get(due_on=day("2026-08-15"), team=team)
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
    ended = EndedDay.objects.filter(end_on=day("2026-09-10"), team=q3["a"])
    _refresh("2028-10-01")
    assert ended.get().lost == 3
    _refresh("2028-10-01", "--all")
    assert ended.get().lost == 8


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
        before = _figures(filters, summaries=False, reports=SUMMARISED)
        assert _counted(before)
        _refresh(today.isoformat())
        file_destroy(family.request, user=privacy_officer, today=today)
        _refresh(today.isoformat())
        assert _figures(filters, summaries=True, reports=SUMMARISED) == before
        assert _figures(filters, summaries=False, reports=SUMMARISED) == before
