"""API keys of providers' systems: hashed, shown once, expiring, last use recorded,
throttled per key — through the portal page and the API itself."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from accounts.models import ApiToken
from samen import roles
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def provider_key(db):
    user = UserFactory(role=roles.PROVIDER)
    from openhouse.models import ProviderMembership
    from tests.factories import ProviderFactory

    ProviderMembership.objects.create(user=user, provider=ProviderFactory())
    token, key = ApiToken.objects.create(user=user)
    return user, token, key


def call(client, key, path="/api/v1/indications/"):
    return client.get(path, HTTP_AUTHORIZATION=f"Token {key}")


def test_only_a_hash_is_stored(provider_key):
    _user, token, key = provider_key
    token.refresh_from_db()
    assert key not in token.digest and token.digest != key
    assert len(token.token_key) < len(key)  # a short prefix to find it, never the whole key


def test_a_key_works_and_records_its_last_use(client, provider_key):
    _user, token, key = provider_key
    assert token.last_used is None
    assert call(client, key).status_code == 200
    token.refresh_from_db()
    assert token.last_used is not None


def test_a_key_ends_at_its_expiry(client, settings, provider_key):
    user, token, key = provider_key
    assert token.expiry - token.created >= datetime.timedelta(days=179)
    with time_machine.travel(token.expiry + datetime.timedelta(minutes=1)):
        response = call(client, key)
        assert response.status_code == 401
        # The key is kept, so that the provider sees when it ended.
        client.force_login(user)
        html = client.get("/portaal/api-sleutel/").content.decode()
        assert "verlopen: maak een nieuwe sleutel" in html


@pytest.mark.parametrize(
    "header",
    [
        "Token",
        "Token a b",
        "Token " + "x" * 5000,
        "Token \x00\x00",
        "Token zzzz-not-hex",
        "Token ÿÿÿ",
    ],
)
def test_junk_keys_get_401_not_500(client, header):
    response = client.get("/api/v1/indications/", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401


def test_a_non_utf8_key_gets_401(client):
    response = client.get(
        "/api/v1/indications/", HTTP_AUTHORIZATION=b"Token \xff\xfe".decode("latin-1")
    )
    assert response.status_code == 401


def test_calls_are_throttled_per_key(client, settings, provider_key):
    _user, _token, key = provider_key
    other_user = UserFactory(role=roles.PROVIDER)
    _other_token, other_key = ApiToken.objects.create(user=other_user)
    limit = int(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["api_key"].split("/")[0])
    with time_machine.travel(timezone.now(), tick=False):
        statuses = [call(client, key).status_code for _ in range(limit)]
        assert set(statuses) == {200}
        response = call(client, key)
        assert response.status_code == 429
        assert "Retry-After" in response
        # Another provider's key has its own count.
        assert call(client, other_key).status_code in (200, 403)
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=2), tick=False):
        assert call(client, key).status_code == 200


def test_wrong_keys_are_throttled_per_address(client, settings, provider_key):
    """Guessing keys: after API_ANON_RATE wrong keys a minute from one address, that
    address waits (the right key too); another address does not."""
    _user, _token, key = provider_key
    limit = int(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["anon"].split("/")[0])
    wrong = "Token " + "0" * 64
    with time_machine.travel(timezone.now(), tick=False):
        for _ in range(limit):
            response = client.get(
                "/api/v1/indications/", HTTP_AUTHORIZATION=wrong, REMOTE_ADDR="10.9.9.9"
            )
            assert response.status_code == 401
        response = client.get(
            "/api/v1/indications/", HTTP_AUTHORIZATION=wrong, REMOTE_ADDR="10.9.9.9"
        )
        assert response.status_code == 429
        assert call_from(client, key, "10.9.9.9").status_code == 429
        assert call_from(client, key, "10.9.9.8").status_code == 200
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=2), tick=False):
        assert call_from(client, key, "10.9.9.9").status_code == 200


def call_from(client, key, address):
    return client.get(
        "/api/v1/indications/", HTTP_AUTHORIZATION=f"Token {key}", REMOTE_ADDR=address
    )


def test_the_portal_page_shows_dates_not_the_key(client, provider_key):
    user, _token, key = provider_key
    client.force_login(user)
    html = client.get("/portaal/api-sleutel/").content.decode()
    assert key not in html
    assert "Werkt tot" in html and "Laatst gebruikt" in html


def test_a_new_key_gives_the_old_one_a_grace_period_and_a_third_ends_it(client, provider_key):
    from accounts.api_keys import api_key_renew

    user, first, first_key = provider_key
    start = timezone.now()
    with time_machine.travel(start + datetime.timedelta(minutes=1), tick=False) as clock:
        _second, second_key = api_key_renew(user)
        first.refresh_from_db()
        assert first.expiry == timezone.now() + datetime.timedelta(hours=24)
        assert call(client, first_key).status_code == 200  # the grace period
        clock.shift(datetime.timedelta(minutes=1))
        _third, third_key = api_key_renew(user)
        # The key still in its grace stops now; the one in use gets the grace.
        assert call(client, first_key).status_code == 401
        assert call(client, second_key).status_code == 200
        assert call(client, third_key).status_code == 200
        assert ApiToken.objects.filter(user=user).count() == 2


def test_without_a_grace_period_the_old_key_stops_at_once(client, provider_key, settings):
    from accounts.api_keys import api_key_renew

    settings.API_KEY_GRACE_HOURS = 0
    user, _first, first_key = provider_key
    client.force_login(user)
    assert "stopt direct" in client.post("/portaal/api-sleutel/").content.decode()
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=1)):
        _new, new_key = api_key_renew(user)
    assert call(client, first_key).status_code == 401
    assert call(client, new_key).status_code == 200


def test_the_grace_never_lengthens_a_key_that_ends_sooner(provider_key):
    from accounts.api_keys import api_key_renew

    user, first, _key = provider_key
    soon = timezone.now() + datetime.timedelta(hours=2)
    ApiToken.objects.filter(pk=first.pk).update(expiry=soon)
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=1)):
        api_key_renew(user)
    first.refresh_from_db()
    assert first.expiry == soon
