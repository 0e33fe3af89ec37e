"""The privacy officer's pages for the family's requests (docs/privacy.md, "The family's
rights"): the worklist, registering a request, a request's page with its history and what
to do next, the decision (looked at before it is recorded), the one extension of the
deadline, and carrying out a correction. The officer opens no WIJ file: it sees a child's
data only on these pages, each read logged in the access log."""

from dateutil.relativedelta import relativedelta
from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from audit.services import Event, access_log_record, log_read
from intake.models import Client
from samen.decorators import role_required
from samen.forms import add_validation_errors
from samen.identifiers import search_form
from samen.pagination import page_number as paged
from samen.roles import PRIVACY

from . import selectors, services
from .forms import (
    ChildSearchForm,
    CloseForm,
    DecisionForm,
    ExtensionForm,
    PersonCorrectionForm,
    RegisterForm,
    WorklistFilterForm,
)
from .models import RightsRequest, Tombstone

PAGE_SIZE = 50
# A child found by a search may be chosen for a request for this long (the token in the
# form, signed: never a child's id typed into a form).
CHOICE_MAX_AGE = 8 * 3600
CHOICE_SALT = "rights.register.child"

privacy_only = role_required(PRIVACY)


def _requests(user):
    return RightsRequest.objects.visible_to(user).select_related(
        "client", "team", "requester_member", "decided_by", "registered_by"
    )


@privacy_only
@require_http_methods(["GET"])
def request_list(request):
    """Verzoeken van families: open ones first by the day they are due (overdue marked),
    then the closed ones; no child's name, only the request's number and the child's team."""
    today = timezone.localdate()
    form = WorklistFilterForm(request.GET or None)
    filters = {}
    if form.is_bound:
        if form.is_valid():
            filters = form.cleaned_data
        else:
            messages.warning(request, _("The filter could not be used; showing everything."))
    page = paged(request.GET.get("page", "1"))
    offset = (page - 1) * PAGE_SIZE
    rows = list(
        selectors.worklist(
            RightsRequest.objects.visible_to(request.user), filters=filters, today=today
        )[offset : offset + PAGE_SIZE + 1]
    )
    shown = rows[:PAGE_SIZE]
    for row in shown:
        row.overdue = row.status != RightsRequest.Status.CLOSED and row.due < today
    if shown:
        log_read(request, "rights requests", [row.client_id for row in shown])
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "rights/list.html",
        {
            "form": form,
            "requests": shown,
            "page_number": page,
            "has_previous": page > 1,
            "has_next": len(rows) > PAGE_SIZE,
            "query": query.urlencode(),
            "today": today,
        },
    )


def _find_children(data) -> list[Client]:
    """Exact: the BSN, or the last name (case and accents aside) with the date of birth."""
    # Never a destroyed file's anonymous client ("V-000001", born 1-1-1900).
    children = Client.objects.not_destroyed().select_related("team")
    if data.get("bsn"):
        return list(children.filter(bsn=data["bsn"]))
    wanted = search_form(data["last_name"])
    return [
        client
        for client in children.filter(date_of_birth=data["date_of_birth"])
        if search_form(client.last_name) == wanted
    ]


def _child_token(client: Client) -> str:
    return signing.dumps(client.pk, salt=CHOICE_SALT)


def _child_from_token(token: str) -> Client | None:
    try:
        pk = signing.loads(token, salt=CHOICE_SALT, max_age=CHOICE_MAX_AGE)
    except signing.BadSignature:
        return None
    return Client.objects.select_related("team").filter(pk=pk).first()


def _register_step_two(request, client, form, status=200):
    log_read(request, "rights request registration", [client], client.pk)
    return render(
        request,
        "rights/register.html",
        {
            "step": "request",
            "client": client,
            "form": form,
            "age": client.age_on(timezone.localdate()),
        },
        status=status,
    )


