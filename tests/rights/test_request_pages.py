"""The family's requests through the pages: the privacy officer's worklist, registering
(by BSN and by last name + date of birth), the decision after a look, the extension, a
correction of the child's person data; the team lead told on the start page, WIJ staff a
notice on the child's page; everyone else kept out."""

import datetime

import pytest
import time_machine

from audit.models import AccessLogEntry
from audit.services import forget_known_partitions
from intake.models import Client
from rights.models import RightsRequest
from rights.views import _child_token
from tests.factories import ClientFactory, HouseholdFactory, RightsRequestFactory, TeamFactory

pytestmark = pytest.mark.django_db
D = datetime.date
NOW = datetime.datetime(2027, 1, 31, 10, 0, tzinfo=datetime.UTC)
TODAY = D(2027, 1, 31)
LIST = "/privacy/verzoeken/"
REGISTER = "/privacy/verzoeken/nieuw/"


@pytest.fixture(autouse=True)
def _pinned():
    forget_known_partitions()
    with time_machine.travel(NOW, tick=False):
        yield


def url(request, step=""):
    return f"/privacy/verzoeken/{request.pk}/{step}"


@pytest.fixture
def child(beijum):
    return ClientFactory(
        team=beijum,
        first_name="Daan",
        last_name="Huizinga",
        bsn="111222333",
        date_of_birth=D(2018, 5, 4),
    )


@pytest.fixture
def parent(child):
    household = HouseholdFactory(name="Gezin Huizinga")
    household.members.create(role="child", client=child)
    household.members.create(role="step_parent", name="Sanne Stief", parental_authority="no")
    return household.members.create(role="parent", name="Anna Huizinga", parental_authority="yes")


@pytest.fixture
def request_of(child):
    return RightsRequestFactory(
        client=child, team=child.team, kind="copy", received_on=TODAY, deadline=D(2027, 2, 28)
    )


def decided(request, officer, decision="granted"):
    from rights import services

    services.rights_request_decide(
        request, decision=decision, reason="Gewogen.", user=officer, today=TODAY
    )
    request.refresh_from_db()
    return request


# --- Who gets in --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "persona", ["team_lead", "intake_worker", "official", "provider_user", "outsider"]
)
def test_nobody_but_the_privacy_officer_opens_the_request_pages(
    client, request, persona, request_of
):
    client.force_login(request.getfixturevalue(persona))
    for path in (
        LIST,
        REGISTER,
        *(url(request_of, s) for s in ("", "besluit/", "verlengen/", "corrigeren/")),
    ):
        assert client.get(path).status_code == 403, path
    for path in (REGISTER, url(request_of, "besluit/"), url(request_of, "afsluiten/")):
        assert client.post(path, {"step": "search", "bsn": "111222333"}).status_code == 403
    assert RightsRequest.objects.get().status == "received"


def test_a_request_that_does_not_exist_is_404(client, privacy_officer):
    client.force_login(privacy_officer)
    for step in ("", "besluit/", "verlengen/", "corrigeren/"):
        assert client.get(f"/privacy/verzoeken/999999/{step}").status_code == 404


def test_signed_out_users_go_to_the_login(client, request_of):
    response = client.get(url(request_of))
    assert response.status_code == 302 and "login" in response["Location"]


# --- The worklist -------------------------------------------------------------------------


