"""State changes of signing in (inloggen): the user behind an identity provider account,
brought in line with the provider's claims on every sign-in (accounts/oidc.py)."""

import logging
import re

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from intake.models import Team, TeamMember
from samen import roles

from .models import OidcIdentity

logger = logging.getLogger(__name__)


def _unique_username(claims: dict) -> str:
    """A free user name from preferred_username, else the sub (gebruikersnaam)."""
    User = get_user_model()
    base = re.sub(r"[^\w.@+-]", "", str(claims.get("preferred_username") or claims["sub"]))
    base = base[:140] or "oidc"
    candidate, n = base, 1
    while User.objects.filter(username__iexact=candidate).exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def _role_set(user, role: str | None) -> None:
    """The user's one role group is `role`; other role groups go (rolgroep)."""
    role_groups = Group.objects.filter(name__in=roles.ROLE_LABELS)
    user.groups.remove(*[group for group in role_groups if group.name != role])
    if role:
        user.groups.add(Group.objects.get(name=role))


def _teams_set(user, team_names: list[str]) -> None:
    """The user's TeamMember rows are the active teams named (teamlidmaatschap)."""
    wanted = {team.pk: team for team in Team.objects.filter(active=True, name__in=team_names)}
    unknown = sorted(set(team_names) - {team.name for team in wanted.values()})
    if unknown:
        logger.warning("OIDC teams claim names no active team: %s", ", ".join(unknown))
    for member in TeamMember.objects.filter(user=user).exclude(team_id__in=wanted):
        member.delete()
    present = set(TeamMember.objects.filter(user=user).values_list("team_id", flat=True))
    for team_id, team in wanted.items():
        if team_id not in present:
            TeamMember.objects.create(user=user, team=team)


@transaction.atomic
def oidc_user_sync(*, issuer: str, claims: dict, role: str, team_names: list[str] | None):
    """The user of this identity provider account, made on first sign-in, with name,
    e-mail, role group and teams from the claims (gebruiker bijwerken uit claims).

    `team_names` None: the teams are kept by hand in the admin, not by the claims."""
    User = get_user_model()
    identity = (
        OidcIdentity.objects.select_for_update()
        .select_related("user")
        .filter(issuer=issuer, subject=claims["sub"])
        .first()
    )
    if identity is None:
        user = User(username=_unique_username(claims))
        user.set_unusable_password()
        user.save()
        identity = OidcIdentity.objects.create(user=user, issuer=issuer, subject=claims["sub"])
    user = identity.user
    fields = {
        "first_name": str(claims.get("given_name") or "")[:150],
        "last_name": str(claims.get("family_name") or "")[:150],
        "email": str(claims.get("email") or "")[:254],
    }
    changed = [name for name, value in fields.items() if value and getattr(user, name) != value]
    for name in changed:
        setattr(user, name, fields[name])
    # Only officials open the admin; the identity provider never makes a superuser.
    if user.is_staff != (role == roles.OFFICIAL):
        user.is_staff = role == roles.OFFICIAL
        changed.append("is_staff")
    if changed:
        user.save(update_fields=changed)
    _role_set(user, role)
    if team_names is not None:
        _teams_set(user, team_names)
    return user


@transaction.atomic
def oidc_access_withdraw(*, issuer: str, subject: str, manage_teams: bool) -> None:
    """The identity provider gives this account no role any more: its user loses its role
    group and (when the claims keep the teams) its teams (toegang intrekken)."""
    identity = OidcIdentity.objects.select_related("user").filter(issuer=issuer, subject=subject)
    for found in identity:
        _role_set(found.user, None)
        if manage_teams:
            _teams_set(found.user, [])
        if found.user.is_staff:
            found.user.is_staff = False
            found.user.save(update_fields=["is_staff"])