@privacy_only
@require_http_methods(["GET", "POST"])
def register(request):
    """Register a family's request. First the child, found by BSN or by last name and date
    of birth (exact, the search logged, the terms not); then the request: its kind, who
    asks (the child, an adult of the family file, someone else), the day received and what
    is asked. The service judges the right to ask and sets the deadline."""
    today = timezone.localdate()
    step = request.POST.get("step", "") if request.method == "POST" else ""
    if step in ("choose", "save"):
        client = _child_from_token(request.POST.get("child", ""))
        if client is None:
            messages.error(request, _("Find the child again: the choice has expired."))
            return redirect("rights:register")
        if step == "choose":
            form = RegisterForm(
                initial={"child": request.POST["child"], "received_on": today},
                client=client,
                today=today,
            )
            return _register_step_two(request, client, form)
        form = RegisterForm(request.POST, client=client, today=today)
        if not form.is_valid():
            return _register_step_two(request, client, form, status=400)
        data = form.cleaned_data
        try:
            rights_request = services.rights_request_register(
                client=client,
                kind=data["kind"],
                requester=data["requester"],
                requester_member=data["requester_member"],
                requester_name=data["requester_name"].strip(),
                received_on=data["received_on"],
                description=data["description_text"],
                user=request.user,
            )
        except ValidationError as exc:
            add_validation_errors(form, exc)
            return _register_step_two(request, client, form, status=400)
        access_log_record(
            request=request,
            event=Event.CREATE,
            part="rights request",
            clients=[client],
            object_id=rights_request.pk,
        )
        if rights_request.entitled:
            messages.success(
                request,
                _("Request recorded. Who asks may ask: %(rule)s Answer by %(day)s.")
                % {
                    "rule": rights_request.entitlement_note,
                    "day": rights_request.deadline.strftime("%d-%m-%Y"),
                },
            )
        else:
            messages.warning(
                request,
                _(
                    "Request recorded. Who asks has no right to ask: %(rule)s The request must "
                    "still be answered, with a refusal, by %(day)s."
                )
                % {
                    "rule": rights_request.entitlement_note,
                    "day": rights_request.deadline.strftime("%d-%m-%Y"),
                },
            )
        return redirect("rights:detail", pk=rights_request.pk)
    form = ChildSearchForm(request.POST if step == "search" else None)
    found = None
    status = 200
    if form.is_bound:
        if form.is_valid():
            found = _find_children(form.cleaned_data)
            access_log_record(
                request=request, event=Event.SEARCH, part="rights request search", clients=found
            )
            if len(found) == 1:
                client = found[0]
                initial = {"child": _child_token(client), "received_on": today}
                return _register_step_two(
                    request, client, RegisterForm(initial=initial, client=client, today=today)
                )
            for client in found:
                client.token = _child_token(client)
        else:
            status = 400
    return render(
        request,
        "rights/register.html",
        {"step": "search", "form": form, "found": found},
        status=status,
    )


def _url_or_none(name: str, pk: int) -> str | None:
    """The page of another part of the rights app, when it is there."""
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return None


def _get_request(request, pk) -> RightsRequest:
    return get_object_or_404(_requests(request.user), pk=pk)


def _log_request_read(request, rights_request, part="rights request"):
    tombstone = Tombstone.objects.filter(request=rights_request).first()
    clients = [] if tombstone else [rights_request.client_id]
    log_read(request, part, clients, rights_request.pk)
    return tombstone


def _log_request_change(request, rights_request):
    access_log_record(
        request=request,
        event=Event.CHANGE,
        part="rights request",
        clients=[rights_request.client_id],
        object_id=rights_request.pk,
    )


def _destruction_blockers(rights_request, today) -> list[str]:
    """For a destruction request still to be carried out: what stands in its way now, so
    that the officer knows it before granting (rights.destruction.destruction_blockers)."""
    from .destruction import destruction_blockers

    if rights_request.kind != RightsRequest.Kind.DESTRUCTION or rights_request.status == (
        RightsRequest.Status.CLOSED
    ):
        return []
    if rights_request.client.destroyed_on is not None:
        return []
    return destruction_blockers(rights_request.client, today, request=rights_request)


