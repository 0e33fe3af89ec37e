from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audit.services import Event, access_log_record, log_read
from audit.views import not_your_team
from indications.models import Indication, Task
from indications.selectors import open_tasks
from referrals.phasing import route_status
from samen.decorators import role_required
from samen.forms import add_validation_errors
from samen.pagination import CURSOR_GONE, keyset_page
from samen.pagination import page_number as paged
from samen.roles import TEAM_LEAD, WIJ_STAFF
from triage.forms import ReportForm

from . import services
from .forms import (
    AssignForm,
    CloseForm,
    ContactForm,
    RegistrationForm,
    ReopenForm,
    RequestEditForm,
    RequestFilterForm,
    TeamWorkFilterForm,
    VersionedActionForm,
    WorkerChangeDecisionForm,
    WorkerChangeForm,
)
from .models import Client, Household, SupportRequest, Team, WorkerChangeRequest, user_team_ids
from .selectors import (
    REFERRER_SEARCH_MAX,
    ClientSearch,
    client_search,
    household_search,
    mark_visible_children,
    request_counts,
    request_detail,
    request_timeline,
    with_children,
    with_list_data,
    worklist,
    workload_per_worker,
)

staff_only = role_required(WIJ_STAFF, TEAM_LEAD)
PAGE_SIZE = 50
# A worklist shows the most urgent requests; the rest are in the search (with its pages).
WORKLIST_SIZE = 100
CONFLICT = services.CONFLICT_MESSAGE


def _visible(request):
    return SupportRequest.objects.visible_to(request.user)


def _clients_of(requests) -> list[int]:
    """The children shown in a list of requests (for the access log)."""
    return [client.pk for req in requests for client in req.clients.all()]


@staff_only
def my_work(request):
    """Mijn werk: my open requests, overdue first, then by contact deadline; the open tasks
    of my teams about children I see."""
    today = timezone.localdate()
    requests = list(
        worklist(SupportRequest.objects.assigned_to(request.user), today)[:WORKLIST_SIZE]
    )
    work = _indication_work(request.user)
    _log_worklist(request, requests, work)
    return render(
        request,
        "intake/worklist.html",
        {
            "title": _("My work"),
            "requests": requests,
            "today": today,
            "show_worker": False,
            "task_return": "werk",
            **work,
        },
    )


def _log_worklist(request, requests, work) -> None:
    shown = _clients_of(requests)
    shown += [cid for task in work.get("tasks", []) for cid in task.client_ids()]
    shown += [indication.client_id for indication in work.get("out_of_sight", [])]
    if shown:
        log_read(request, "worklist", shown)


@role_required(TEAM_LEAD)
def team_work(request):
    """Mijn team: the team's open requests, overdue first, filtered by worker, status and
    overdue (GET, ids and codes), with counts, in pages without counting the list."""
    today = timezone.localdate()
    team_ids = user_team_ids(request.user)
    if not team_ids:
        messages.warning(request, _("You are not in a WIJ team yet: ask an official to add you."))
    team_requests = SupportRequest.objects.of_own_teams(request.user)
    workload = workload_per_worker(team_requests, today)
    form = TeamWorkFilterForm(request.GET or None, workload=workload)
    requests = team_requests
    if form.is_bound:
        if form.is_valid():
            requests = form.filter(requests, today)
        else:
            messages.error(
                request, _("A filter is not valid (see the form): all open requests are shown.")
            )
    page_number = paged(request.GET.get("page", "1"))
    offset = (page_number - 1) * PAGE_SIZE
    rows = list(worklist(requests, today)[offset : offset + PAGE_SIZE + 1])
    work = _indication_work(request.user, out_of_sight=team_ids)
    _log_worklist(request, rows[:PAGE_SIZE], work)
    query = request.GET.copy()
    query.pop("page", None)
    if not form.is_bound or not form.is_valid():
        query = query.__class__()
    return render(
        request,
        "intake/worklist.html",
        {
            "title": _("My team"),
            "teams": Team.objects.filter(pk__in=team_ids),
            "form": form,
            "counts": request_counts(team_requests, today),
            "requests": rows[:PAGE_SIZE],
            "page_number": page_number,
            "has_next": len(rows) > PAGE_SIZE,
            "has_previous": page_number > 1,
            "query": query.urlencode(),
            "today": today,
            "show_worker": True,
            "task_return": "team",
            **work,
        },
    )


