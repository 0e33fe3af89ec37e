"""The provider's steps through the API, with a provider's token: the same services as the
portal; every real answer validated against the served OpenAPI schema; another provider's
ids answer 404; the referral passed on answers alike whether the child is known at WIJ."""

import datetime

import jsonschema
import pytest
import time_machine
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from weasyprint import HTML

from accounts.models import ApiToken
from indications.models import ExtensionRequest, Indication, Task
from intake.models import FurtherQuestion, SupportRequest
from openhouse.models import EndEvaluation, PassedOnReferral
from referrals.models import Product
from samen import roles
from tests.factories import (
    ClientFactory,
    IndicationFactory,
    ProviderFactory,
    SupportRequestFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 11, 22, 10, 0, tzinfo=datetime.UTC)
PDF = HTML(string="<p>Eindevaluatie</p>").write_pdf()
D = datetime.date


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def schema(client, official):
    client.force_login(official)
    loaded = yaml.safe_load(client.get("/api/v1/schema/").content)
    client.logout()
    return loaded


def valid(schema, response, path, method, code):
    """The answer's body matches what the schema documents for this operation and code."""
    operation = schema["paths"][path][method]["responses"][str(code)]
    body_schema = operation["content"]["application/json"]["schema"]
    jsonschema.validate(response.json(), {**body_schema, "components": schema["components"]})
    return response.json()


@pytest.fixture
def world(beijum):
    made = {}
    for key, agb in (("a", "73990401"), ("b", "73990402")):
        provider = ProviderFactory(name=f"Aanbieder {key.upper()}", agb_code=agb)
        provider.products.set(Product.objects.filter(code="45A51"))
        user = UserFactory(role=roles.PROVIDER, username=f"api-stap-{key}")
        provider.memberships.create(user=user)
        made[key] = {
            "provider": provider,
            "indication": IndicationFactory(
                client__team=beijum, provider=provider, end_on=D(2027, 3, 31)
            ),
            "token": ApiToken.objects.create(user=user)[1],
        }
    return made


def api(client, token):
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {token}"
    return client


@time_machine.travel(NOW)
def test_an_extension_request_with_its_pdf_in_one_call(client, world, schema):
    ind = world["a"]["indication"]
    api(client, world["a"]["token"])
    path = "/api/v1/indications/{id}/extension-requests/"
    url = f"/api/v1/indications/{ind.pk}/extension-requests/"
    response = client.post(
        url,
        {
            "reasons": "Doelen nog open.",
            "proposed_end_on": "2027-09-30",
            "document": SimpleUploadedFile("e.pdf", PDF),
        },
    )
    assert response.status_code == 201, response.content
    body = valid(schema, response, path, "post", 201)
    assert body["decision"] == "pending" and body["decide_by"] == "2027-01-17"
    assert body["end_evaluation"] == EndEvaluation.objects.get(indication=ind).pk
    again = client.post(
        url,
        {
            "reasons": "Nog eens.",
            "proposed_end_on": "2027-09-30",
            "end_evaluation": body["end_evaluation"],
        },
        content_type="application/json",
    )
    assert again.status_code == 400 and "non_field_errors" in valid(
        schema, again, path, "post", 400
    )
    listed = valid(schema, client.get("/api/v1/indications/"), "/api/v1/indications/", "get", 200)
    assert listed["results"][0]["extension_requests"][0]["id"] == body["id"]


