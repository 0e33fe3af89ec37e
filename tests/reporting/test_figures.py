"""Every figure of the reports against the hand-counted data set of conftest.py."""

import pytest
from django.utils import translation

from reporting.periods import MONTH, QUARTER, Period
from reporting.selectors import Filters, client_flows, deadlines, forecast, matched_care, transition
from reporting.tables import Count, Share
from tests.factories import (
    IndicationFactory,
    SupportRequestFactory,
    TriageFactory,
)

from .conftest import TODAY, at, carry_over_triage, day

Q3 = Period(day("2026-07-01"), day("2026-09-30"), MONTH)


@pytest.fixture(autouse=True)
def english():
    """Labels and numbers as an English reader sees them (1,234 and 75.0%)."""
    with translation.override("en"):
        yield


def shown(tables, slug):
    """{row label: [cells as displayed]} of one table, in English."""
    table = next(t for t in tables if t.slug == slug)
    with translation.override("en"):
        return {str(row.label): [str(cell) for cell in row.cells] for row in table.rows}


def raw(tables, slug):
    """{row label: [counts before suppression]} (None for shares and medians)."""
    table = next(t for t in tables if t.slug == slug)
    with translation.override("en"):
        return {
            str(row.label): [cell.n if isinstance(cell, Count) else None for cell in row.cells]
            for row in table.rows
        }


def test_requests_by_referrer_and_route(q3):
    tables = client_flows(Filters(Q3, None, TODAY))
    # Columns: 01, 02 GP, 03, 04 GI, 05, 06 self, 08, total.
    assert shown(tables, "requests-by-referrer") == {
        "Jul 2026": ["0", "6", "0", "0", "0", "<5", "0", "9"],
        "Aug 2026": ["0", "0", "0", "5", "0", "0", "0", "5"],
        "Sep 2026": ["0", "7", "0", "0", "0", "0", "0", "7"],
        "Total": ["0", "13", "0", "5", "0", "<5", "0", "21"],
    }
    assert raw(tables, "requests-by-referrer")["Total"][5] == 3
    # Columns: route open, accepted as self-registration, referred the usual way, total.
    assert shown(tables, "requests-by-route") == {
        "Jul 2026": ["9", "0", "0", "9"],
        "Aug 2026": ["0", "5", "0", "5"],
        "Sep 2026": ["7", "0", "0", "7"],
        "Total": ["16", "5", "0", "21"],
    }


def test_triage_outcomes_helped_at_wij_or_referred_on(q3):
    tables = client_flows(Filters(Q3, None, TODAY))
    # WIJ, other route, specialist, Open House, triages, share helped at WIJ.
    assert shown(tables, "triage-outcomes") == {
        "Jul 2026": ["5", "0", "0", "0", "5", "100.0%"],
        "Aug 2026": ["0", "<5", "5", "0", "6", "0.0%"],
        "Sep 2026": ["6", "0", "0", "<5", "7", "85.7%"],
        "Total": ["11", "<5", "5", "<5", "18", "61.1%"],
    }
    by_referrer = shown(tables, "outcomes-by-referrer")
    assert by_referrer["GP (huisarts, incl. OJG)"] == ["11", "<5", "0", "<5", "13", "84.6%"]
    assert by_referrer["Certified institution (GI)"] == ["0", "0", "5", "0", "5", "0.0%"]
    assert by_referrer["Self-referral / no referrer"] == ["0", "0", "0", "0", "0", "–"]
    products = raw(tables, "basis-by-product")
    assert products == {
        "45A04 Individuele begeleiding basis": [3],
        "45A51 Gezinsbegeleiding basis": [8],
    }
    assert shown(tables, "basis-by-product")["45A04 Individuele begeleiding basis"] == ["<5"]


def test_team_filter(q3):
    tables = client_flows(Filters(Q3, q3["b"], TODAY))
    assert shown(tables, "requests-by-referrer")["Total"] == [
        "0",
        "7",
        "0",
        "0",
        "0",
        "0",
        "0",
        "7",
    ]
    assert shown(tables, "triage-outcomes")["Total"] == ["6", "0", "0", "<5", "7", "85.7%"]


def test_by_quarter(q3):
    tables = client_flows(Filters(Period(Q3.start, Q3.end, QUARTER), None, TODAY))
    assert shown(tables, "triage-outcomes") == {
        "Q3 2026": ["11", "<5", "5", "<5", "18", "61.1%"],
        "Total": ["11", "<5", "5", "<5", "18", "61.1%"],
    }


def test_matched_care(q3):
    tables = matched_care(Filters(Q3, None, TODAY))
    assert shown(tables, "intensity-outcome") == {
        "light": ["5", "0", "0", "0", "5"],
        "basic": ["6", "0", "0", "0", "6"],
        "specialist": ["0", "0", "0", "0", "0"],
        "not recorded (carried over)": ["0", "<5", "5", "<5", "7"],
    }
    # Triages, specialist, share, Open House, share.
    assert shown(tables, "referral-shares") == {
        "Jul 2026": ["5", "0", "0.0%", "0", "0.0%"],
        "Aug 2026": ["6", "5", "83.3%", "0", "0.0%"],
        "Sep 2026": ["7", "0", "0.0%", "<5", "–"],
        "Total": ["18", "5", "27.8%", "<5", "–"],
    }
    assert shown(tables, "reindications")["Total"] == ["0", "0", "0", "0", "0.0%"]


