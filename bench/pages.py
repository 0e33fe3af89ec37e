"""What `manage.py bench` requests: its signed-in personas, the objects of the detail pages
(picked from whatever data is in the database), and every page a user of each role opens.

Every GET route of the URL conf is either measured here (`pages`) or left out in
`LEFT_OUT` with the reason; tests/bench/test_bench.py fails when a new route is neither.
"""

import dataclasses

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Count
from django.test import Client as TestClient
from django.urls import URLPattern, URLResolver, get_resolver

from samen import roles
from samen.pagination import cursor_of

STAFF = "staff pages"
PROVIDER = "provider pages"
OFFICIAL = "official pages and reports"
API = "API"
ADMIN = "admin"
GROUPS = (STAFF, PROVIDER, OFFICIAL, API, ADMIN)

# Issue 21's targets, at national scale on a 2-core machine.
TARGETS = {
    STAFF: "p95 < 150 ms",
    PROVIDER: "p95 < 150 ms",
    OFFICIAL: "p95 < 150 ms",
    API: "p95 < 150 ms",
    ADMIN: "p95 < 300 ms",
}
REPORT_TARGET = "p95 < 500 ms"

# The personas, one user each, made (or found again) by `personas()`.
WORKER = "worker"
LEAD = "team lead"
OFFICIAL_USER = "official"
YOUTH_ADMIN = "youth administration"
PRIVACY = "privacy officer"
PROVIDER_USER = "provider"
ADMIN_USER = "admin"

USERNAMES = {
    WORKER: ("bench_worker", roles.WIJ_STAFF),
    LEAD: ("bench_lead", roles.TEAM_LEAD),
    OFFICIAL_USER: ("bench_official", roles.OFFICIAL),
    YOUTH_ADMIN: ("bench_youth_admin", roles.YOUTH_ADMIN),
    PRIVACY: ("bench_privacy", roles.PRIVACY),
    PROVIDER_USER: ("bench_provider", roles.PROVIDER),
    ADMIN_USER: ("bench_admin", None),
}

# Routes not measured, and why. Every other route of the URL conf is in `pages`.
LEFT_OUT = {
    "logout": "POST only: signs the persona out",
    "reporting:council_download": "a file download (the council PDF the Celery task made)",
    "oidc_authentication_init": "redirects to the municipality's identity provider",
    "oidc_authentication_callback": "the identity provider's answer (external)",
    "oidc_logout": "redirects to the identity provider",
    "password_change_done": "a static confirmation after a change",
    "set_language": "POST only: a redirect",
    "accounts:verify": "the second-factor step: a verified session is sent on (302)",
    "accounts:recovery_codes_new": "POST only: makes new recovery codes",
    "accounts:authenticator_replace": "replaces the persona's second factor",
    "accounts:keep_alive": "POST only",
    "two_factor:setup": "only without a second factor: a verified session is sent on",
    "two_factor:qr": "an image for the set-up step only",
    "api:end_early": "POST only",
    "api:hand_over": "POST only",
    "api:ijw_message_picked_up": "POST only",
    "api:not_found": "the API's catch-all 404",
    "api:referrals": "POST only: a referrer's system registers a request",
    "api:end_evaluations": "POST only",
    "api:extension_requests": "POST only",
    "api:ijw_messages": "POST only: a provider's system sends a message",
    "intake:record_contact": "POST only",
    "intake:assign": "POST only",
    "intake:close": "POST only",
    "intake:reopen": "a form on a closed request of one's own: a change, no page to read",
    "intake:start_triage": "POST only",
    "intake:member_authority": "POST only",
    "intake:request_other_worker": "POST only",
    "intake:decide_other_worker": "POST only",
    "triage:beschikking_letter": "a PDF file (WeasyPrint), a download",
    "triage:report_new": "POST only",
    "triage:report_shown": "POST only",
    "triage:correction_new": "POST only",
    "triage:correction_answer": "POST only",
    "triage:exception_decide": "POST only",
    "trajectories:begin": "POST only",
    "trajectories:pause": "POST only",
    "trajectories:resume": "POST only",
    "trajectories:intensity": "POST only",
    "trajectories:handover": "POST only",
    "trajectories:add_coach": "POST only",
    "trajectories:end_coach": "POST only",
    "trajectories:reassessment_record": "POST only",
    "trajectories:reassessment_share": "POST only",
    "trajectories:reassessment_link_beschikking": "POST only",
    "plans:agree": "POST only",
    "plans:pdf": "a PDF file (WeasyPrint), a download",
    "indications:task_complete": "POST only",
    "indications:follow_up": "POST only",
    "openhouse:handover_note": "POST only",
    "indications:extension_letter": "a letter file, a download",
    "ijw:download": "an XML file, a download",
    "ijw:request_own_handling": "POST only",
    "openhouse:download": "an uploaded file, a download",
    "openhouse:ijw_message_download": "an XML file, a download",
    "reporting:council": "the council PDF: bench.reports.council_pdf_rows (H5)",
    "audit:open_file": "POST only: breaks the glass (a change)",
    "rights:decide": "POST only",
    "rights:extend": "POST only",
    "rights:close": "POST only",
    "rights:correct": "a step on a granted correction request only",
    "rights:copy_confirm": "POST only",
    "rights:copy_download": "a file, a download",
    "rights:retention_review": "POST only: starts the review",
    "rights:destruction_carry_out": "a step on an approved destruction only (a change)",
}