def test_the_worklist_shows_open_requests_first_by_due_date_without_names(
    client, privacy_officer, beijum, django_assert_max_num_queries
):
    lewenborg = TeamFactory(name="WIJ Lewenborg")
    late = RightsRequestFactory(
        client__team=beijum, kind="inspection", received_on=D(2026, 12, 1), deadline=D(2027, 1, 1)
    )
    extended = RightsRequestFactory(
        client__team=lewenborg,
        kind="copy",
        received_on=D(2026, 12, 1),
        deadline=D(2027, 1, 1),
        deadline_extended_to=D(2027, 3, 1),
        extension_reason="Veel stukken.",
    )
    soon = RightsRequestFactory(
        client__team=beijum, kind="destruction", received_on=TODAY, deadline=D(2027, 2, 10)
    )
    closed = decided(RightsRequestFactory(client__team=beijum), privacy_officer, "refused")
    for _n in range(8):
        RightsRequestFactory(client__team=beijum, received_on=TODAY, deadline=D(2027, 2, 28))
    client.force_login(privacy_officer)
    with django_assert_max_num_queries(12):
        response = client.get(LIST)
    assert response.status_code == 200
    rows = response.context["requests"]
    assert [r.pk for r in rows[:2]] == [late.pk, soon.pk]
    # The extended one is due on 1 March, after the others of February; closed ones last.
    assert [r.pk for r in rows[-2:]] == [extended.pk, closed.pk]
    assert rows[0].overdue and not rows[-2].overdue  # the extension counts
    html = response.content.decode()
    for request in RightsRequest.objects.select_related("client"):
        assert request.client.last_name not in html
    assert "WIJ Lewenborg" in html
    entry = AccessLogEntry.objects.get(part="rights requests")
    assert set(entry.client_ids) == set(RightsRequest.objects.values_list("client_id", flat=True))


def test_the_worklist_filters(client, privacy_officer, beijum):
    late = RightsRequestFactory(
        client__team=beijum, kind="inspection", received_on=D(2026, 12, 1), deadline=D(2027, 1, 1)
    )
    copy = RightsRequestFactory(client__team=beijum, kind="copy")
    closed = decided(
        RightsRequestFactory(client__team=beijum, kind="copy"), privacy_officer, "refused"
    )
    client.force_login(privacy_officer)

    def shown(query):
        response = client.get(LIST, query)
        assert response.status_code == 200
        return {r.pk for r in response.context["requests"]}

    assert shown({"overdue": "on"}) == {late.pk}
    assert shown({"kind": "copy"}) == {copy.pk, closed.pk}
    assert shown({"kind": "copy", "status": "open"}) == {copy.pk}
    assert shown({"status": "closed"}) == {closed.pk}


@pytest.mark.parametrize(
    "query",
    [
        "?kind=%00",
        "?status=weg&overdue=ja",
        "?page=abc",
        "?page=99999999999999999999",
        "?kind=copy&kind=inspection&status=%00open",
        "?overdue=%00",
        "?page=0&status=",
    ],
)
def test_odd_query_strings_give_no_error(client, privacy_officer, request_of, query):
    client.force_login(privacy_officer)
    # A NUL byte gets the 400 page from the middleware; the rest the list, filter ignored.
    expected = 400 if "%00" in query else 200
    assert client.get(LIST + query).status_code == expected


# --- Registering --------------------------------------------------------------------------


def test_register_by_bsn_then_the_request_of_a_parent_with_authority(
    client, privacy_officer, child, parent
):
    client.force_login(privacy_officer)
    response = client.post(REGISTER, {"step": "search", "bsn": "1112 22 333"})
    assert response.status_code == 200
    assert response.context["step"] == "request" and response.context["client"] == child
    html = response.content.decode()
    assert "Anna Huizinga" in html and "Sanne Stief" in html  # the adults, with authority
    search = AccessLogEntry.objects.get(part="rights request search")
    assert search.event == "search" and search.client_ids == [child.pk]
    assert "111222333" not in search.path
    form = response.context["form"]
    response = client.post(
        REGISTER,
        {
            "step": "save",
            "child": form["child"].value(),
            "kind": "copy",
            "requester": "parent",
            "requester_member": parent.pk,
            "received_on": "2027-01-30",
            "description": "Een afschrift op papier.",
        },
    )
    request = RightsRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == url(request)
    assert request.client == child and request.requester_member == parent
    assert request.entitled and request.deadline == D(2027, 2, 28)
    assert request.registered_by == privacy_officer
    assert AccessLogEntry.objects.filter(part="rights request", event="create").exists()
    page = client.get(url(request))
    assert page.status_code == 200
    assert request.entitlement_note in page.content.decode()