def _indication_work(user, *, out_of_sight: list[int] | None = None) -> dict:
    """The open worklist tasks (from the indication jobs) of the user's teams about children
    they see, and, for team leads, the ended indications nobody followed up: niet in beeld."""
    work = {"tasks": open_tasks(Task.objects.visible_to(user), limit=WORKLIST_SIZE)}
    if out_of_sight:
        # Newest end first, NULLS LAST: an order the end-date index cannot give, so that
        # PostgreSQL starts from the team's clients instead of walking all 5 million
        # indications backwards to find a hundred of this team (issue 21: 5.2 s to 54 ms on
        # the national data set). An ended indication always has its end date.
        work["out_of_sight"] = list(
            Indication.objects.out_of_sight()
            .filter(client__team_id__in=out_of_sight)
            .select_related("product", "provider", "client")
            .order_by(F("end_on").desc(nulls_last=True), "-id")[:WORKLIST_SIZE]
        )
    return work


@staff_only
def request_list(request):
    """Search and filter every request, newest first, in keyset pages (?na= continues
    after the last row shown, ?voor= goes back before the first): never counting, never
    skipping rows (issue 21, decision 124)."""
    today = timezone.localdate()
    form = RequestFilterForm(request.GET or None, team_ids=user_team_ids(request.user))
    requests = _visible(request)
    if form.is_bound and form.is_valid():
        requests = form.filter(requests, today)
    page = keyset_page(
        requests,
        request.GET,
        field="received_at",
        # The page's rows by primary key: their ids were read through the visibility rule.
        rows=lambda ids: with_list_data(SupportRequest.objects.filter(pk__in=ids), today),
    )
    if page.invalid:
        messages.warning(request, CURSOR_GONE)
    if page.rows:
        access_log_record(
            request=request,
            event=Event.SEARCH if form.is_bound else Event.READ,
            part="request list",
            clients=_clients_of(page.rows),
        )
    query = request.GET.copy()
    for key in ("na", "voor", "page"):
        query.pop(key, None)
    return render(
        request,
        "intake/request_list.html",
        {
            "form": form,
            "requests": page.rows,
            "page": page,
            "query": query.urlencode(),
            "today": today,
        },
    )


@staff_only
@require_POST
def client_search_results(request):
    """htmx partial: children matching the search box. The terms come in the body (POST),
    never in the URL; the search and the children shown are logged, the terms are not."""
    found, families = _search_clients(
        request, request.POST.get("client_search", ""), part="client search", families=True
    )
    return render(
        request,
        "intake/partials/client_results.html",
        {
            "results": found.clients,
            "families": families,
            "search_message": found.message,
            "searched": True,
        },
    )


@staff_only
@require_GET
def referrer_organisations(request):
    """htmx partial of the registration page: the referrer organisation select with the
    chosen organisation and at most 20 matches of the typed term (organisations, no
    person data: a GET), and a status line for screen readers. Opened as a page (no htmx),
    it sends the user to the registration page, whose own button searches without
    JavaScript."""
    if not request.headers.get("HX-Request"):
        return redirect("intake:register")
    form = RegistrationForm(initial=request.GET.dict(), user=request.user)
    return render(
        request,
        "intake/partials/referrer_choice.html",
        {"form": form, "referrer_message": referrer_search_message(form)},
    )


def referrer_search_message(form) -> str:
    term = str(form["referrer_search"].value() or "").strip()
    if not term:
        return ""
    if len(term) > REFERRER_SEARCH_MAX or "\x00" in term:
        return _("Type at most %(max)s letters or digits, without special characters.") % {
            "max": REFERRER_SEARCH_MAX
        }
    found = len(form.referrer_matches)
    if not found:
        return _("No active organisation of this referrer type matches; check the spelling.")
    return ngettext(
        "%(count)s organisation found: choose it in the list.",
        "%(count)s organisations found: choose one in the list.",
        found,
    ) % {"count": found}


