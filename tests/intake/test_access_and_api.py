"""Who sees the intake (WIJ staff only) and the referrers' API (201 / 400)."""

import datetime

import pytest
import time_machine

from accounts.models import ApiToken
from intake.models import Client, SupportRequest
from tests.factories import ReferrerOrganisationFactory, SupportRequestFactory

pytestmark = pytest.mark.django_db

INTAKE_URLS = [
    "/werk/",
    "/werk/team/",
    "/aanmeldingen/",
    "/aanmeldingen/nieuw/",
    "/aanmeldingen/zoek-jeugdige/",
    "/aanmeldingen/{pk}/",
    "/aanmeldingen/{pk}/bewerken/",
    "/aanmeldingen/{pk}/heropenen/",
]
INTAKE_POSTS = [
    "/aanmeldingen/{pk}/contact/",
    "/aanmeldingen/{pk}/toewijzen/",
    "/aanmeldingen/{pk}/afsluiten/",
    "/aanmeldingen/{pk}/triage/",
    "/aanmeldingen/{pk}/andere-medewerker/",
]


@pytest.mark.parametrize("persona", ["provider_user", "official", "outsider"])
def test_no_one_but_wij_staff_sees_any_of_the_intake(client, request, persona, beijum):
    support_request = SupportRequestFactory(team=beijum)
    client.force_login(request.getfixturevalue(persona))
    for url in INTAKE_URLS:
        assert client.get(url.format(pk=support_request.pk)).status_code == 403, url
    for url in INTAKE_POSTS:
        assert client.post(url.format(pk=support_request.pk), {"version": 1}).status_code == 403, (
            url
        )
    assert not SupportRequest.objects.visible_to(request.getfixturevalue(persona)).exists()


def test_an_unknown_request_is_a_404(client, intake_worker):
    client.force_login(intake_worker)
    assert client.get("/aanmeldingen/999999/").status_code == 404


@pytest.fixture
def api(client, intake_worker):
    _api_token, token = ApiToken.objects.create(user=intake_worker)
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {token}"
    return client


def referral(**changes):
    body = {
        "referrer_agb_code": "01990001",
        "referring_person": "dr. Bakker",
        "referral_date": "2026-11-19",
        "question": "Verwijzing voor gezinsbegeleiding.",
        "child": {
            "bsn": "111222333",
            "first_name": "Mila",
            "last_name": "Bos",
            "date_of_birth": "2014-02-02",
            "postcode": "9735 CD",
            "house_number": "7",
        },
        "parent": {"name": "Eva Bos", "phone": "06-12345678"},
    }
    body.update(changes)
    return body


@time_machine.travel(datetime.datetime(2026, 11, 20, 10, 0, tzinfo=datetime.UTC))
def test_a_gp_referral_creates_a_request(api, beijum):
    ReferrerOrganisationFactory(agb_code="01990001", referrer_type="02")
    response = api.post("/api/v1/referrals/", referral(), content_type="application/json")
    assert response.status_code == 201, response.json()
    body = response.json()
    request = SupportRequest.objects.get(pk=body["id"])
    assert body["contact_deadline"] == "2026-11-27"
    assert body["team"] == "WIJ Beijum"
    assert body["route"]["is_open"] is True
    assert "huisartsen lopen sinds 1 januari 2023" in body["route"]["message"]
    assert request.channel == "api" and request.referrer_type == "02"
    assert Client.objects.get().bsn == "111222333"
    from audit.models import AccessLogEntry

    entry = AccessLogEntry.objects.get(event="create")
    assert entry.channel == "api" and entry.client_ids == [Client.objects.get().pk]
    # The same child referred again joins the same client and family.
    again = api.post(
        "/api/v1/referrals/", referral(question="Tweede vraag"), content_type="application/json"
    )
    assert again.status_code == 201
    assert Client.objects.count() == 1


@time_machine.travel(datetime.datetime(2026, 11, 20, 10, 0, tzinfo=datetime.UTC))
@pytest.mark.parametrize(
    ("changes", "path"),
    [
        ({"referrer_agb_code": "09999999"}, ["referrer_agb_code"]),
        ({"referrer_agb_code": "123"}, ["referrer_agb_code"]),
        ({"referral_date": "2026-12-01"}, ["referral_date"]),
        ({"child": {**referral()["child"], "bsn": "123456789"}}, ["child", "bsn"]),
        (
            {"child": {**referral()["child"], "date_of_birth": "2030-01-01"}},
            ["child", "date_of_birth"],
        ),
        ({"child": {**referral()["child"], "postcode": "1011AB"}}, ["child", "postcode"]),
        ({"question": ""}, ["question"]),
    ],
)
def test_bad_referrals_are_a_400_with_field_errors(api, beijum, changes, path):
    ReferrerOrganisationFactory(agb_code="01990001", referrer_type="02")
    response = api.post("/api/v1/referrals/", referral(**changes), content_type="application/json")
    assert response.status_code == 400
    errors = response.json()
    for key in path:
        errors = errors[key]
    assert errors
    assert not SupportRequest.objects.exists() and not Client.objects.exists()


def test_the_referral_api_needs_permission(client, provider_user):
    _api_token, token = ApiToken.objects.create(user=provider_user)
    response = client.post(
        "/api/v1/referrals/",
        referral(),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {token}",
    )
    assert response.status_code == 403


def test_the_referral_api_is_in_the_schema(client, official):
    client.force_login(official)
    schema = client.get("/api/v1/schema/").content.decode()
    assert "/api/v1/referrals/" in schema
    assert "ReferralIn" in schema
