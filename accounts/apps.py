from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Signing in (inloggen): OpenID Connect for staff, two factors for local accounts,
    lockout, API tokens, session timeouts and the security headers (docs/security.md)."""

    default = True
    name = "accounts"
    verbose_name = "Inloggen"

    def ready(self):
        from . import checks  # noqa: F401  (registers the deployment checks)
