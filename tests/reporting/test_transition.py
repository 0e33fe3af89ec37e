"""The transition report's figures for the real end of indications, against a hand-counted
data set: still running per month (ZIN and PGB apart, open ends apart), extensions
requested and decided, and early ends (to WIJ, stopped, to another provider) by reason.

Today is pinned to 22 November 2026; the period is the third quarter of 2026 by month.
Team A (Beijum) unless said; "Een" and "Drie" are providers.
- 6 ZIN at Een, 1 Jan to 15 Aug 2026, ended (flagged 15 May, before the period).
- 5 PGB, 1 Jan 2026 to 31 Jan 2027, running.
- 5 PGB, 1 Jan to 30 Sep 2026, ended; flagged 1 July.
- 5 ZIN at Een with an open end, from 10 August.
- 1 PGB with an open end, team B, from 1 July.
- 5 ZIN at Een handed over to WIJ early: last day 15 September (reason 33 three times,
  34 twice; the end was 31 December).
- 1 ZIN at Een, team B, stopped early on 20 July (reason 32).
- 1 ZIN at Een handed over to Drie: ended 9 August (reason 38); the new one at Drie from
  10 August to 31 December, `preceded_by` the first.
Extension requests: 6 asked on 6 July (on the six ended ZIN), decided 3 August: 1 extend,
5 not extended; 5 asked on 1 September (on the running PGBs), all extended on 14 September;
1 asked 20 September (on the one at Drie), still pending.

Running on the last day (all teams / team A):
  July:      ZIN 6+5+1 = 12, PGB 5+5+1 = 11, total 23, open end 1  /  12, 10, 22, 0
  August:    ZIN 5+5+1 = 11, PGB 11, total 22, open end 6        /  11, 10, 21, 5
  September: ZIN 5+1 = 6,    PGB 11, total 17, open end 6        /   6, 10, 16, 5
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from indications.models import ExtensionRequest
from reporting.periods import MONTH, Period
from reporting.selectors import Filters, transition
from tests.factories import ClientFactory, IndicationFactory, ProviderFactory, UserFactory

from .conftest import TODAY, day
from .test_figures import raw, shown

Q3 = Period(day("2026-07-01"), day("2026-09-30"), MONTH)
Q3_QUERY = {"start": "2026-07-01", "end": "2026-09-30", "by": "month"}


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def _make(n, team, **kwargs):
    return [IndicationFactory(client=ClientFactory(team=team), **kwargs) for _ in range(n)]


def _pgb(n, team, **kwargs):
    return _make(n, team, financing="pgb", provider=None, budget_holder="Ouder", **kwargs)


def _extension(indication, *, asked, decision="pending", decided=None, by=None):
    return ExtensionRequest.objects.create(
        indication=indication,
        requested_on=day(asked),
        requested_by="provider",
        reasons="Nog niet klaar.",
        decision=decision,
        weighing="Individueel gewogen." if decided else "",
        decided_by=by if decided else None,
        decided_on=day(decided) if decided else None,
        new_end_on=day("2027-03-31") if decision == "extend" else None,
    )


@pytest.fixture
def ends(today, beijum, selwerd):
    a, b = beijum, selwerd
    een = ProviderFactory(name="Aanbieder Een")
    drie = ProviderFactory(name="Aanbieder Drie")
    start = day("2026-01-01")
    ended = _make(
        6,
        a,
        provider=een,
        start_on=start,
        end_on=day("2026-08-15"),
        status="ended",
        flagged_on=day("2026-05-15"),
    )
    running_pgb = _pgb(5, a, start_on=start, end_on=day("2027-01-31"))
    _pgb(
        5, a, start_on=start, end_on=day("2026-09-30"), status="ended", flagged_on=day("2026-07-01")
    )
    _make(5, a, provider=een, start_on=day("2026-08-10"), end_on=None)
    _pgb(1, b, start_on=day("2026-07-01"), end_on=None)
    for reason in ("33", "33", "33", "34", "34"):
        _make(
            1,
            a,
            provider=een,
            start_on=start,
            end_on=day("2026-09-15"),
            status="transferred",
            end_reason=reason,
        )
    _make(
        1,
        b,
        provider=een,
        start_on=start,
        end_on=day("2026-07-20"),
        status="stopped_early",
        end_reason="32",
    )
    (first,) = _make(
        1,
        a,
        provider=een,
        start_on=start,
        end_on=day("2026-08-09"),
        status="other_provider",
        end_reason="38",
    )
    second = IndicationFactory(
        client=first.client,
        product=first.product,
        provider=drie,
        start_on=day("2026-08-10"),
        end_on=day("2026-12-31"),
        preceded_by=first,
    )
    admin = UserFactory(username="jeugdadministratie")
    for i, indication in enumerate(ended):
        _extension(
            indication,
            asked="2026-07-06",
            decision="extend" if i == 0 else "wij",
            decided="2026-08-03",
            by=admin,
        )
    for indication in running_pgb:
        _extension(
            indication, asked="2026-09-01", decision="extend", decided="2026-09-14", by=admin
        )
    _extension(second, asked="2026-09-20")
    return {"a": a, "b": b}


def test_still_running_per_month_zin_and_pgb_apart_open_ends_apart(ends):
    tables = transition(Filters(Q3, None, TODAY))
    # ZIN, PGB, total, of which an open end; on the last day of each month.
    assert list(raw(tables, "running-left").values()) == [
        [12, 11, 23, 1],
        [11, 11, 22, 6],
        [6, 11, 17, 6],
    ]
    assert next(iter(shown(tables, "running-left").values())) == ["12", "11", "23", "<5"]
    assert next(iter(shown(tables, "running-left"))) == "Jul 2026 (on 31 Jul)"
    # The products' table counts the same (open ends and PGB included).
    assert [row[-1] for row in raw(tables, "running").values()] == [23, 22, 17]
    only_a = transition(Filters(Q3, ends["a"], TODAY))
    assert list(raw(only_a, "running-left").values()) == [
        [12, 10, 22, 0],
        [11, 10, 21, 5],
        [6, 10, 16, 5],
    ]


def test_providers_and_flows_count_zin_and_pgb_apart(ends):
    tables = transition(Filters(Q3, None, TODAY))
    providers = raw(tables, "providers")
    # At the start, at the end of July, August, September; started, ended; (status).
    assert providers["Aanbieder Een"] == [13, 12, 10, 5, 5, 13, None]
    assert providers["Aanbieder Drie"] == [0, 0, 1, 1, 1, 0, None]
    assert providers["Personal budget (PGB): no provider"] == [11, 11, 11, 11, 1, 5, None]
    assert list(providers)[-1] == "Personal budget (PGB): no provider"
    # Flagged ZIN, flagged PGB, ended ZIN, ended PGB, followed up, providers stopping.
    assert raw(tables, "flagged-ended") == {
        "Jul 2026": [0, 5, 1, 0, 0, 0],
        "Aug 2026": [0, 0, 7, 0, 0, 0],
        "Sep 2026": [0, 0, 5, 5, 0, 0],
        "Total": [0, 5, 13, 5, 0, 0],
    }
    assert shown(tables, "flagged-ended")["Jul 2026"] == ["0", "5", "<5", "0", "0", "0"]


def test_extensions_requested_and_decided_per_month(ends):
    tables = transition(Filters(Q3, None, TODAY))
    # Requested, extended, not extended (Basis jeugdhulp at WIJ), share extended.
    assert shown(tables, "extensions") == {
        "Jul 2026": ["6", "0", "0", "–"],
        "Aug 2026": ["0", "<5", "5", "–"],
        "Sep 2026": ["6", "5", "0", "100.0%"],
        "Total": ["12", "6", "5", "54.5%"],
    }
    assert raw(tables, "extensions")["Aug 2026"][:3] == [0, 1, 5]
    only_b = transition(Filters(Q3, ends["b"], TODAY))
    assert raw(only_b, "extensions")["Total"][:3] == [0, 0, 0]


def test_early_ends_by_kind_and_reason(ends):
    tables = transition(Filters(Q3, None, TODAY))
    # To WIJ, stopped early, to another provider, total; by the month of the last day.
    assert raw(tables, "early-handovers") == {
        "Jul 2026": [0, 1, 0, 1],
        "Aug 2026": [0, 0, 1, 1],
        "Sep 2026": [5, 0, 0, 5],
        "Total": [5, 1, 1, 7],
    }
    assert shown(tables, "early-handovers")["Total"] == ["5", "<5", "<5", "7"]
    reasons = raw(tables, "early-handover-reasons")
    assert reasons["32 Ended early, by the client"][0] == 1
    assert reasons["33 Ended early, by the provider"][0] == 3
    assert reasons["34 Ended early, by agreement"][0] == 2
    assert reasons["38 Move to another provider"][0] == 1
    assert reasons["Total"][0] == 7
    assert "31 Delivery ended as planned" not in reasons
    assert shown(tables, "early-handover-reasons")["33 Ended early, by the provider"] == [
        "<5",
        "–",
    ]
    only_a = transition(Filters(Q3, ends["a"], TODAY))
    assert raw(only_a, "early-handovers")["Total"] == [5, 0, 1, 6]


def test_the_transition_page_and_exports_with_pgb_and_open_ends(client, official, ends):
    url = reverse("reporting:report", args=["transitie"])
    client.force_login(official)
    response = client.get(url, Q3_QUERY)
    assert response.status_code == 200
    html = response.content.decode()
    for slug in ("running-left", "extensions", "early-handovers", "early-handover-reasons"):
        assert f"export=csv&amp;table={slug}" in html
        csv = client.get(url, {**Q3_QUERY, "export": "csv", "table": slug})
        assert csv.status_code == 200
    assert client.get(url, {**Q3_QUERY, "export": "xlsx"}).status_code == 200


def test_the_transition_queries_do_not_grow_with_the_data(client, official, ends, beijum):
    url = reverse("reporting:report", args=["transitie"])
    client.force_login(official)

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url, Q3_QUERY).status_code == 200
        return len(ctx)

    few = queries()
    extra = ProviderFactory(name="Aanbieder Vier")
    _make(5, beijum, provider=extra, start_on=day("2026-02-01"), end_on=None)
    _pgb(5, beijum, start_on=day("2026-02-01"), end_on=day("2026-08-01"), status="ended")
    for indication in _make(5, beijum, start_on=day("2026-02-01"), end_on=day("2026-12-01")):
        _extension(indication, asked="2026-08-20")
    assert queries() == few


def test_the_page_names_the_largest_providers_and_the_exports_all(
    client, official, ends, monkeypatch
):
    monkeypatch.setattr("reporting.selectors.TOP_PROVIDERS", 1)
    url = reverse("reporting:report", args=["transitie"])
    client.force_login(official)
    html = client.get(url, Q3_QUERY).content.decode()
    # Een runs 5 at the end of September, Drie 1: Een by name, Drie among the others.
    assert "Aanbieder Een" in html
    assert "Aanbieder Drie" not in html
    # The page is in Dutch.
    with translation.override("nl"):
        others = gettext("Other providers (%(count)s)") % {"count": 1}
        budgets = gettext("Personal budget (PGB): no provider")
    assert others in html
    assert budgets in html
    csv = client.get(url, {**Q3_QUERY, "export": "csv", "table": "providers"})
    text = csv.content.decode()
    assert "Aanbieder Een" in text and "Aanbieder Drie" in text
    assert "Other providers" not in text
    with translation.override("en"):
        page = next(t for t in transition(Filters(Q3, None, TODAY)) if t.slug == "providers")
        shown = raw([page.for_page()], "providers")
    assert shown["Other providers (1)"] == [
        0,
        0,
        1,
        1,
        1,
        0,
        None,
    ]
