"""The figures of the help itself (report "basis-jeugdhulp", and the trajectory figures in
matched care and the council PDF) against a data set counted by hand.

Today is pinned to Sunday 22 November 2026; the period is Q3 2026 by month. Team A is WIJ
Beijum, team B WIJ Selwerd. Requests are received at 10:00 on the day named.

Trajectories (children; received → triage → help started → ended):
- F1-F5 (A): families of 2 children; received 1 Jun, triage 10 Jun, help started 1, 2, 6,
  11 and 31 July (waited 30, 31, 35, 40, 60 days); running (F5 paused in September).
- G1-G6 (A): 1 child each; received 1 Apr, triage 10 Apr; help from 1 May, 4 May, 11 May,
  1 Jun, 15 Jun, 1 May; ended 14 Aug (G1-G5) and 15 Sep (G6) after 105, 102, 95, 74, 60
  and 137 days. End reason / goals / satisfaction:
  G1 31 fully asked-satisfied; G2 31 fully asked-satisfied; G3 31 partly asked-neutral;
  G4 32 not asked-no answer; G5 34 not determined, not asked; G6 38 partly asked-dissatisfied.
- W1-W3 (A): 1 child each; received 3 Aug, triage 10 Aug; help never started; W3 ended
  10 Sep (reason 32, goals not determined) before its help started.
- N1 (A): received 1 Sep, triage 20 Sep, help started 5 Oct (after the quarter).
- S1 (B): received 1 Jul, triage 6 Jul, help started 20 Jul (waited 19 days); running.
- P1 (A): help 1 Feb - 30 Jun: ended before the quarter.

Intensity changes: F1 up 15 Jul, down 15 Aug; F2 down 20 Aug; F3 up 1 Sep; F4 up 2 Sep;
S1 (B) up 25 Jul; G1 down 15 Jun (before the quarter).

Outcomes per child (triages held in Q3): S1 (Jul), W1-W3 (Aug), N1 (Sep): Basis jeugdhulp,
intensity basic, W1 with specialist help added (a provider). C1-C4 (Aug): specialist care
with WIJ coordinating and a provider, intensity light (C1, C2) and basic (C3, C4). R1 (Aug):
specialist care, no role for WIJ, light. O1 (Aug): other route, light. L1 (Aug): a specialist
referral carried over by the data migration (legacy, no intensity).

After the end: G1's child is back at WIJ (a request received 1 Oct); G2's child gets a
specialist outcome (triage 5 Oct, on a request received 1 Aug, before the end); G3's child
an indication from 1 Sep; G4's child had a request on 10 Aug, before its end: not counted.
"""

import csv
import io
import re

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook
from pypdf import PdfReader

from reporting.council import council_context, council_pdf
from reporting.periods import MONTH, Period, parse_quarter
from reporting.selectors import Filters, basis_help, matched_care
from reporting.tables import Median, Share
from samen.codelists import EARLY_END_REASONS
from tests.factories import (
    ChildOutcomeFactory,
    ClientFactory,
    IndicationFactory,
    ProviderFactory,
    SupportRequestFactory,
    TriageFactory,
    make_trajectory,
)
from trajectories import services

from .conftest import TODAY, at, day

Q3 = Period(day("2026-07-01"), day("2026-09-30"), MONTH)
Q3_QUERY = {"start": "2026-07-01", "end": "2026-09-30", "by": "month"}


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def shown(tables, slug):
    table = next(t for t in tables if t.slug == slug)
    return {str(row.label): [str(cell) for cell in row.cells] for row in table.rows}


def _trajectory(team, received, held, *, children=1, started=None, status="active", **kw):
    request = SupportRequestFactory(
        team=team,
        received_at=at(received),
        clients=[ClientFactory(team=team) for _ in range(children)],
    )
    triage = TriageFactory(support_request=request, held_on=day(held))
    return make_trajectory(
        triage=triage,
        status=status if started else "waiting",
        started_on=day(started) if started else None,
    )


def _coach(trajectory):
    return trajectory.coaches.first().coach


