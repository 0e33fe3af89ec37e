"""
The six roles of the system, as Django groups with model permissions.

The groups are created by a data migration and their permissions are brought in line
with ROLE_PERMISSIONS after every `migrate` (post_migrate), so a model added later gets
its permissions without a hand edit. Change a role here, not in the admin: a hand edit
of these groups is undone by the next migrate. See docs/permissions.md.
"""

from django.contrib.auth.models import Group, Permission
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

WIJ_STAFF = "wij_medewerker"
TEAM_LEAD = "wij_teamleider"
OFFICIAL = "gemeente"
YOUTH_ADMIN = "jeugdadministratie"
PRIVACY = "privacy"
PROVIDER = "aanbieder"

ROLE_LABELS = {
    WIJ_STAFF: _("WIJ staff member"),
    TEAM_LEAD: _("WIJ team lead"),
    OFFICIAL: _("Municipality official"),
    YOUTH_ADMIN: _("Youth administration"),
    PRIVACY: _("Privacy officer"),
    PROVIDER: _("Care provider"),
}

# When a user is (wrongly) in two groups, the first of these wins.
ROLE_PRIORITY = (OFFICIAL, PRIVACY, YOUTH_ADMIN, TEAM_LEAD, WIJ_STAFF, PROVIDER)
# The roles that work with children's files at WIJ (access follows the child's team).
WIJ_ROLES = (WIJ_STAFF, TEAM_LEAD)

VIEW = ("view",)
WORK = ("view", "add", "change")
ALL = ("view", "add", "change", "delete")

# role -> {"app_label" or "app_label.model": actions}. Object-level rules (a provider
# sees only its own clients) live in each app's `visible_to` queryset method.
ROLE_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    WIJ_STAFF: {
        "intake": WORK,
        "triage": WORK,
        "trajectories": WORK,
        "plans": WORK,
        "indications": VIEW,
        "referrals": VIEW,
        "openhouse": VIEW,
    },
    TEAM_LEAD: {
        # Told of the family's requests about their teams' children (read only).
        "rights.rightsrequest": VIEW,
        "intake": WORK,
        "triage": WORK,
        "trajectories": WORK,
        "plans": WORK,
        "indications": WORK,
        "referrals": VIEW,
        "openhouse": VIEW,
        "reporting": VIEW,
    },
    # Policy officials: phasing, products, teams, providers, reports, exception decisions.
    # No person data anywhere: the admin shows indications, tasks and notices by number,
    # product, provider, team and dates (samen/admin_tools.py), never a child.
    OFFICIAL: {
        "referrals": ALL,
        "indications.indication": VIEW,
        "indications.task": VIEW,
        "indications.providernotice": VIEW,
        "indications.extensionrequest": VIEW,
        "openhouse.provider": WORK,
        "openhouse.providermembership": WORK,
        # Teams and their postcode areas, not the clients: officials see aggregates only.
        "intake.team": ALL,
        "intake.postcodearea": ALL,
        "intake.teammember": ALL,
        "reporting": VIEW,
        "samen.jobrun": VIEW,
        # The outbox's state (kind, status, attempts, dates); recipients only for superusers.
        "outbox.outboxmessage": VIEW,
        "auth.user": VIEW,
    },
    # The municipality's back office for work that needs a child's identity: the
    # indication import and extension decisions, through its own pages (not the admin).
    YOUTH_ADMIN: {
        "indications": WORK,
        # The message traffic it handles (ijw/): the register and the requests.
        "ijw": WORK,
        "openhouse.provider": VIEW,
        "referrals": VIEW,
    },
    # Reads the access log and handles the family's requests (rights/): it sees a child's
    # file only as the copy of a request it handles, never through WIJ's pages.
    PRIVACY: {
        "audit.accesslogentry": VIEW,
        "audit.accessgrant": VIEW,
        "rights": WORK,
    },
    PROVIDER: {
        "openhouse.endevaluation": ("view", "add"),
        "openhouse.handovernote": ("view", "add"),
    },
}


def role_permission_filter(role: str) -> Q:
    """A Q on Permission that selects what ROLE_PERMISSIONS grants to `role`."""
    condition = Q(pk__in=[])
    for target, actions in ROLE_PERMISSIONS[role].items():
        app_label, _dot, model = target.partition(".")
        for action in actions:
            q = Q(content_type__app_label=app_label, codename__startswith=f"{action}_")
            if model:
                q &= Q(content_type__model=model)
            condition |= q
    return condition


def roles_sync() -> None:
    """Create the role groups and set exactly the permissions ROLE_PERMISSIONS names."""
    for role in ROLE_PERMISSIONS:
        group, _created = Group.objects.get_or_create(name=role)
        group.permissions.set(Permission.objects.filter(role_permission_filter(role)))


def roles_sync_after_migrate(sender, **kwargs):
    if sender.name == "samen":
        roles_sync()


def user_role(user) -> str | None:
    """The user's role (group name), or None. A user has one role."""
    if not user.is_authenticated:
        return None
    # Cached on the user object: the shell and the admin ask several times per request.
    # A signed-in request's user comes with it (accounts.backends.signed_in_user).
    if not hasattr(user, "_samen_role"):
        user._samen_role = role_of(user.groups.values_list("name", flat=True))
    return user._samen_role


def role_of(group_names) -> str | None:
    """The role of a user in these groups: the first of ROLE_PRIORITY among them."""
    names = set(group_names)
    return next((role for role in ROLE_PRIORITY if role in names), None)


def user_has_role(user, *roles: str) -> bool:
    return user_role(user) in roles
