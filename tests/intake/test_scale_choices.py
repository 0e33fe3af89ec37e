"""The registration and request pages at national scale (issue 21): the worker selects
list the team's members, not every worker; the referrer organisation is searched (at
most 20 options), never listed whole; bad search input gets an answer, never a 500."""

import datetime

import pytest
import time_machine

from intake.models import SupportRequest, TeamMember
from tests.factories import (
    ReferrerOrganisationFactory,
    SupportRequestFactory,
    TeamFactory,
    UserFactory,
)
from tests.intake.test_register import new_child

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 20, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture
def elsewhere():
    """A worker of another team, and that team."""
    team = TeamFactory(name="WIJ Vinkhuizen")
    worker = UserFactory(role="wij_medewerker", username="vinkhuizen", first_name="Vera")
    TeamMember.objects.create(user=worker, team=team)
    return worker


@time_machine.travel(NOW)
def test_the_registration_page_lists_the_workers_of_the_users_teams(
    client, intake_worker, team_lead, elsewhere
):
    client.force_login(intake_worker)
    html = client.get("/aanmeldingen/nieuw/").content.decode()
    assert f'value="{team_lead.pk}"' in html
    assert f'value="{elsewhere.pk}"' not in html
    # A worker of another team is no choice (the form says so, nothing is registered).
    response = client.post("/aanmeldingen/nieuw/", new_child(assigned_worker=elsewhere.pk))
    assert response.status_code == 400
    assert "assigned_worker" in response.context["form"].errors
    assert not SupportRequest.objects.exists()


