"""Lockout after wrong passwords (django-axes, database handler), through the login page."""

import datetime

import pytest
import time_machine
from axes.models import AccessAttempt
from django.utils import timezone

from tests.factories import totp_code
from tests.login import post_code, post_password

pytestmark = pytest.mark.django_db


def test_five_wrong_passwords_lock_the_user_on_that_address(client, settings, intake_worker):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = post_password(client, "intake", "wrong", ip="10.0.0.1")
        assert response.status_code == 200
    response = post_password(client, "intake", "wrong", ip="10.0.0.1")
    assert response.status_code == 429
    html = response.content.decode()
    assert "geblokkeerd" in html and "15 minuten" in html
    # Now the right password does not help either, from that address.
    response = post_password(client, "intake", ip="10.0.0.1")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert AccessAttempt.objects.filter(username="intake", ip_address="10.0.0.1").exists()


def test_thirty_wrong_then_right_is_refused(client, intake_worker):
    """What the attacker in the issue tried: 30 wrong passwords, then the right one."""
    for _ in range(30):
        post_password(client, "intake", "wrong", ip="10.0.0.2")
    response = post_password(client, "intake", ip="10.0.0.2")
    assert response.status_code == 429
    response = post_code(client, totp_code(intake_worker), ip="10.0.0.2")
    assert "_auth_user_id" not in client.session


def test_the_lock_ends_after_the_cool_off(client, intake_worker):
    for _ in range(5):
        post_password(client, "intake", "wrong", ip="10.0.0.3")
    assert post_password(client, "intake", ip="10.0.0.3").status_code == 429
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=16)):
        response = post_password(client, "intake", ip="10.0.0.3")
        assert response.status_code == 200
        assert 'name="token-otp_token"' in response.content.decode()


def test_another_address_is_not_locked_by_the_attacker(client, intake_worker):
    """Per user *and* address: an attacker elsewhere cannot lock the worker out."""
    for _ in range(5):
        post_password(client, "intake", "wrong", ip="10.0.0.4")
    response = post_password(client, "intake", ip="10.0.0.5")
    assert response.status_code == 200
    assert 'name="token-otp_token"' in response.content.decode()


def test_a_success_resets_the_count(client, intake_worker):
    for _ in range(4):
        post_password(client, "intake", "wrong", ip="10.0.0.6")
    post_password(client, "intake", ip="10.0.0.6")
    post_code(client, totp_code(intake_worker), ip="10.0.0.6")
    client.post("/logout/")
    for _ in range(4):
        assert post_password(client, "intake", "wrong", ip="10.0.0.6").status_code == 200
