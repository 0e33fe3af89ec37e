"""Signing in with the municipal account (accounts/oidc.py), against a real OpenID provider:
the npm package oidc-provider on 127.0.0.1 (tests/accounts/oidc_provider.mjs). Django
itself fetches discovery, exchanges the code at the token endpoint and checks the ID
token's signature with the provider's JWKS; nothing is mocked."""

import json
import shutil
import socket
import subprocess
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests
from django.conf import settings as django_settings
from django.contrib.auth import authenticate, get_user_model
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.core.cache import cache
from django.test import RequestFactory
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from accounts import mfa
from accounts.models import OidcIdentity
from intake.models import TeamMember
from samen import roles
from tests.factories import PASSWORD, TeamFactory, UserFactory

SCRIPT = Path(__file__).with_name("oidc_provider.mjs")
CLIENT_ID = "samen-test"
CLIENT_SECRET = "samen-test-secret-0123456789"
CALLBACK = "http://testserver/oidc/callback/"

NO_ROLE = (
    "Your municipal account gives you no role in this application. "
    "Ask your manager or the functional administrator for access."
)
NO_MFA = (
    "Your municipal account was signed in without multi-factor "
    "authentication. Sign in again with your second factor."
)
FAILED = "Signing in with your municipal account did not succeed. Try again."
UNREACHABLE = (
    "The municipality's sign-in service cannot be reached at the moment. "
    "Try again in a few minutes."
)
BUTTON = "Sign in with your municipal account"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Provider:
    def __init__(self, port, accounts_file):
        self.issuer = f"http://127.0.0.1:{port}"
        self.accounts_file = accounts_file

    def set_accounts(self, **accounts):
        self.accounts_file.write_text(json.dumps(accounts))

    def authorizations(self):
        return requests.get(f"{self.issuer}/_test/authorizations", timeout=5).json()