@staff_only
@require_http_methods(["GET", "POST"])
def search(request):
    """Zoeken, from the field in every page's header: a child by BSN, name, date of birth or
    postcode and house number. The terms come in the body (POST), never in the URL; as you
    type (htmx) the results replace the region under the field, without JavaScript the
    whole page shows them. A GET shows the empty form."""
    query = request.POST.get("search", "") if request.method == "POST" else ""
    found = _search_clients(request, query, part="search")[0] if query else ClientSearch()
    context = {"search": found, "query": query if "\x00" not in query else ""}
    if request.headers.get("HX-Request"):
        return render(request, "intake/partials/search_results.html", context)
    return render(request, "intake/search.html", context)


def _search_clients(
    request, query: str, *, part: str, families: bool = False
) -> tuple[ClientSearch, list[Household]]:
    """Every registered child matches (a family moves between teams); each result says
    whether this user may open the file, and the page shows only name, date of birth and
    team of the others, with a way to open them with a reason (break-the-glass). With
    `families` (the registration page), the families of the children this user may see
    (and families found by a parent's name) come with their children, to register a
    request for one or more of them. The search and the children shown are logged (their
    ids), the terms are not."""
    # Not a destroyed file's anonymous client (rights.Tombstone): born "1-1-1900", it would
    # show up in a search by that date.
    found = client_search(query, visible=Client.objects.not_destroyed())
    _mark_visible(request, found.clients)
    found_families = []
    if families:
        found_families = household_search(
            query,
            visible=Household.objects.visible_to(request.user),
            clients=[client for client in found.clients if client.visible],
        )
        mark_visible_children(found_families, user=request.user)
        in_family = {child.pk for f in found_families for child in f.visible_children()}
        # A child shown in a family is not listed twice.
        found.clients = [c for c in found.clients if not c.visible or c.pk not in in_family]
    shown = [*found.clients, *(c for family in found_families for c in family.visible_children())]
    if found.searched:
        access_log_record(request=request, event=Event.SEARCH, part=part, clients=shown)
    return found, found_families


def _mark_visible(request, clients: list[Client]) -> None:
    visible = set(
        Client.objects.visible_to(request.user)
        .filter(pk__in=[client.pk for client in clients])
        .values_list("pk", flat=True)
    )
    for client in clients:
        client.visible = client.pk in visible


@staff_only
def register(request):
    """Register a support request in one form (client found or created inline)."""
    if request.method == "POST" and "_search" in request.POST:
        # The search button without JavaScript: show results, keep everything typed.
        form = RegistrationForm(initial=request.POST.dict(), user=request.user)
        found, families = _search_clients(
            request, request.POST.get("client_search", ""), part="client search", families=True
        )
        return _render_register(
            request, form, found.clients, families, searched=True, message=found.message
        )
    if request.method == "POST" and "_search_referrer" in request.POST:
        # The referrer search without JavaScript: the page again, its select with the matches.
        form = RegistrationForm(initial=request.POST.dict(), user=request.user)
        return _render_register(request, form, [], [], searched=False)
    form = RegistrationForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data.get("add_to_request"):
                # The duplicate warning's other choice: the question goes to the open request.
                further = services.support_request_add_question(
                    support_request_id=data["add_to_request"].pk,
                    user=request.user,
                    question=data["question"],
                    channel=data["channel"],
                    received_at=data["received_at"],
                )
                target, event, part = further.support_request, Event.CHANGE, "further question"
                done = _(
                    "The question is added to request #%(number)s; no new request was made."
                ) % {"number": target.pk}
            else:
                target, event, part = _register(form, request.user), Event.CREATE, "request"
                done = _("Request registered. Contact the family by %(date)s.") % {
                    "date": target.contact_deadline.strftime("%d-%m-%Y")
                }
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            access_log_record(
                request=request,
                event=event,
                part=part,
                clients=target.clients.all(),
                object_id=target.pk,
            )
            for warning in form.warnings:
                messages.warning(request, warning)
            messages.success(request, done)
            return redirect("intake:detail", pk=target.pk)
    if form.duplicates:
        _mark_visible(request, form.duplicates)
        access_log_record(
            request=request, event=Event.SEARCH, part="duplicate check", clients=form.duplicates
        )
    if form.address_matches:
        access_log_record(
            request=request,
            event=Event.SEARCH,
            part="family at the address",
            clients=[c for family in form.address_matches for c in family.visible_children()],
        )
    return _render_register(request, form, form.duplicates, form.address_matches, searched=False)