def _end(trajectory, ended, reason, goals, asked=None, answer=""):
    trajectory.refresh_from_db()
    return services.trajectory_end(
        trajectory_id=trajectory.pk,
        expected_version=trajectory.version,
        ended_on=day(ended),
        end_reason=reason,
        end_note="Gezin stopte zelf." if reason in EARLY_END_REASONS else "",
        goals_reached=goals,
        satisfaction_asked=asked,
        satisfaction=answer,
        user=_coach(trajectory),
    )


def _change(trajectory, to, on):
    trajectory.refresh_from_db()
    services.intensity_change(
        trajectory_id=trajectory.pk,
        expected_version=trajectory.version,
        to_intensity=to,
        reason="Past beter bij wat nu nodig is.",
        changed_on=day(on),
        user=_coach(trajectory),
    )


def _child(trajectory):
    return trajectory.children.first().client


@pytest.fixture
def help_q3(today, beijum, selwerd):
    a, b = beijum, selwerd
    provider = ProviderFactory(name="Specialist Noord")
    f = [
        _trajectory(a, "2026-06-01", "2026-06-10", children=2, started=started)
        for started in ("2026-07-01", "2026-07-02", "2026-07-06", "2026-07-11", "2026-07-31")
    ]
    g = [
        _trajectory(a, "2026-04-01", "2026-04-10", started=started)
        for started in (
            "2026-05-01",
            "2026-05-04",
            "2026-05-11",
            "2026-06-01",
            "2026-06-15",
            "2026-05-01",
        )
    ]
    w = [_trajectory(a, "2026-08-03", "2026-08-10") for _ in range(3)]
    n1 = _trajectory(a, "2026-09-01", "2026-09-20", started="2026-10-05")
    s1 = _trajectory(b, "2026-07-01", "2026-07-06", started="2026-07-20")
    p1 = _trajectory(a, "2026-01-05", "2026-01-12", started="2026-02-01")
    _end(p1, "2026-06-30", "31", "fully")

    _change(g[0], "light", "2026-06-15")
    _change(f[0], "specialist", "2026-07-15")
    _change(s1, "specialist", "2026-07-25")
    _change(f[0], "basic", "2026-08-15")
    _change(f[1], "light", "2026-08-20")
    _change(f[2], "specialist", "2026-09-01")
    _change(f[3], "specialist", "2026-09-02")
    f[4].refresh_from_db()
    services.trajectory_pause(
        trajectory_id=f[4].pk, expected_version=f[4].version, user=_coach(f[4])
    )

    _end(g[0], "2026-08-14", "31", "fully", True, "satisfied")
    _end(g[1], "2026-08-14", "31", "fully", True, "satisfied")
    _end(g[2], "2026-08-14", "31", "partly", True, "neutral")
    _end(g[3], "2026-08-14", "32", "not", True, "")
    _end(g[4], "2026-08-14", "34", "unknown")
    _end(g[5], "2026-09-15", "38", "partly", True, "dissatisfied")
    _end(w[2], "2026-09-10", "32", "unknown")

    for trajectory in (s1, *w, n1):
        ChildOutcomeFactory(
            triage=trajectory.triage,
            client=_child(trajectory),
            provider=provider if trajectory == w[0] else None,
            provider_contacted_on=day("2026-08-10") if trajectory == w[0] else None,
        )
    for intensity in ("light", "light", "basic", "basic"):
        ChildOutcomeFactory(
            triage__support_request__team=a,
            triage__held_on=day("2026-08-20"),
            triage__outcome="specialist",
            outcome="specialist",
            intensity=intensity,
            wij_role="coordination",
            provider=provider,
            provider_contacted_on=day("2026-08-20"),
        )
    ChildOutcomeFactory(
        triage__support_request__team=a,
        triage__held_on=day("2026-08-21"),
        triage__outcome="specialist",
        outcome="specialist",
        intensity="light",
        provider=provider,
        provider_contacted_on=day("2026-08-21"),
    )
    ChildOutcomeFactory(
        triage__support_request__team=a,
        triage__held_on=day("2026-08-21"),
        triage__outcome="other_route",
        outcome="other_route",
        intensity="light",
    )
    ChildOutcomeFactory(
        triage__support_request__team=a,
        triage__held_on=day("2026-08-22"),
        triage__outcome="specialist",
        outcome="specialist",
        intensity="",
        legacy=True,
    )

    SupportRequestFactory(team=a, received_at=at("2026-10-01"), clients=[_child(g[0])])
    earlier = SupportRequestFactory(team=a, received_at=at("2026-08-01"), clients=[_child(g[1])])
    ChildOutcomeFactory(
        triage=TriageFactory(
            support_request=earlier, held_on=day("2026-10-05"), outcome="specialist"
        ),
        client=_child(g[1]),
        outcome="specialist",
        intensity="basic",
        provider=provider,
        provider_contacted_on=day("2026-10-05"),
    )
    IndicationFactory(client=_child(g[2]), start_on=day("2026-09-01"), end_on=day("2027-09-01"))
    SupportRequestFactory(team=a, received_at=at("2026-08-10"), clients=[_child(g[3])])
    return {"a": a, "b": b}


