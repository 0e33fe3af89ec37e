"""Signing in with a password (lokaal account)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.backends import ModelBackend
from django.utils.translation import gettext as _

from samen import roles


def local_login_allowed(user) -> bool:
    """May this user sign in with a password? Always when LOCAL_LOGIN_ENABLED; otherwise
    only care providers (aanbieders), who never come through the staff identity provider."""
    if settings.LOCAL_LOGIN_ENABLED:
        return True
    names = set(user.groups.values_list("name", flat=True))
    return roles.PROVIDER in names and not (names & set(roles.ROLE_LABELS) - {roles.PROVIDER})


class LocalBackend(ModelBackend):
    """Django's password backend, refusing staff when LOCAL_LOGIN_ENABLED is false
    (they sign in with their municipal account, accounts/oidc.py)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None or local_login_allowed(user):
            return user
        # Said only after the right password, so it tells a guesser nothing.
        if request is not None:
            messages.error(
                request,
                _("Staff sign in with their municipal account, not with a password."),
                fail_silently=True,
            )
        return None

    def get_user(self, user_id):
        # A password session of a staff member ends when local sign-in is switched off.
        user = super().get_user(user_id)
        return user if user is None or local_login_allowed(user) else None
