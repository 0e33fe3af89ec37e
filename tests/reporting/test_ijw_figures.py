"""Requests for allocation (JW315) in figures, counted by hand on a small set made through
the real services (time pinned at each step).

Today: Friday 4 December 2026. One provider, one child of WIJ Beijum; each JW315 asks one
product. Received (10:00) and what became of it:
- Mon 5 Oct: A 45A51 GP, to WIJ, decided Tue 6 Oct (JW319; the provider's JW320 Mon 12
  Oct: late, due Fri 9 Oct). B 50G41 medical specialist, start 2023 (Open House open):
  allocated Wed 14 Oct (JW301 late, due Mon 12 Oct; JW302 Thu 15 Oct: in time). C 45A99
  from a GI: outside Basis jeugdhulp on 5 Oct (JW319 'in onderzoek', never a retour).
- Mon 2 Nov: D 45A51 GP proposed to WIJ, rejected (another route, reason 4) Tue 3 Nov (no
  retour). E 45A51 GP: the deadline job on Fri 6 Nov answers 'in onderzoek' (no retour).
- Tue 3 Nov: H 45A04 GP: never answered, due Tue 10 Nov: overdue now.
- Thu 3 Dec: F 45A51 self-referral, open, due Thu 10 Dec; G the same identification again
  (9056): refused, requests nothing.
"""

import datetime

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from ijw import samples, services, xml
from ijw.models import Message
from reporting.ijw_figures import requests_for_allocation
from reporting.periods import MONTH, Period
from reporting.selectors import Filters
from samen import roles
from tests.factories import ClientFactory, ProviderFactory, UserFactory, _product
from tests.ijw.conftest import SHARED, jw315

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 12, 4, 12, 0, tzinfo=datetime.UTC)
TODAY = datetime.date(2026, 12, 4)
Q4 = Period(datetime.date(2026, 10, 1), datetime.date(2026, 12, 31), MONTH)
QUERY = {"start": "2026-10-01", "end": "2026-12-31", "by": "month"}


@pytest.fixture(autouse=True)
def pinned_time():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(autouse=True)
def schemas(settings):
    settings.IJW_XSD_DIR = SHARED
    settings.IJW_MUNICIPALITY_CODE = "0014"
    settings.IJW_DECIDE_AUTOMATICALLY = False


def on(text: str):
    """Travel to 10:00 on that day (inside the pinned today)."""
    day = datetime.date.fromisoformat(text)
    return time_machine.travel(
        datetime.datetime.combine(day, datetime.time(10), tzinfo=datetime.UTC), tick=False
    )


def _retour(ours: Message, retour_type: str, identification: str, day: str):
    header = xml.parse(ours.raw.encode()).header
    with on(day):
        return services.message_receive(
            raw=samples.provider_retour(
                retour_type,
                answers=xml.Header(
                    sender=header.sender,
                    receiver=header.receiver,
                    identification=header.identification,
                    dated_on=header.dated_on,
                ),
                identification=identification,
                dated_on=datetime.date.fromisoformat(day),
                codes=["0200"],
            )
        )


@pytest.fixture
def q4(beijum):
    provider = ProviderFactory(name="Kinderpraktijk Noord", agb_code="42420001")
    provider.products.add(_product("45A51"), _product("50G41"), _product("45A04"))
    admin = UserFactory(role=roles.YOUTH_ADMIN, username="jeugdadmin")
    child = ClientFactory(
        team=beijum, bsn="999900006", date_of_birth=datetime.date(2014, 2, 14), last_name="Zwolsma"
    )

    def receive(day, **kwargs):
        with on(day):
            dated = datetime.date.fromisoformat(day)
            raw = jw315(provider, client=child, dated_on=dated, **kwargs)
            return services.message_receive(raw=raw, user=admin).message

    def decide(message, day, route, **kwargs):
        with on(day):
            return services.request_decide(
                request_id=message.requests.get().pk, route=route, user=admin, **kwargs
            )

    a = receive("2026-10-05", start_on=datetime.date(2026, 10, 12))
    b = receive("2026-10-05", code="50G41", referrer_type="05", start_on=datetime.date(2023, 10, 2))
    c = receive("2026-10-05", code="45A99", referrer_type="04")
    decided_c = decide(c, "2026-10-05", "out_of_scope")
    decided_a = decide(a, "2026-10-06", "wij")
    _retour(decided_a.answer, "JW320", "r-a", "2026-10-12")
    decided_b = decide(b, "2026-10-14", "allocate")
    _retour(decided_b.answer, "JW302", "r-b", "2026-10-15")
    d = receive("2026-11-02", start_on=datetime.date(2026, 11, 9))
    receive("2026-11-02", start_on=datetime.date(2026, 11, 9))  # E
    decide(d, "2026-11-03", "reject", reject_reason="4", override_reason="Reden voor de test.")
    receive("2026-11-03", code="45A04", start_on=datetime.date(2026, 11, 9))  # H
    with on("2026-11-06"):
        assert services.requests_answer_in_onderzoek(on_date=datetime.date(2026, 11, 6)) == {
            "answered_in_onderzoek": 1,
            "failed": 0,
        }
    receive("2026-12-03", referrer_type="06", identification="dubbel-0001")  # F
    receive("2026-12-03", referrer_type="06", identification="dubbel-0001")  # G
    assert decided_c.answer.message_type == "JW319"
    return {"child": child, "provider": provider}