def test_children_and_families_helped(help_q3):
    tables = basis_help(Filters(Q3, None, TODAY))
    # July: F1-F5 (10 children, 5 families), G1-G6 (6, 6), S1 (1, 1) = 17 children, 12
    #   families; started in July: F (10) + S1 (1) = 11. P1 ended 30 June: not counted.
    # August: the same 17 / 12 (G1-G5 ended 14 Aug, so they ran in August); none started.
    # September: F (10/5), G6 (ended 15 Sep), S1 = 12 / 7. W (never started), N1 (started
    #   October) are not helped in the quarter; F5 is paused and still counts.
    # Total: each child once: 17 children, 12 families, 11 started.
    assert shown(tables, "basis-helped") == {
        "Jul 2026": ["17", "12", "11"],
        "Aug 2026": ["17", "12", "0"],
        "Sep 2026": ["12", "7", "0"],
        "Total (each child once)": ["17", "12", "11"],
    }
    # Team A only: S1 (team B) drops out.
    team_a = basis_help(Filters(Q3, help_q3["a"], TODAY))
    assert shown(team_a, "basis-helped")["Jul 2026"] == ["16", "11", "10"]


def test_waiting_time_median_p90_and_still_waiting(help_q3):
    tables = basis_help(Filters(Q3, None, TODAY))
    # Started in July: waited 19 (S1), 30, 31, 35, 40, 60 days (F1-F5).
    # Median (31 + 35) / 2 = 33; p90 at position 0.9 × 5 = 4.5: 40 + 0.5 × (60 - 40) = 50.
    # Still waiting on 31 July: none (W triaged 10 Aug; F5 started on the 31st).
    # On 31 August: W1-W3 = 3. On 30 September: W1, W2 and N1 (started 5 Oct) = 3
    #   (W3 ended 10 Sep).
    assert shown(tables, "waiting-time") == {
        "Jul 2026": ["6", "33.0", "50.0", "0"],
        "Aug 2026": ["0", "–", "–", "<5"],
        "Sep 2026": ["0", "–", "–", "<5"],
        "Total": ["6", "33.0", "50.0", "<5"],
    }
    total = next(t for t in tables if t.slug == "waiting-time").rows[-1].cells
    assert total[3].n == 3
    # Team A: 30, 31, 35, 40, 60: median 35; p90 at 0.9 × 4 = 3.6: 40 + 0.6 × 20 = 52.
    team_a = basis_help(Filters(Q3, help_q3["a"], TODAY))
    assert shown(team_a, "waiting-time")["Total"] == ["5", "35.0", "52.0", "<5"]


