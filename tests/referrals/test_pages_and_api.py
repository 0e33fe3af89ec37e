"""The Fasering page for all staff, and the JSON API checked against its own schema."""

import datetime

import jsonschema
import pytest
import time_machine
import yaml

from accounts.models import ApiToken

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("persona", ["intake_worker", "team_lead", "official", "provider_user"])
def test_every_role_sees_the_phasing_page(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    response = client.get("/fasering/")
    assert response.status_code == 200


@time_machine.travel(datetime.datetime(2023, 10, 1, 10, 0, tzinfo=datetime.UTC))
def test_the_phasing_page_shows_planned_actual_and_today(
    client, intake_worker, django_assert_max_num_queries
):
    client.force_login(intake_worker)
    with django_assert_max_num_queries(8):
        html = client.get("/fasering/").content.decode()
    assert "Stand op 1 oktober 2023" in html
    assert "samen-timeline__marker--planned" in html  # the visual timeline
    assert html.count("samen-status--open") == 3
    assert html.count("samen-status--closed") == 4
    assert "Verwijzingen van huisartsen lopen sinds 1 januari 2023 via WIJ Groningen." in html
    assert "45A54 valt pas vanaf 1 januari 2024 onder Basis jeugdhulp." in html


def test_the_phasing_page_answers_for_another_date_and_an_older_table(client, intake_worker):
    client.force_login(intake_worker)
    html = client.get("/fasering/?on=2024-02-01").content.decode()
    assert html.count("samen-status--open") == 7
    # On 1 Oct 2023 the table still had the GGD route undecided.
    html = client.get("/fasering/?on=2024-02-01&as_of=2023-10-01").content.decode()
    assert "De tabel zoals die was op 1 oktober 2023" in html
    assert html.count("samen-status--open") == 3


def test_a_bad_date_gets_a_clear_message(client, intake_worker):
    client.force_login(intake_worker)
    response = client.get("/fasering/?on=2024-13-45")
    assert response.status_code == 200
    assert "Dat is geen geldige datum" in response.content.decode()


@pytest.fixture
def api_client(client, intake_worker):
    _api_token, token = ApiToken.objects.create(user=intake_worker)
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {token}"
    return client


@pytest.fixture
def schema(client, official):
    client.force_login(official)
    document = yaml.safe_load(client.get("/api/v1/schema/").content)
    client.logout()
    return document


def response_schema(schema, path):
    body = schema["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
    return {**body["schema"], "components": schema["components"]}


def test_routes_on_a_date_match_the_schema(api_client, schema):
    response = api_client.get("/api/v1/routes/?date=2023-12-31")
    assert response.status_code == 200
    body = response.json()
    jsonschema.validate(body, response_schema(schema, "/api/v1/routes/"))
    by_code = {row["referrer_type"]: row for row in body}
    assert by_code["05"]["is_open"] is False
    assert by_code["02"]["open_since"] == "2023-01-01"
    assert by_code["05"]["planned_on"] == "2024-10-01"
    assert api_client.get("/api/v1/routes/?date=2024-01-01").json()[4]["is_open"] is True


def test_products_match_the_schema(api_client, schema):
    response = api_client.get("/api/v1/products/?date=2025-07-01")
    assert response.status_code == 200
    body = response.json()
    jsonschema.validate(body, response_schema(schema, "/api/v1/products/"))
    assert len(body) == 11
    assert all(row["status"]["open_house_open"] is False for row in body)


def test_a_bad_date_is_a_400_with_the_field(api_client):
    response = api_client.get("/api/v1/routes/?date=gisteren")
    assert response.status_code == 400
    assert "date" in response.json()


def test_the_api_needs_a_token_or_a_session(client, intake_worker):
    assert client.get("/api/v1/routes/").status_code == 401
    client.force_login(intake_worker)
    assert client.get("/api/v1/routes/").status_code == 200