def _digits(value) -> int | None:
    value = str(value or "")
    # isascii: "²" is a digit to isdigit() but not to int().
    return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else None


def _render_register(request, form, results, families, *, searched, message=""):
    chosen_pk = _digits(form["client"].value())
    chosen = (
        Client.objects.visible_to(request.user).filter(pk=chosen_pk).first() if chosen_pk else None
    )
    family_pk = _digits(form["household"].value())
    family = (
        with_children(Household.objects.visible_to(request.user).filter(pk=family_pk)).first()
        if family_pk
        else None
    )
    families = [f for f in families if f != family]
    if family:
        mark_visible_children([family], user=request.user)
    ticked = set(request.POST.getlist("children")) if request.method == "POST" else set()
    if chosen:
        log_read(request, "registration", [chosen])
    if family:
        log_read(request, "registration", family.visible_children())
    return render(
        request,
        "intake/register.html",
        {
            "form": form,
            "results": results,
            "families": families,
            "family": family,
            "ticked": ticked,
            "searched": searched,
            "search_message": message,
            "referrer_message": referrer_search_message(form),
            "chosen": chosen
            if chosen not in (family.visible_children() if family else [])
            else None,
            "open_requests": form.open_requests,
        },
        status=400 if form.is_bound and form.errors else 200,
    )


def _register(form: RegistrationForm, user) -> SupportRequest:
    data = form.cleaned_data
    new_client = None
    if data["new_child"]:
        new_client = {
            field: data.get(field, "")
            for field in (
                "first_name",
                "last_name",
                "date_of_birth",
                "street",
                "house_number",
                "postcode",
                "city",
            )
        }
        new_client["bsn"] = data.get("bsn") or None
    return services.support_request_register_for_family(
        registered_by=user,
        household=data.get("household"),
        new_household=data.get("new_household", False),
        children=data["children"],
        new_client=new_client,
        adults=[
            {
                "role": data.get("parent_role") or "parent",
                "name": data.get("parent_name", ""),
                "phone": data.get("phone", ""),
            }
        ],
        team=data["team"],
        channel=data["channel"],
        question=data["question"],
        referral=form.referral(),
        received_at=data["received_at"],
        assigned_worker=data.get("assigned_worker"),
        route_decision=data.get("route_decision", ""),
        client_supporter=data.get("client_supporter", False),
        client_supporter_name=data.get("client_supporter_name", ""),
        duplicate_reason=data.get("duplicate_reason", "") if data.get("register_anyway") else "",
    )


def _get_request(request, pk):
    try:
        return request_detail(pk, visible=_visible(request))
    except SupportRequest.DoesNotExist as exc:
        raise Http404 from exc


def _not_visible(request, pk):
    support_request = SupportRequest.objects.filter(pk=pk).first()
    if support_request is None:
        raise Http404
    clients = list(support_request.clients.select_related("team"))
    return not_your_team(request, clients, part="request", object_id=pk)


@staff_only
def detail(request, pk, forms=None):
    try:
        support_request = _get_request(request, pk)
    except Http404:
        return _not_visible(request, pk)
    log_read(request, "request", support_request.clients.all(), pk)
    version = {"version": support_request.version}
    forms = forms or {}
    context = {
        "req": support_request,
        "today": timezone.localdate(),
        "timeline": request_timeline(support_request),
        "route": route_status(
            support_request.referrer_type,
            support_request.referral_date or timezone.localdate(support_request.received_at),
        ),
        "contact_form": forms.get("contact") or ContactForm(initial=version),
        "assign_form": forms.get("assign")
        or AssignForm(
            initial={**version, "worker": support_request.assigned_worker_id},
            team_ids=[support_request.team_id],
        ),
        "close_form": forms.get("close") or CloseForm(initial=version),
        "triage_form": VersionedActionForm(initial=version),
        "change_form": forms.get("change") or WorkerChangeForm(),
        "report_form": ReportForm(),
        "decision_form": forms.get("decision")
        or WorkerChangeDecisionForm(team_ids=[support_request.team_id]),
        "may_reopen": services.may_reopen(request.user, support_request),
        "continues_in_trajectory": support_request.status == SupportRequest.Status.CLOSED
        and services.continues_in_trajectory(support_request),
        **_siblings(request, support_request),
        "other_open": _other_open_requests(request, support_request),
    }
    return render(request, "intake/detail.html", context, status=400 if forms else 200)


