from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Signing in (inloggen): OpenID Connect for staff, two factors for local accounts,
    lockout, API tokens, session timeouts and the security headers (docs/security.md)."""

    default = True
    name = "accounts"
    verbose_name = "Inloggen"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in
        from two_factor.plugins.registry import registry

        from . import schema  # noqa: F401  (registers the API key's OpenAPI scheme)
        from .forms import AuthenticatorMethod
        from .middleware import mark_session_started

        # The authenticator-app method with our forms (Dutch words, design-system look).
        registry.unregister("generator")
        registry.register(AuthenticatorMethod())

        # A new sign-in starts the session's clocks (idle and absolute time-out).
        user_logged_in.connect(
            lambda sender, request, user, **kwargs: mark_session_started(request),
            dispatch_uid="accounts.session_started",
            weak=False,
        )