def test_register_by_last_name_and_date_of_birth_chooses_among_twins(
    client, privacy_officer, beijum
):
    daan = ClientFactory(
        team=beijum, first_name="Daan", last_name="Sánchez", date_of_birth=D(2012, 6, 1)
    )
    mila = ClientFactory(
        team=beijum, first_name="Mila", last_name="Sanchez", date_of_birth=D(2012, 6, 1)
    )
    ClientFactory(team=beijum, first_name="Ot", last_name="Sanchez", date_of_birth=D(2013, 6, 1))
    ClientFactory(team=beijum, first_name="Bo", last_name="Sanchezz", date_of_birth=D(2012, 6, 1))
    client.force_login(privacy_officer)
    response = client.post(
        REGISTER, {"step": "search", "last_name": "sanchez", "date_of_birth": "2012-06-01"}
    )
    assert response.status_code == 200
    assert {c.pk for c in response.context["found"]} == {daan.pk, mila.pk}
    response = client.post(REGISTER, {"step": "choose", "child": _child_token(mila)})
    assert response.context["client"] == mila
    response = client.post(
        REGISTER,
        {
            "step": "save",
            "child": _child_token(mila),
            "kind": "correction",
            "requester": "child",
            "received_on": "2027-01-31",
            "wrong": "Mijn tweede voornaam ontbreekt.",
            "should_be": "Mila Sofia",
        },
    )
    request = RightsRequest.objects.get()
    assert response.status_code == 302
    assert request.client == mila and request.entitled  # 14: the child asks
    assert "Mila Sofia" in request.description and "ontbreekt" in request.description


def test_a_search_is_never_a_list_to_browse(client, privacy_officer, child):
    client.force_login(privacy_officer)
    for data in (
        {"step": "search", "last_name": "Huizinga"},
        {"step": "search", "date_of_birth": "2018-05-04"},
        {"step": "search", "last_name": "Huiz", "date_of_birth": "2018-05-04"},
        {"step": "search"},
    ):
        response = client.post(REGISTER, data)
        assert "Daan" not in response.content.decode(), data
    assert response.status_code == 400


def test_odd_input_on_the_register_page_gives_a_message(client, privacy_officer, child):
    client.force_login(privacy_officer)
    for data in (
        {"step": "search", "bsn": "\x00"},
        {"step": "search", "bsn": "123456789"},
        {"step": "search", "last_name": "Huizinga\x00", "date_of_birth": "2018-05-04"},
        {"step": "search", "last_name": "Huizinga", "date_of_birth": "9999-99-99"},
        {"step": "search", "last_name": "Huizinga", "date_of_birth": "3000-01-01"},
    ):
        assert client.post(REGISTER, data).status_code == 400, data
    for token in ("", "\x00", "1", _child_token(child) + "x"):
        response = client.post(REGISTER, {"step": "save", "child": token, "kind": "copy"})
        assert response.status_code == 302 and response["Location"] == REGISTER
    assert client.get(REGISTER + "?step=save&child=1").status_code == 200
    assert not RightsRequest.objects.exists()


def test_the_register_form_says_what_is_missing(client, privacy_officer, child, parent):
    client.force_login(privacy_officer)
    token = _child_token(child)
    base = {"step": "save", "child": token, "received_on": "2027-01-31"}
    cases = [
        ({"kind": "copy", "requester": "parent"}, "requester_member"),
        ({"kind": "copy", "requester": "other"}, "requester_name"),
        ({"kind": "correction", "requester": "child"}, "wrong"),
        ({"kind": "copy", "requester": "child", "received_on": "2027-02-01"}, "received_on"),
        ({"kind": "copy", "requester": "child", "received_on": "1800-01-01"}, "received_on"),
        ({"kind": "copy", "requester": "child", "description": "x\x00"}, "description"),
    ]
    other_family = HouseholdFactory()
    other_family.members.create(role="child", client=ClientFactory(team=child.team))
    stranger = other_family.members.create(role="parent", name="Vreemd", parental_authority="yes")
    cases.append(
        (
            {"kind": "copy", "requester": "parent", "requester_member": stranger.pk},
            "requester_member",
        )
    )
    for data, field in cases:
        response = client.post(REGISTER, {**base, **data})
        assert response.status_code == 400, data
        assert field in response.context["form"].errors, data
    assert not RightsRequest.objects.exists()