@dataclasses.dataclass
class Page:
    group: str
    name: str
    route: str
    persona: str | None  # None: not signed in
    path: str | None  # None: no object of this kind in the data (printed as skipped)
    method: str = "get"
    data: dict | None = None
    htmx: bool = False
    target: str = ""

    def __post_init__(self):
        self.target = self.target or TARGETS[self.group]


def route_names(resolver=None, namespace: str = "") -> set[str]:
    """Every named route of the URL conf but the admin's, as 'namespace:name'."""
    resolver = resolver or get_resolver()
    names = set()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.app_name == "admin":
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            names |= route_names(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            names.add(namespace + entry.name)
    return names


# --- personas ---


def _largest_team():
    from intake.models import Team

    return Team.objects.annotate(size=Count("support_requests")).order_by(
        "-size", "pk"
    ).first() or Team.objects.create(name="WIJ Bench")


def _largest_provider():
    from openhouse.models import Provider

    return Provider.objects.annotate(size=Count("indications")).order_by(
        "-size", "pk"
    ).first() or Provider.objects.create(name="Bench Zorg", agb_code="73999999")


def personas() -> dict:
    """The bench's users, one per role, made once and found again on the next run: the WIJ
    worker and team lead in the largest team, a member of the largest provider, the other
    roles, and a superuser for the admin. Each has a confirmed second factor."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from intake.models import TeamMember
    from openhouse.models import ProviderMembership

    User = get_user_model()
    team = _largest_team()
    provider = _largest_provider()
    users = {}
    for persona, (username, role) in USERNAMES.items():
        user, _created = User.objects.get_or_create(
            username=username, defaults={"first_name": "Bench", "last_name": persona.title()}
        )
        user.is_staff = persona in (ADMIN_USER, OFFICIAL_USER)
        user.is_superuser = persona == ADMIN_USER
        user.save()
        if role:
            user.groups.set([Group.objects.get(name=role)])
        TOTPDevice.objects.get_or_create(user=user, name="bench", defaults={"confirmed": True})
        users[persona] = user
    for persona in (WORKER, LEAD):
        TeamMember.objects.get_or_create(user=users[persona], team=team)
    ProviderMembership.objects.update_or_create(
        user=users[PROVIDER_USER], defaults={"provider": provider}
    )
    return {"users": users, "team": team, "provider": provider}


def signed_in(user) -> TestClient:
    """A test client signed in with the second factor, as every session past the login
    pages (accounts.middleware sends others to the code page)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = TestClient()
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, name="bench").first()
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


# --- objects of the detail pages ---


def _first(queryset):
    return queryset.order_by("-pk").values_list("pk", flat=True).first()


