"""Before a beschikking is issued the worker sees the letter as it will be sent, and
issues it with a distinct step; a double submit or a second tab never issues twice."""

import pytest

from tests.factories import SupportRequestFactory
from triage.models import Beschikking
from triage.views import preview_token

pytestmark = pytest.mark.django_db

TEXT = {
    "decision": "U krijgt Basis jeugdhulp van WIJ Groningen: gezinsbegeleiding basis.",
    "grounds": "Uit de lichte toets blijkt\r\ndat gezinsbegeleiding basis passend is.",
}


@pytest.fixture
def beschikking(beijum):
    return Beschikking.objects.create(
        support_request=SupportRequestFactory(team=beijum),
        request_reason="Moeder is het niet eens met de uitkomst.",
        addressee="Mevrouw A. Huizinga",
        address="Beijumerweg 12\n9735 AB Groningen",
    )


def test_the_preview_shows_the_letter_and_issues_nothing(client, intake_worker, beschikking):
    client.force_login(intake_worker)
    page = client.get(f"/beschikkingen/{beschikking.pk}/").content.decode()
    assert "Bekijk de brief" in page
    response = client.post(f"/beschikkingen/{beschikking.pk}/", TEXT)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Controleer de brief voor het afgeven" in html
    assert "CONCEPT" in html
    assert TEXT["decision"] in html
    assert "Uit de lichte toets blijkt<br>dat gezinsbegeleiding" in html  # as in the PDF
    assert "Mevrouw A. Huizinga" in html and "binnen 6 weken" in html  # the letter's own text
    assert 'name="step" value="issue"' in html and 'name="step" value="edit"' in html
    beschikking.refresh_from_db()
    assert beschikking.issued_on is None and beschikking.decision == ""


def test_issuing_needs_the_look_at_that_very_text(client, intake_worker, beschikking):
    client.force_login(intake_worker)
    url = f"/beschikkingen/{beschikking.pk}/"
    # "Issue" without a preview (or with a text changed since): the letter is shown again.
    response = client.post(url, {**TEXT, "step": "issue"})
    assert response.status_code == 200
    assert "CONCEPT" in response.content.decode()
    token = preview_token(beschikking.pk, TEXT["decision"], TEXT["grounds"])
    response = client.post(
        url, {**TEXT, "decision": "Iets anders.", "step": "issue", "previewed": token}
    )
    assert "De tekst is veranderd sinds de voorbeeldweergave" in response.content.decode()
    beschikking.refresh_from_db()
    assert beschikking.issued_on is None
    response = client.post(url, {**TEXT, "step": "issue", "previewed": token})
    assert response.status_code == 302
    beschikking.refresh_from_db()
    assert beschikking.issued_on is not None and beschikking.issued_by == intake_worker
    assert beschikking.grounds == TEXT["grounds"]


def test_back_keeps_what_was_typed(client, intake_worker, beschikking):
    client.force_login(intake_worker)
    response = client.post(f"/beschikkingen/{beschikking.pk}/", {**TEXT, "step": "edit"})
    html = response.content.decode()
    assert response.status_code == 200
    assert TEXT["decision"] in html and "Bekijk de brief" in html
    assert "CONCEPT" not in html
    beschikking.refresh_from_db()
    assert beschikking.issued_on is None


def test_a_second_tab_or_double_click_cannot_issue_twice(client, intake_worker, beschikking):
    client.force_login(intake_worker)
    url = f"/beschikkingen/{beschikking.pk}/"
    token = preview_token(beschikking.pk, TEXT["decision"], TEXT["grounds"])
    assert client.post(url, {**TEXT, "step": "issue", "previewed": token}).status_code == 302
    other = {"decision": "Geen jeugdhulp.", "grounds": "Anders."}
    other_token = preview_token(beschikking.pk, other["decision"], other["grounds"])
    for data in ({**TEXT, "previewed": token}, {**other, "previewed": other_token}):
        response = client.post(url, {**data, "step": "issue"})
        assert response.status_code == 400
        assert "kan niet meer veranderen" in response.content.decode()
    beschikking.refresh_from_db()
    assert beschikking.decision == TEXT["decision"]
    assert beschikking.history.count() == 2  # requested, issued: once


@pytest.mark.parametrize("who", ["official", "provider_user", "outsider"])
def test_outsiders_see_no_preview(client, request, who, beschikking):
    client.force_login(request.getfixturevalue(who))
    response = client.post(f"/beschikkingen/{beschikking.pk}/", TEXT)
    assert response.status_code in (403, 404)
    assert "Huizinga" not in response.content.decode()
