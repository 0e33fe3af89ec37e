from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from accounts import oidc
from accounts import urls as accounts_urls
from accounts import views as accounts_views

from . import views
from .forms import PasswordChangeForm

urlpatterns = [
    path("", views.home, name="home"),
    path("health/", views.health, name="health"),
    # Password and second factor (accounts/views.py); the admin's login sends here too.
    path("login/", accounts_views.login, name="login"),
    # Signing out ends the identity provider's session too, when signed in through it.
    path("logout/", oidc.LogoutView.as_view(), name="logout"),
    # Signing in with the municipal account (OpenID Connect, accounts/oidc.py).
    path("oidc/", include(oidc.urlpatterns)),
    path(
        "password/",
        auth_views.PasswordChangeView.as_view(form_class=PasswordChangeForm),
        name="password_change",
    ),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    # The language switch works on the login page too.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("", include("accounts.urls")),
    path("account/tweede-factor/", include(accounts_urls.two_factor_patterns)),
    path("admin/", admin.site.urls),
    path("api/v1/", include(("samen.api_urls", "api"))),
    path("", include("referrals.urls")),
    path("", include("intake.urls")),
    path("", include("triage.urls")),
    path("", include("trajectories.urls")),
    path("", include("plans.urls")),
    path("", include("indications.urls")),
    path("", include("ijw.urls")),
    path("", include("openhouse.urls")),
    path("", include("reporting.urls")),
    path("", include("audit.urls")),
    path("", include("rights.urls")),
]

# A request the system cannot use (a NUL byte, a body over the limit, a bad host): the Dutch
# 400 page with the user's navigation. 403/404 use templates/403.html and 404.html.
handler400 = "samen.views.bad_request"
