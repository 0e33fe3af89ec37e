"""Text limits and the date range in intake: the registration form, the request edit form,
the admin and the referral API refuse an over-long text or a date outside 1900-2100 with
a field error or a 400 naming the field, never a 500; the OpenAPI schema shows maxLength."""

import datetime

import pytest
import time_machine

from accounts.models import ApiToken
from intake.models import Client, SupportRequest, Team
from samen.limits import LONG_TEXT, REASON_TEXT
from tests.factories import ReferrerOrganisationFactory, SupportRequestFactory
from tests.intake.test_access_and_api import referral
from tests.intake.test_register import new_child

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 11, 20, 10, 0, tzinfo=datetime.UTC)


@time_machine.travel(NOW)
@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"question": "v" * (LONG_TEXT + 1)}, "question"),
        ({"first_name": "D" * 101}, "first_name"),
        ({"client_search": "z" * 201}, "client_search"),
        ({"date_of_birth": "1899-12-31"}, "date_of_birth"),
        ({"referral_date": "9999-12-31", "referrer_type": "02"}, "referral_date"),
        ({"received_at": "2101-01-01T10:00"}, "received_at"),
    ],
)
def test_the_registration_form_names_the_field(client, intake_worker, beijum, changes, field):
    client.force_login(intake_worker)
    response = client.post("/aanmeldingen/nieuw/", new_child(**changes))
    assert response.status_code in (200, 400)
    assert field in response.context["form"].errors
    assert not SupportRequest.objects.exists() and not Client.objects.exists()


@time_machine.travel(NOW)
def test_a_question_of_exactly_the_maximum_is_registered(client, intake_worker, beijum):
    client.force_login(intake_worker)
    response = client.post("/aanmeldingen/nieuw/", new_child(question="v" * LONG_TEXT))
    assert response.status_code == 302
    assert len(SupportRequest.objects.get().question) == LONG_TEXT


def test_the_edit_form_refuses_a_question_over_the_maximum(client, intake_worker, beijum):
    request = SupportRequestFactory(team=beijum)
    client.force_login(intake_worker)
    page = client.get(f"/aanmeldingen/{request.pk}/bewerken/")
    assert f'maxlength="{LONG_TEXT}"' in page.content.decode()  # still a textarea, with a limit
    assert "<textarea" in page.content.decode()
    response = client.post(
        f"/aanmeldingen/{request.pk}/bewerken/",
        {
            "version": request.version,
            "question": "v" * (LONG_TEXT + 1),
            "channel": request.channel,
            "team": request.team_id,
        },
    )
    assert response.status_code in (200, 400)
    assert "question" in response.context["form"].errors
    request.refresh_from_db()
    assert len(request.question) < LONG_TEXT


def test_the_admin_names_the_field(client, official):
    client.force_login(official)
    response = client.post("/admin/intake/team/add/", {"name": "W" * 101, "active": "on"})
    assert response.status_code == 200
    assert "name" in response.context["adminform"].form.errors
    assert not Team.objects.filter(name__startswith="WWW").exists()


@pytest.fixture
def api(client, intake_worker):
    _api_token, token = ApiToken.objects.create(user=intake_worker)
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {token}"
    return client


@time_machine.travel(NOW)
@pytest.mark.parametrize(
    ("changes", "path"),
    [
        ({"question": "v" * (LONG_TEXT + 1)}, ["question"]),
        ({"referral_date": "1899-12-31"}, ["referral_date"]),
        (
            {"child": {**referral()["child"], "date_of_birth": "1850-01-01"}},
            ["child", "date_of_birth"],
        ),
        ({"child": {**referral()["child"], "first_name": "M" * 101}}, ["child", "first_name"]),
        ({"child": {**referral()["child"], "bsn": "1" * 12}}, ["child", "bsn"]),
        ({"parent": {"name": "E" * 201}}, ["parent", "name"]),
        ({"referring_person": "B" * 201}, ["referring_person"]),
    ],
)
def test_the_api_answers_400_naming_the_field(api, beijum, changes, path):
    ReferrerOrganisationFactory(agb_code="01990001", referrer_type="02")
    response = api.post("/api/v1/referrals/", referral(**changes), content_type="application/json")
    assert response.status_code == 400
    errors = response.json()
    for key in path:
        errors = errors[key]
    assert errors
    assert not SupportRequest.objects.exists()


def test_the_schema_shows_the_maxima(client, official):
    client.force_login(official)
    schema = client.get("/api/v1/schema/?format=json").json()
    referral_in = schema["components"]["schemas"]["ReferralIn"]["properties"]
    child = schema["components"]["schemas"]["Child"]["properties"]
    assert referral_in["question"]["maxLength"] == LONG_TEXT
    assert referral_in["referring_person"]["maxLength"] == 200
    assert child["first_name"]["maxLength"] == 100
    assert child["bsn"]["maxLength"] == 11


@time_machine.travel(NOW)
def test_a_first_contact_in_9999_is_refused_on_the_page(client, intake_worker, beijum):
    request = SupportRequestFactory(team=beijum)
    client.force_login(intake_worker)
    response = client.post(
        f"/aanmeldingen/{request.pk}/contact/",
        {"version": request.version, "contacted_on": "9999-12-31"},
    )
    assert response.status_code in (200, 400)
    assert "Vul een datum in tussen 1-1-1900 en 31-12-2100." in response.content.decode()
    request.refresh_from_db()
    assert request.first_contact_on is None


@time_machine.travel(NOW)
def test_a_request_for_another_worker_with_too_long_an_explanation(client, intake_worker, beijum):
    request = SupportRequestFactory(team=beijum, assigned_worker=intake_worker)
    client.force_login(intake_worker)
    response = client.post(
        f"/aanmeldingen/{request.pk}/andere-medewerker/",
        {"requested_on": "2026-11-20", "reason": "other", "explanation": "e" * (REASON_TEXT + 1)},
    )
    assert response.status_code in (200, 400)
    assert f"niet meer dan {REASON_TEXT} tekens" in response.content.decode()
    assert not request.worker_changes.exists()
