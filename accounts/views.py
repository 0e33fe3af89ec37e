"""Signing in with two factors, the security page, and the session's keep-alive."""

import time

import django_otp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice
from two_factor import views as two_factor_views

from samen.forms import LoginForm, style_widgets

from . import second_factor
from .forms import RecoveryCodeForm, SecondFactorForm, TokenForm
from .mfa import has_second_factor
from .middleware import LAST_SEEN, STARTED


def before_second_factor(view):
    """Mark a view as reachable when signed in with a password only (to set up or give the
    second factor); TwoFactorRequiredMiddleware lets it through."""
    view.before_second_factor = True
    return view


def demo_code(user) -> str | None:
    """On the demo (SAMEN_ENV=development) only: the current code of a demo account, so that
    the demo can be tried without an authenticator app. Never in test or production."""
    if settings.ENVIRONMENT != "development" or user is None:
        return None
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        return None
    return second_factor.current_code(device)


class LoginView(two_factor_views.LoginView):
    """Password, then the code of the authenticator app (or a recovery code)."""

    template_name = "registration/login.html"
    form_list = (
        ("auth", LoginForm),
        ("token", TokenForm),
        ("backup", RecoveryCodeForm),
    )

    def get_context_data(self, form, **kwargs):
        context = super().get_context_data(form, **kwargs)
        style_widgets(form)  # the library's token forms, in the design system's look
        if self.steps.current == "token":
            context["demo_code"] = demo_code(self.get_user())
        return context


login = login_not_required(LoginView.as_view())


@before_second_factor
def verify(request):
    """The second factor for a session signed in without one while the user has a device
    (e.g. through the identity provider without its own multi-factor authentication)."""
    if has_second_factor(request):
        return redirect("home")
    form = SecondFactorForm(request.user, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        django_otp.login(request, form.device)
        return redirect("home")
    return render(request, "accounts/verify.html", {"form": form})


class SetupView(two_factor_views.SetupView):
    """Setting up the authenticator app (authenticator-app instellen), once per account."""

    template_name = "two_factor/core/setup.html"
    success_url = "accounts:recovery_codes_new"

    def dispatch(self, request, *args, **kwargs):
        # Someone with only the password must not add a device of their own next to the
        # real one: with a device, the second factor comes first.
        if (
            request.user.is_authenticated
            and user_has_device(request.user)
            and not has_second_factor(request)
        ):
            return redirect("accounts:verify")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, form, **kwargs):
        context = super().get_context_data(form, **kwargs)
        style_widgets(form)
        return context


setup = before_second_factor(SetupView.as_view())
qr = before_second_factor(two_factor_views.QRGeneratorView.as_view())


def security(request):
    """The user's own security page (Beveiliging): the second factor and its codes."""
    return render(
        request,
        "accounts/security.html",
        {
            "has_authenticator": TOTPDevice.objects.filter(
                user=request.user, confirmed=True
            ).exists(),
            "by_identity_provider": not user_has_device(request.user),
            "recovery_codes_remaining": second_factor.recovery_codes_remaining(request.user),
        },
    )


def recovery_codes_new(request):
    """New recovery codes, shown once. GET asks first when codes exist (the old ones stop
    working); right after setting up the app there are none, and they are made at once."""
    existing = second_factor.recovery_codes_remaining(request.user)
    if request.method == "POST" or not existing:
        codes = second_factor.recovery_codes_renew(request.user)
        return render(request, "accounts/recovery_codes.html", {"codes": codes})
    return render(request, "accounts/recovery_codes_confirm.html", {"remaining": existing})


def authenticator_replace(request):
    """Set up a new telephone: forget the current app and its codes (after a look)."""
    if request.method == "POST":
        second_factor.authenticator_remove(request.user)
        # The session keeps the factor it was signed in with; the new app is set up now.
        messages.info(request, _("Your old authenticator app no longer works. Set up the new one."))
        return redirect("two_factor:setup")
    return render(request, "accounts/authenticator_replace.html")


@require_POST
def keep_alive(request):
    """The page's script says the user is still at work (typing, clicking)."""
    request.session[LAST_SEEN] = time.time()
    return HttpResponse(status=204)


@require_GET
def session_status(request):
    """Seconds left before the idle time-out, for the page's warning; asking is no activity."""
    now = time.time()
    idle_left = settings.SESSION_IDLE_MINUTES * 60 - (now - request.session.get(LAST_SEEN, now))
    max_left = settings.SESSION_MAX_HOURS * 3600 - (now - request.session.get(STARTED, now))
    return JsonResponse({"seconds_left": max(0, int(min(idle_left, max_left)))})


session_status.session_status_only = True


def locked_out(request, original_response=None, credentials=None):
    """The page after too many wrong passwords (django-axes' AXES_LOCKOUT_CALLABLE)."""
    return render(
        request,
        "accounts/locked_out.html",
        {
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        },
        status=429,
    )


def lockout_username(request, credentials):
    """The user name a login attempt is counted under (django-axes' AXES_USERNAME_CALLABLE)."""
    if credentials and credentials.get("username"):
        return credentials["username"]
    return request.POST.get("auth-username", "") if request is not None else ""
