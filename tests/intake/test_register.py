"""Registering a support request through the form: the child found or created, the family,
the route check, the contact deadline, and clear Dutch messages for bad input."""

import datetime

import pytest
import time_machine
from django.utils.html import escape

from intake.models import Client, Household, SupportRequest
from tests.factories import ClientFactory, ReferrerOrganisationFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 20, 10, 0, tzinfo=datetime.UTC)  # a Friday


def new_child(**changes):
    data = {
        "bsn": "111222333",
        "first_name": "Daan",
        "last_name": "Huizinga",
        "date_of_birth": "2016-05-04",
        "postcode": "9735 ab",
        "house_number": "12",
        "street": "Beijumerweg",
        "city": "Groningen",
        "parent_name": "Anna Huizinga",
        "parent_role": "parent",
        "phone": "050-1234567",
        "received_at": "2026-11-20T11:00",
        "channel": "phone",
        "question": "Onze zoon slaapt slecht en wil niet naar school.",
        "referrer_type": "06",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


@time_machine.travel(NOW)
def test_a_walk_in_is_registered_with_a_new_child_and_family(client, intake_worker, beijum):
    client.force_login(intake_worker)
    response = client.post("/aanmeldingen/nieuw/", new_child(assigned_worker=intake_worker.pk))
    assert response.status_code == 302
    request = SupportRequest.objects.get()
    assert response["Location"] == f"/aanmeldingen/{request.pk}/"
    child = Client.objects.get()
    assert child.bsn == "111222333" and child.postcode == "9735AB"
    assert child.team == beijum  # derived from the postcode area
    assert request.team == beijum
    assert request.status == "registered"
    assert request.contact_deadline == datetime.date(2026, 11, 27)  # 5 working days
    assert request.assigned_worker == intake_worker
    assert list(request.clients.all()) == [child]
    household = Household.objects.get()
    assert {m.role for m in household.members.all()} == {"child", "parent"}
    assert request.history.first().history_user == intake_worker


@time_machine.travel(NOW)
def test_an_eight_digit_bsn_is_accepted(client, intake_worker, beijum):
    client.force_login(intake_worker)
    response = client.post("/aanmeldingen/nieuw/", new_child(bsn="12345672"))
    assert response.status_code == 302
    assert Client.objects.get().bsn == "012345672"


@time_machine.travel(NOW)
@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"bsn": "123456789"}, "bsn", "elfproef"),
        ({"date_of_birth": "2027-01-01"}, "date_of_birth", "kan niet in de toekomst liggen"),
        ({"postcode": "97356"}, "postcode", "Nederlandse postcode"),
        (
            {"referrer_type": "02", "referral_date": "2026-11-21"},
            "referral_date",
            "na de aanmelding",
        ),
        ({"first_name": ""}, "first_name", "Nodig voor een nieuw kind"),
        ({"postcode": "1011AB", "team": ""}, "team", "Kies het WIJ-team"),
        (
            {
                "client_supporter": "on",
                "client_supporter_name": "Zorg BV",
                "supporter_is_involved_provider": "on",
            },
            "supporter_is_involved_provider",
            "kan niet de onafhankelijke cliëntondersteuner zijn",
        ),
    ],
)
def test_bad_input_gets_a_clear_dutch_message_and_nothing_is_saved(
    client, intake_worker, beijum, changes, field, message
):
    client.force_login(intake_worker)
    response = client.post("/aanmeldingen/nieuw/", new_child(**changes))
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert f'id="id_{field}_error"' in html or field == "__all__"
    # What was typed is still there.
    assert "Onze zoon slaapt slecht" in html
    assert not SupportRequest.objects.exists() and not Client.objects.exists()


@time_machine.travel(NOW)
def test_a_referral_needs_an_organisation_of_its_type(client, intake_worker, beijum):
    gi = ReferrerOrganisationFactory(referrer_type="04", name="Jeugdbescherming Noord")
    client.force_login(intake_worker)
    response = client.post(
        "/aanmeldingen/nieuw/", new_child(referrer_type="02", referrer_organisation=gi.pk)
    )
    assert response.status_code == 400
    assert "niet het gekozen soort verwijzer" in response.content.decode()


@pytest.mark.parametrize(
    ("today", "is_open"),
    [
        (datetime.date(2023, 12, 31), False),
        (datetime.date(2024, 1, 1), True),
        (datetime.date(2024, 1, 2), True),
    ],
)
def test_the_route_check_on_both_sides_of_the_opening(
    client, intake_worker, beijum, today, is_open
):
    ggd = ReferrerOrganisationFactory(referrer_type="03", name="GGD Groningen")
    moment = datetime.datetime.combine(today, datetime.time(10), tzinfo=datetime.UTC)
    client.force_login(intake_worker)
    data = new_child(
        referrer_type="03",
        referrer_organisation=ggd.pk,
        referral_date=today.isoformat(),
        received_at=f"{today.isoformat()}T11:00",
        date_of_birth="2012-01-01",
    )
    with time_machine.travel(moment):
        response = client.post("/aanmeldingen/nieuw/", data)
        if is_open:
            assert response.status_code == 302
            assert SupportRequest.objects.get().route_outcome == "open"
            return
        # Not open: the form says so in plain Dutch and asks what happened.
        assert response.status_code == 400
        html = response.content.decode()
        assert "Deze route is nog niet open" in html
        assert "1 januari 2024" in html
        assert not SupportRequest.objects.exists()
        response = client.post(
            "/aanmeldingen/nieuw/", {**data, "route_decision": "accepted_as_self"}
        )
    assert response.status_code == 302
    request = SupportRequest.objects.get()
    assert request.route_open is False
    assert request.route_outcome == "accepted_as_self"
    assert request.status == "registered"