def objects(people: dict) -> dict:
    """One object of each kind for the detail pages, in the worker's team or the provider's
    reach where that matters (the newest, as the most likely to be opened)."""
    from ijw.models import AllocationRequest, Message
    from indications.models import ExtensionRequest, Indication
    from intake.models import Household, SupportRequest
    from plans.models import PlanVersion, SupportPlan
    from referrals.models import ReferrerOrganisation
    from rights.models import RightsRequest
    from trajectories.models import Reassessment, Trajectory
    from triage.models import Beschikking, ConversationReport

    users = people["users"]
    worker, lead = users[WORKER], users[LEAD]
    requests = SupportRequest.objects.visible_to(worker)
    found = {
        "request": _first(requests),
        "request_in_triage": _first(requests.filter(status="in_triage")),
        "household": _first(Household.objects.filter(support_requests__in=requests)),
        # A running one: the end form of an ended trajectory sends the user back (302).
        "trajectory": _first(Trajectory.objects.visible_to(worker).running()),
        "reassessment": _first(
            Reassessment.objects.filter(trajectory__in=Trajectory.objects.visible_to(worker))
        ),
        "beschikking": _first(Beschikking.objects.filter(support_request__in=requests)),
        "report": _first(ConversationReport.objects.filter(support_request__in=requests)),
        "client": requests.exclude(clients=None)
        .order_by("-pk")
        .values_list("clients", flat=True)
        .first(),
        "indication": _first(Indication.objects.filter(provider=people["provider"])),
        "extension": _first(ExtensionRequest.objects.all()),
        "message": _first(Message.objects.all()),
        "provider_message": _first(Message.objects.visible_to(users[PROVIDER_USER])),
        "allocation": _first(AllocationRequest.objects.all()),
        "rights_request": _first(RightsRequest.objects.all()),
    }
    plan = SupportPlan.objects.filter(
        household__in=Household.objects.filter(support_requests__in=requests)
    )
    found["plan_household"] = plan.order_by("-pk").values_list("household_id", flat=True).first()
    version = PlanVersion.objects.filter(plan__household_id=found["plan_household"]).order_by(
        "-number"
    )
    found["plan_version"] = version.values_list("number", flat=True).first()
    found["coach"] = worker.pk
    found["lead"] = lead.pk
    # The request list pages by keyset (decision 124): its deepest page is the oldest 50,
    # reached by the cursor of the 51st oldest request the worker sees.
    oldest = requests.order_by("received_at", "pk").values_list("received_at", "pk")[50:51]
    found["oldest_cursor"] = cursor_of(*oldest[0]) if oldest else ""
    organisation = ReferrerOrganisation.objects.order_by("pk").first()
    found["referrer_query"] = (
        f"referrer_type={organisation.referrer_type}&referrer_search={organisation.name[:4]}"
        if organisation
        else "referrer_type=02&referrer_search=huis"
    )
    found["search_term"] = (
        requests.exclude(clients=None)
        .order_by("-pk")
        .values_list("clients__last_name", flat=True)
        .first()
        or "jans"
    )
    return found


def _path(template: str, *values) -> str | None:
    return None if any(v is None for v in values) else template.format(*values)


