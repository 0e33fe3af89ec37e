"""API keys (API-sleutels) of providers' systems: checked against their hash, throttled."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from knox.auth import TokenAuthentication
from rest_framework import exceptions
from rest_framework.throttling import SimpleRateThrottle

from .models import ApiToken

# last_used is written at most once a minute per key, not on every call.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


class WrongKeyThrottle(SimpleRateThrottle):
    """Wrong API keys from one address: at most the `anon` rate (API_ANON_RATE) a minute,
    then every call from there waits, the right key too."""

    scope = "anon"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": "wrong_key", "ident": self.get_ident(request)}

    def refused(self, request) -> bool:
        """Is this address waiting? (counts nothing)"""
        self.key = self.get_cache_key(request, None)
        self.history = self.cache.get(self.key, [])
        self.now = self.timer()
        while self.history and self.history[-1] <= self.now - self.duration:
            self.history.pop()
        return len(self.history) >= self.num_requests

    def count(self, request) -> None:
        self.refused(request)
        self.history.insert(0, self.now)
        self.cache.set(self.key, self.history, self.duration)


class ApiKeyAuthentication(TokenAuthentication):
    """`Authorization: Token <key>`: the key's hash must match a key that has not expired
    (django-rest-knox); its last use is recorded. Wrong keys are counted per address."""

    def authenticate(self, request):
        throttle = WrongKeyThrottle()
        if throttle.refused(request):
            raise exceptions.Throttled(wait=throttle.duration)
        try:
            return super().authenticate(request)
        except exceptions.AuthenticationFailed:
            throttle.count(request)
            raise

    def _cleanup_token(self, auth_token) -> bool:
        """Refuse an expired key. Unlike knox, look at this key only (a user has one, and for
        API_KEY_GRACE_HOURS after a new key its predecessor, whose expiry then ends the
        grace: accounts.api_keys) and keep the row, so that the portal shows when the key
        ended; no query over the user's other keys on every call."""
        return auth_token.expired

    def authenticate_credentials(self, token: bytes):
        try:
            text = token.decode("utf-8")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        if "\x00" in text:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        user, api_token = super().authenticate_credentials(token)
        now = timezone.now()
        if api_token.last_used is None or now - api_token.last_used > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=api_token.pk).update(last_used=now)
        return user, api_token


class ApiKeyRateThrottle(SimpleRateThrottle):
    """At most API_RATE calls per key (or per signed-in user in the browser)."""

    scope = "api_key"

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiToken):
            ident = f"key-{request.auth.digest[:32]}"  # the hash, never the key itself
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            return None  # AnonRateThrottle counts these per address
        return self.cache_format % {"scope": self.scope, "ident": ident}