def test_duration_of_ended_trajectories(help_q3):
    tables = basis_help(Filters(Q3, None, TODAY))
    # August: G1-G5 after 60, 74, 95, 102, 105 days: median 95; p90 at 3.6: 102 + 0.6 × 3.
    # September: G6 (137 days): one value, not shown; W3 ended before its help started.
    # Total: 60, 74, 95, 102, 105, 137: median 98.5; p90 at 4.5: 105 + 0.5 × 32 = 121.
    assert shown(tables, "trajectory-duration") == {
        "Jul 2026": ["0", "–", "–", "0"],
        "Aug 2026": ["5", "95.0", "103.8", "0"],
        "Sep 2026": ["<5", "–", "–", "<5"],
        "Total": ["6", "98.5", "121.0", "<5"],
    }


def test_scaling_up_and_down(help_q3):
    tables = basis_help(Filters(Q3, None, TODAY))
    # July: F1 up, S1 up. August: F1 down, F2 down. September: F3 up, F4 up.
    # G1's change in June is outside the quarter. Up 4, down 2, 6 changes.
    assert shown(tables, "scaling") == {
        "Jul 2026": ["<5", "0", "<5"],
        "Aug 2026": ["0", "<5", "<5"],
        "Sep 2026": ["<5", "0", "<5"],
        "Total": ["<5", "<5", "6"],
    }
    team_a = basis_help(Filters(Q3, help_q3["a"], TODAY))
    table = next(t for t in team_a if t.slug == "scaling")
    assert [cell.n for cell in table.rows[-1].cells] == [3, 2, 5]  # without S1


def test_end_reasons_and_results(help_q3):
    tables = basis_help(Filters(Q3, None, TODAY))
    results = next(t for t in tables if t.slug == "end-results")
    # Ended, as planned, early, other, share, goals fully / partly / not / not determined,
    # share fully or partly.
    # August: G1-G5: 31, 31, 31, 32, 34 → 3 as planned, 2 early; goals 2, 1, 1, 1.
    # September: G6 (38: other; partly), W3 (32: early; not determined).
    # Total: 7 ended, 3 as planned, 3 early, 1 other; goals 2, 2, 1, 2.
    assert [
        [c.n if not isinstance(c, Share) else (c.numerator, c.denominator) for c in row.cells]
        for row in results.rows
    ] == [
        [0, 0, 0, 0, (0, 0), 0, 0, 0, 0, (0, 0)],
        [5, 3, 2, 0, (3, 5), 2, 1, 1, 1, (3, 5)],
        [2, 0, 1, 1, (0, 2), 0, 1, 0, 1, (1, 2)],
        [7, 3, 3, 1, (3, 7), 2, 2, 1, 2, (4, 7)],
    ]
    # Small numbers: 3 of 5 is "<5" and its share is not shown.
    assert shown(tables, "end-results")["Aug 2026"] == [
        "5", "<5", "<5", "0", "–", "<5", "<5", "<5", "<5", "–"
    ]  # fmt: skip
    reasons = shown(tables, "end-reasons")
    assert reasons["31 Delivery ended as planned"] == ["<5", "–"]
    assert reasons["32 Ended early, by the client"] == ["<5", "–"]
    assert reasons["35 Ended early, external cause"] == ["0", "0.0%"]
    assert reasons["Total"] == ["7", "100.0%"]
    assert "20 Delivery temporarily ended" not in reasons  # a pause, not an end
    # Satisfaction: asked G1-G4 (Aug) and G6 (Sep) = 5 of 7 (71.4%); satisfied 2, neutral
    # 1, dissatisfied 1; satisfied 2 of 4 answers: too few to show.
    assert shown(tables, "satisfaction") == {
        "Jul 2026": ["0", "0", "–", "0", "0", "0", "–"],
        "Aug 2026": ["5", "<5", "–", "<5", "<5", "0", "–"],
        "Sep 2026": ["<5", "<5", "–", "0", "0", "<5", "–"],
        "Total": ["7", "5", "71.4%", "<5", "<5", "<5", "–"],
    }