def test_a_request_of_someone_not_entitled_is_recorded_and_only_refused(
    client, privacy_officer, child
):
    client.force_login(privacy_officer)
    response = client.post(
        REGISTER,
        {
            "step": "save",
            "child": _child_token(child),
            "kind": "inspection",
            "requester": "child",  # 8 years old: the parents ask
            "received_on": "2027-01-31",
        },
    )
    request = RightsRequest.objects.get()
    assert response.status_code == 302 and not request.entitled
    page = client.get(url(request, "besluit/"))
    assert [value for value, _label in page.context["form"].fields["decision"].choices] == [
        "refused"
    ]
    response = client.post(
        url(request, "besluit/"), {"decision": "granted", "reason": "Toch.", "confirm": "1"}
    )
    assert response.status_code == 400
    assert "decision" in response.context["form"].errors
    request.refresh_from_db()
    assert request.status == "received"


# --- Decide, extend -----------------------------------------------------------------------


def test_decide_shows_what_will_be_decided_before_it_is_recorded(
    client, privacy_officer, request_of
):
    client.force_login(privacy_officer)
    assert client.get(url(request_of, "besluit/")).status_code == 200
    data = {"decision": "granted", "reason": "De ouder heeft gezag."}
    look = client.post(url(request_of, "besluit/"), data)
    assert look.status_code == 200
    assert look.templates[0].name == "rights/decide_confirm.html"
    assert "De ouder heeft gezag." in look.content.decode()
    request_of.refresh_from_db()
    assert request_of.status == "received"
    back = client.post(url(request_of, "besluit/"), {**data, "back": "1"})
    assert back.context["form"]["reason"].value() == "De ouder heeft gezag."
    done = client.post(url(request_of, "besluit/"), {**data, "confirm": "1"})
    assert done.status_code == 302 and done["Location"] == url(request_of)
    request_of.refresh_from_db()
    assert request_of.status == "decided" and request_of.decided_by == privacy_officer
    assert request_of.decided_on == TODAY
    # Decided: the page goes back to the request; a second decision changes nothing.
    again = client.post(
        url(request_of, "besluit/"), {"decision": "refused", "reason": "x", "confirm": "1"}
    )
    assert again.status_code == 302
    request_of.refresh_from_db()
    assert request_of.decision == "granted"
    detail = client.get(url(request_of))
    assert len(detail.context["history"]) == 2
    assert detail.context["history"][1]["changes"]
    entry = AccessLogEntry.objects.filter(part="rights request", event="read").last()
    assert entry.client_ids == [request_of.client_id] and entry.object_id == request_of.pk


def test_the_deadline_is_extended_once_through_the_page(client, privacy_officer, request_of):
    client.force_login(privacy_officer)
    assert client.post(url(request_of, "verlengen/"), {"reason": ""}).status_code == 400
    response = client.post(url(request_of, "verlengen/"), {"reason": "Veel stukken."})
    assert response.status_code == 302
    request_of.refresh_from_db()
    assert request_of.deadline_extended_to == D(2027, 4, 30)
    again = client.post(url(request_of, "verlengen/"), {"reason": "Nog eens."})
    assert again.status_code == 400
    request_of.refresh_from_db()
    assert request_of.extension_reason == "Veel stukken."