def test_reindications(today, beijum):
    for outcome in ["reindication_wij"] * 5 + ["reindication_extend"] * 2 + ["basis_wij"] * 3:
        carry_over_triage(
            support_request__team=beijum,
            held_on=day("2026-08-05"),
            outcome=outcome,
            intensity="basic" if outcome != "reindication_extend" else "",
            products=["45A51"] if outcome != "reindication_extend" else None,
        )
    tables = matched_care(Filters(Q3, None, TODAY))
    assert shown(tables, "reindications")["Aug 2026"] == ["5", "<5", "0", "7", "70.0%"]
    # Basis jeugdhulp and re-indication at WIJ are one group: added up, never overwritten.
    intensity = shown(tables, "intensity-outcome")
    assert intensity["basic"] == ["8", "0", "0", "0", "8"]
    assert intensity["not recorded (carried over)"] == ["0", "0", "0", "<5", "<5"]
    by_referrer = shown(client_flows(Filters(Q3, None, TODAY)), "outcomes-by-referrer")
    assert by_referrer["Self-referral / no referrer"] == ["8", "0", "0", "<5", "10", "80.0%"]


def test_signals_of_help_too_light(today, beijum):
    """Basis outcomes in January 2026; the 6-month window runs to mid-July."""
    q1 = Period(day("2026-01-01"), day("2026-03-31"), MONTH)
    triages = [
        TriageFactory(support_request__team=beijum, held_on=day("2026-01-15")) for _ in range(6)
    ]
    families = [t.support_request.household for t in triages]
    # Back within 6 months: families 0 and 1; family 2 only after 6 months.
    SupportRequestFactory(household=families[0], team=beijum, received_at=at("2026-03-01"))
    SupportRequestFactory(household=families[1], team=beijum, received_at=at("2026-07-10"))
    SupportRequestFactory(household=families[2], team=beijum, received_at=at("2026-08-01"))
    # Family 0 went on to specialist care.
    TriageFactory(
        support_request__household=families[0],
        support_request__team=beijum,
        held_on=day("2026-04-01"),
        outcome="specialist",
    )
    # A recent Basis outcome (November): its 6 months have not passed.
    TriageFactory(support_request__team=beijum, held_on=day("2026-11-02"))
    tables = matched_care(Filters(q1, None, TODAY))
    assert raw(tables, "too-light")["Jan 2026"] == [6, 2, None, 1, None, 0]
    assert shown(tables, "too-light")["Jan 2026"] == ["6", "<5", "–", "<5", "–", "0"]
    autumn = Period(day("2026-10-01"), day("2026-11-30"), MONTH)
    assert raw(matched_care(Filters(autumn, None, TODAY)), "too-light")["Nov 2026"][5] == 1


def test_signals_of_help_too_heavy(today, beijum):
    start = day("2026-02-02")
    for end_on, status in [("2026-03-20", "ended")] * 5 + [("2026-03-30", "stopped_early")]:
        IndicationFactory(
            client__team=beijum,
            start_on=start,
            end_on=day(end_on),
            status=status,
            end_reason="32" if status == "stopped_early" else "",
        )
    # An open end never ended: not counted as short.
    IndicationFactory(client__team=beijum, start_on=start, end_on=None, status="active")
    IndicationFactory(client__team=beijum, start_on=start, end_on=day("2026-06-30"), status="ended")
    IndicationFactory(
        client__team=beijum, start_on=start, end_on=day("2026-03-20"), status="active"
    )
    q1 = Period(day("2026-01-01"), day("2026-03-31"), MONTH)
    # 2 Feb + 8 weeks = 30 March: the stopped one counts, the active one does not.
    assert shown(matched_care(Filters(q1, None, TODAY)), "too-heavy")["Feb 2026"] == [
        "9",
        "6",
        "66.7%",
    ]


