"""Review of issue 16: a child of another team inside a household the user sees is shown
without details on the registration page and the request page (docs/permissions.md,
"The family file"), as on the family file itself."""

import datetime

import pytest
import time_machine

from tests.factories import ClientFactory, HouseholdFactory, SupportRequestFactory, TeamFactory

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 11, 20, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture
def mixed_family(beijum):
    """Sara (Beijum) and her older half-brother Noor (Selwerd, another address)."""
    household = HouseholdFactory(name="Gezin Zijlstra")
    household.members.create(role="parent", name="Anke Zijlstra")
    sara = ClientFactory(
        team=beijum,
        first_name="Sara",
        last_name="Zijlstra",
        postcode="9735AB",
        house_number="12",
        date_of_birth=datetime.date(2016, 2, 1),
    )
    noor = ClientFactory(
        team=TeamFactory(name="WIJ Selwerd"),
        first_name="Noortje",
        last_name="Geheim",
        street="Verborgenstraat",
        postcode="9741ZZ",
        house_number="99",
        date_of_birth=datetime.date(2011, 3, 4),
    )
    household.members.create(role="child", client=sara)
    household.members.create(role="child", client=noor)
    return household, sara, noor


def assert_hidden(html, noor):
    for detail in ("Noortje", "Geheim", "Verborgenstraat", "9741ZZ", "4-3-2011"):
        assert detail not in html, detail


@time_machine.travel(NOW)
def test_the_registration_search_hides_a_child_of_another_team(client, intake_worker, mixed_family):
    household, sara, noor = mixed_family
    client.force_login(intake_worker)
    response = client.post("/aanmeldingen/zoek-jeugdige/", {"client_search": "Sara Zijlstra"})
    html = response.content.decode()
    assert f'id="found-household-{household.pk}"' in html and f'value="{sara.pk}"' in html
    assert_hidden(html, noor)


@time_machine.travel(NOW)
def test_the_chosen_family_hides_a_child_of_another_team(client, intake_worker, mixed_family):
    household, _sara, noor = mixed_family
    client.force_login(intake_worker)
    response = client.post("/aanmeldingen/nieuw/", {"household": household.pk})
    html = response.content.decode()
    assert f'id="household-{household.pk}"' in html
    assert_hidden(html, noor)


@time_machine.travel(NOW)
def test_the_request_page_names_no_sibling_of_another_team(client, intake_worker, mixed_family):
    household, sara, noor = mixed_family
    request = SupportRequestFactory(team=sara.team, household=household, clients=[sara])
    client.force_login(intake_worker)
    html = client.get(f"/aanmeldingen/{request.pk}/").content.decode()
    assert "Sara Zijlstra" in html
    assert_hidden(html, noor)


@time_machine.travel(NOW)
def test_a_double_submitted_added_question_is_added_once(client, intake_worker, beijum):
    """The duplicate warning's "add this question to #n", sent twice (a double click, the
    browser's back and send again): one further question, not two."""
    from intake.models import FurtherQuestion

    household = HouseholdFactory(name="Gezin Zijlstra")
    sara = ClientFactory(team=beijum)
    household.members.create(role="child", client=sara)
    open_request = SupportRequestFactory(team=beijum, household=household, clients=[sara])
    client.force_login(intake_worker)
    data = {
        "received_at": "2026-11-20T11:00",
        "channel": "phone",
        "question": "Tim wil niet naar school.",
        "referrer_type": "06",
        "household": household.pk,
        "children": [sara.pk],
        "add_to_request": open_request.pk,
    }
    for _attempt in range(2):
        response = client.post("/aanmeldingen/nieuw/", data)
        assert response["Location"] == f"/aanmeldingen/{open_request.pk}/"
    assert FurtherQuestion.objects.count() == 1