def raw(tables, slug) -> dict:
    """{row label: [numbers]} of one table (counts as n, shares as their value)."""
    table = next(t for t in tables if t.slug == slug)
    return {
        str(row.label): [getattr(cell, "n", getattr(cell, "value", cell)) for cell in row.cells]
        for row in table.rows
    }


def test_requests_per_month_where_they_went(q4):
    tables = requests_for_allocation(Filters(Q4, None, TODAY))
    figures = raw(tables, "ijw-requests")
    # requested, proposed WIJ, WIJ, allocated, rejected, outside, open; the share hidden (<5).
    assert list(figures.values()) == [
        [3, 1, 1, 1, 0, 1, 0, None],
        [3, 3, 0, 0, 1, 0, 2, None],
        [1, 1, 0, 0, 0, 0, 1, None],
        [7, 5, 1, 1, 1, 1, 3, None],
    ]


def test_requests_per_referrer_type_and_product(q4):
    tables = requests_for_allocation(Filters(Q4, None, TODAY))
    per_month = list(raw(tables, "ijw-requests-by-referrer").values())
    # 01 02 03 04 05 06 08 not given, total
    assert per_month == [
        [0, 1, 0, 1, 1, 0, 0, 0, 3],
        [0, 3, 0, 0, 0, 0, 0, 0, 3],
        [0, 0, 0, 0, 0, 1, 0, 0, 1],
        [0, 4, 0, 1, 1, 1, 0, 0, 7],
    ]
    referrers = list(raw(tables, "ijw-referrer-outcomes").values())
    assert referrers[1][:7] == [4, 4, 1, 0, 1, 0, 2]  # GP
    assert referrers[3][:7] == [1, 0, 0, 0, 0, 1, 0]  # GI: outside Basis jeugdhulp
    assert referrers[4][:7] == [1, 0, 0, 1, 0, 0, 0]  # medical specialist: allocated
    products = raw(tables, "ijw-product-outcomes")
    by_code = {label.split(" ")[0]: values[:7] for label, values in products.items()}
    assert by_code["45A51"] == [4, 4, 1, 0, 1, 0, 2]
    assert by_code["45A04"] == [1, 1, 0, 0, 0, 0, 1]
    assert by_code["50G41"] == [1, 0, 0, 1, 0, 0, 0]
    assert list(products.values())[-2][:7] == [1, 0, 0, 0, 0, 1, 0]  # another code
    assert list(products.values())[-1][:7] == [7, 5, 1, 1, 1, 1, 3]


def test_answers_and_retours_in_time(q4):
    tables = requests_for_allocation(Filters(Q4, None, TODAY))
    # received, in time, late, share, overdue now (G, refused, needs no answer)
    assert list(raw(tables, "ijw-answers").values()) == [
        [3, 2, 1, None, 0],
        [3, 2, 0, None, 1],
        [1, 0, 0, None, 0],
        [7, 4, 1, None, 1],
    ]
    # received, our retour in time, share; our JW301/JW319, provider's in time, late, overdue
    assert list(raw(tables, "ijw-retours").values()) == [
        [3, 3, None, 3, 1, 1, 1],
        [3, 3, None, 2, 0, 0, 2],
        [2, 2, None, 0, 0, 0, 0],
        [8, 8, 100.0, 5, 1, 1, 3],
    ]


def test_the_team_filter_counts_the_childs_team(q4, beijum):
    from tests.factories import TeamFactory

    other = TeamFactory(name="WIJ Selwerd")
    own = raw(requests_for_allocation(Filters(Q4, beijum, TODAY)), "ijw-requests")
    assert list(own.values())[-1][0] == 7
    empty = requests_for_allocation(Filters(Q4, other, TODAY))
    assert all(values[0] == 0 for values in raw(empty, "ijw-requests").values())
    assert all(values[0] == 0 for values in raw(empty, "ijw-answers").values())


def test_small_numbers_are_suppressed_on_the_page_and_no_person_data(client, official, q4):
    client.force_login(official)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    url = reverse("reporting:report", args=["verzoeken-om-toewijzing"])
    response = client.get(url, QUERY)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Verzoeken om toewijzing (JW315)" in html
    assert "&lt;5" in html and ">7<" in html
    child = q4["child"]
    for personal in (child.bsn, child.last_name, child.first_name, "Huisarts Jansen", "REF-"):
        assert personal not in html
    for slug in ("ijw-requests", "ijw-answers", "ijw-retours"):
        csv = client.get(url, {**QUERY, "export": "csv", "table": slug})
        assert csv.status_code == 200 and child.bsn not in csv.content.decode()
        assert "<5" in csv.content.decode()
    assert client.get(url, {**QUERY, "export": "xlsx"}).status_code == 200


def test_only_officials_and_team_leads(client, provider_user, intake_worker, team_lead, q4):
    url = reverse("reporting:report", args=["verzoeken-om-toewijzing"])
    for user, status in ((provider_user, 403), (intake_worker, 403), (team_lead, 200)):
        client.force_login(user)
        assert client.get(url, QUERY).status_code == status


def test_the_figures_take_a_fixed_number_of_queries(django_assert_num_queries, q4):
    filters = Filters(Q4, None, TODAY)
    with django_assert_num_queries(8):
        requests_for_allocation(filters)
    # More messages, more months: the same queries.
    provider, child = q4["provider"], q4["child"]
    for _n in range(6):
        with on("2026-11-04"):
            services.message_receive(
                raw=jw315(provider, client=child, dated_on=datetime.date(2026, 11, 4))
            )
    with django_assert_num_queries(8):
        tables = requests_for_allocation(filters)
    assert list(raw(tables, "ijw-requests").values())[-1][0] == 13