def _detail_context(rights_request, today) -> dict:
    carried_out = rights_request.status == RightsRequest.Status.DECIDED
    kind = rights_request.kind
    Kind = RightsRequest.Kind
    return {
        "rq": rights_request,
        "today": today,
        "overdue": rights_request.status != RightsRequest.Status.CLOSED
        and rights_request.due_on < today,
        "history": selectors.history_rows(rights_request),
        "can_decide": rights_request.status == RightsRequest.Status.RECEIVED,
        "can_extend": rights_request.kind != Kind.DESTRUCTION
        and rights_request.deadline_extended_to is None
        and rights_request.status != RightsRequest.Status.CLOSED
        and today <= rights_request.deadline,
        "copy_url": _url_or_none("rights:copy_review", rights_request.pk)
        if carried_out and kind in (Kind.INSPECTION, Kind.COPY)
        else None,
        "destruction_url": _url_or_none("rights:destruction_carry_out", rights_request.pk)
        if carried_out and kind == Kind.DESTRUCTION
        else None,
        "can_correct": carried_out and kind == Kind.CORRECTION,
        "blockers": _destruction_blockers(rights_request, today),
        "extension_form": ExtensionForm(),
        "close_form": CloseForm(),
    }


@privacy_only
@require_http_methods(["GET"])
def detail(request, pk):
    """A request: who asks and on whose behalf, the right to ask, the deadline, the decision,
    its history, and the next step."""
    rights_request = _get_request(request, pk)
    today = timezone.localdate()
    tombstone = _log_request_read(request, rights_request)
    return render(
        request,
        "rights/detail.html",
        {**_detail_context(rights_request, today), "tombstone": tombstone},
    )


@privacy_only
@require_http_methods(["GET", "POST"])
def decide(request, pk):
    """The decision with its reasons: the form, then a look at what will be recorded (it
    cannot be changed afterwards), then `confirm` records it through the service."""
    rights_request = _get_request(request, pk)
    today = timezone.localdate()
    if rights_request.status != RightsRequest.Status.RECEIVED:
        if request.method == "POST":
            messages.error(request, _("This request was decided before."))
        return redirect("rights:detail", pk=rights_request.pk)
    form = DecisionForm(request.POST or None, request=rights_request)
    template, status = "rights/decide.html", 200
    extra = {"blockers": _destruction_blockers(rights_request, today)}
    if form.is_bound:
        if not form.is_valid():
            status = 400
        elif "back" in request.POST:
            pass
        elif "confirm" not in request.POST:
            template = "rights/decide_confirm.html"
            extra["decision_label"] = RightsRequest.Decision(form.cleaned_data["decision"]).label
        else:
            try:
                services.rights_request_decide(
                    rights_request,
                    decision=form.cleaned_data["decision"],
                    reason=form.cleaned_data["reason"],
                    user=request.user,
                    today=today,
                )
            except ValidationError as exc:
                add_validation_errors(form, exc)
                status = 400
            else:
                _log_request_change(request, rights_request)
                messages.success(
                    request, _("Decision recorded. Tell the family, with the reasons.")
                )
                return redirect("rights:detail", pk=rights_request.pk)
    _log_request_read(request, rights_request)
    return render(
        request,
        template,
        {"rq": rights_request, "form": form, "today": today, **extra},
        status=status,
    )


