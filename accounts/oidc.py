"""Signing in with the municipality's identity provider (inloggen met het gemeentelijk
account): OpenID Connect through mozilla-django-oidc, authorization code flow with PKCE and
a nonce, the ID token's RS256 signature checked against the provider's JWKS.

mozilla-django-oidc has no discovery: the endpoints are read here from
`<OIDC_OP_ISSUER>/.well-known/openid-configuration`, lazily and cached. The claims decide
the role group (OIDC_ROLES_CLAIM through OIDC_ROLE_MAP) and the WIJ teams
(OIDC_TEAMS_CLAIM); the provider's multi-factor authentication counts when `amr`/`acr` say
so (accounts/mfa.py). Users are found by the `sub` claim (accounts.OidcIdentity).
See docs/security.md.
"""

import hashlib
import logging
from urllib.parse import urlencode

import jwt
import requests
from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, resolve_url
from django.urls import path
from django.utils.translation import gettext as _
from django.views.generic import View
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from samen import roles

from . import mfa, services
from .backends import signed_in_user

logger = logging.getLogger(__name__)

DISCOVERY_CACHE_SECONDS = 3600
# The session key of the ID token, sent back to the provider on signing out (id_token_hint).
ID_TOKEN_SESSION_KEY = "oidc_id_token"  # noqa: S105 (a session key, no secret)
# The roles the staff identity provider may give: never `aanbieder` (providers sign in
# with a local account or, later, eHerkenning).
STAFF_ROLES = tuple(role for role in roles.ROLE_PRIORITY if role != roles.PROVIDER)
REQUIRED_ENDPOINTS = ("authorization_endpoint", "token_endpoint", "jwks_uri")


class OidcUnavailable(Exception):
    """The identity provider's configuration could not be read (niet bereikbaar)."""


class Refused(Exception):
    """Signed in at the provider, but not allowed here; the message is for the user."""


def enabled() -> bool:
    """Is signing in through the identity provider configured?"""
    return bool(settings.OIDC_OP_ISSUER)


def provider_configuration() -> dict:
    """The provider's discovery document (OpenID Connect Discovery 1.0), cached."""
    issuer = settings.OIDC_OP_ISSUER
    key = "accounts:oidc:discovery:" + hashlib.sha256(issuer.encode()).hexdigest()
    document = cache.get(key)
    if document is not None:
        return document
    url = issuer.rstrip("/") + "/.well-known/openid-configuration"
    try:
        response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as exc:
        logger.error("OIDC discovery at %s failed: %s", url, exc.__class__.__name__)
        raise OidcUnavailable(url) from exc
    if not isinstance(document, dict) or document.get("issuer", "").rstrip("/") != issuer.rstrip(
        "/"
    ):
        logger.error("OIDC discovery at %s names another issuer", url)
        raise OidcUnavailable(url)
    missing = [name for name in REQUIRED_ENDPOINTS if not document.get(name)]
    if missing:
        logger.error("OIDC discovery at %s lacks %s", url, ", ".join(missing))
        raise OidcUnavailable(url)
    cache.set(key, document, DISCOVERY_CACHE_SECONDS)
    return document


def claim_values(claims: dict, name: str) -> list[str]:
    """A claim as a list of strings (a single string counts as one value)."""
    value = claims.get(name) if name else None
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [str(item) for item in value if isinstance(item, str | int)]
    return []


def role_from_claims(claims: dict) -> str | None:
    """The one staff role the claims give (OIDC_ROLE_MAP; by ROLE_PRIORITY), or None."""
    mapped = {
        settings.OIDC_ROLE_MAP.get(value)
        for value in claim_values(claims, settings.OIDC_ROLES_CLAIM)
    }
    mapped.discard(None)
    wrong = mapped - set(STAFF_ROLES)
    if wrong:
        logger.error("OIDC_ROLE_MAP names roles that are not staff roles: %s", sorted(wrong))
    return next((role for role in STAFF_ROLES if role in mapped), None)


def teams_from_claims(claims: dict) -> list[str] | None:
    """The WIJ team names in the claims; None when the teams are not kept by the claims."""
    if not settings.OIDC_TEAMS_CLAIM:
        return None
    return claim_values(claims, settings.OIDC_TEAMS_CLAIM)


