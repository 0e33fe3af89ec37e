"""Has this session a second factor? (tweede factor)

A session counts as signed in with two factors when django-otp verified a device of the
user in it (TOTP or a recovery code, through the login pages), or when the municipality's
identity provider said, in the ID token's `acr`/`amr` claims, that it used multi-factor
authentication (accounts/oidc.py). Every page but the few of signing in itself asks this
(accounts.middleware.TwoFactorRequiredMiddleware).
"""

SESSION_KEY = "accounts_mfa_by"
BY_IDENTITY_PROVIDER = "identity-provider"


def mark_mfa_by_identity_provider(request) -> None:
    """Record that the identity provider did the second factor for this session."""
    request.session[SESSION_KEY] = BY_IDENTITY_PROVIDER


def has_second_factor(request) -> bool:
    user = request.user
    if not user.is_authenticated:
        return False
    if request.session.get(SESSION_KEY) == BY_IDENTITY_PROVIDER:
        return True
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified and is_verified())
