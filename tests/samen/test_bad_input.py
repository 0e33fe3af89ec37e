"""What the fuzzers found, kept as tests of their own: odd query strings get a Dutch answer
(a message, a 400 page or a JSON 404), never a server error, and nothing is lost."""

import html
import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest

pytestmark = pytest.mark.django_db


def test_a_nul_byte_in_a_query_string_gets_the_dutch_400_page(client, intake_worker):
    client.force_login(intake_worker)
    for path in ("/aanmeldingen/?status=a%00b", "/admin/?q=%00", "/rapportages/instroom/?x=%00"):
        response = client.get(path)
        assert response.status_code == 400, path
        page = response.content.decode()
        assert "Er klopt iets niet in het verzoek" in page
        assert "Er is niets opgeslagen of gewijzigd" in page
    # An encoded percent sign followed by 00 is text, not a NUL byte.
    assert client.get("/aanmeldingen/?status=%2500").status_code == 200


def test_dates_outside_the_range_in_a_query_string_get_a_message(client, intake_worker):
    client.force_login(intake_worker)
    response = client.get("/fasering/?on=9999-12-31")
    assert response.status_code == 200
    assert "Dat is geen geldige datum" in response.content.decode()

    response = client.get("/aanmeldingen/?received_until=9999-12-31")
    assert response.status_code == 200
    assert "1-1-1900" in response.content.decode()


def test_a_report_with_a_period_in_year_9999_falls_back_with_a_message(client, official):
    client.force_login(official)
    odd = "/rapportages/instroom/?start=9999-01-01&end=9999-12-31"
    page = client.get(odd).content.decode()
    assert "laatste twaalf maanden" in page
    csv_link = re.search(r'href="([^"]*export=csv[^"]*)"', page)
    assert csv_link, "the report offers a CSV export"
    table = parse_qs(urlsplit(html.unescape(csv_link[1])).query)["table"][0]
    for suffix in ("&export=xlsx", f"&export=csv&table={table}"):
        response = client.get(odd + suffix)
        assert response.status_code == 200, suffix
        assert response["Content-Disposition"].startswith("attachment"), suffix


def test_the_api_refuses_a_date_outside_the_range_naming_the_field(client, official):
    client.force_login(official)
    response = client.get("/api/v1/routes/?date=9999-12-31")
    assert response.status_code == 400
    assert "date" in response.json()


def test_an_api_path_that_matches_nothing_answers_json(client, official):
    client.force_login(official)
    for path in ("/api/v1/nope/", "/api/v1/indications/null,null/end-evaluations/"):
        response = client.post(path) if "end-evaluations" in path else client.get(path)
        assert response.status_code == 404, path
        assert response["Content-Type"] == "application/json"
        assert response.json() == {"detail": "Niet gevonden."}


def test_a_page_that_does_not_exist_is_dutch(client, intake_worker):
    client.force_login(intake_worker)
    response = client.get("/bestaat-niet/")
    assert response.status_code == 404
    assert "Pagina niet gevonden" in response.content.decode()


def test_the_schema_documents_the_error_answers_of_every_operation(client, official):
    client.force_login(official)
    schema = json.loads(client.get("/api/v1/schema/?format=json").content)
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            documented = set(operation["responses"])
            assert {"401", "403", "429"} <= documented, (method, path)
            if "{" in path:
                assert "404" in documented, (method, path)
            if operation.get("parameters") or "requestBody" in operation:
                assert "400" in documented, (method, path)
    assert schema["components"]["schemas"]["Error"]["required"] == ["detail"]


@pytest.mark.parametrize(
    "query",
    [
        "end_on__year=9999",
        "end_on__year=9999&end_on__month=12",
        "end_on__year=9999&end_on__month=12&end_on__day=31",
        "end_on__year=99999999999999999999",
        "end_on__year=2026&end_on__month=13",
        "end_on__year=1066",
    ],
)
def test_the_admins_date_drilldown_refuses_years_it_cannot_count(client, official, query):
    client.force_login(official)
    response = client.get(f"/admin/indications/indication/?{query}")
    assert response.status_code == 302
    assert response["Location"] == "/admin/indications/indication/?e=1"
    assert client.get("/admin/indications/indication/?end_on__year=2026").status_code == 200


@pytest.mark.parametrize("path", ["/aanmeldingen/zoek-jeugdige/", "/aanmeldingen/nieuw/"])
@pytest.mark.parametrize("term", ["a\x00b", "x" * 3000])
def test_the_client_search_answers_a_nul_byte_or_a_novel_with_no_results(
    client, intake_worker, path, term
):
    client.force_login(intake_worker)
    response = client.post(path, {"_search": "1", "client_search": term})
    assert response.status_code == 200


def test_a_user_name_of_3000_characters_is_refused_by_the_login_form(client):
    response = client.post(
        "/login/",
        {
            "login_view-current_step": "auth",
            "auth-username": "x" * 3000,
            "auth-password": "y" * 3000,
        },
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("value", ["abc", "9999-12-31", "a\x00b"])
def test_an_admin_choice_that_is_no_id_gets_a_form_error(client, official, beijum, value):
    client.force_login(official)
    response = client.post("/admin/intake/postcodearea/add/", {"digits": "9736", "team": value})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["team"]