@time_machine.travel(datetime.datetime(2023, 6, 1, 10, 0, tzinfo=datetime.UTC))
def test_a_referrer_that_refers_the_usual_way_is_recorded_and_closed(client, intake_worker, beijum):
    specialist = ReferrerOrganisationFactory(referrer_type="05", name="UMCG")
    client.force_login(intake_worker)
    response = client.post(
        "/aanmeldingen/nieuw/",
        new_child(
            referrer_type="05",
            referrer_organisation=specialist.pk,
            received_at="2023-06-01T11:00",
            date_of_birth="2012-01-01",
            route_decision="usual_way",
        ),
    )
    assert response.status_code == 302
    request = SupportRequest.objects.get()
    assert (request.status, request.close_reason, request.route_outcome) == (
        "closed",
        "route_not_open",
        "usual_way",
    )


@time_machine.travel(NOW)
def test_likely_duplicates_are_shown_and_need_a_confirmation(client, intake_worker, beijum):
    existing = ClientFactory(
        first_name="Daan",
        last_name="Huizinga",
        date_of_birth=datetime.date(2016, 5, 4),
        bsn=None,
        team=beijum,
    )
    client.force_login(intake_worker)
    response = client.post("/aanmeldingen/nieuw/", new_child(bsn=""))
    assert response.status_code == 400
    html = response.content.decode()
    assert "mogelijk al ingeschreven" in html
    assert f'value="{existing.pk}"' in html  # offered to choose
    assert Client.objects.count() == 1
    response = client.post("/aanmeldingen/nieuw/", new_child(bsn="", confirm_new_client="on"))
    assert response.status_code == 302
    assert Client.objects.count() == 2


@time_machine.travel(NOW)
def test_a_known_bsn_points_to_the_registered_child(client, intake_worker, beijum):
    ClientFactory(bsn="111222333", team=beijum)
    client.force_login(intake_worker)
    response = client.post("/aanmeldingen/nieuw/", new_child())
    assert response.status_code == 400
    assert "met dit BSN ingeschreven" in response.content.decode()


@time_machine.travel(NOW)
def test_a_request_for_a_registered_child_joins_their_family(client, intake_worker, beijum):
    first = client.force_login(intake_worker) or None
    client.post("/aanmeldingen/nieuw/", new_child())
    child = Client.objects.get()
    sibling = ClientFactory(team=beijum, last_name="Huizinga")
    child.household_memberships.get().household.members.create(role="child", client=sibling)
    # The first request is done: a new question is a new request (an open one would be
    # the duplicate warning of tests/intake/test_register_family.py).
    SupportRequest.objects.update(status="closed", close_reason="no_help_needed")
    response = client.post(
        "/aanmeldingen/nieuw/",
        {
            "client": child.pk,
            "received_at": "2026-11-20T12:00",
            "channel": "mail",
            "question": "Nieuwe vraag over slapen.",
            "referrer_type": "01",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert first is None
    assert Household.objects.count() == 1
    second = SupportRequest.objects.order_by("-pk").first()
    assert second.household == Household.objects.get()
    page = client.get(f"/aanmeldingen/{second.pk}/").content.decode()
    assert escape(sibling.full_name) in page  # the family's other children are visible


@time_machine.travel(NOW)
def test_an_adult_of_24_gets_a_warning_not_a_refusal(client, intake_worker, beijum):
    client.force_login(intake_worker)
    response = client.post(
        "/aanmeldingen/nieuw/", new_child(date_of_birth="2002-01-01"), follow=True
    )
    assert response.status_code == 200
    assert "tot 23 jaar" in response.content.decode()
    assert SupportRequest.objects.count() == 1


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("111222333", True),
        ("11122233", False),
        ("Daan Huizinga", True),
        ("huizinga 04-05-2016", True),
        ("huizinga 05-05-2016", False),
        ("9735 AB 12", True),
        ("9735AB 13", False),
    ],
)
def test_the_client_search(client, intake_worker, beijum, query, found):
    ClientFactory(
        bsn="111222333",
        first_name="Daan",
        last_name="Huizinga",
        date_of_birth=datetime.date(2016, 5, 4),
        postcode="9735AB",
        house_number="12",
        team=beijum,
    )
    client.force_login(intake_worker)
    html = client.post("/aanmeldingen/zoek-jeugdige/", {"client_search": query}).content.decode()
    assert ("Daan Huizinga" in html) is found


def test_the_search_works_without_javascript_and_keeps_what_was_typed(
    client, intake_worker, beijum
):
    ClientFactory(first_name="Daan", last_name="Huizinga", team=beijum)
    client.force_login(intake_worker)
    response = client.post(
        "/aanmeldingen/nieuw/", {**new_child(), "client_search": "Huizinga", "_search": "1"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Daan Huizinga" in html
    assert "Onze zoon slaapt slecht" in html
    assert not SupportRequest.objects.exists()


@pytest.mark.parametrize("value", ["²", "٣", "1" * 30, "-1", "abc"])
def test_a_chosen_child_or_family_that_is_no_id_redisplays_the_form(
    client, intake_worker, beijum, value
):
    """The chosen child and family come back from the browser as ids; anything else
    ("²" is a digit to str.isdigit() but not to int()) redisplays the form, never a 500."""
    client.force_login(intake_worker)
    response = client.post(
        "/aanmeldingen/nieuw/", {"client": value, "household": value, "question": "Vraag"}
    )
    assert response.status_code == 400
    assert "Er is een probleem" in response.content.decode()
    assert not SupportRequest.objects.exists()