def test_share_of_combined_help(help_q3):
    tables = basis_help(Filters(Q3, None, TODAY))
    # Basis, coordination, with a role, specialist help added, share.
    # July: S1. August: W1-W3 (W1 with a provider) and C1-C4 (coordination, all with a
    # provider): 3 + 4 = 7, 5 combined. September: N1. R1, O1 and L1 give WIJ no role.
    assert shown(tables, "combined-help") == {
        "Jul 2026": ["<5", "0", "<5", "0", "–"],
        "Aug 2026": ["<5", "<5", "7", "5", "71.4%"],
        "Sep 2026": ["<5", "0", "<5", "0", "–"],
        "Total": ["5", "<5", "9", "5", "55.6%"],
    }


def test_matched_care_counts_the_intensity_of_every_child_outcome(help_q3):
    tables = matched_care(Filters(Q3, None, TODAY))
    # WIJ, other route, specialist, Open House, children.
    # light: O1 (other route), C1, C2, R1 (specialist): a light need referred on shows.
    # basic: S1, W1-W3, N1 (WIJ); C3, C4 (specialist). not recorded: L1, carried over.
    assert shown(tables, "intensity-outcome") == {
        "light": ["0", "<5", "<5", "0", "<5"],
        "basic": ["5", "0", "<5", "0", "7"],
        "specialist": ["0", "0", "0", "0", "0"],
        "not recorded (carried over)": ["0", "0", "<5", "0", "<5"],
    }
    table = next(t for t in tables if t.slug == "intensity-outcome")
    assert [c.n for c in table.rows[0].cells] == [0, 1, 3, 0, 4]
    # After the help: ended in Q3: G1-G5 (Aug), G6 and W3 (Sep). Back at WIJ: G1; to
    # specialist care: G2 (triage outcome), G3 (indication). G4's request came before its
    # end. None of the 6 months has passed on 22 November.
    after = next(t for t in tables if t.slug == "after-trajectory")
    assert [[getattr(c, "n", None) for c in row.cells] for row in after.rows] == [
        [0, 0, None, 0, None, 0],
        [5, 1, None, 2, None, 5],
        [2, 0, None, 0, None, 2],
        [7, 1, None, 2, None, 7],
    ]


def test_six_months_passed_is_counted_apart(today, beijum):
    """Ended 15 January: its 6 months passed on 15 July, before today."""
    q1 = Period(day("2026-01-01"), day("2026-03-31"), MONTH)
    for _ in range(5):
        trajectory = _trajectory(beijum, "2025-10-01", "2025-10-06", started="2025-10-20")
        _end(trajectory, "2026-01-15", "31", "fully")
    after = next(t for t in matched_care(Filters(q1, None, today)) if t.slug == "after-trajectory")
    assert shown([after], "after-trajectory")["Total"] == ["5", "0", "0.0%", "0", "0.0%", "0"]


def test_medians_are_hidden_below_five(today, beijum):
    for started in ("2026-07-10", "2026-07-20"):
        _trajectory(beijum, "2026-07-01", "2026-07-02", started=started)
    waiting = next(t for t in basis_help(Filters(Q3, None, today)) if t.slug == "waiting-time")
    median = waiting.rows[0].cells[1]
    assert isinstance(median, Median) and median.median == 14.0 and str(median) == "–"


def _get(client, user, url, **params):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client.get(url, params)


