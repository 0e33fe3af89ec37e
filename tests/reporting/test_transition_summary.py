"""The transition report over all teams from its nightly summary (decision 120): exactly the
figures counted live, for months and quarters, periods starting and ending mid-month, in
the past and reaching past the summary; the days since the summary counted live; changes to
closed months picked up by the next refresh.

Today is pinned to 22 November 2026, so the summary counts up to 31 October 2026."""

import datetime
import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from reporting import transition_summary
from reporting.models import SummaryRefresh, TransitionCount, TransitionMonth
from reporting.periods import MONTH, QUARTER, Period
from reporting.selectors import Filters, transition
from tests.factories import ClientFactory, IndicationFactory, ProviderFactory

from .conftest import TODAY, day
from .test_figures import raw
from .test_transition import Q3_QUERY, _make, _pgb, ends  # noqa: F401 - a fixture

PERIODS = [
    Period(day("2025-12-01"), TODAY, MONTH),  # the default: twelve months up to today
    Period(day("2025-10-01"), day("2026-09-30"), QUARTER),
    Period(day("2025-11-17"), TODAY, QUARTER),
    Period(day("2026-03-17"), TODAY, MONTH),  # starting mid-month
    Period(day("2026-02-10"), day("2026-06-15"), MONTH),  # in the past, ending mid-month
    Period(day("2026-10-31"), day("2027-03-31"), MONTH),  # reaching past the summary
    Period(day("2026-11-01"), day("2026-11-30"), MONTH),  # after it
    Period(day("2026-04-01"), day("2026-04-30"), MONTH),  # one whole month
]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def spread(today, beijum, selwerd):
    """Indications of three providers and PGB, starting and ending on every kind of day:
    first and last days of months, mid-month, open ends, in the past and the future."""
    chance = random.Random(21)
    providers = [ProviderFactory(name=f"Aanbieder {name}") for name in ("Vijf", "Zes", "Zeven")]
    edges = [day("2024-12-31"), day("2025-06-01"), day("2026-10-31"), day("2026-11-01")]
    made = []
    for n in range(80):
        start = day("2025-01-01") + datetime.timedelta(days=chance.randrange(0, 700))
        if n < len(edges) * 2:
            start = edges[n % len(edges)]
        end = start + datetime.timedelta(days=chance.randrange(1, 500))
        if n % 7 == 0:
            end = None
        elif n % 5 == 0:
            # Ending on a month's last day.
            end = (end.replace(day=1) + datetime.timedelta(days=32)).replace(
                day=1
            ) - datetime.timedelta(days=1)
            end = max(end, start + datetime.timedelta(days=1))
        team = beijum if n % 2 else selwerd
        dates = {"start_on": start, "end_on": end}
        if end and n % 3 == 0:
            # Flagged two months before the end, followed up at WIJ ten days before it.
            dates["flagged_on"] = max(start, end - datetime.timedelta(days=60))
            dates["handled_on"] = max(start, end - datetime.timedelta(days=10))
        if end and end < TODAY and n % 4 == 0:
            dates["status"] = "ended"
        if n % 6 == 0:
            made += _pgb(1, team, **dates)
        else:
            made += _make(1, team, provider=providers[n % 3], **dates)
    return {"a": beijum, "indications": made}


def _figures(filters: Filters) -> dict:
    """Every table of the report, as {slug: {row: counts}} (labels included)."""
    return {table.slug: raw([table], table.slug) for table in transition(filters)}


def _live(filters: Filters) -> dict:
    """The same figures without the summary (the rows and its refresh put back afterwards)."""
    months, counts = list(TransitionMonth.objects.all()), list(TransitionCount.objects.all())
    refreshed = list(SummaryRefresh.objects.filter(name=transition_summary.NAME))
    TransitionMonth.objects.all().delete()
    TransitionCount.objects.all().delete()
    SummaryRefresh.objects.filter(name=transition_summary.NAME).delete()
    try:
        return _figures(filters)
    finally:
        TransitionMonth.objects.bulk_create(months)
        TransitionCount.objects.bulk_create(counts)
        SummaryRefresh.objects.bulk_create(refreshed)


@pytest.mark.usefixtures("ends")  # flagged, ended early, extensions (test_transition)
def test_the_summary_gives_exactly_the_live_figures(spread):
    assert transition_summary.refresh(TODAY) > 0
    assert transition_summary.counted_until() == day("2026-10-31")
    for period in PERIODS:
        for team in (None, spread["a"]):
            filters = Filters(period, team, TODAY)
            assert _figures(filters) == _live(filters), (period, team)
    # The figures are not all zero: the comparison compares something.
    figures = _figures(Filters(PERIODS[0], None, TODAY))
    assert all(row[2] > 0 for row in figures["running-left"].values())
    for slug in ("flagged-ended", "extensions", "early-handovers", "early-handover-reasons"):
        assert figures[slug]["Total"][0] > 0, slug


def _summary() -> set:
    return {
        *TransitionMonth.objects.values_list(
            "by", "month", "product", "provider", "financing", "running", "open_end", "started"
        ),
        *TransitionCount.objects.values_list("figure", "month", "key", "n"),
    }


def test_the_refresh_is_idempotent_and_counts_only_closed_months(spread):
    first = transition_summary.refresh(TODAY)
    rows = _summary()
    assert len(rows) == first
    assert transition_summary.refresh(TODAY) == first
    assert _summary() == rows
    assert max(row[1] for row in rows) == day("2026-10-01")


def test_days_since_the_summary_count_live_and_closed_months_at_the_next_refresh(spread):
    transition_summary.refresh(TODAY)
    period = PERIODS[0]
    filters = Filters(period, None, TODAY)
    before = _figures(filters)
    # Registered today, started this month: counted at once.
    _make(1, spread["a"], start_on=day("2026-11-03"), end_on=None)
    now = _figures(filters)
    assert now["running-left"]["Nov 2026 (on 22 Nov)"][2] == (
        before["running-left"]["Nov 2026 (on 22 Nov)"][2] + 1
    )
    assert now == _live(filters)
    # A late registration in a closed month and an end moved back into one: the next
    # refresh counts them.
    _make(1, spread["a"], start_on=day("2026-02-03"), end_on=day("2026-05-31"))
    moved = spread["indications"][-1]
    moved.end_on = moved.start_on + datetime.timedelta(days=1)
    moved.save()
    transition_summary.refresh(TODAY)
    for period in PERIODS:
        filters = Filters(period, None, TODAY)
        assert _figures(filters) == _live(filters), period


def test_the_page_from_the_summary_asks_as_many_queries_for_more_data(client, official, spread):
    url = reverse("reporting:report", args=["transitie"])
    client.force_login(official)

    def queries():
        transition_summary.refresh(TODAY)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url, Q3_QUERY).status_code == 200
        assert any("reporting_transitionmonth" in q["sql"] for q in ctx.captured_queries)
        return len(ctx)

    few = queries()
    extra = ProviderFactory(name="Aanbieder Vier")
    _make(5, spread["a"], provider=extra, start_on=day("2026-02-01"), end_on=None)
    _pgb(5, spread["a"], start_on=day("2026-02-01"), end_on=day("2026-08-01"), status="ended")
    IndicationFactory(client=ClientFactory(team=spread["a"]), start_on=day("2026-11-02"))
    assert queries() == few