def test_forecast_per_team_next_to_intake(today, beijum, selwerd):
    for _ in range(6):
        IndicationFactory(client__team=beijum, start_on=day("2026-01-05"), end_on=day("2027-01-20"))
    for _ in range(5):
        IndicationFactory(
            client__team=selwerd, start_on=day("2026-02-01"), end_on=day("2027-02-10")
        )
    # Not counted: already followed up, ended, or beyond 12 months.
    IndicationFactory(
        client__team=beijum,
        start_on=day("2026-01-05"),
        end_on=day("2027-01-21"),
        follow_up_request=SupportRequestFactory(team=beijum, received_at=at("2026-06-01")),
    )
    IndicationFactory(client__team=beijum, start_on=day("2025-01-05"), end_on=day("2026-10-20"))
    IndicationFactory(client__team=beijum, start_on=day("2026-01-05"), end_on=day("2027-11-02"))
    for _ in range(15):
        SupportRequestFactory(team=beijum, received_at=at("2026-09-10"))
    for _ in range(6):
        SupportRequestFactory(team=selwerd, received_at=at("2026-10-10"))
    SupportRequestFactory(team=selwerd, received_at=at("2026-11-02"))  # this month: not yet
    tables = forecast(Filters(Q3, None, TODAY))
    totals = raw(tables, "forecast-total")
    assert list(totals)[:4] == ["Nov 2026", "Dec 2026", "Jan 2027", "Feb 2027"]
    assert len(totals) == 12
    # 15 + 6 + 1 (the follow-up in June is outside Aug-Oct) over 3 months = 7 per month.
    assert totals["Jan 2027"] == [6, 7]
    assert totals["Feb 2027"] == [5, 7]
    assert totals["Nov 2026"] == [0, 7]
    teams = raw(tables, "forecast-teams")
    assert teams["WIJ Beijum"][2] == 6 and teams["WIJ Beijum"][-1] == 5
    assert teams["WIJ Selwerd"][3] == 5 and teams["WIJ Selwerd"][-1] == 2
    only_b = raw(forecast(Filters(Q3, selwerd, TODAY)), "forecast-teams")
    assert list(only_b) == ["WIJ Selwerd"]


def test_deadlines(q3):
    tables = deadlines(Filters(Q3, None, TODAY))
    # Requests, contact due, contacted in time, share, median working days, overdue.
    assert shown(tables, "contact") == {
        "Jul 2026": ["9", "8", "6", "75.0%", "2.0", "0"],
        "Aug 2026": ["5", "5", "<5", "–", "–", "<5"],
        "Sep 2026": ["7", "7", "7", "100.0%", "3.0", "0"],
        "Total": ["21", "20", "16", "80.0%", "2.5", "<5"],
    }
    assert raw(tables, "contact")["Aug 2026"] == [5, 5, 3, None, None, 2]
    # Due, on time, late, missing, share.
    assert raw(tables, "end-evaluations")["Aug 2026"] == [7, 5, 1, 1, None]
    assert shown(tables, "end-evaluations")["Aug 2026"] == ["7", "5", "<5", "<5", "71.4%"]
    # Ended, followed up, niet in beeld, share.
    assert shown(tables, "out-of-sight")["Sep 2026"] == ["8", "5", "<5", "–"]
    assert raw(tables, "out-of-sight")["Total"][:3] == [8, 5, 3]


def test_transition(q3):
    tables = transition(Filters(Q3, None, TODAY))
    running = raw(tables, "running")
    labels = list(running)
    assert len(labels) == 3 and labels[0].startswith("Jul 2026")
    codes = [p for p in next(t for t in tables if t.slug == "running").columns]
    col = {code: i for i, code in enumerate(codes)}
    assert running[labels[0]][col["45A51"]] == 7 and running[labels[0]][col["45A56"]] == 8
    assert running[labels[2]][col["45A56"]] == 0
    assert [running[label][-1] for label in labels] == [15, 15, 7]
    providers = shown(tables, "providers")
    # At the start, at the end of July, August, September; started, ended; status.
    assert providers["Aanbieder Een"] == ["7", "7", "7", "7", "0", "0", "active"]
    assert providers["Aanbieder Twee"] == [
        "8",
        "8",
        "8",
        "0",
        "0",
        "8",
        "stopping on a date (30 Sep 2026)",
    ]
    # Flagged ZIN and PGB, ended ZIN and PGB, followed up, providers stopping
    # (organisations: never suppressed).
    assert shown(tables, "flagged-ended") == {
        "Jul 2026": ["7", "0", "0", "0", "0", "0"],
        "Aug 2026": ["0", "0", "0", "0", "0", "0"],
        "Sep 2026": ["0", "0", "8", "0", "5", "1"],
        "Total": ["7", "0", "8", "0", "5", "1"],
    }
    assert list(raw(tables, "running-left").values()) == [
        [15, 0, 15, 0],
        [15, 0, 15, 0],
        [7, 0, 7, 0],
    ]


@pytest.mark.parametrize("n, display", [(0, "0"), (1, "<5"), (4, "<5"), (5, "5"), (1234, "1,234")])
def test_small_counts_are_suppressed(n, display):
    with translation.override("en"):
        assert str(Count(n)) == display
        assert str(Count(n, suppress=False)) == ("1,234" if n == 1234 else str(n))
    assert Share(3, 10).value is None  # the numerator would give the count away
    assert Share(10, 4).value is None
    assert Share(0, 10).value == 0.0
    assert Share(5, 10).value == 50.0


def test_reports_name_no_family(q3):
    """No names, BSNs or addresses anywhere in the tables."""
    from intake.models import Client

    words = {c.last_name for c in Client.objects.all()} | {
        c.bsn for c in Client.objects.exclude(bsn=None)
    }
    filters = Filters(Q3, None, TODAY)
    text = " ".join(
        " ".join(" ".join(r) for r in t.as_lists())
        for build in (client_flows, matched_care, forecast, deadlines, transition)
        for t in build(filters)
    )
    assert not [w for w in words if w and w in text]