@pytest.fixture(scope="module")
def provider(tmp_path_factory):
    node = shutil.which("node")
    if node is None or not (Path(django_settings.BASE_DIR) / "node_modules/oidc-provider").exists():
        pytest.fail("node and the npm package oidc-provider are needed (npm ci)")
    port = free_port()
    accounts_file = tmp_path_factory.mktemp("oidc") / "accounts.json"
    accounts_file.write_text("{}")
    process = subprocess.Popen(
        [
            node,
            str(SCRIPT),
            str(port),
            str(accounts_file),
            CLIENT_ID,
            CLIENT_SECRET,
            CALLBACK,
            "http://testserver/login/",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        line = process.stdout.readline()
        assert line.strip() == "ready", f"the provider did not start: {line!r}"
        yield Provider(port, accounts_file)
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(autouse=True)
def oidc_settings(settings, provider, db):
    settings.OIDC_OP_ISSUER = provider.issuer
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_ROLES_CLAIM = "roles"
    settings.OIDC_ROLE_MAP = {
        "samen-medewerker": roles.WIJ_STAFF,
        "samen-teamleider": roles.TEAM_LEAD,
        "samen-beleid": roles.OFFICIAL,
        "samen-leverancier": roles.PROVIDER,  # wrong on purpose: never given
    }
    settings.OIDC_TEAMS_CLAIM = "teams"
    settings.OIDC_MFA_AMR_VALUES = ["mfa"]
    settings.OIDC_MFA_ACR_VALUES = ["urn:test:loa:2"]
    settings.OIDC_REQUIRE_MFA = True
    settings.LOCAL_LOGIN_ENABLED = True
    cache.clear()  # the discovery document (REDIS_URL's database is this run's own)
    yield settings
    cache.clear()


def account(sub="alice", *, roles_=("samen-medewerker",), teams=(), amr=("pwd", "mfa"), **more):
    claims = {
        "email": f"{sub}@groningen.example",
        "given_name": sub.capitalize(),
        "family_name": "Jansen",
        "preferred_username": sub,
        "roles": list(roles_),
        "teams": list(teams),
    }
    return {"claims": claims, "amr": list(amr), **more}


def dutch(msgid):
    with translation.override("nl"):
        return escape(gettext(msgid))


def sign_in(client, sub, *, before_callback=None):
    """The browser's way: Django -> the provider's login form -> back to the callback."""
    start = client.get("/oidc/authenticate/")
    assert start.status_code == 302, start
    authorization_url = start["Location"]
    assert authorization_url.startswith(django_settings.OIDC_OP_ISSUER)
    browser = requests.Session()
    form = browser.get(authorization_url, timeout=10)
    assert form.status_code == 200, form.text
    response = browser.post(form.url, data={"account": sub}, allow_redirects=False, timeout=10)
    while True:
        assert response.status_code in (302, 303), response.text
        target = urljoin(response.url, response.headers["Location"])
        if target.startswith("http://testserver/"):
            break
        response = browser.get(target, allow_redirects=False, timeout=10)
    callback = urlsplit(target)
    params = {key: values[0] for key, values in parse_qs(callback.query).items()}
    assert callback.path == "/oidc/callback/" and "code" in params, target
    if before_callback:
        before_callback(client, params)
    return client.get(callback.path, params), authorization_url


def signed_in_user(client):
    user_id = client.session.get("_auth_user_id")
    return get_user_model().objects.get(pk=user_id) if user_id else None


def page_after(client, response):
    assert response.status_code == 302
    assert response["Location"] == "/login/"
    return client.get("/login/").content.decode()


def test_sign_in_maps_role_and_teams(client, provider, beijum):
    TeamFactory(name="WIJ Selwerd", active=True)
    provider.set_accounts(alice=account(teams=["WIJ Beijum", "WIJ Onbekend"]))
    response, _ = sign_in(client, "alice")
    assert response.status_code == 302 and response["Location"] == "/"
    user = signed_in_user(client)
    assert user is not None
    identity = OidcIdentity.objects.get(user=user)
    assert (identity.issuer, identity.subject) == (provider.issuer, "alice")
    assert user.username == "alice"
    assert (user.first_name, user.last_name, user.email) == (
        "Alice",
        "Jansen",
        "alice@groningen.example",
    )
    assert not user.has_usable_password()
    assert list(user.groups.values_list("name", flat=True)) == [roles.WIJ_STAFF]
    assert [m.team.name for m in TeamMember.objects.filter(user=user)] == ["WIJ Beijum"]
    assert not user.is_staff
    # The provider did MFA: the session has its second factor.
    assert client.session[mfa.SESSION_KEY] == mfa.BY_IDENTITY_PROVIDER
    assert client.session["oidc_id_token"].count(".") == 2


def test_second_sign_in_brings_role_and_teams_in_line(client, provider, beijum):
    selwerd = TeamFactory(name="WIJ Selwerd")
    provider.set_accounts(alice=account(teams=["WIJ Beijum"]))
    sign_in(client, "alice")
    user = signed_in_user(client)
    client.logout()

    provider.set_accounts(
        alice=account(roles_=["samen-beleid", "samen-medewerker"], teams=["WIJ Selwerd"])
    )
    sign_in(client, "alice")
    assert signed_in_user(client) == user
    user.refresh_from_db()
    assert list(user.groups.values_list("name", flat=True)) == [roles.OFFICIAL]
    assert user.is_staff  # officials open the admin
    assert [m.team for m in TeamMember.objects.filter(user=user)] == [selwerd]
    assert OidcIdentity.objects.count() == 1


def test_matched_on_sub_not_on_email_or_username(client, provider):
    local = UserFactory(username="alice", email="alice@groningen.example", role=roles.WIJ_STAFF)
    provider.set_accounts(alice=account())
    sign_in(client, "alice")
    user = signed_in_user(client)
    assert user != local
    assert user.username == "alice-2"


def test_no_role_is_refused_with_a_message(client, provider):
    provider.set_accounts(bob=account("bob", roles_=["iets-anders", "samen-leverancier"]))
    response, _ = sign_in(client, "bob")
    assert dutch(NO_ROLE) in page_after(client, response)
    assert signed_in_user(client) is None
    assert not get_user_model().objects.filter(username="bob").exists()


def test_role_withdrawn_at_the_provider_takes_role_and_teams_away(client, provider, beijum):
    provider.set_accounts(alice=account(teams=["WIJ Beijum"]))
    sign_in(client, "alice")
    user = signed_in_user(client)
    client.logout()
    provider.set_accounts(alice=account(roles_=[], teams=["WIJ Beijum"]))
    response, _ = sign_in(client, "alice")
    assert dutch(NO_ROLE) in page_after(client, response)
    assert not user.groups.exists()
    assert not TeamMember.objects.filter(user=user).exists()


def test_refusals_do_not_lock_out_the_address(client, provider, settings):
    """A refused sign-in at the callback is no password guess (no django-axes lockout)."""
    provider.set_accounts(bob=account("bob", roles_=[]), alice=account())
    for _ in range(getattr(settings, "AXES_FAILURE_LIMIT", 3) + 1):  # axes default: 3
        sign_in(client, "bob")
    sign_in(client, "alice")
    assert signed_in_user(client) is not None


def test_without_mfa_refused_when_required(client, provider):
    provider.set_accounts(alice=account(amr=["pwd"]))
    response, _ = sign_in(client, "alice")
    assert dutch(NO_MFA) in page_after(client, response)
    assert signed_in_user(client) is None


def test_without_mfa_signed_in_but_not_marked_when_not_required(client, provider, settings):
    settings.OIDC_REQUIRE_MFA = False
    provider.set_accounts(alice=account(amr=["pwd"]))
    response, _ = sign_in(client, "alice")
    assert response.status_code == 302 and response["Location"] == "/"
    assert signed_in_user(client) is not None
    assert mfa.SESSION_KEY not in client.session


def test_mfa_by_acr(client, provider):
    provider.set_accounts(alice=account(amr=["pwd"], acr="urn:test:loa:2"))
    sign_in(client, "alice")
    assert client.session[mfa.SESSION_KEY] == mfa.BY_IDENTITY_PROVIDER


def test_pkce_is_sent_and_required(client, provider):
    provider.set_accounts(alice=account())
    _, authorization_url = sign_in(client, "alice")
    query = parse_qs(urlsplit(authorization_url).query)
    assert query["code_challenge_method"] == ["S256"]
    assert "nonce" in query and "state" in query
    seen = provider.authorizations()[-1]
    assert seen["code_challenge"] == query["code_challenge"][0]
    assert seen["code_challenge_method"] == "S256"
    assert signed_in_user(client) is not None

    # A wrong code_verifier: the provider refuses the code, Django shows the message.
    client.logout()

    def wrong_verifier(client, params):
        session = client.session
        session["oidc_states"][params["state"]]["code_verifier"] = "x" * 64
        session.save()

    response, _ = sign_in(client, "alice", before_callback=wrong_verifier)
    assert dutch(FAILED) in page_after(client, response)
    assert signed_in_user(client) is None


def test_wrong_nonce_is_refused(client, provider):
    provider.set_accounts(alice=account())

    def other_nonce(client, params):
        session = client.session
        session["oidc_states"][params["state"]]["nonce"] = "not-the-nonce-sent"
        session.save()

    response, _ = sign_in(client, "alice", before_callback=other_nonce)
    assert dutch(FAILED) in page_after(client, response)
    assert signed_in_user(client) is None


def test_wrong_state_is_refused(client, provider):
    provider.set_accounts(alice=account())

    def forget_state(client, params):
        params["state"] = "a-state-never-sent"

    response, _ = sign_in(client, "alice", before_callback=forget_state)
    assert dutch(FAILED) in page_after(client, response)
    assert signed_in_user(client) is None
    # And a callback without any sign-in started.
    response = client.get("/oidc/callback/", {"code": "abc", "state": "def"})
    assert response.status_code == 302 and response["Location"] == "/login/"


def test_a_stray_callback_link_does_not_sign_anyone_out(client, intake_worker):
    """A link to the callback (in a mail, an image, a stale tab) is no sign-in of this
    browser: the signed-in user stays signed in."""
    client.force_login(intake_worker)
    response = client.get("/oidc/callback/", {"code": "abc", "state": "never-sent"})
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_tampered_id_token_is_refused(client, provider):
    provider.set_accounts(mallory=account("mallory", tamper=True))
    response, _ = sign_in(client, "mallory")
    assert dutch(FAILED) in page_after(client, response)
    assert signed_in_user(client) is None
    assert not OidcIdentity.objects.exists()


def test_error_from_the_provider_is_refused(client):
    client.get("/oidc/authenticate/")
    state = next(iter(client.session["oidc_states"]))
    response = client.get("/oidc/callback/", {"error": "access_denied", "state": state})
    assert dutch(FAILED) in page_after(client, response)


def test_discovery_unreachable_gives_a_message(client, settings):
    settings.OIDC_OP_ISSUER = f"http://127.0.0.1:{free_port()}"
    response = client.get("/oidc/authenticate/")
    assert dutch(UNREACHABLE) in page_after(client, response)


def test_discovery_of_another_issuer_is_refused(client, settings, provider):
    # The same provider, but its document says its issuer is http://127.0.0.1:<port>.
    settings.OIDC_OP_ISSUER = provider.issuer.replace("127.0.0.1", "localhost")
    assert requests.get(settings.OIDC_OP_ISSUER + "/.well-known/openid-configuration", timeout=5).ok
    response = client.get("/oidc/authenticate/")
    assert dutch(UNREACHABLE) in page_after(client, response)


def test_button_only_when_configured(client, settings):
    assert dutch(BUTTON) in client.get("/login/").content.decode()
    settings.OIDC_OP_ISSUER = ""
    assert dutch(BUTTON) not in client.get("/login/").content.decode()


def test_sign_out_ends_the_provider_session(client, provider):
    provider.set_accounts(alice=account())
    sign_in(client, "alice")
    id_token = client.session["oidc_id_token"]
    response = client.post("/logout/")
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == (
        f"{provider.issuer}/session/end"
    )
    query = parse_qs(location.query)
    assert query["id_token_hint"] == [id_token]
    assert query["post_logout_redirect_uri"] == ["http://testserver/login/"]
    assert signed_in_user(client) is None
    # The provider accepts it (its sign-out confirmation page).
    assert requests.get(response["Location"], timeout=10).status_code == 200


def test_sign_out_of_a_password_session_stays_here(client, provider_user):
    client.force_login(provider_user, backend="accounts.backends.LocalBackend")
    response = client.post("/logout/")
    assert response["Location"] == "/login/"


def password_request():
    request = RequestFactory().post("/login/")
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


@pytest.mark.parametrize("enabled", [True, False])
def test_local_login_switch(settings, provider_user, intake_worker, enabled):
    settings.LOCAL_LOGIN_ENABLED = enabled
    staff = authenticate(password_request(), username=intake_worker.username, password=PASSWORD)
    assert (staff == intake_worker) is enabled
    provider = authenticate(password_request(), username=provider_user.username, password=PASSWORD)
    assert provider == provider_user


def test_local_login_off_ends_staff_password_sessions(client, settings, intake_worker):
    client.force_login(intake_worker, backend="accounts.backends.LocalBackend")
    settings.LOCAL_LOGIN_ENABLED = False
    assert signed_in_user(client) is not None  # the session row is still there ...
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_local_login_off_refuses_a_superuser_without_provider_role(settings):
    settings.LOCAL_LOGIN_ENABLED = False
    UserFactory(username="root", is_superuser=True, is_staff=True)
    assert authenticate(password_request(), username="root", password=PASSWORD) is None
