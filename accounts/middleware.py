"""The session rules of every request: time-outs, the second factor, no caching."""

import time
from contextlib import suppress

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, resolve_url
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect
from django_otp import user_has_device
from django_otp.middleware import OTPMiddleware
from django_otp.models import Device

from .mfa import has_second_factor

STARTED = "accounts_started"
LAST_SEEN = "accounts_last_seen"
# The session is written at most once a minute for "still active", not on every request.
LAST_SEEN_RESOLUTION = 60


def session_ended(request, now: float) -> str | None:
    """Why this signed-in session has ended, or None. (sessie verlopen)"""
    started = request.session.get(STARTED)
    last_seen = request.session.get(LAST_SEEN)
    if started is not None and now - started > settings.SESSION_MAX_HOURS * 3600:
        return _("You were signed out: a session lasts at most %(hours)s hours.") % {
            "hours": settings.SESSION_MAX_HOURS
        }
    if last_seen is not None and now - last_seen > settings.SESSION_IDLE_MINUTES * 60:
        return _("You were signed out after %(minutes)s minutes without activity.") % {
            "minutes": settings.SESSION_IDLE_MINUTES
        }
    return None


def _to_login(request):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Your session has ended. Sign in again.")}, status=401)
    if request.htmx:
        return HttpResponseClientRedirect(resolve_url(settings.LOGIN_URL))
    return redirect_to_login(request.get_full_path() if request.method == "GET" else "/")


class SecondFactorMiddleware(OTPMiddleware):
    """django-otp's middleware (`request.user.otp_device`, `is_verified()`), reading the
    session's device with one plain statement by its primary key. django-otp's own
    `Device.from_persistent_id` builds an ORM query with ordering and a limit on every
    request: 0.3 ms of CPU more, on every page (decision 137). The checks stay django-otp's:
    the device must be the user's and confirmed, or the session has no second factor."""

    def _device_from_persistent_id(self, persistent_id: str):
        persistent_id = self._normalize_persistent_id(persistent_id)
        with suppress(ValueError, LookupError):
            model_label, device_id = persistent_id.rsplit("/", 1)
            model = apps.get_model(model_label)
            if issubclass(model, Device):
                table = connection.ops.quote_name(model._meta.db_table)
                found = model._default_manager.raw(
                    f"SELECT * FROM {table} WHERE id = %s",  # noqa: S608 - a model's table
                    [int(device_id)],
                )
                return next(iter(found), None)
        return None


class SessionTimeoutMiddleware:
    """Signs out a session idle for SESSION_IDLE_MINUTES or older than SESSION_MAX_HOURS.

    The page's own script (samen/js/session.js) warns before the idle time-out and keeps the
    session alive while someone types, through `accounts:keep_alive`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not request.user.is_authenticated:
            return None
        now = time.time()
        reason = session_ended(request, now)
        if reason:
            logout(request)
            if getattr(view_func, "session_status_only", False):
                return JsonResponse({"seconds_left": 0})
            messages.warning(request, reason)
            return _to_login(request)
        session = request.session
        session.setdefault(STARTED, now)
        if getattr(view_func, "session_status_only", False):
            return None  # asking how long is left is no activity
        if now - session.get(LAST_SEEN, 0) >= LAST_SEEN_RESOLUTION:
            session[LAST_SEEN] = now
        return None


def mark_session_started(request) -> None:
    """A new sign-in starts the clock of the session (called on user_logged_in)."""
    if request is None or not hasattr(request, "session"):
        return
    now = time.time()
    request.session[STARTED] = now
    request.session[LAST_SEEN] = now


class TwoFactorRequiredMiddleware:
    """A signed-in user without a second factor in this session reaches only the pages that
    set one up or check one, and signing out (accounts.mfa.has_second_factor)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not request.user.is_authenticated or has_second_factor(request):
            return None
        if not getattr(view_func, "login_required", True):
            return None  # the login page, /health/, the language switch
        if getattr(view_func, "before_second_factor", False):
            return None
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": _("Sign in with a second factor first.")}, status=403)
        target = "accounts:verify" if user_has_device(request.user) else "two_factor:setup"
        if request.htmx:
            return HttpResponseClientRedirect(reverse(target))
        return redirect(target)


class NoStoreMiddleware:
    """`Cache-Control: no-store, private` on every response of the application: pages, PDFs,
    downloads and API answers may all carry children's data, and a shared computer's cache
    or a proxy must keep none of it. (Static files never reach this: whitenoise serves them
    earlier, with their own long cache lifetime.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        patch_cache_control(response, no_store=True, private=True)
        response.headers.pop("Expires", None)
        return response
