"""The provider portal's full list of running indications (paged, filtered by status and end
month, a fixed number of queries), notices with the client's name, the child's WIJ team,
the stop date and products after "Wij stoppen", and the API page's header."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils.html import escape

from audit.models import AccessLogEntry
from indications.models import Indication, ProviderNotice
from intake.models import Client
from tests.factories import IndicationFactory, TeamFactory, UserFactory

from .test_portal import provider_user as provider_with_user

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 11, 22, 10, 0, tzinfo=datetime.UTC)
LIST = "/portaal/indicaties/"
# session, user with its groups (role), second factor, the provider membership, the count,
# the page, the access log entry and its clients, the transaction around them
QUERIES = 9
# The dashboard: the same session and access log queries, the provider, its ending and
# overdue indications, notices, messages from WIJ and the count
DASHBOARD_QUERIES = 12


@pytest.fixture
def two(beijum):
    a, user_a = provider_with_user("Aanbieder A", "73990301")
    b, user_b = provider_with_user("Aanbieder B", "73990302")
    return a, user_a, b, user_b


def running(provider, n, *, team, end_on=datetime.date(2027, 3, 31), **kwargs):
    return [
        IndicationFactory(client__team=team, provider=provider, end_on=end_on, **kwargs)
        for _ in range(n)
    ]


@time_machine.travel(NOW)
def test_all_running_indications_page_by_page_only_the_providers_own(client, two, beijum):
    a, user_a, b, _user_b = two
    mine = running(a, 30, team=beijum)
    theirs = running(b, 3, team=beijum)
    IndicationFactory(client__team=beijum, provider=a, status=Indication.Status.ENDED)
    client.force_login(user_a)
    first = client.get(LIST).content.decode()
    second = client.get(LIST, {"pagina": "2"}).content.decode()
    assert "30 lopende indicaties" in first and "pagina 1 van 2" in first
    shown = [i for i in mine if f"/portaal/indicaties/{i.pk}/" in first + second]
    assert len(shown) == 30
    assert not any(f"/portaal/indicaties/{i.pk}/" in first + second for i in theirs)
    assert first.count('<tr class="utrecht-table__row">') == 25 + 1  # header row + 25
    assert "WIJ Beijum" in first  # the child's WIJ team, whom to call
    # Reading children's data leaves its trace.
    assert AccessLogEntry.objects.filter(user_id=user_a.pk, part="portal indications").count() == 2


@time_machine.travel(NOW)
def test_the_dashboard_links_to_all_of_them_with_the_count(client, two, beijum):
    a, user_a, _b, _user_b = two
    running(a, 14, team=beijum, end_on=datetime.date(2028, 1, 31))
    client.force_login(user_a)
    html = client.get("/portaal/").content.decode()
    assert "Alle lopende indicaties (14)" in html and reverse("openhouse:indications") in html


@time_machine.travel(NOW)
def test_filter_by_status_and_end_month_kept_in_the_page_links(client, two, beijum):
    a, user_a, _b, _user_b = two
    march = running(a, 27, team=beijum, end_on=datetime.date(2027, 3, 15))
    april = running(a, 2, team=beijum, end_on=datetime.date(2027, 4, 15))
    extended = running(
        a, 1, team=beijum, end_on=datetime.date(2027, 3, 20), status=Indication.Status.EXTENDED
    )
    client.force_login(user_a)
    html = client.get(LIST, {"end_month": "2027-04"}).content.decode()
    assert all(f"/portaal/indicaties/{i.pk}/" in html for i in april)
    assert not any(f"/portaal/indicaties/{i.pk}/" in html for i in march)
    html = client.get(LIST, {"status": "extended"}).content.decode()
    assert f"/portaal/indicaties/{extended[0].pk}/" in html and "1 lopende indicatie" in html
    html = client.get(LIST, {"end_month": "2027-03", "status": "active"}).content.decode()
    assert "27 lopende indicaties" in html
    assert "?status=active&amp;end_month=2027-03&amp;pagina=2" in html


@time_machine.travel(NOW)
@pytest.mark.parametrize(
    "query",
    [
        {"status": "ended"},  # not a running status
        {"status": "<script>"},
        {"end_month": "maart"},
        {"end_month": "9999-13"},
        {"end_month": "0001-01"},
        {"end_month": "9999-12", "status": "x" * 3000},
        {"pagina": "99999999999999999999"},
        {"pagina": "-1"},
    ],
)
def test_bad_filter_values_give_a_dutch_message_never_a_500(client, two, beijum, query):
    a, user_a, _b, _user_b = two
    running(a, 2, team=beijum)
    client.force_login(user_a)
    response = client.get(LIST, query)
    assert response.status_code in (200, 400)
    html = response.content.decode()
    if response.status_code == 400:
        assert "Het filter kon niet worden gebruikt" in html
    assert "2 lopende indicaties" in html


def test_a_nul_byte_in_the_filter_is_refused_without_a_500(client, two):
    client.force_login(two[1])
    assert client.get(LIST, {"end_month": "2027-03\x00"}).status_code == 400


@time_machine.travel(NOW)
@pytest.mark.parametrize("rows", [1, 40])
def test_the_list_takes_a_fixed_number_of_queries(
    client, two, beijum, rows, django_assert_num_queries
):
    a, user_a, _b, _user_b = two
    for team in (beijum, TeamFactory(name=f"WIJ Team {rows}")):
        running(a, rows, team=team)
    client.force_login(user_a)
    client.get(LIST)  # session and permissions warm
    with django_assert_num_queries(QUERIES):
        assert client.get(LIST, {"pagina": "1", "end_month": "2027-03"}).status_code == 200


def test_outsiders_and_wij_staff_get_403(client, intake_worker, official, outsider):
    for user in (intake_worker, official, outsider):
        client.force_login(user)
        assert client.get(LIST).status_code == 403


def test_a_provider_user_without_a_provider_sees_an_empty_list(client, beijum):
    IndicationFactory(client__team=beijum)
    client.force_login(UserFactory(role="aanbieder", username="loose-list"))
    html = client.get(LIST).content.decode()
    assert "0 lopende indicaties" in html


@time_machine.travel(NOW)
def test_notices_name_the_client_and_link_to_the_indication(client, two, beijum):
    a, user_a, b, _user_b = two
    (ind_a,) = running(a, 1, team=beijum)
    (ind_b,) = running(b, 1, team=beijum)
    ProviderNotice.objects.create(
        provider=a, indication=ind_a, kind="evaluation_due", due_on=datetime.date(2027, 1, 31)
    )
    ProviderNotice.objects.create(
        provider=b, indication=ind_b, kind="evaluation_due", due_on=datetime.date(2027, 1, 31)
    )
    client.force_login(user_a)
    html = client.get("/portaal/").content.decode()
    notices = html[html.index("Berichten") :]
    assert escape(ind_a.client.full_name) in notices
    assert f"/portaal/indicaties/{ind_a.pk}/" in notices
    assert escape(ind_b.client.full_name) not in html


@time_machine.travel(NOW)
def test_the_indication_page_shows_the_childs_wij_team(client, two, beijum):
    a, user_a, _b, _user_b = two
    (ind,) = running(a, 1, team=beijum)
    client.force_login(user_a)
    html = client.get(f"/portaal/indicaties/{ind.pk}/").content.decode()
    assert "WIJ-team van het kind" in html and "WIJ Beijum" in html


@time_machine.travel(NOW)
def test_after_we_stop_the_stop_date_and_the_products_are_shown(client, two, beijum):
    a, user_a, _b, _user_b = two
    running(a, 2, team=beijum, end_on=datetime.date(2027, 6, 30))
    IndicationFactory(
        client__team=beijum,
        provider=a,
        product=__import__("referrals.models").models.Product.objects.get(code="45A04"),
        end_on=datetime.date(2027, 6, 30),
    )
    running(a, 1, team=beijum, end_on=datetime.date(2026, 12, 31))  # ends before the stop
    client.force_login(user_a)
    assert "U hebt gemeld" not in client.get("/portaal/").content.decode()
    response = client.post("/portaal/we-stoppen/", {"stops_on": "2027-02-01", "confirm": "on"})
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    assert "U hebt gemeld dat u stopt op 1 februari 2027" in html
    assert "45A51 Gezinsbegeleiding basis: 2 indicaties" in html
    assert "45A04 Individuele begeleiding basis: 1 indicatie" in html


def notices_for(indications, *, start=NOW):
    for n, indication in enumerate(indications):
        ProviderNotice.objects.create(
            provider=indication.provider,
            indication=indication,
            kind="evaluation_due",
            due_on=datetime.date(2027, 1, 31),
            created_at=start - datetime.timedelta(hours=n),
        )


@time_machine.travel(NOW)
def test_the_dashboard_shows_the_newest_notices_never_a_destroyed_files(client, two, beijum):
    """The 20 newest notices to the provider (issue 21: from an index of the provider's
    notices by time), none about a destroyed file's skeleton nor another provider's."""
    a, user_a, b, _user_b = two
    mine = running(a, 22, team=beijum)
    notices_for(mine)
    notices_for(running(b, 2, team=beijum), start=NOW + datetime.timedelta(hours=1))
    Client.objects.filter(pk=mine[0].client_id).update(destroyed_on=datetime.date(2026, 11, 1))
    client.force_login(user_a)
    html = client.get("/portaal/").content.decode()
    notices = html[html.index('<h2 class="utrecht-heading-2">Berichten</h2>') :]
    shown = [i for i in mine if f"/portaal/indicaties/{i.pk}/" in notices]
    assert shown == mine[1:21]
    assert notices.count("/portaal/indicaties/") == 20


@time_machine.travel(NOW)
@pytest.mark.parametrize("rows", [1, 30])
def test_the_dashboard_takes_a_fixed_number_of_queries(
    client, two, beijum, rows, django_assert_num_queries
):
    a, user_a, b, _user_b = two
    for provider in (a, b):
        notices_for(running(provider, rows, team=beijum, end_on=datetime.date(2027, 1, 31)))
    client.force_login(user_a)
    client.get("/portaal/")  # session and permissions warm
    with django_assert_num_queries(DASHBOARD_QUERIES):
        assert client.get("/portaal/").status_code == 200
