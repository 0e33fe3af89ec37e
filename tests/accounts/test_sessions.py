"""Sessions end when idle, at a maximum age and with the browser; no page is cached."""

import datetime

import pytest
import time_machine

from tests.login import sign_in

pytestmark = pytest.mark.django_db

START = datetime.datetime(2026, 11, 17, 9, 0, tzinfo=datetime.UTC)


def at(minutes):
    return time_machine.travel(START + datetime.timedelta(minutes=minutes), tick=False)


def test_the_session_ends_after_30_idle_minutes(client, intake_worker):
    with at(0):
        sign_in(client, intake_worker)
        assert client.get("/aanmeldingen/").status_code == 200
    with at(29):
        assert client.get("/aanmeldingen/").status_code == 200  # activity renews
    with at(58):
        assert client.get("/aanmeldingen/").status_code == 200  # 29 min after the last
    with at(89):
        response = client.get("/aanmeldingen/")
        assert response.status_code == 302
        assert response["Location"].startswith("/login/?next=/aanmeldingen/")
        page = client.get(response["Location"]).content.decode()
        assert "30 minuten zonder activiteit" in page
        assert client.get("/").status_code == 302  # signed out for good


def test_typing_keeps_the_session_and_asking_does_not(client, intake_worker):
    with at(0):
        sign_in(client, intake_worker)
    with at(20):
        assert client.get("/account/sessie/").json()["seconds_left"] == 10 * 60
    with at(25):
        assert client.post("/account/sessie/actief/").status_code == 204
    with at(50):
        assert client.get("/account/sessie/").json()["seconds_left"] == 5 * 60
        assert client.get("/aanmeldingen/").status_code == 200
    with at(90):
        assert client.get("/account/sessie/").json() == {"seconds_left": 0}
        assert client.get("/aanmeldingen/").status_code == 302


def test_the_session_ends_after_its_maximum_age_even_when_busy(client, settings, intake_worker):
    with at(0):
        sign_in(client, intake_worker)
    for minute in range(20, settings.SESSION_MAX_HOURS * 60, 20):
        with at(minute):
            assert client.get("/aanmeldingen/").status_code == 200, minute
    with at(settings.SESSION_MAX_HOURS * 60 + 1):
        response = client.get("/aanmeldingen/")
        assert response.status_code == 302
        assert "ten hoogste 10 uur" in client.get(response["Location"]).content.decode()


def test_an_htmx_request_after_the_end_sends_the_whole_page_to_login(client, intake_worker):
    with at(0):
        sign_in(client, intake_worker)
    with at(45):
        response = client.get("/aanmeldingen/", HTTP_HX_REQUEST="true")
        assert response.status_code == 200
        assert response["HX-Redirect"] == "/login/"


def test_the_keep_alive_needs_a_session_and_a_post(client, intake_worker):
    assert client.post("/account/sessie/actief/").status_code == 302  # to login
    client.force_login(intake_worker)
    assert client.get("/account/sessie/actief/").status_code == 405


def test_the_session_cookie_ends_with_the_browser(client, intake_worker):
    response = sign_in(client, intake_worker)
    cookie = response.cookies["sessionid"]
    assert not cookie["expires"] and not cookie["max-age"]
    assert cookie["httponly"]
    from django.contrib.sessions.models import Session

    assert Session.objects.filter(session_key=cookie.value).exists()  # in the database


@pytest.mark.parametrize("path", ["/", "/aanmeldingen/", "/login/", "/api/v1/indications/"])
def test_no_page_is_cached(client, intake_worker, path):
    client.force_login(intake_worker)
    response = client.get(path)
    cache_control = response["Cache-Control"]
    assert "no-store" in cache_control and "private" in cache_control