@time_machine.travel(NOW)
def test_a_request_is_assigned_within_its_team(client, intake_worker, team_lead, elsewhere, beijum):
    request = SupportRequestFactory(team=beijum, assigned_worker=intake_worker)
    client.force_login(team_lead)
    html = client.get(f"/aanmeldingen/{request.pk}/").content.decode()
    assert f'value="{elsewhere.pk}"' not in html
    response = client.post(
        f"/aanmeldingen/{request.pk}/toewijzen/",
        {"version": request.version, "worker": elsewhere.pk},
    )
    assert response.status_code == 400
    request.refresh_from_db()
    assert request.assigned_worker == intake_worker
    response = client.post(
        f"/aanmeldingen/{request.pk}/toewijzen/",
        {"version": request.version, "worker": team_lead.pk},
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.assigned_worker == team_lead


@time_machine.travel(NOW)
def test_the_registration_page_lists_no_referrer_organisation_until_searched(
    client, intake_worker, django_assert_max_num_queries
):
    ReferrerOrganisationFactory.create_batch(30, referrer_type="02")
    client.force_login(intake_worker)
    html = client.get("/aanmeldingen/nieuw/").content.decode()
    assert "Huisartsenpraktijk" not in html
    assert 'hx-get="/aanmeldingen/verwijzers/"' in html


@time_machine.travel(NOW)
def test_the_referrer_search_offers_at_most_twenty_of_the_chosen_type(
    client, intake_worker, django_assert_max_num_queries
):
    ReferrerOrganisationFactory.create_batch(30, referrer_type="02")
    ReferrerOrganisationFactory(referrer_type="03", name="GGD Huisartsenpraktijk", agb_code="")
    ReferrerOrganisationFactory(referrer_type="02", name="Huisartsenpraktijk Oud", active=False)
    client.force_login(intake_worker)
    with django_assert_max_num_queries(8):
        response = client.get(
            "/aanmeldingen/verwijzers/",
            {"referrer_search": "huisartsen", "referrer_type": "02"},
            headers={"HX-Request": "true"},
        )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<option") == 21  # the empty choice and 20 matches
    assert "GGD" not in html and "Oud" not in html
    assert "20 organisaties gevonden" in html
    # By AGB code, exactly.
    agb = ReferrerOrganisationFactory(referrer_type="02", name="Praktijk Noord")
    html = client.get(
        "/aanmeldingen/verwijzers/",
        {"referrer_search": agb.agb_code, "referrer_type": "02"},
        headers={"HX-Request": "true"},
    ).content.decode()
    assert "Praktijk Noord" in html and "1 organisatie gevonden" in html


@time_machine.travel(NOW)
@pytest.mark.parametrize(
    ("term", "message"),
    [
        ("", ""),
        ("9" * 400, "Typ hoogstens 100"),
        ("99999999999999999999", "Geen actieve organisatie"),
        ("zzzz", "Geen actieve organisatie"),
    ],
)
def test_bad_referrer_searches_get_a_dutch_answer(client, intake_worker, term, message):
    ReferrerOrganisationFactory.create_batch(3, referrer_type="02")
    client.force_login(intake_worker)
    for chosen in ("", "abc", "9" * 30, "-1"):
        response = client.get(
            "/aanmeldingen/verwijzers/",
            {"referrer_search": term, "referrer_type": chosen, "referrer_organisation": chosen},
            headers={"HX-Request": "true"},
        )
        assert response.status_code == 200
        html = response.content.decode()
        assert html.count("<option") == 1
        assert message in html


def test_a_nul_byte_in_the_referrer_search_is_a_bad_request_not_an_error(client, intake_worker):
    client.force_login(intake_worker)
    response = client.get("/aanmeldingen/verwijzers/", {"referrer_search": "huis\x00arts"})
    assert response.status_code == 400  # the project's middleware refuses NUL bytes


def test_the_referrer_search_opened_as_a_page_shows_the_registration_page(client, intake_worker):
    client.force_login(intake_worker)
    response = client.get("/aanmeldingen/verwijzers/", {"referrer_search": "huis"})
    assert response.status_code == 302
    assert response["Location"] == "/aanmeldingen/nieuw/"


def test_the_referrer_search_is_for_staff_only(client, provider_user):
    assert client.get("/aanmeldingen/verwijzers/").status_code == 302
    client.force_login(provider_user)
    assert client.get("/aanmeldingen/verwijzers/").status_code == 403


@time_machine.travel(NOW)
def test_without_javascript_the_search_button_shows_the_matches_and_keeps_the_input(
    client, intake_worker, beijum
):
    ggd = ReferrerOrganisationFactory(referrer_type="03", name="GGD Beijum", agb_code="")
    ReferrerOrganisationFactory(referrer_type="03", name="GGD Paddepoel", agb_code="")
    client.force_login(intake_worker)
    data = new_child(referrer_type="03", referrer_search="beijum", _search_referrer="1")
    response = client.post("/aanmeldingen/nieuw/", data)
    html = response.content.decode()
    assert response.status_code == 200
    assert f'<option value="{ggd.pk}">GGD Beijum (Groningen)</option>' in html
    assert "Paddepoel" not in html
    assert "Onze zoon slaapt slecht" in html
    assert not SupportRequest.objects.exists()
    # Chosen, the page shows it again on an error, and the request is registered with it.
    data = new_child(referrer_type="03", referrer_organisation=ggd.pk, first_name="")
    html = client.post("/aanmeldingen/nieuw/", data).content.decode()
    assert f'<option value="{ggd.pk}" selected>GGD Beijum (Groningen)</option>' in html
    response = client.post(
        "/aanmeldingen/nieuw/", new_child(referrer_type="03", referrer_organisation=ggd.pk)
    )
    assert response.status_code == 302
    assert SupportRequest.objects.get().referrer_organisation == ggd


@time_machine.travel(NOW)
def test_an_inactive_organisation_or_one_of_another_type_is_refused(client, intake_worker, beijum):
    old = ReferrerOrganisationFactory(referrer_type="03", agb_code="", active=False)
    gp = ReferrerOrganisationFactory(referrer_type="02")
    client.force_login(intake_worker)
    for organisation in (old, gp):
        response = client.post(
            "/aanmeldingen/nieuw/",
            new_child(referrer_type="03", referrer_organisation=organisation.pk),
        )
        assert response.status_code == 400
        assert "referrer_organisation" in response.context["form"].errors
    assert not SupportRequest.objects.exists()
