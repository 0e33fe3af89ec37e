"""A known data set for the third quarter of 2026, counted by hand in the tests.

Today is pinned to Sunday 22 November 2026. Two WIJ teams: Beijum (A) and Selwerd (B).

Support requests (received; 5-working-day deadline; first contact):
- July, team A: 6 by a GP, received Mon 6 July (deadline 13 July): 4 contacted on 8 July
  (2 working days), 2 on 15 July (7, late). 2 self-referrals received 6 July, contacted 8 July.
  1 self-referral closed as a duplicate without contact.
- August, team A: 5 by a GI (04) before that route was open (accepted as self-registration),
  received Mon 3 August (deadline 10 August): 3 contacted 4 August (1), 2 never (overdue).
- September, team B: 7 by a GP, received Mon 7 September, all contacted 10 September (3).
- Outside the quarter: one in June, one in October.

Triages:
- July: 5 Basis jeugdhulp (intensity light, product 45A51) on the July GP requests.
- August: 1 other route (the 6th July GP request); 5 specialist (the August GI requests).
- September: 6 Basis jeugdhulp (intensity basic; 3 on 45A51, 3 on 45A04) and
  1 Open House exception, on the September requests.

Indications (all children of team A):
- 7 of product 45A51 at provider "Aanbieder Een", 15 Oct 2025 to 15 Oct 2026 (end-evaluation
  due 15 Aug 2026), flagged 15 July: 5 with an on-time end-evaluation, 1 late, 1 none.
- 8 of product 45A56 at "Aanbieder Twee" (stops 30 September), 1 Sep 2025 to 10 Sep 2026,
  ended: 5 followed up at WIJ (handled 1 September), 3 'niet in beeld'. (The follow-up
  request itself was received in June, outside the quarter.)
"""

import datetime

import pytest
import time_machine
from django.utils import timezone

from tests.factories import (
    ClientFactory,
    EndEvaluationFactory,
    IndicationFactory,
    ProviderFactory,
    SupportRequestFactory,
    TeamFactory,
    TriageFactory,
)

TODAY = datetime.date(2026, 11, 22)


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def at(text: str) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.fromisoformat(f"{text}T10:00"))


@pytest.fixture
def today():
    with time_machine.travel(datetime.datetime(2026, 11, 22, 12, 0, tzinfo=datetime.UTC)):
        yield TODAY


@pytest.fixture
def selwerd(db):
    return TeamFactory(name="WIJ Selwerd")


def carry_over(triage):
    """The per-child outcomes the data migration gives an existing triage (legacy rows):
    the triage's outcome and intensity for each child (no intensity for a referral)."""
    from triage.models import ChildOutcome

    for child in triage.support_request.clients.all():
        ChildOutcome.objects.create(
            triage=triage,
            client=child,
            outcome=triage.outcome,
            intensity=triage.intensity,
            wij_role="basis" if triage.outcome in ChildOutcome.WIJ_OUTCOMES else "",
            other_route=triage.other_route,
            legacy=True,
        )
    return triage


def _requests(n, *, team, received, contacted=None, status=None, **kwargs):
    return [
        SupportRequestFactory(
            team=team,
            received_at=at(received),
            first_contact_on=day(contacted) if contacted else None,
            status=status or ("contacted" if contacted else "registered"),
            **kwargs,
        )
        for _ in range(n)
    ]


@pytest.fixture
def q3(today, beijum, selwerd):
    a, b = beijum, selwerd
    gp_july = _requests(
        4, team=a, received="2026-07-06", contacted="2026-07-08", referrer_type="02"
    )
    gp_july += _requests(
        2, team=a, received="2026-07-06", contacted="2026-07-15", referrer_type="02"
    )
    _requests(2, team=a, received="2026-07-06", contacted="2026-07-08", referrer_type="06")
    _requests(
        1,
        team=a,
        received="2026-07-06",
        referrer_type="06",
        status="closed",
        close_reason="duplicate",
    )
    gi_august = _requests(
        3,
        team=a,
        received="2026-08-03",
        contacted="2026-08-04",
        referrer_type="04",
        route_open=False,
        route_outcome="accepted_as_self",
    )
    gi_august += _requests(
        2,
        team=a,
        received="2026-08-03",
        referrer_type="04",
        route_open=False,
        route_outcome="accepted_as_self",
    )
    gp_september = _requests(
        7, team=b, received="2026-09-07", contacted="2026-09-10", referrer_type="02"
    )
    _requests(1, team=a, received="2026-06-15", contacted="2026-06-16", referrer_type="02")
    _requests(1, team=b, received="2026-10-05", contacted="2026-10-06", referrer_type="02")

    for request in gp_july[:5]:
        carry_over_triage(
            support_request=request,
            held_on=day("2026-07-10"),
            intensity="light",
            products=["45A51"],
        )
    carry_over_triage(support_request=gp_july[5], held_on=day("2026-08-12"), outcome="other_route")
    for request in gi_august:
        carry_over_triage(support_request=request, held_on=day("2026-08-20"), outcome="specialist")
    for i, request in enumerate(gp_september[:6]):
        carry_over_triage(
            support_request=request,
            held_on=day("2026-09-15"),
            products=["45A51" if i < 3 else "45A04"],
        )
    carry_over_triage(
        support_request=gp_september[6], held_on=day("2026-09-16"), outcome="open_house_exception"
    )

    one = ProviderFactory(name="Aanbieder Een")
    two = ProviderFactory(name="Aanbieder Twee", status="stopping", stops_on=day("2026-09-30"))
    for i in range(7):
        indication = IndicationFactory(
            client=ClientFactory(team=a),
            provider=one,
            start_on=day("2025-10-15"),
            end_on=day("2026-10-15"),
            flagged_on=day("2026-07-15"),
            status="ending_soon",
        )
        if i < 6:
            EndEvaluationFactory(indication=indication, on_time=i < 5)
    followed = SupportRequestFactory(team=a, received_at=at("2026-06-01"), referrer_type="01")
    for i in range(8):
        IndicationFactory(
            client=ClientFactory(team=a),
            product=_product("45A56"),
            provider=two,
            start_on=day("2025-09-01"),
            end_on=day("2026-09-10"),
            status="ended",
            follow_up_request=followed if i < 5 else None,
            handled_on=day("2026-09-01") if i < 5 else None,
        )
    return {"a": a, "b": b, "one": one, "two": two}


def carry_over_triage(**kwargs):
    """A triage as it was before outcomes per child, carried over like the data migration."""
    return carry_over(TriageFactory(**kwargs))


def _product(code):
    from referrals.models import Product

    return Product.objects.get(code=code)


@pytest.fixture
def media(settings, tmp_path):
    """The file storage (default_storage) in a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def eager(media, monkeypatch):
    """Celery's eager path: a task enqueued at commit runs at once, in the test's process."""
    from samen.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", True)


def council_made(client, user, quarter: str, capture, language="en"):
    """Make the quarter's council PDF as the page does (a POST; the task runs at commit on
    the eager path) and download it."""
    from django.conf import settings
    from django.urls import reverse

    from reporting.models import CouncilReport

    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    with capture(execute=True):
        client.post(reverse("reporting:council"), {"quarter": quarter})
    made = CouncilReport.objects.order_by("-requested_at").first()
    return client.get(reverse("reporting:council_download", args=[made.pk]))
