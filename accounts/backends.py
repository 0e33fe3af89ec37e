"""Signing in with a password (lokaal account)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.utils.translation import gettext as _

from samen import roles

# The user with their groups and WIJ teams (by team name), in one statement. Written out,
# not built with the ORM's ArraySubquery: compiling that took 1.2 ms of CPU a request, more
# than the three queries it replaces (decision 136).
SIGNED_IN_USER_SQL = """
SELECT u.*,
       ARRAY(SELECT g.name FROM auth_group g
             JOIN auth_user_groups ug ON ug.group_id = g.id
             WHERE ug.user_id = u.id) AS group_names,
       ARRAY(SELECT m.team_id FROM intake_teammember m
             JOIN intake_team t ON t.id = m.team_id
             WHERE m.user_id = u.id ORDER BY t.name, m.id) AS team_ids,
       ARRAY(SELECT t.name FROM intake_teammember m
             JOIN intake_team t ON t.id = m.team_id
             WHERE m.user_id = u.id ORDER BY t.name, m.id) AS team_names
FROM auth_user u
WHERE u.id = %s
"""


def signed_in_user(user_id):
    """The active user of a signed-in request with what every page asks of them, in one
    query: the groups (so the role, samen.roles.user_role) and the WIJ teams, ids and names
    (intake.models.user_team_ids, the access log's "on behalf of"), each cached on the user
    object for the request as those functions do. None if there is no such active user.

    Without it every page of a WIJ worker asked three more queries before its own work."""
    try:
        user_id = int(user_id)
    except (TypeError, ValueError):
        return None
    user = next(iter(get_user_model()._default_manager.raw(SIGNED_IN_USER_SQL, [user_id])), None)
    if user is None or not user.is_active:
        return None  # a deactivated user's session ends (ModelBackend.user_can_authenticate)
    user._samen_group_names = user.group_names
    user._samen_role = roles.role_of(user.group_names)
    user._samen_team_ids = user.team_ids
    user._samen_team_names = user.team_names
    return user


def local_login_allowed(user) -> bool:
    """May this user sign in with a password? Always when LOCAL_LOGIN_ENABLED; otherwise
    only care providers (aanbieders), who never come through the staff identity provider."""
    if settings.LOCAL_LOGIN_ENABLED:
        return True
    names = getattr(user, "_samen_group_names", None)
    names = set(user.groups.values_list("name", flat=True) if names is None else names)
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
        user = signed_in_user(user_id)
        return user if user is None or local_login_allowed(user) else None
