from django.urls import path

from . import views

# The names django-two-factor-auth's views redirect to, in its own namespace (included at
# the top level by samen/urls.py, as `two_factor:` is what the library reverses). Turning the
# second factor off is not offered: it is required for every account.
two_factor_patterns = (
    [
        path("instellen/", views.setup, name="setup"),
        path("instellen/qr/", views.qr, name="qr"),
        path("", views.security, name="profile"),
    ],
    "two_factor",
)

app_name = "accounts"
urlpatterns = [
    path("account/tweede-factor/controle/", views.verify, name="verify"),
    path("account/herstelcodes/", views.recovery_codes_new, name="recovery_codes_new"),
    path(
        "account/tweede-factor/vervangen/",
        views.authenticator_replace,
        name="authenticator_replace",
    ),
    path("account/sessie/", views.session_status, name="session_status"),
    path("account/sessie/actief/", views.keep_alive, name="keep_alive"),
]