# --- Carrying out a correction ---------------------------------------------------------------


def test_a_correction_of_the_person_data_after_a_look_shows_in_the_childs_history(
    client, privacy_officer, team_lead, child
):
    request = decided(
        RightsRequestFactory(client=child, team=child.team, kind="correction"), privacy_officer
    )
    client.force_login(privacy_officer)
    form = client.get(url(request, "corrigeren/"))
    assert form.status_code == 200
    data = {
        name: form.context["form"][name].value() or ""
        for name in (
            "first_name",
            "last_name",
            "date_of_birth",
            "bsn",
            "street",
            "house_number",
            "postcode",
            "city",
        )
    }
    data["date_of_birth"] = "2018-05-04"
    data.update(last_name="Huisinga", postcode="9735 ac")
    look = client.post(url(request, "corrigeren/"), data)
    assert look.status_code == 200, look.context["form"].errors
    html = look.content.decode()
    assert "Huizinga" in html and "Huisinga" in html and "9735AC" in html
    rows = {row["label"] for row in look.context["form"].change_rows()}
    assert len(rows) == 2
    child.refresh_from_db()
    assert child.last_name == "Huizinga"
    done = client.post(url(request, "corrigeren/"), {**data, "confirm": "1"})
    assert done.status_code == 302
    child.refresh_from_db()
    assert child.last_name == "Huisinga" and child.postcode == "9735AC"
    latest = child.history.order_by("-history_date", "-history_id").first()
    assert f"#{request.pk}" in latest.history_change_reason
    assert latest.history_user == privacy_officer
    request.refresh_from_db()
    assert request.status == "closed" and request.closed_on == TODAY
    assert AccessLogEntry.objects.filter(part="person data correction", event="change").exists()
    # The team sees the corrected child on its page.
    client.force_login(team_lead)
    assert "Huisinga" in client.get(f"/jeugdigen/{child.pk}/").content.decode()


def test_a_correction_that_changes_nothing_or_breaks_a_rule_is_refused(
    client, privacy_officer, child, beijum
):
    other = ClientFactory(team=beijum, bsn="123456782")
    request = decided(
        RightsRequestFactory(client=child, team=child.team, kind="correction"), privacy_officer
    )
    client.force_login(privacy_officer)
    data = {
        "first_name": "Daan",
        "last_name": "Huizinga",
        "date_of_birth": "2018-05-04",
        "bsn": "111222333",
        "street": child.street,
        "house_number": child.house_number,
        "postcode": child.postcode,
        "city": child.city,
    }
    assert client.post(url(request, "corrigeren/"), data).status_code == 400
    for change in (
        {"bsn": "123"},
        {"date_of_birth": "2027-02-01"},
        {"first_name": "\x00"},
        {"postcode": "zz"},
    ):
        assert (
            client.post(url(request, "corrigeren/"), {**data, **change, "confirm": "1"}).status_code
            == 400
        )
    response = client.post(url(request, "corrigeren/"), {**data, "bsn": other.bsn, "confirm": "1"})
    assert response.status_code == 400 and "bsn" in response.context["form"].errors
    child.refresh_from_db()
    assert child.bsn == "111222333"
    assert Client.objects.filter(bsn=other.bsn).count() == 1


def test_a_correction_of_something_else_closes_with_what_was_corrected(
    client, privacy_officer, child
):
    request = decided(
        RightsRequestFactory(client=child, team=child.team, kind="correction"), privacy_officer
    )
    client.force_login(privacy_officer)
    assert client.post(url(request, "afsluiten/"), {"note": ""}).status_code == 400
    note = {"note": "Verslag van 12-1 aangepast door het team."}
    # A look first: the request stays open until confirmed.
    response = client.post(url(request, "afsluiten/"), note)
    assert response.status_code == 200
    assert "Verslag van 12-1 aangepast door het team." in response.content.decode()
    request.refresh_from_db()
    assert request.status == "decided"
    response = client.post(url(request, "afsluiten/"), {**note, "confirm": "1"})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == "closed" and "12-1" in request.outcome_note
    copy = decided(
        RightsRequestFactory(client=child, team=child.team, kind="copy"), privacy_officer
    )
    assert client.post(url(copy, "afsluiten/"), {"note": "x"}).status_code == 404
    assert client.get(url(copy, "corrigeren/")).status_code == 404