def test_report_page_csv_and_xlsx(client, official, help_q3):
    url = reverse("reporting:report", args=["basis-jeugdhulp"])
    page = _get(client, official, url, **Q3_QUERY)
    assert page.status_code == 200
    assert "Children and families helped by Basis jeugdhulp at WIJ" in page.text
    csv_response = _get(client, official, url, export="csv", table="waiting-time", **Q3_QUERY)
    assert csv_response["Content-Disposition"] == (
        'attachment; filename="basis-jeugdhulp-waiting-time-2026-K3-alle-teams.csv"'
    )
    rows = list(csv.reader(io.StringIO(csv_response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[1] == ["Jul 2026", "6", "33.0", "50.0", "0"]
    assert rows[-1] == ["Total", "6", "33.0", "50.0", "<5"]
    xlsx = _get(client, official, url, export="xlsx", **Q3_QUERY)
    book = load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames == [
        "Children and families helped",
        "Waiting time",
        "Duration of the help",
        "Scaling up and down",
        "End results",
        "End reasons",
        "Client satisfaction",
        "Combined help",
    ]
    sheet = book["Waiting time"]
    assert [c.value for c in sheet[5]] == ["Jul 2026", 6, 33.0, 50.0, 0]
    assert [c.value for c in sheet[8]] == ["Total", 6, 33.0, 50.0, "<5"]
    helped = book["Children and families helped"]
    assert [c.value for c in helped[8]] == ["Total (each child once)", 17, 12, 11]


def test_the_report_view_runs_a_fixed_number_of_queries(client, official, today, beijum):
    url = reverse("reporting:report", args=["basis-jeugdhulp"])

    def queries():
        client.force_login(official)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url, Q3_QUERY).status_code == 200
        return len(ctx)

    _trajectory(beijum, "2026-07-01", "2026-07-02", started="2026-07-10")
    few = queries()
    for i in range(8):
        trajectory = _trajectory(
            beijum, "2026-07-01", "2026-07-02", children=2, started="2026-07-10"
        )
        _change(trajectory, "light", "2026-07-20")
        if i % 2:
            _end(trajectory, "2026-08-14", "31", "fully", True, "satisfied")
    assert queries() == few
    matched = reverse("reporting:report", args=["matched-care"])
    client.force_login(official)
    with CaptureQueriesContext(connection) as before:
        client.get(matched, Q3_QUERY)
    for _ in range(5):
        _end(
            _trajectory(beijum, "2026-07-01", "2026-07-02", started="2026-07-10"),
            "2026-08-20",
            "32",
            "not",
        )
    with CaptureQueriesContext(connection) as after:
        client.get(matched, Q3_QUERY)
    assert len(after) == len(before)


def test_council_pdf_has_the_help_itself(help_q3):
    with translation.override("nl"):
        context = council_context(parse_quarter("2026-Q3"), TODAY)
        figures = {str(label): str(value) for label, value in context["key_figures"]}
    assert figures["Kinderen geholpen door Basis jeugdhulp"] == "17"
    assert figures["Gezinnen geholpen door Basis jeugdhulp"] == "12"
    assert figures["Mediane wachttijd tot de start van de hulp (dagen)"] == "33,0"
    slugs = [table.slug for table, _chart, _wide in context["sections"]]
    assert {"basis-helped", "waiting-time", "end-results"} <= set(slugs)
    wide = {table.slug: wide for table, _chart, wide in context["sections"]}
    assert wide["end-results"]  # 10 columns: on a landscape page
    text = "\n".join(
        page.extract_text()
        for page in PdfReader(io.BytesIO(council_pdf(parse_quarter("2026-Q3"), TODAY))).pages
    )
    text = re.sub(r"\s+", " ", text)
    assert "Kinderen en gezinnen geholpen door Basis jeugdhulp bij WIJ" in text
    assert "Wachttijd van aanmelding tot de start van de hulp" in text


@pytest.mark.parametrize(
    "params",
    [
        {"start": "2026-07-01", "end": "9999-12-31", "by": "month"},
        {"start": "2026-07-01", "end": "2026-09-30", "team": "99999999999999999999"},
        {"start": "2020-01-01", "end": "2026-09-30", "by": "quarter"},
        {"start": "juli", "end": "", "by": "week"},
    ],
)
def test_odd_filters_give_a_page_not_an_error(client, official, today, params):
    url = reverse("reporting:report", args=["basis-jeugdhulp"])
    response = _get(client, official, url, **params)
    assert response.status_code == 200
    assert "Waiting time from registration to the start of the help" in response.text


def test_a_nul_byte_gets_the_400_page(client, official, today):
    """samen.middleware answers a NUL byte in the query string before the view runs."""
    url = reverse("reporting:report", args=["basis-jeugdhulp"])
    assert _get(client, official, url, start="2026-07-01\x00").status_code == 400