def _siblings(request, support_request) -> dict:
    """The family's other children: named when this user may see them; the template shows
    the others without any detail (a child of another team, docs/permissions.md)."""
    household = support_request.household
    mark_visible_children([household], user=request.user)
    others = [c for c in household.children() if c not in support_request.clients.all()]
    return {
        "siblings": [child for child in others if child.visible],
        "hidden_siblings": [child for child in others if not child.visible],
    }


def _other_open_requests(request, support_request) -> list[SupportRequest]:
    """Other open requests of this request's children: a possible duplicate. Of one this
    user may not see, the page names only the team."""
    if support_request.status == SupportRequest.Status.CLOSED:
        return []
    others = [
        other
        for other in services.open_requests_of(support_request.clients.all())
        if other.pk != support_request.pk
    ]
    visible = set(
        _visible(request).filter(pk__in=[o.pk for o in others]).values_list("pk", flat=True)
    )
    for other in others:
        other.visible = other.pk in visible
    return others


def _action(request, pk, form_class, key, apply):
    """Run one versioned action from the detail page; on a conflict or bad input, show the
    page again with the user's input and a clear message."""
    support_request = get_object_or_404(_visible(request), pk=pk)
    if form_class in (AssignForm, WorkerChangeDecisionForm):
        form = form_class(request.POST, team_ids=[support_request.team_id])
    else:
        form = form_class(request.POST)
    if form.is_valid():
        try:
            apply(support_request, form.cleaned_data)
            _log_change(request, support_request, f"request: {key}")
        except services.ConflictError:
            messages.error(request, CONFLICT)
            return detail(request, pk, forms={key: form})
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            return redirect("intake:detail", pk=pk)
    return detail(request, pk, forms={key: form})


@staff_only
@require_POST
def record_contact(request, pk):
    def apply(req, data):
        services.support_request_record_contact(
            support_request_id=req.pk,
            expected_version=data["version"],
            user=request.user,
            contacted_on=data["contacted_on"],
        )
        messages.success(request, _("First contact recorded."))

    return _action(request, pk, ContactForm, "contact", apply)


@staff_only
@require_POST
def assign(request, pk):
    def apply(req, data):
        services.support_request_assign(
            support_request_id=req.pk,
            expected_version=data["version"],
            user=request.user,
            worker=data["worker"],
        )
        messages.success(request, _("Worker assigned."))

    return _action(request, pk, AssignForm, "assign", apply)


@staff_only
@require_POST
def close(request, pk):
    """Close in two steps: the chosen reason first, then a page that says what closing
    means; only its "Yes, close" (confirmed=1) closes the request."""
    if request.POST.get("confirmed") != "1":
        return _close_confirm(request, pk)

    def apply(req, data):
        services.support_request_close(
            support_request_id=req.pk,
            expected_version=data["version"],
            user=request.user,
            reason=data["reason"],
        )
        messages.success(request, _("Request closed."))

    return _action(request, pk, CloseForm, "close", apply)