def mfa_from_claims(claims: dict) -> bool:
    """Did the provider do multi-factor authentication (`amr`, `acr`)?"""
    amr_values = {value for value in settings.OIDC_MFA_AMR_VALUES if value}
    acr_values = {value for value in settings.OIDC_MFA_ACR_VALUES if value}
    return bool(amr_values & set(claim_values(claims, "amr"))) or claims.get("acr") in acr_values


class OidcBackend(OIDCAuthenticationBackend):
    """The authentication backend of the identity provider (only for the callback)."""

    def __init__(self, *args, **kwargs):
        # The endpoints come from discovery when used (properties below), not from settings.
        self.UserModel = auth.get_user_model()
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.OIDC_RP_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = settings.OIDC_RP_SIGN_ALGO
        self.OIDC_RP_IDP_SIGN_KEY = None

    @property
    def OIDC_OP_TOKEN_ENDPOINT(self):
        return provider_configuration()["token_endpoint"]

    @property
    def OIDC_OP_USER_ENDPOINT(self):
        return provider_configuration().get("userinfo_endpoint")

    @property
    def OIDC_OP_JWKS_ENDPOINT(self):
        return provider_configuration()["jwks_uri"]

    def get_user(self, user_id):
        # A deactivated user's session ends, as with passwords (mozilla's get_user skips
        # that); the role and teams come in the same query.
        return signed_in_user(user_id)

    def authenticate(self, request, **kwargs):
        # Only the callback view passes code_verifier; a password login never reaches here.
        if request is None or not enabled() or "code_verifier" not in kwargs:
            return None
        try:
            return super().authenticate(request, **kwargs)
        except Refused as refused:
            request.oidc_refusal = str(refused)
        except (
            OidcUnavailable,
            SuspiciousOperation,
            requests.RequestException,
            jwt.PyJWTError,
            KeyError,
            ValueError,
        ) as exc:
            # The class and message only: they name no person (token bodies are not logged).
            logger.warning("OIDC sign-in failed: %s: %s", exc.__class__.__name__, exc)
        raise PermissionDenied

    def verify_token(self, token, **kwargs):
        """Besides signature and nonce (mozilla-django-oidc): issuer, audience, expiry."""
        payload = super().verify_token(token, **kwargs)
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if payload.get("iss") != provider_configuration()["issuer"]:
            raise SuspiciousOperation("ID token from another issuer")
        if self.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("ID token for another client")
        if "exp" not in payload:
            raise SuspiciousOperation("ID token without expiry")
        return payload

    def get_userinfo(self, access_token, id_token, payload):
        """The userinfo claims, overruled by the signed ID token's claims."""
        claims = {}
        if self.OIDC_OP_USER_ENDPOINT and access_token:
            claims = super().get_userinfo(access_token, id_token, payload)
            if claims.get("sub") != payload.get("sub"):
                raise SuspiciousOperation("userinfo is about another subject")
        return {**claims, **payload}

    def store_tokens(self, access_token, id_token):
        # Kept on the request; the callback view stores the ID token after a real sign-in.
        self.request.oidc_id_token = id_token

    def get_or_create_user(self, access_token, id_token, payload):
        claims = self.get_userinfo(access_token, id_token, payload)
        if not claims.get("sub"):
            raise SuspiciousOperation("no sub claim")
        issuer = provider_configuration()["issuer"]
        role = role_from_claims(claims)
        if role is None:
            services.oidc_access_withdraw(
                issuer=issuer, subject=claims["sub"], manage_teams=bool(settings.OIDC_TEAMS_CLAIM)
            )
            raise Refused(
                _(
                    "Your municipal account gives you no role in this application. "
                    "Ask your manager or the functional administrator for access."
                )
            )
        has_mfa = mfa_from_claims(claims)
        if not has_mfa and settings.OIDC_REQUIRE_MFA:
            raise Refused(
                _(
                    "Your municipal account was signed in without multi-factor "
                    "authentication. Sign in again with your second factor."
                )
            )
        user = services.oidc_user_sync(
            issuer=issuer, claims=claims, role=role, team_names=teams_from_claims(claims)
        )
        if not user.is_active:
            raise Refused(_("Your account in this application is disabled."))
        self.request.oidc_mfa = has_mfa
        return user


def _to_login(request, message):
    messages.error(request, message)
    return redirect(settings.LOGIN_URL)


