"""A provider reaches no other provider's indication, client, document or thread, by any
URL or API call (guessed ids included); the API with tokens of two providers."""

import datetime
import re

import jsonschema
import pytest
import time_machine
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.html import escape
from weasyprint import HTML

from accounts.models import ApiToken
from openhouse.models import EndEvaluation, HandoverNote
from tests.factories import IndicationFactory, ProviderFactory, SupportRequestFactory, UserFactory
from tests.urls_walk import all_paths

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 11, 22, 10, 0, tzinfo=datetime.UTC)
PDF = HTML(string="<p>Eindevaluatie</p>").write_pdf()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def world(beijum):
    providers = {}
    for key, agb in (("a", "73990201"), ("b", "73990202")):
        provider = ProviderFactory(name=f"Aanbieder {key.upper()}", agb_code=agb)
        user = UserFactory(role="aanbieder", username=f"api-{key}")
        provider.memberships.create(user=user)
        indication = IndicationFactory(
            client__team=beijum, provider=provider, end_on=datetime.date(2027, 3, 31)
        )
        evaluation = EndEvaluation.objects.create(
            indication=indication,
            version=1,
            original_name="e.pdf",
            uploaded_by=user,
            uploaded_at=NOW,
            on_time=True,
            document=SimpleUploadedFile("e.pdf", PDF),
        )
        HandoverNote.objects.create(
            indication=indication, side="provider", author=user, text=f"geheim-{key}"
        )
        request = SupportRequestFactory(team=beijum, clients=[indication.client])
        providers[key] = {
            "provider": provider,
            "user": user,
            "indication": indication,
            "evaluation": evaluation,
            "request": request,
            "token": ApiToken.objects.create(user=user)[1],
        }
    return providers


@time_machine.travel(NOW)
def test_no_url_shows_provider_b_anything_of_a(client, world):
    a, b = world["a"], world["b"]
    client.force_login(b["user"])
    secrets = [a["indication"].client.full_name, "geheim-a", a["evaluation"].original_name]
    ids = {a["indication"].pk, a["evaluation"].pk, a["indication"].client_id, a["request"].pk}
    checked = 0
    for object_id in ids:
        for path, _name in all_paths(int_value=object_id):
            if f"/{object_id}/" not in path or path.startswith("/admin/"):
                continue
            for method in ("get", "post"):
                response = getattr(client, method)(path)
                checked += 1
                assert response.status_code in (302, 400, 403, 404, 405), (
                    method,
                    path,
                    response.status_code,
                )
                body = b"" if response.streaming else response.content
                assert not any(secret.encode() in body for secret in secrets), (method, path)
    assert checked > 40
    assert HandoverNote.objects.filter(indication=a["indication"]).count() == 1
    assert EndEvaluation.objects.filter(indication=a["indication"]).count() == 1


def api(client, token):
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {token}"
    return client


@time_machine.travel(NOW)
def test_each_token_sees_only_its_providers_indications_matching_the_schema(
    client, world, official
):
    client.force_login(official)
    schema = yaml.safe_load(client.get("/api/v1/schema/").content)
    client.logout()
    body_schema = schema["paths"]["/api/v1/indications/"]["get"]["responses"]["200"]["content"][
        "application/json"
    ]["schema"]
    for key, other in (("a", "b"), ("b", "a")):
        response = api(client, world[key]["token"]).get("/api/v1/indications/")
        assert response.status_code == 200
        body = response.json()
        jsonschema.validate(body, {**body_schema, "components": schema["components"]})
        assert [row["id"] for row in body["results"]] == [world[key]["indication"].pk]
        assert escape(world[other]["indication"].client.full_name) not in response.content.decode()


@time_machine.travel(NOW)
def test_uploading_through_the_api(client, world):
    a, b = world["a"], world["b"]
    api(client, a["token"])
    url = f"/api/v1/indications/{a['indication'].pk}/end-evaluations/"
    response = client.post(url, {"document": SimpleUploadedFile("v2.pdf", PDF)})
    assert response.status_code == 201, response.content
    assert response.json()["version"] == 2 and response.json()["on_time"] is True
    bad = client.post(url, {"document": SimpleUploadedFile("x.pdf", b"<html></html>")})
    assert bad.status_code == 400 and "document" in bad.json()
    # A's token on B's indication: 404, nothing stored.
    other = client.post(
        f"/api/v1/indications/{b['indication'].pk}/end-evaluations/",
        {"document": SimpleUploadedFile("v.pdf", PDF)},
    )
    assert other.status_code == 404
    assert EndEvaluation.objects.filter(indication=b["indication"]).count() == 1


def test_wij_staff_tokens_cannot_use_the_provider_api(client, world, intake_worker):
    token = ApiToken.objects.create(user=intake_worker)[1]
    assert api(client, token).get("/api/v1/indications/").status_code == 403
    client.defaults.pop("HTTP_AUTHORIZATION")
    assert client.get("/api/v1/indications/").status_code == 401


def test_a_provider_makes_its_key_and_wij_reading_is_recorded(client, world, intake_worker):
    a = world["a"]
    ApiToken.objects.filter(user=a["user"]).update(created=NOW - datetime.timedelta(days=1))
    with time_machine.travel(NOW, tick=False) as clock:
        client.force_login(a["user"])
        confirm = client.post("/portaal/api-sleutel/").content.decode()
        # A look first: it says until when the old key still works (24 hours).
        assert "stopt met werken op 23 november 2026 11:00" in confirm
        assert api(client, a["token"]).get("/api/v1/indications/").status_code == 200
        client.defaults.pop("HTTP_AUTHORIZATION")
        response = client.post("/portaal/api-sleutel/", {"confirm": "1"})
        html = response.content.decode()
        new_key = re.search(
            r'<code id="api-header"[^>]*>Authorization: Token ([0-9a-f]{64})</code>', html
        ).group(1)
        assert new_key != a["token"]
        assert "De vorige sleutel blijft werken tot 23 november 2026 11:00" in html
        assert ApiToken.objects.filter(user=a["user"]).count() == 2
        assert new_key not in str(ApiToken.objects.values_list("digest", "token_key"))  # hash only
        assert new_key not in client.get("/portaal/api-sleutel/").content.decode()  # shown once
        client.logout()
        assert api(client, a["token"]).get("/api/v1/indications/").status_code == 200  # grace
        assert api(client, new_key).get("/api/v1/indications/").status_code == 200
        clock.shift(datetime.timedelta(hours=24, seconds=1))
        assert api(client, a["token"]).get("/api/v1/indications/").status_code == 401  # ended
        assert api(client, new_key).get("/api/v1/indications/").status_code == 200
    client.defaults.pop("HTTP_AUTHORIZATION")
    client.force_login(intake_worker)
    client.get(f"/eindevaluaties/{a['evaluation'].pk}/download/")
    a["evaluation"].refresh_from_db()
    assert a["evaluation"].read_by == intake_worker
    HandoverNote.objects.create(
        indication=a["indication"], side="wij", author=intake_worker, text="Afspraak gepland."
    )
    client.force_login(a["user"])
    assert "Afspraak gepland." in client.get("/portaal/").content.decode()