def pages(people: dict, found: dict) -> list[Page]:
    """Every page measured, in print order. A page whose object the data lacks has path None."""
    from reporting.selectors import REPORTS

    team = people["team"].pk
    provider = people["provider"].pk
    rq, hh, tr = found["request"], found["household"], found["trajectory"]
    plan, version = found["plan_household"], found["plan_version"]
    ind = found["indication"]
    s = [
        Page(STAFF, "start page, worker", "home", WORKER, "/"),
        Page(STAFF, "start page, team lead", "home", LEAD, "/"),
        Page(STAFF, "my work", "intake:my_work", WORKER, "/werk/"),
        Page(STAFF, "team view", "intake:team_work", LEAD, "/werk/team/"),
        Page(STAFF, "request list, first page", "intake:list", WORKER, "/aanmeldingen/"),
        Page(
            STAFF,
            "request list, oldest page",
            "intake:list",
            WORKER,
            f"/aanmeldingen/?na={found['oldest_cursor']}",
        ),
        Page(STAFF, "request list, overdue", "intake:list", WORKER, "/aanmeldingen/?overdue=on"),
        Page(STAFF, "register request (form)", "intake:register", WORKER, "/aanmeldingen/nieuw/"),
        Page(
            STAFF,
            "header search (htmx POST)",
            "intake:search",
            WORKER,
            "/zoeken/",
            method="post",
            data={"search": found["search_term"]},
            htmx=True,
        ),
        Page(
            STAFF,
            "client search on register (htmx)",
            "intake:client_search",
            WORKER,
            "/aanmeldingen/zoek-jeugdige/",
            method="post",
            data={"search": found["search_term"]},
            htmx=True,
        ),
        Page(
            STAFF,
            "referrer search on register (htmx)",
            "intake:referrer_organisations",
            WORKER,
            f"/aanmeldingen/verwijzers/?{found['referrer_query']}",
            htmx=True,
        ),
        Page(STAFF, "request detail", "intake:detail", WORKER, _path("/aanmeldingen/{}/", rq)),
        Page(
            STAFF,
            "request edit (form)",
            "intake:edit",
            WORKER,
            _path("/aanmeldingen/{}/bewerken/", rq),
        ),
        Page(STAFF, "family file", "intake:household", WORKER, _path("/gezinnen/{}/", hh)),
        Page(
            STAFF,
            "family file, print",
            "intake:household_print",
            WORKER,
            _path("/gezinnen/{}/afdrukken/", hh),
        ),
        Page(
            STAFF,
            "family merge (choose)",
            "intake:household_merge",
            LEAD,
            _path("/gezinnen/{}/samenvoegen/", hh),
        ),
        Page(
            STAFF,
            "family split (choose)",
            "intake:household_split",
            LEAD,
            _path("/gezinnen/{}/splitsen/", hh),
        ),
        Page(
            STAFF,
            "triage (form)",
            "triage:triage",
            WORKER,
            _path("/aanmeldingen/{}/lichte-toets/", found["request_in_triage"]),
        ),
        Page(
            STAFF,
            "beschikking (new)",
            "triage:beschikking_new",
            WORKER,
            _path("/aanmeldingen/{}/beschikking/", found["request_in_triage"]),
        ),
        Page(
            STAFF,
            "beschikking",
            "triage:beschikking",
            WORKER,
            _path("/beschikkingen/{}/", found["beschikking"]),
        ),
        Page(
            STAFF,
            "conversation report",
            "triage:report",
            WORKER,
            _path("/verslagen/{}/", found["report"]),
        ),
        Page(STAFF, "team outcomes", "triage:team_outcomes", LEAD, "/werk/triage/"),
        Page(STAFF, "trajectory", "trajectories:detail", WORKER, _path("/trajecten/{}/", tr)),
        Page(
            STAFF,
            "trajectory end (form)",
            "trajectories:end",
            WORKER,
            _path("/trajecten/{}/beeindigen/", tr),
        ),
        Page(STAFF, "my trajectories", "trajectories:mine", WORKER, "/trajecten/mijn/"),
        Page(STAFF, "waiting list", "trajectories:waiting", LEAD, "/trajecten/wachtlijst/"),
        Page(STAFF, "caseload", "trajectories:caseload", LEAD, "/trajecten/caseload/"),
        Page(
            STAFF,
            "caseload of a coach",
            "trajectories:coach_list",
            LEAD,
            f"/trajecten/caseload/{found['coach']}/",
        ),
        Page(
            STAFF,
            "reassessment (new)",
            "trajectories:reassessment_new",
            WORKER,
            _path("/trajecten/{}/herbeoordeling/", tr),
        ),
        Page(
            STAFF,
            "reassessment",
            "trajectories:reassessment",
            WORKER,
            _path("/trajecten/herbeoordelingen/{}/", found["reassessment"]),
        ),
        Page(STAFF, "support plan", "plans:detail", WORKER, _path("/gezinnen/{}/plan/", plan)),
        Page(
            STAFF,
            "support plan edit",
            "plans:edit",
            WORKER,
            _path("/gezinnen/{}/plan/bewerken/", plan),
        ),
        Page(
            STAFF,
            "support plan evaluate",
            "plans:evaluate",
            WORKER,
            _path("/gezinnen/{}/plan/evalueren/", plan),
        ),
        Page(
            STAFF,
            "support plan version",
            "plans:version",
            WORKER,
            _path("/gezinnen/{}/plan/versies/{}/", plan, version),
        ),
        Page(STAFF, "Aflopende indicaties", "indications:ending", LEAD, "/indicaties/aflopend/"),
        Page(
            STAFF,
            "child's indications",
            "indications:client",
            WORKER,
            _path("/jeugdigen/{}/", found["client"]),
        ),
        Page(
            STAFF,
            "provider's families",
            "indications:provider_families",
            LEAD,
            f"/aanbieders/{provider}/gezinnen/",
        ),
        Page(
            STAFF,
            "file's access log",
            "audit:file_log",
            LEAD,
            _path("/jeugdigen/{}/inzage/", found["client"]),
        ),
        Page(STAFF, "login page (anonymous)", "login", None, "/login/"),
        Page(STAFF, "phasing", "referrals:phasing", WORKER, "/fasering/"),
        Page(STAFF, "password change (form)", "password_change", WORKER, "/password/"),
        Page(
            STAFF,
            "security (second factor)",
            "two_factor:profile",
            WORKER,
            "/account/tweede-factor/",
        ),
        Page(STAFF, "session status (poll)", "accounts:session_status", WORKER, "/account/sessie/"),
        # The youth administration (back office) and the privacy officer.
        Page(STAFF, "back office", "indications:backoffice", YOUTH_ADMIN, "/jeugdadministratie/"),
        Page(
            STAFF,
            "extension decision",
            "indications:extension_decide",
            YOUTH_ADMIN,
            _path("/jeugdadministratie/verlengingen/{}/", found["extension"]),
        ),
        Page(
            STAFF,
            "indication import (form)",
            "indications:import",
            YOUTH_ADMIN,
            "/jeugdadministratie/import/",
        ),
        Page(
            STAFF, "message worklist", "ijw:worklist", YOUTH_ADMIN, "/jeugdadministratie/berichten/"
        ),
        Page(
            STAFF,
            "message register",
            "ijw:register",
            YOUTH_ADMIN,
            "/jeugdadministratie/berichten/register/",
        ),
        Page(
            STAFF,
            "message upload (form)",
            "ijw:upload",
            YOUTH_ADMIN,
            "/jeugdadministratie/berichten/ontvangen/",
        ),
        Page(
            STAFF,
            "message",
            "ijw:message",
            YOUTH_ADMIN,
            _path("/jeugdadministratie/berichten/{}/", found["message"]),
        ),
        Page(
            STAFF,
            "allocation request review",
            "ijw:request",
            YOUTH_ADMIN,
            _path("/jeugdadministratie/berichten/verzoeken/{}/", found["allocation"]),
        ),
        Page(STAFF, "access log", "audit:log", PRIVACY, "/toegangslog/"),
        Page(STAFF, "rights requests", "rights:list", PRIVACY, "/privacy/verzoeken/"),
        Page(
            STAFF, "rights request (new)", "rights:register", PRIVACY, "/privacy/verzoeken/nieuw/"
        ),
        Page(
            STAFF,
            "rights request",
            "rights:detail",
            PRIVACY,
            _path("/privacy/verzoeken/{}/", found["rights_request"]),
        ),
        Page(
            STAFF,
            "rights request copy",
            "rights:copy_review",
            PRIVACY,
            _path("/privacy/verzoeken/{}/afschrift/", found["rights_request"]),
        ),
        Page(STAFF, "retention list", "rights:retention", PRIVACY, "/privacy/bewaartermijn/"),
        Page(STAFF, "destroyed files", "rights:tombstones", PRIVACY, "/privacy/vernietigd/"),
    ]
    p = [
        Page(PROVIDER, "portal", "openhouse:dashboard", PROVIDER_USER, "/portaal/"),
        Page(
            PROVIDER, "indications", "openhouse:indications", PROVIDER_USER, "/portaal/indicaties/"
        ),
        Page(
            PROVIDER,
            "indication",
            "openhouse:indication",
            PROVIDER_USER,
            _path("/portaal/indicaties/{}/", ind),
        ),
        Page(
            PROVIDER,
            "extension request (form)",
            "openhouse:extension_request",
            PROVIDER_USER,
            _path("/portaal/indicaties/{}/verlenging/", ind),
        ),
        Page(
            PROVIDER,
            "end early (form)",
            "openhouse:end_early",
            PROVIDER_USER,
            _path("/portaal/indicaties/{}/eerder-einde/", ind),
        ),
        Page(
            PROVIDER,
            "hand over (form)",
            "openhouse:hand_over",
            PROVIDER_USER,
            _path("/portaal/indicaties/{}/andere-aanbieder/", ind),
        ),
        Page(
            PROVIDER,
            "pass on a referral (form)",
            "openhouse:pass_on",
            PROVIDER_USER,
            "/portaal/verwijzing-doorgeven/",
        ),
        Page(PROVIDER, "passed on", "openhouse:passed_on", PROVIDER_USER, "/portaal/doorgegeven/"),
        Page(PROVIDER, "we stop (form)", "openhouse:stop", PROVIDER_USER, "/portaal/we-stoppen/"),
        Page(PROVIDER, "API key", "openhouse:api_key", PROVIDER_USER, "/portaal/api-sleutel/"),
        Page(
            PROVIDER,
            "allocation requests",
            "openhouse:ijw_requests",
            PROVIDER_USER,
            "/portaal/verzoeken/",
        ),
        Page(
            PROVIDER, "agreements", "plans:portal_agreements", PROVIDER_USER, "/portaal/afspraken/"
        ),
    ]
    o = [
        Page(OFFICIAL, "exceptions", "triage:exceptions", OFFICIAL_USER, "/uitzonderingen/"),
        Page(OFFICIAL, "reports", "reporting:index", OFFICIAL_USER, "/rapportages/"),
    ]
    for slug in REPORTS:
        o.append(
            Page(
                OFFICIAL,
                f"report {slug}, all teams",
                "reporting:report",
                OFFICIAL_USER,
                f"/rapportages/{slug}/?team=",
                target=REPORT_TARGET,
            )
        )
    o.append(
        Page(
            OFFICIAL,
            "report, team lead's own team",
            "reporting:report",
            LEAD,
            f"/rapportages/{next(iter(REPORTS))}/?team={team}",
            target=REPORT_TARGET,
        )
    )
    a = [
        Page(API, "health", "health", WORKER, "/health/"),
        Page(API, "schema", "api:schema", PROVIDER_USER, "/api/v1/schema/"),
        Page(API, "products", "api:products", PROVIDER_USER, "/api/v1/products/"),
        Page(API, "routes", "api:routes", PROVIDER_USER, "/api/v1/routes/"),
        Page(API, "indications", "api:indications", PROVIDER_USER, "/api/v1/indications/"),
        Page(
            API,
            "passed-on referrals",
            "api:passed_on_referrals",
            PROVIDER_USER,
            "/api/v1/passed-on-referrals/",
        ),
        Page(
            API,
            "iJw messages, outgoing",
            "api:ijw_messages_outgoing",
            PROVIDER_USER,
            "/api/v1/ijw/messages/outgoing/",
        ),
        Page(
            API,
            "iJw message",
            "api:ijw_message",
            PROVIDER_USER,
            _path("/api/v1/ijw/messages/{}/", found["provider_message"]),
        ),
    ]
    return s + p + o + a + admin_pages()


def admin_pages() -> list[Page]:
    """The changelist of every model registered in the admin, and a client search by BSN."""
    from django.contrib import admin

    from intake.models import Client

    rows = []
    for model in sorted(admin.site._registry, key=lambda m: m._meta.label):
        meta = model._meta
        rows.append(
            Page(
                ADMIN,
                f"{meta.app_label}.{meta.model_name}",
                "admin",
                ADMIN_USER,
                f"/admin/{meta.app_label}/{meta.model_name}/",
            )
        )
    bsn = Client.objects.exclude(bsn=None).order_by("pk").values_list("bsn", flat=True).first()
    rows.append(
        Page(
            ADMIN,
            "intake.client, search by BSN",
            "admin",
            ADMIN_USER,
            _path("/admin/intake/client/?q={}", bsn),
        )
    )
    return rows
