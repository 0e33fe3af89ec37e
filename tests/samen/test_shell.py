"""The UI shell: header with user and role, navigation per role, Dutch by default."""

import pytest
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db


def test_it_shows_the_user_and_role_in_dutch(client, intake_worker):
    client.force_login(intake_worker)
    html = client.get("/").content.decode()
    assert '<html lang="nl"' in html
    assert "Ilse" in html
    assert "WIJ-medewerker" in html
    assert 'href="#main"' in html and 'id="main"' in html  # skip link and main landmark
    assert "Naar de inhoud" in html


def test_an_official_gets_the_management_link_and_staff_do_not(client, official, intake_worker):
    client.force_login(official)
    assert 'href="/admin/"' in client.get("/").content.decode()
    client.force_login(intake_worker)
    assert 'href="/admin/"' not in client.get("/").content.decode()


def test_a_user_without_a_role_is_told_so(client, outsider):
    client.force_login(outsider)
    assert "geen rol" in client.get("/").content.decode()


def test_english_is_the_second_language(client, intake_worker):
    client.force_login(intake_worker)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get("/").content.decode()
    assert '<html lang="en"' in html
    assert "Skip to content" in html


def test_the_design_system_and_htmx_are_served_by_the_app(client, intake_worker):
    client.force_login(intake_worker)
    html = client.get("/").content.decode()
    for asset in (
        "vendor/utrecht/components/index.css",
        "vendor/utrecht/tokens/theme.css",
        "vendor/htmx/htmx.min.js",
        "samen/css/samen.css",
    ):
        assert f"/static/{asset}" in html
        assert finders.find(asset), f"{asset} is not installed (npm ci)"
    # Nothing from third parties.
    assert "https://" not in html.replace("https://www.w3.org", "")


def test_the_browser_language_does_not_switch_the_interface(client, intake_worker):
    client.force_login(intake_worker)
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="nl"' in html