def _close_confirm(request, pk):
    support_request = get_object_or_404(_visible(request), pk=pk)
    form = CloseForm(request.POST)
    if form.is_valid():
        try:
            services.close_check(
                support_request=support_request, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            add_validation_errors(form, exc)
    if not form.is_valid():
        return detail(request, pk, forms={"close": form})
    if form.cleaned_data["version"] != support_request.version:
        messages.error(request, CONFLICT)
        return detail(request, pk, forms={"close": form})
    log_read(request, "request", support_request.clients.all(), pk)
    return render(
        request,
        "intake/close_confirm.html",
        {
            "req": support_request,
            "form": form,
            "reason": SupportRequest.CloseReason(form.cleaned_data["reason"]),
            "has_triage": services.has_triage(support_request),
        },
    )


@staff_only
def reopen(request, pk):
    """Reopen a closed request, with a reason (the assigned worker or a team lead of the
    request's team; others get 403)."""
    try:
        support_request = _get_request(request, pk)
    except Http404:
        return _not_visible(request, pk)
    if support_request.status != SupportRequest.Status.CLOSED:
        messages.info(request, _("This request is open: there is nothing to reopen."))
        return redirect("intake:detail", pk=pk)
    if not services.may_reopen(request.user, support_request):
        raise PermissionDenied(
            _("Only the assigned worker or a team lead of the team can reopen this request.")
        )
    log_read(request, "request", support_request.clients.all(), pk)
    form = ReopenForm(request.POST or None, initial={"version": support_request.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.support_request_reopen(
                support_request_id=pk,
                expected_version=form.cleaned_data["version"],
                user=request.user,
                reason=form.cleaned_data["reason"],
            )
        except services.ConflictError:
            messages.error(request, CONFLICT)
            form.data = form.data.copy()
            form.data["version"] = SupportRequest.objects.get(pk=pk).version
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            _log_change(request, support_request, "request: reopen")
            messages.success(request, _("The request is open again."))
            return redirect("intake:detail", pk=pk)
    return render(
        request,
        "intake/reopen.html",
        {"req": support_request, "form": form},
        status=400 if form.is_bound else 200,
    )


def _log_change(request, support_request, part):
    access_log_record(
        request=request,
        event=Event.CHANGE,
        part=part,
        clients=support_request.clients.all(),
        object_id=support_request.pk,
    )


@staff_only
@require_POST
def start_triage(request, pk):
    def apply(req, data):
        services.support_request_start_triage(
            support_request_id=req.pk, expected_version=data["version"], user=request.user
        )
        messages.success(request, _("The request is in triage."))

    return _action(request, pk, VersionedActionForm, "triage", apply)


@staff_only
@require_POST
def request_other_worker(request, pk):
    def apply(req, data):
        services.worker_change_request(
            support_request=req,
            reason=data["reason"],
            explanation=data["explanation"],
            requested_on=data["requested_on"],
            user=request.user,
        )
        messages.success(request, _("The family's request for another worker is recorded."))

    return _action(request, pk, WorkerChangeForm, "change", apply)


@role_required(TEAM_LEAD)
@require_POST
def decide_other_worker(request, pk, change_pk):
    get_object_or_404(WorkerChangeRequest, pk=change_pk, support_request_id=pk)

    def apply(req, data):
        services.worker_change_decide(
            change_id=change_pk,
            user=request.user,
            grant=data["grant"],
            new_worker=data.get("new_worker"),
            explanation=data.get("explanation", ""),
        )
        messages.success(request, _("Decision recorded."))

    return _action(request, pk, WorkerChangeDecisionForm, "decision", apply)


@staff_only
def edit(request, pk):
    support_request = get_object_or_404(_visible(request), pk=pk)
    log_read(request, "request", support_request.clients.all(), pk)
    form = RequestEditForm(
        request.POST or None, instance=support_request, initial={"version": support_request.version}
    )
    if request.method == "POST" and form.is_valid():
        changes = {field: form.cleaned_data[field] for field in RequestEditForm.Meta.fields}
        try:
            services.support_request_update(
                support_request_id=pk,
                expected_version=form.cleaned_data["version"],
                user=request.user,
                changes=changes,
            )
        except services.ConflictError:
            messages.error(request, CONFLICT)
            current = SupportRequest.objects.get(pk=pk)
            # The form gets its own copy: validating it writes the typed values into it.
            form = RequestEditForm(request.POST, instance=SupportRequest.objects.get(pk=pk))
            form.data = form.data.copy()
            form.data["version"] = current.version
            return render(
                request,
                "intake/edit.html",
                {"form": form, "req": current, "conflict": True},
                status=409,
            )
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            access_log_record(
                request=request,
                event=Event.CHANGE,
                part="request",
                clients=support_request.clients.all(),
                object_id=pk,
            )
            messages.success(request, _("Changes saved."))
            return redirect("intake:detail", pk=pk)
    return render(request, "intake/edit.html", {"form": form, "req": support_request})