@time_machine.travel(NOW)
def test_an_extension_request_refers_to_an_evaluation_or_is_refused(client, world, schema):
    a, b = world["a"], world["b"]
    api(client, a["token"])
    path = "/api/v1/indications/{id}/extension-requests/"
    url = f"/api/v1/indications/{a['indication'].pk}/extension-requests/"
    bad_pdf = client.post(
        url,
        {
            "reasons": "x",
            "proposed_end_on": "2027-09-30",
            "document": SimpleUploadedFile("e.pdf", b"<html>"),
        },
    )
    assert bad_pdf.status_code == 400 and not EndEvaluation.objects.exists()
    for body in (
        {"reasons": "x", "proposed_end_on": "2027-09-30"},  # no evaluation
        {"reasons": "x", "proposed_end_on": "9999-12-31", "end_evaluation": 1},
        {"reasons": "x\x00", "proposed_end_on": "2027-09-30", "end_evaluation": 10**30},
        {"reasons": "x", "proposed_end_on": "2027-09-30", "end_evaluation": 2**31 - 1},
    ):
        response = client.post(url, body, content_type="application/json")
        assert response.status_code == 400, body
        valid(schema, response, path, "post", 400)
    other = client.post(
        f"/api/v1/indications/{b['indication'].pk}/extension-requests/",
        {"reasons": "x", "proposed_end_on": "2027-09-30", "end_evaluation": 1},
        content_type="application/json",
    )
    assert other.status_code == 404
    valid(schema, other, path, "post", 404)
    assert not ExtensionRequest.objects.exists()