class AuthenticateView(OIDCAuthenticationRequestView):
    """Sends the browser to the identity provider (with state, nonce and PKCE)."""

    def __init__(self, **kwargs):
        View.__init__(self, **kwargs)
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID

    def get(self, request):
        if not enabled():
            return _to_login(request, _("Signing in with a municipal account is not set up."))
        try:
            self.OIDC_OP_AUTH_ENDPOINT = provider_configuration()["authorization_endpoint"]
        except OidcUnavailable:
            return _to_login(
                request,
                _(
                    "The municipality's sign-in service cannot be reached at the moment. "
                    "Try again in a few minutes."
                ),
            )
        return super().get(request)


class CallbackView(OIDCAuthenticationCallbackView):
    """The identity provider sends the browser back here with a code; signs in or refuses."""

    def get(self, request):
        """As mozilla-django-oidc's, but calling our backend itself, not through
        django.contrib.auth.authenticate: a refusal here is no password guess, and the
        lockout (django-axes, per user name and address) would otherwise lock out every
        colleague behind the same office address after a few refused sign-ins."""
        states = request.session.get("oidc_states") or {}
        entry = states.pop(request.GET.get("state", ""), None)
        if entry is None:
            logger.warning("OIDC callback with a state this session did not send")
            if request.user.is_authenticated:
                # Not a sign-in of this browser: a link (or a stale tab) must not sign
                # anyone out.
                return HttpResponseRedirect(resolve_url(settings.LOGIN_REDIRECT_URL))
            return self.login_failure()
        request.session["oidc_states"] = states  # each state once (no replay)
        if "error" in request.GET or "code" not in request.GET:
            logger.warning("OIDC provider answered: %s", request.GET.get("error", "no code")[:40])
            return self.login_failure()
        try:
            self.user = OidcBackend().authenticate(
                request, nonce=entry.get("nonce"), code_verifier=entry.get("code_verifier")
            )
        except PermissionDenied:
            self.user = None
        if self.user is None or not self.user.is_active:
            return self.login_failure()
        self.user.backend = f"{OidcBackend.__module__}.{OidcBackend.__qualname__}"
        return self.login_success()

    def login_failure(self):
        request = self.request
        if request.user.is_authenticated:
            auth.logout(request)
        message = getattr(request, "oidc_refusal", None) or _(
            "Signing in with your municipal account did not succeed. Try again."
        )
        return _to_login(request, message)

    def login_success(self):
        response = super().login_success()
        if getattr(self.request, "oidc_mfa", False):
            mfa.mark_mfa_by_identity_provider(self.request)
        else:
            self.request.session.pop(mfa.SESSION_KEY, None)
        self.request.session[ID_TOKEN_SESSION_KEY] = getattr(self.request, "oidc_id_token", None)
        return response


def idp_logout_url(request) -> str:
    """Where signing out sends the browser: the provider's end_session_endpoint for a
    session signed in through it (RP-Initiated Logout), else LOGOUT_REDIRECT_URL."""
    after = resolve_url(settings.LOGOUT_REDIRECT_URL)
    id_token = request.session.get(ID_TOKEN_SESSION_KEY)
    if not (id_token and enabled()):
        return after
    try:
        endpoint = provider_configuration().get("end_session_endpoint")
    except OidcUnavailable:
        return after
    if not endpoint:
        return after
    query = urlencode(
        {
            "id_token_hint": id_token,
            "client_id": settings.OIDC_RP_CLIENT_ID,
            "post_logout_redirect_uri": request.build_absolute_uri(after),
        }
    )
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"


class LogoutView(auth_views.LogoutView):
    """Signing out (uitloggen); a session of the identity provider ends there too."""

    def post(self, request, *args, **kwargs):
        target = idp_logout_url(request)
        response = super().post(request, *args, **kwargs)
        if target != resolve_url(settings.LOGOUT_REDIRECT_URL):
            return HttpResponseRedirect(target)
        return response


urlpatterns = [
    path(
        "authenticate/",
        login_not_required(AuthenticateView.as_view()),
        name="oidc_authentication_init",
    ),
    path(
        "callback/",
        login_not_required(CallbackView.as_view()),
        name="oidc_authentication_callback",
    ),
    path("logout/", LogoutView.as_view(), name="oidc_logout"),
]