@privacy_only
@require_http_methods(["GET", "POST"])
def extend(request, pk):
    """AVG art. 12(3): the deadline extended by two months, once, with the reason. The page
    says the new deadline before it is recorded."""
    rights_request = _get_request(request, pk)
    today = timezone.localdate()
    if request.method == "GET" and not _detail_context(rights_request, today)["can_extend"]:
        messages.info(request, _("This request's deadline cannot be extended (any more)."))
        return redirect("rights:detail", pk=rights_request.pk)
    form = ExtensionForm(request.POST or None)
    status = 200
    if form.is_bound:
        if form.is_valid():
            try:
                services.rights_request_extend(
                    rights_request, reason=form.cleaned_data["reason"], today=today
                )
            except ValidationError as exc:
                add_validation_errors(form, exc)
                status = 400
            else:
                _log_request_change(request, rights_request)
                messages.success(
                    request, _("Deadline extended. Tell the family, with the reason, now.")
                )
                return redirect("rights:detail", pk=rights_request.pk)
        else:
            status = 400
    _log_request_read(request, rights_request)
    return render(
        request,
        "rights/extend.html",
        {
            "rq": rights_request,
            "form": form,
            "new_deadline": rights_request.received_on
            + relativedelta(months=services.ANSWER_MONTHS + services.EXTENSION_MONTHS),
        },
        status=status,
    )


@privacy_only
@require_http_methods(["GET", "POST"])
def close(request, pk):
    """A granted correction of something other than the person data (a conversation report,
    a plan): closed with what was corrected, once the team confirmed it."""
    rights_request = _get_request(request, pk)
    today = timezone.localdate()
    if rights_request.kind != RightsRequest.Kind.CORRECTION:
        raise Http404
    if request.method == "GET":
        return redirect("rights:detail", pk=rights_request.pk)
    form = CloseForm(request.POST)
    if form.is_valid() and "confirm" not in request.POST:
        # A look first: closing cannot be undone.
        _log_request_read(request, rights_request)
        return render(request, "rights/close_confirm.html", {"rq": rights_request, "form": form})
    if form.is_valid():
        try:
            services.rights_request_close(
                rights_request, note=form.cleaned_data["note"], today=today
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            _log_request_change(request, rights_request)
            messages.success(
                request, _("The request is closed. Tell the family what was corrected.")
            )
        return redirect("rights:detail", pk=rights_request.pk)
    _log_request_read(request, rights_request)
    context = _detail_context(rights_request, today)
    context["close_form"] = form
    return render(request, "rights/detail.html", context, status=400)


@privacy_only
@require_http_methods(["GET", "POST"])
def correct(request, pk):
    """Carry out a granted correction of the child's person data: the form with the data
    as registered, a look at old → new, then `confirm` saves it through the service (the
    child's history keeps the old values, with the request's number)."""
    rights_request = _get_request(request, pk)
    today = timezone.localdate()
    if rights_request.kind != RightsRequest.Kind.CORRECTION:
        raise Http404
    if rights_request.status != RightsRequest.Status.DECIDED:
        if request.method == "POST":
            messages.error(request, _("Only a granted request that waits is carried out."))
        return redirect("rights:detail", pk=rights_request.pk)
    client = Client.objects.get(pk=rights_request.client_id)
    form = PersonCorrectionForm(request.POST or None, client=client, today=today)
    template, status = "rights/correct.html", 200
    if form.is_bound:
        if not form.is_valid():
            status = 400
        elif "back" in request.POST:
            pass
        elif "confirm" not in request.POST:
            template = "rights/correct_confirm.html"
        else:
            try:
                services.correction_apply(
                    rights_request, changes=form.changes(), user=request.user, today=today
                )
            except ValidationError as exc:
                add_validation_errors(form, exc)
                status = 400
            else:
                access_log_record(
                    request=request,
                    event=Event.CHANGE,
                    part="person data correction",
                    clients=[client],
                    object_id=rights_request.pk,
                )
                messages.success(
                    request, _("The child's data are corrected and the request is closed.")
                )
                return redirect("rights:detail", pk=rights_request.pk)
    log_read(request, "person data correction", [client], rights_request.pk)
    return render(
        request,
        template,
        {"rq": rights_request, "client": client, "form": form},
        status=status,
    )