# --- The team lead is told; WIJ staff see a notice ----------------------------------------


def test_the_team_lead_sees_the_open_requests_of_their_teams(
    client, team_lead, child, beijum, privacy_officer
):
    destruction = RightsRequestFactory(client=child, team=beijum, kind="destruction")
    other_team = RightsRequestFactory(client__team=TeamFactory(name="WIJ Selwerd"))
    closed = decided(RightsRequestFactory(client__team=beijum), privacy_officer, "refused")
    client.force_login(team_lead)
    response = client.get("/")
    shown = [r.pk for r in response.context["rights_requests"]]
    assert shown == [destruction.pk]
    assert other_team.pk not in shown and closed.pk not in shown
    html = response.content.decode()
    assert "Daan Huizinga" in html and f"/jeugdigen/{child.pk}/" in html
    assert child.pk in AccessLogEntry.objects.get(part="start page").client_ids


def test_the_childs_page_tells_wij_staff_of_an_open_request(
    client, intake_worker, child, beijum, privacy_officer
):
    client.force_login(intake_worker)
    assert client.get(f"/jeugdigen/{child.pk}/").context["rights_requests"] == []
    destruction = RightsRequestFactory(client=child, team=beijum, kind="destruction")
    response = client.get(f"/jeugdigen/{child.pk}/")
    assert [r.pk for r in response.context["rights_requests"]] == [destruction.pk]
    decided(destruction, privacy_officer, "refused")
    assert client.get(f"/jeugdigen/{child.pk}/").context["rights_requests"] == []
    # WIJ staff are not told on the start page.
    RightsRequestFactory(client=child, team=beijum)
    assert "rights_requests" not in client.get("/").context


def test_the_privacy_officers_start_page_counts_open_and_overdue(client, privacy_officer, beijum):
    RightsRequestFactory(client__team=beijum, received_on=D(2026, 12, 1), deadline=D(2027, 1, 1))
    RightsRequestFactory(client__team=beijum)
    decided(RightsRequestFactory(client__team=beijum), privacy_officer, "refused")
    client.force_login(privacy_officer)
    response = client.get("/")
    assert response.context["rights_counts"] == {"open": 2, "overdue": 1}
    assert f'href="{LIST}?overdue=on"' in response.content.decode()
    assert any(item["url"] == LIST for item in response.context["nav_items"])


def test_nul_bytes_and_novels_in_the_forms_get_a_message(client, privacy_officer, child):
    received = RightsRequestFactory(client=child, team=child.team, kind="copy")
    correction = decided(
        RightsRequestFactory(client=child, team=child.team, kind="correction"), privacy_officer
    )
    client.force_login(privacy_officer)
    novel = "x" * 20_000
    for path, data in (
        (url(received, "besluit/"), {"decision": "granted", "reason": "ja\x00"}),
        (url(received, "besluit/"), {"decision": "\x00", "reason": "ja"}),
        (url(received, "besluit/"), {"decision": "granted", "reason": novel, "confirm": "1"}),
        (url(received, "verlengen/"), {"reason": "\x00"}),
        (url(received, "verlengen/"), {"reason": novel}),
        (url(correction, "afsluiten/"), {"note": "\x00"}),
        (url(correction, "corrigeren/"), {"last_name": novel, "confirm": "1"}),
    ):
        assert client.post(path, data).status_code == 400, (path, data)
    received.refresh_from_db()
    correction.refresh_from_db()
    assert received.status == "received" and received.deadline_extended_to is None
    assert correction.status == "decided"