@time_machine.travel(NOW)
def test_ending_early_through_the_api(client, world, schema):
    ind = world["a"]["indication"]
    api(client, world["a"]["token"])
    path = "/api/v1/indications/{id}/end-early/"
    data = {
        "how": "stopped_early",
        "ends_on": "2026-12-01",
        "end_reason": "33",
        "message": "Wij stoppen met deze zorg.",
    }
    response = client.post(
        f"/api/v1/indications/{ind.pk}/end-early/", data, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    body = valid(schema, response, path, "post", 200)
    assert (body["status"], body["end_on"], body["end_reason"]) == (
        "stopped_early",
        "2026-12-01",
        "33",
    )
    assert Task.objects.filter(indication=ind, kind="handed_over").exists()
    again = client.post(
        f"/api/v1/indications/{ind.pk}/end-early/", data, content_type="application/json"
    )
    assert again.status_code == 400
    valid(schema, again, path, "post", 400)
    other = world["b"]["indication"]
    assert (
        client.post(
            f"/api/v1/indications/{other.pk}/end-early/", data, content_type="application/json"
        ).status_code
        == 404
    )
    other.refresh_from_db()
    assert other.status == "active"


@time_machine.travel(NOW)
def test_handing_over_through_the_api(client, world, schema):
    a, b = world["a"], world["b"]
    api(client, a["token"])
    path = "/api/v1/indications/{id}/hand-over/"
    url = f"/api/v1/indications/{a['indication'].pk}/hand-over/"
    for data in (
        {"provider_agb_code": "73990401", "starts_on": "2027-01-01"},  # itself
        {"provider_agb_code": "00000000", "starts_on": "2027-01-01"},  # unknown
        {"provider_agb_code": "73990402", "starts_on": "2026-01-01"},  # in the past
    ):
        response = client.post(url, data, content_type="application/json")
        assert response.status_code == 400, data
        valid(schema, response, path, "post", 400)
    response = client.post(
        url,
        {"provider_agb_code": "73990402", "starts_on": "2027-01-01"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = valid(schema, response, path, "post", 201)
    assert (
        body["indication"]["status"] == "other_provider"
        and body["indication"]["end_reason"] == "38"
    )
    assert body["continued_by"] == {
        "provider_name": "Aanbieder B",
        "provider_agb_code": "73990402",
        "starts_on": "2027-01-01",
    }
    successor = Indication.objects.get(preceded_by=a["indication"])
    assert "id" not in body["continued_by"]  # the other provider's record is not ours
    # B's token now sees the new indication; A's does not.
    ids_b = [
        row["id"] for row in api(client, b["token"]).get("/api/v1/indications/").json()["results"]
    ]
    assert successor.pk in ids_b


REFERRAL = {
    "child": {
        "bsn": "111222333",
        "first_name": "Sanne",
        "last_name": "de Vries",
        "date_of_birth": "2016-05-04",
        "postcode": "9735AB",
        "house_number": "12",
    },
    "product_code": "45A51",
    "referral_date": "2026-11-16",
    "gp_name": "Huisartsenpraktijk Beijum",
    "gp_agb_code": "01234567",
}


@time_machine.travel(NOW)
def test_a_referral_passed_on_answers_alike_for_a_known_and_an_unknown_child(
    client, world, schema, beijum
):
    known = ClientFactory(team=beijum, bsn="111222333")
    open_request = SupportRequestFactory(team=beijum, clients=[known])
    api(client, world["a"]["token"])
    path = "/api/v1/passed-on-referrals/"
    first = client.post(path, REFERRAL, content_type="application/json")
    assert first.status_code == 201, first.content
    second = client.post(
        path,
        {**REFERRAL, "child": {**REFERRAL["child"], "bsn": "123456782"}},
        content_type="application/json",
    )
    assert second.status_code == 201
    one, two = valid(schema, first, path, "post", 201), valid(schema, second, path, "post", 201)
    assert set(one) == set(two) and {
        k: v for k, v in one.items() if k not in ("id", "passed_on_at")
    } == {k: v for k, v in two.items() if k not in ("id", "passed_on_at")}
    assert FurtherQuestion.objects.filter(support_request=open_request).count() == 1
    new = SupportRequest.objects.exclude(pk=open_request.pk).get()
    assert new.channel == "open_house" and new.referrer_type == "02"
    listed = valid(schema, client.get(path), path, "get", 200)
    assert len(listed["results"]) == 2
    api(client, world["b"]["token"])
    assert client.get(path).json()["results"] == []


@time_machine.travel(NOW)
def test_a_referral_that_cannot_be_passed_on_is_a_400_with_a_dutch_message(client, world, schema):
    api(client, world["a"]["token"])
    path = "/api/v1/passed-on-referrals/"
    for data in (
        {**REFERRAL, "referral_date": "2022-12-01"},
        {**REFERRAL, "product_code": "XXXXX"},
        {**REFERRAL, "child": {**REFERRAL["child"], "postcode": "1011AA"}},
        {**REFERRAL, "child": {**REFERRAL["child"], "bsn": "12\x0034"}},
        {**REFERRAL, "gp_agb_code": "12"},
    ):
        response = client.post(path, data, content_type="application/json")
        assert response.status_code == 400, data
        valid(schema, response, path, "post", 400)
    response = client.post(
        path, {**REFERRAL, "referral_date": "2022-12-01"}, content_type="application/json"
    )
    assert "blijft bij u" in response.json()["referral_date"][0]
    assert not PassedOnReferral.objects.exists() and not SupportRequest.objects.exists()


def test_other_roles_cannot_use_the_provider_steps(client, world, intake_worker):
    token = ApiToken.objects.create(user=intake_worker)[1]
    ind = world["a"]["indication"]
    api(client, token)
    assert client.post(f"/api/v1/indications/{ind.pk}/end-early/", {}).status_code == 403
    assert client.get("/api/v1/passed-on-referrals/").status_code == 403


@time_machine.travel(NOW)
def test_wijs_reasons_on_a_request_from_the_triage_stay_with_wij(client, world, schema):
    """A request made by WIJ's triage carries WIJ's notes about the family: the provider
    reads the decision, never those reasons; its own request's reasons it reads back."""
    ind = world["a"]["indication"]
    ExtensionRequest.objects.create(
        indication=ind,
        requested_by="wij",
        reasons="Notitie-WIJ: zorgen over de veiligheid thuis.",
        decision="wij",
        weighing="Basis jeugdhulp bij WIJ.",
        decided_by=UserFactory(role=roles.YOUTH_ADMIN),
        decided_on=NOW.date(),
    )
    ExtensionRequest.objects.create(
        indication=ind, requested_by="provider", reasons="Onze-reden: nog niet klaar."
    )
    response = api(client, world["a"]["token"]).get("/api/v1/indications/")
    body = valid(schema, response, "/api/v1/indications/", "get", 200)
    text = response.content.decode()
    assert "Notitie-WIJ" not in text and "Onze-reden" in text
    (row,) = [r for r in body["results"] if r["id"] == ind.pk]
    assert sorted(e["reasons"] for e in row["extension_requests"]) == [
        "",
        "Onze-reden: nog niet klaar.",
    ]
