"""The main navigation, per role. Apps add their entries here as they grow."""

import functools
from dataclasses import dataclass

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .roles import OFFICIAL, PRIVACY, PROVIDER, TEAM_LEAD, WIJ_STAFF, YOUTH_ADMIN, user_role

STAFF = (WIJ_STAFF, TEAM_LEAD)
EVERYONE = (WIJ_STAFF, TEAM_LEAD, OFFICIAL, YOUTH_ADMIN, PRIVACY, PROVIDER)


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: str
    roles: tuple[str, ...]
    description: str = ""


NAV_ITEMS: list[NavItem] = [
    NavItem("home", _("Overview"), EVERYONE),
    NavItem("intake:my_work", _("My work"), STAFF, _("Your open requests, overdue first.")),
    NavItem("intake:team_work", _("My team"), (TEAM_LEAD,), _("Every open request of your team.")),
    NavItem(
        "trajectories:mine",
        _("My trajectories"),
        STAFF,
        _("The running trajectories you coach: status, intensity, days, plan."),
    ),
    NavItem(
        "trajectories:waiting",
        _("Waiting list"),
        (TEAM_LEAD,),
        _("Your teams' families whose help has not started; the caseload per coach."),
    ),
    NavItem(
        "intake:register",
        _("New request"),
        STAFF,
        _("Register a support request from a family or a referrer."),
    ),
    NavItem("intake:list", _("Search requests"), STAFF, _("Search and filter all requests.")),
    NavItem(
        "indications:ending",
        _("Ending indications"),
        (WIJ_STAFF, TEAM_LEAD, OFFICIAL),
        _("Indications ending per month, per WIJ team and per provider."),
    ),
    NavItem(
        "indications:backoffice",
        pgettext_lazy("navigation", "Youth administration"),
        (YOUTH_ADMIN,),
        _("Extension requests waiting for a decision, and the indication import."),
    ),
    NavItem(
        "triage:team_outcomes",
        _("Triage outcomes"),
        (TEAM_LEAD,),
        _("Outcomes per worker and week; requests waiting for triage."),
    ),
    NavItem(
        "triage:exceptions",
        _("Open House exceptions"),
        (OFFICIAL,),
        _("Weigh exceptions after the Open House closed."),
    ),
    NavItem(
        "audit:log",
        _("Access log"),
        (PRIVACY,),
        _("Who looked at which child's file, searched or exported, and every refused attempt."),
    ),
    NavItem(
        "rights:list",
        _("Requests from families"),
        (PRIVACY,),
        _("Requests to inspect, copy, correct or destroy a child's file, by deadline."),
    ),
    NavItem(
        "rights:retention",
        _("Retention"),
        (PRIVACY,),
        _("Files past their retention, put up for your decision on their destruction."),
    ),
    NavItem(
        "openhouse:dashboard",
        _("My clients"),
        (PROVIDER,),
        _("Your clients' indications ending, end-evaluations due and overdue."),
    ),
    NavItem(
        "openhouse:ijw_requests",
        _("Requests and messages"),
        (PROVIDER,),
        _("Your requests for allocation (JW315) and what became of them; your messages."),
    ),
    NavItem(
        "plans:portal_agreements",
        _("Agreements from support plans"),
        (PROVIDER,),
        _("What families agreed to share with you from their support plan."),
    ),
    NavItem(
        "referrals:phasing",
        _("Phasing"),
        EVERYONE,
        _("Which referrer route and product goes through WIJ from when."),
    ),
    NavItem(
        "reporting:index",
        _("Reports"),
        (OFFICIAL, TEAM_LEAD),
        _("Client flows, matched care, forecast, deadlines, transition; the council report."),
    ),
    NavItem(
        "admin:index",
        _("Management"),
        (OFFICIAL,),
        _("Products, referrers, the phasing table and users."),
    ),
]


@functools.cache
def _entries(role: str | None, superuser: bool, urlconf: str, script_prefix: str) -> tuple:
    """The role's entries with their URLs, reversed once per process (and URL conf): the
    header is on every page, and ten reverse() calls a request were a fixed cost of each."""
    return tuple(
        (item, reverse(item.url_name, urlconf=urlconf))
        for item in NAV_ITEMS
        if role in item.roles or (superuser and item.url_name == "admin:index")
    )


def navigation_for(user, current_path: str) -> list[dict]:
    entries = _entries(
        user_role(user),
        user.is_superuser,
        get_urlconf() or settings.ROOT_URLCONF,
        get_script_prefix(),
    )
    items = [
        {
            "url_name": item.url_name,
            "url": url,
            "label": item.label,
            "description": item.description,
            "current": False,
        }
        for item, url in entries
    ]
    # The current page is the item with the longest URL that the path starts with.
    matches = [
        i
        for i in items
        if current_path == i["url"] or (i["url"] != "/" and current_path.startswith(i["url"]))
    ]
    if matches:
        max(matches, key=lambda i: len(i["url"]))["current"] = True
    return items
