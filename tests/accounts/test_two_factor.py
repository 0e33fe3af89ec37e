"""Two factors for local accounts, through the login pages (django-two-factor-auth)."""

import re

import pytest
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from samen import roles
from tests.factories import UserFactory, totp_code
from tests.login import post_code, post_password, post_recovery_code

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", roles.ROLE_PRIORITY)
def test_every_role_signs_in_with_password_and_code(client, role):
    user = UserFactory(role=role)
    response = post_password(client, user.username)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="token-otp_token"' in html
    assert "authenticator-app" in html  # the Dutch instruction of step 2
    assert client.get("/").status_code == 302  # not signed in after the password alone

    response = post_code(client, totp_code(user))
    assert response.status_code == 302
    assert client.get(response["Location"], follow=True).status_code == 200
    assert client.session["_auth_user_id"] == str(user.pk)


def test_a_wrong_code_is_refused_in_dutch_and_the_user_stays_out(client, intake_worker):
    post_password(client, intake_worker.username)
    good = totp_code(intake_worker)
    wrong = f"{(int(good) + 1) % 1_000_000:06d}"
    response = post_code(client, wrong)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "Deze code klopt niet" in response.content.decode()


@pytest.mark.parametrize("junk", ["", "abc", "\x00", "9" * 400, "１２３４５６"])
def test_junk_codes_get_a_message_not_a_500(client, intake_worker, junk):
    post_password(client, intake_worker.username)
    response = post_code(client, junk)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_the_code_step_cannot_be_skipped(client, intake_worker):
    """Posting the token step without the password step, or going straight to a page after
    the password, leaves the visitor signed out."""
    response = post_code(client, totp_code(intake_worker))
    assert "_auth_user_id" not in client.session
    assert response.status_code == 200
    post_password(client, intake_worker.username)
    assert client.get("/aanmeldingen/").status_code == 302


def test_a_recovery_code_works_once(client, intake_worker):
    from accounts.second_factor import recovery_codes_renew

    codes = recovery_codes_renew(intake_worker)
    post_password(client, intake_worker.username)
    response = client.post(
        "/login/", {"login_view-current_step": "token", "wizard_goto_step": "backup"}
    )
    assert 'name="backup-otp_token"' in response.content.decode()
    response = post_recovery_code(client, codes[0])
    assert response.status_code == 302
    assert StaticToken.objects.filter(device__user=intake_worker).count() == 9

    client.post("/logout/")
    post_password(client, intake_worker.username)
    client.post("/login/", {"login_view-current_step": "token", "wizard_goto_step": "backup"})
    response = post_recovery_code(client, codes[0])
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_a_new_account_sets_up_the_app_before_it_sees_anything(client):
    """No device yet: after the password, every page sends to the setup; the setup checks
    a real code of the new key, then shows ten recovery codes once."""
    user = UserFactory(role=roles.WIJ_STAFF, authenticator=False)
    response = post_password(client, user.username)
    assert response.status_code == 302
    for path in ("/", "/aanmeldingen/", "/admin/", "/account/herstelcodes/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == "/account/tweede-factor/instellen/", path
    assert client.get("/api/v1/indications/").status_code == 403

    page = client.get("/account/tweede-factor/instellen/")
    assert page.status_code == 200
    step = "setup_view-current_step"
    page = client.post("/account/tweede-factor/instellen/", {step: "welcome"})
    html = page.content.decode()
    assert "/account/tweede-factor/instellen/qr/" in html
    secret = re.search(r'<code class="samen-secret">([A-Z2-7]+)</code>', html).group(1)
    qr = client.get("/account/tweede-factor/instellen/qr/")
    assert qr.status_code == 200 and qr["Content-Type"].startswith("image/svg")

    import base64

    from django_otp.oath import TOTP

    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    import time

    totp = TOTP(key)
    totp.time = time.time()
    response = client.post(
        "/account/tweede-factor/instellen/", {step: "generator", "generator-token": totp.token()}
    )
    assert response.status_code == 302
    assert response["Location"] == "/account/herstelcodes/"
    codes_page = client.get("/account/herstelcodes/")
    codes = re.findall(r"<code>([a-z0-9]{8})</code>", codes_page.content.decode())
    assert len(codes) == 10
    assert TOTPDevice.objects.filter(user=user, confirmed=True).count() == 1
    assert client.get("/").status_code == 200
    # Shown once: opening the page again asks before making new ones, and shows none.
    again = client.get("/account/herstelcodes/").content.decode()
    assert not re.findall(r"<code>([a-z0-9]{8})</code>", again)
    assert "werken dan niet meer" in again


def test_a_password_alone_cannot_add_a_second_device(client, intake_worker):
    """Someone who knows only the password cannot set up their own app next to the user's."""
    client.force_login_password_only(intake_worker)
    response = client.get("/account/tweede-factor/instellen/")
    assert response.status_code == 302
    assert response["Location"] == "/account/tweede-factor/controle/"
    response = client.post(
        "/account/tweede-factor/instellen/",
        {"setup_view-current_step": "generator", "generator-token": "123456"},
    )
    assert response["Location"] == "/account/tweede-factor/controle/"
    assert TOTPDevice.objects.filter(user=intake_worker).count() == 1
    assert client.get("/").status_code == 302
    # The check page takes the real code.
    response = client.post(
        "/account/tweede-factor/controle/", {"otp_token": totp_code(intake_worker)}
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_the_admin_needs_the_second_factor_too(client, official):
    client.force_login_password_only(official)
    response = client.get("/admin/")
    assert response.status_code == 302 and "/tweede-factor/" in response["Location"]
    client.force_login(official)
    assert client.get("/admin/").status_code == 200


def test_new_telephone_replaces_the_app_after_a_look(client, intake_worker):
    client.force_login(intake_worker)
    page = client.get("/account/tweede-factor/vervangen/")
    assert page.status_code == 200
    assert TOTPDevice.objects.filter(user=intake_worker).exists()
    response = client.post("/account/tweede-factor/vervangen/")
    assert response["Location"] == "/account/tweede-factor/instellen/"
    assert not TOTPDevice.objects.filter(user=intake_worker).exists()


def test_the_security_page_counts_recovery_codes(client, intake_worker):
    from accounts.second_factor import recovery_codes_renew

    recovery_codes_renew(intake_worker)
    client.force_login(intake_worker)
    html = client.get("/account/tweede-factor/").content.decode()
    assert "10 ongebruikte herstelcodes" in html


def test_no_disable_page(client, intake_worker):
    """The second factor is required: there is no page to switch it off."""
    client.force_login(intake_worker)
    assert client.get("/account/two_factor/disable/").status_code == 404
    assert client.get("/account/tweede-factor/uitzetten/").status_code == 404


@pytest.mark.parametrize(
    ("environment", "shown"), [("development", True), ("test", False), ("production", False)]
)
def test_only_the_demo_shows_the_current_code(client, settings, intake_worker, environment, shown):
    settings.ENVIRONMENT = environment
    response = post_password(client, intake_worker.username)
    html = response.content.decode()
    assert ("Alleen in de demo" in html) is shown
    if shown:
        assert totp_code(intake_worker) in html
