import copy
import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.db.models.functions import TruncWeek
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.services import Event, access_log_record, log_read, log_refused
from intake.forms import wij_workers
from intake.models import SupportRequest, Team, user_team_ids
from intake.services import CONFLICT_MESSAGE, ConflictError
from samen.decorators import role_required
from samen.forms import add_validation_errors, errors_as_text, posted_initial
from samen.roles import OFFICIAL, TEAM_LEAD, WIJ_STAFF

from . import services
from .forms import (
    BeschikkingIssueForm,
    BeschikkingRequestForm,
    ChildOutcomeForm,
    ChildOutcomeFormSet,
    CorrectionAnswerForm,
    CorrectionForm,
    ExceptionDecisionForm,
    ReportForm,
    ShownForm,
    TriageForm,
    offer_providers,
)
from .models import Beschikking, ConversationReport, CorrectionRequest, OpenHouseException, Triage
from .pdf import beschikking_pdf, letter_context

staff_only = role_required(WIJ_STAFF, TEAM_LEAD)


def _request(request, pk):
    support_request = SupportRequest.objects.visible_to(request.user).filter(pk=pk).first()
    if support_request is None:
        _refuse(request, "request", SupportRequest.objects.filter(pk=pk).first(), pk)
    return support_request


def _refuse(request, part, support_request, object_id):
    """Not visible to this user: log the attempt when the record exists, then 404."""
    if support_request is not None:
        log_refused(request, part, support_request.clients.all(), object_id)
    raise Http404


def _clients(support_request):
    return support_request.clients.all()


TRIAGE_FIELDS = (
    "held_on",
    "life_domains",
    "child_heard",
    "child_not_heard_reason",
    "safety_concerns",
    "safety_actions",
    "reasons",
)
# What the confirmation step carries back and forth besides the form's own fields.
STEP_KEYS = {"csrfmiddlewaretoken", "confirm", "back"}


def _triage_forms(request, support_request, existing):
    """The triage form and the outcome per child (one form per child of the request), the
    provider selects filled with the chosen providers and the matches of the search."""
    searching = request.method == "POST" and "_search_provider" in request.POST
    form, formset = _triage_forms_of(request, support_request, existing, searching=searching)
    form.provider_message = offer_providers(formset.forms, form["provider_search"].value())
    return form, formset, searching


def _triage_forms_of(request, support_request, existing, *, searching: bool):
    children = list(support_request.clients.order_by("date_of_birth", "pk"))
    initial = {"version": support_request.version, "workers": [request.user.pk]}
    child_initial = [{"client": child.pk} for child in children]
    if existing:
        initial.update({f: getattr(existing, f) for f in TRIAGE_FIELDS})
        initial["workers"] = list(existing.workers.values_list("pk", flat=True))
        initial["products"] = list(existing.products.values_list("pk", flat=True))
        if hasattr(existing, "exception"):
            initial["exception_product"] = existing.exception.product_id
        rows = {row.client_id: row for row in existing.child_outcomes.all()}
        for item in child_initial:
            row = rows.get(item["client"])
            if row is not None:
                item.update(
                    outcome=row.outcome,
                    intensity=row.intensity,
                    other_route=row.other_route,
                    provider=row.provider_id,
                    provider_contacted_on=row.provider_contacted_on,
                    wij_role=row.wij_role if row.wij_role == "coordination" else "",
                )
    data = request.POST if request.method == "POST" and not searching else None
    if searching:
        initial.update(posted_initial(TriageForm, request.POST))
        for index, item in enumerate(child_initial):
            posted = posted_initial(ChildOutcomeForm, request.POST, f"children-{index}")
            item.update({**posted, "client": item["client"]})
    # The members of the request's team, the user, and whoever is already recorded.
    workers = wij_workers([support_request.team_id], also=[request.user.pk, *initial["workers"]])
    form = TriageForm(data, initial=initial, persons=children, workers=workers)
    formset = ChildOutcomeFormSet(data, initial=child_initial, prefix="children", children=children)
    return form, formset


def _triage_plan(request, support_request, form, formset):
    """Validate both forms and the rules across them; the plan of what will happen, or
    None with the errors on the forms."""
    form_valid = form.is_valid()
    if not (formset.is_valid() and form_valid):
        return None
    data = form.cleaned_data
    form.fields["products"].on_date = data["held_on"]
    items = formset.items
    errors = services.outcome_errors(
        children=items,
        held_on=data["held_on"],
        products=list(data["products"]),
        reasons=data["reasons"],
        exception_product=data["exception_product"],
    )
    for name, message in errors.items():
        form.add_error(name, message)
    if errors:
        return None
    plan = services.triage_plan(
        support_request=support_request,
        user=request.user,
        held_on=data["held_on"],
        safety_concerns=data["safety_concerns"],
        children=items,
        products=list(data["products"]),
        exception_product=data["exception_product"],
    )
    for child_form in formset.forms:
        client = child_form.cleaned_data["client"]
        if client.pk in plan.conflicts:
            child_form.add_error(
                "outcome", services.conflict_message(client, plan.conflicts[client.pk])
            )
        if client.pk in plan.extension_refusals:
            child_form.add_error("outcome", plan.extension_refusals[client.pk])
    return None if plan.conflicts or plan.extension_refusals else plan


@staff_only
def triage(request, pk):
    """Record or revise the triage of a request: the form, then a confirmation that shows
    what will happen (per child, the trajectory, how the request closes), then the save."""
    support_request = _request(request, pk)
    existing = Triage.objects.filter(support_request=support_request).first()
    log_read(request, "triage", _clients(support_request), pk)
    form, formset, searching = _triage_forms(request, support_request, existing)
    context = {"form": form, "formset": formset, "req": support_request, "triage": existing}
    if request.method != "POST" or request.POST.get("back") or searching:
        return render(request, "triage/triage_form.html", context)
    plan = _triage_plan(request, support_request, form, formset)
    if plan is None:
        return render(request, "triage/triage_form.html", context, status=400)
    if request.POST.get("confirm") != "1":
        carried = [
            (key, value)
            for key, values in request.POST.lists()
            if key not in STEP_KEYS
            for value in values
        ]
        return render(
            request,
            "triage/triage_confirm.html",
            {**context, "plan": plan, "carried": carried, "data": form.cleaned_data},
        )
    data = form.cleaned_data
    try:
        services.triage_record(
            support_request_id=support_request.pk,
            expected_version=data["version"],
            user=request.user,
            children=formset.items,
            **{k: v for k, v in data.items() if k not in ("version", "provider_search")},
        )
    except ConflictError:
        messages.error(request, CONFLICT_MESSAGE)
    except ValidationError as exc:
        add_validation_errors(form, exc)
    else:
        _log(request, Event.CHANGE if existing else Event.CREATE, "triage", support_request)
        messages.success(request, _("Triage recorded."))
        return redirect("intake:detail", pk=pk)
    return render(request, "triage/triage_form.html", context, status=400)


@role_required(OFFICIAL)
def exceptions(request):
    """Open House exceptions after the closing date, for the municipality to weigh.
    Shows no names: the product, the provider and WIJ's reasons are what is weighed."""
    pending = OpenHouseException.objects.select_related("product", "triage").filter(
        approval=OpenHouseException.Approval.PENDING
    )
    decided = OpenHouseException.objects.select_related("product", "triage", "decided_by").exclude(
        approval__in=[OpenHouseException.Approval.PENDING, OpenHouseException.Approval.NOT_NEEDED]
    )[:50]
    return render(
        request,
        "triage/exceptions.html",
        {"pending": pending, "decided": decided, "form": ExceptionDecisionForm()},
    )


@role_required(OFFICIAL)
@require_POST
def exception_decide(request, exception_pk):
    exception = get_object_or_404(OpenHouseException, pk=exception_pk)
    form = ExceptionDecisionForm(request.POST)
    if form.is_valid():
        try:
            services.exception_decide(
                exception_id=exception.pk,
                user=request.user,
                approve=form.cleaned_data["approve"],
                reasons=form.cleaned_data["reasons"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Decision recorded."))
    else:
        messages.error(request, errors_as_text(form))
    return redirect("triage:exceptions")


@staff_only
def beschikking_new(request, pk):
    support_request = _request(request, pk)
    form = BeschikkingRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            beschikking = services.beschikking_request(
                support_request=support_request, user=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            _log(request, Event.CREATE, "beschikking", support_request, beschikking.pk)
            messages.success(request, _("The request for a beschikking is recorded."))
            return redirect("triage:beschikking", pk=beschikking.pk)
    return render(
        request,
        "triage/beschikking_request.html",
        {"form": form, "req": support_request},
        status=400 if form.is_bound and form.errors else 200,
    )


def _log(request, event, part, support_request, object_id=None):
    access_log_record(
        request=request,
        event=event,
        part=part,
        clients=_clients(support_request),
        object_id=object_id or support_request.pk,
    )


def _beschikking(request, pk):
    beschikking = get_object_or_404(Beschikking.objects.select_related("support_request"), pk=pk)
    if (
        not SupportRequest.objects.visible_to(request.user)
        .filter(pk=beschikking.support_request_id)
        .exists()
    ):
        _refuse(request, "beschikking", beschikking.support_request, pk)
    return beschikking


def preview_token(beschikking_pk: int, decision: str, grounds: str) -> str:
    """Ties "Issue" to the text the worker saw in the preview: a changed text (another tab,
    a crafted post) needs a new look first."""
    # Line ends as the browser sends them back from a hidden field (CRLF), either way.
    value = "\n".join([str(beschikking_pk), decision, grounds]).replace("\r\n", "\n")
    return salted_hmac("triage.beschikking.preview", value, algorithm="sha256").hexdigest()


@staff_only
def beschikking(request, pk):
    """Issue a beschikking in two steps: the text, then the letter exactly as it will be
    sent (the PDF's template, marked CONCEPT) with "Issue" (step=issue) or "Back" (step=edit,
    keeps what was typed). Issuing locks the row: a second tab or a double click gets the
    message that it is issued, never a second letter."""
    beschikking = _beschikking(request, pk)
    log_read(request, "beschikking", _clients(beschikking.support_request), pk)
    step = request.POST.get("step", "preview")
    # Bound on every POST, an empty one too (`request.POST or None` left it unbound).
    form = BeschikkingIssueForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and step == "edit":
        form = BeschikkingIssueForm(
            initial={f: request.POST.get(f, "") for f in ("decision", "grounds")}
        )
    elif request.method == "POST" and beschikking.issued_on:
        form.is_valid()
        form.add_error(None, _("This beschikking has been issued: it cannot change any more."))
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        token = preview_token(beschikking.pk, data["decision"], data["grounds"])
        if step == "issue" and constant_time_compare(request.POST.get("previewed", ""), token):
            try:
                services.beschikking_issue(beschikking_id=beschikking.pk, user=request.user, **data)
            except ValidationError as exc:
                add_validation_errors(form, exc)
            else:
                _log(request, Event.CHANGE, "beschikking", beschikking.support_request, pk)
                messages.success(
                    request, _("The beschikking is issued. Print the letter and send it.")
                )
                return redirect("triage:beschikking", pk=pk)
        else:
            if step == "issue":
                messages.warning(
                    request, _("The text changed since the preview: look at the letter again.")
                )
            concept = copy.copy(beschikking)
            concept.decision, concept.grounds = data["decision"], data["grounds"]
            concept.issued_on, concept.issued_by = timezone.localdate(), request.user
            return render(
                request,
                "triage/beschikking_preview.html",
                {
                    "beschikking": beschikking,
                    "form": form,
                    "token": token,
                    **letter_context(concept, concept=True),
                },
            )
    return render(
        request,
        "triage/beschikking.html",
        {"beschikking": beschikking, "form": form},
        status=400 if form.is_bound and form.errors else 200,
    )


@staff_only
def beschikking_letter(request, pk):
    beschikking = _beschikking(request, pk)
    if not beschikking.issued_on:
        raise Http404
    _log(request, Event.EXPORT, "beschikking letter", beschikking.support_request, pk)
    response = HttpResponse(beschikking_pdf(beschikking), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="beschikking-{beschikking.pk}.pdf"'
    return response


@staff_only
@require_POST
def report_new(request, pk):
    support_request = _request(request, pk)
    form = ReportForm(request.POST)
    if form.is_valid():
        report = services.report_write(
            support_request=support_request, user=request.user, **form.cleaned_data
        )
        _log(request, Event.CREATE, "conversation report", support_request, report.pk)
        messages.success(request, _("Conversation report saved."))
    else:
        messages.error(request, errors_as_text(form))
    return redirect("intake:detail", pk=pk)


def _report(request, report_pk):
    report = get_object_or_404(
        ConversationReport.objects.select_related("support_request"), pk=report_pk
    )
    if (
        not SupportRequest.objects.visible_to(request.user)
        .filter(pk=report.support_request_id)
        .exists()
    ):
        _refuse(request, "conversation report", report.support_request, report_pk)
    return report


@staff_only
def report(request, report_pk):
    report = _report(request, report_pk)
    log_read(request, "conversation report", _clients(report.support_request), report_pk)
    versions = report.history.select_related("history_user").order_by("-history_date")
    corrections = report.corrections.select_related("answered_by")
    return render(
        request,
        "triage/report.html",
        {
            "report": report,
            "versions": versions,
            "corrections": corrections,
            "shown_form": ShownForm(),
            "correction_form": CorrectionForm(),
            "answer_form": CorrectionAnswerForm(initial={"new_report_text": report.text}),
        },
    )


@staff_only
@require_POST
def report_shown(request, report_pk):
    report = _report(request, report_pk)
    form = ShownForm(request.POST)
    if form.is_valid():
        services.report_mark_shown(
            report=report, shown_on=form.cleaned_data["shown_on"], user=request.user
        )
        _log(request, Event.CHANGE, "conversation report", report.support_request, report.pk)
    else:
        messages.error(request, errors_as_text(form))
    return redirect("triage:report", report_pk=report.pk)


@staff_only
@require_POST
def correction_new(request, report_pk):
    report = _report(request, report_pk)
    form = CorrectionForm(request.POST)
    if form.is_valid():
        services.correction_request(report=report, user=request.user, **form.cleaned_data)
        _log(request, Event.CREATE, "correction request", report.support_request, report.pk)
        messages.success(request, _("The family's request is recorded."))
    else:
        messages.error(request, errors_as_text(form))
    return redirect("triage:report", report_pk=report.pk)


@staff_only
@require_POST
def correction_answer(request, correction_pk):
    correction = get_object_or_404(CorrectionRequest, pk=correction_pk)
    report = _report(request, correction.report_id)
    form = CorrectionAnswerForm(request.POST)
    if form.is_valid():
        try:
            services.correction_answer(
                correction_id=correction.pk, user=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            _log(request, Event.CHANGE, "correction request", report.support_request, report.pk)
            messages.success(request, _("The answer is recorded."))
    else:
        messages.error(request, errors_as_text(form))
    return redirect("triage:report", report_pk=report.pk)


@role_required(TEAM_LEAD)
def team_outcomes(request):
    """The team lead's view: outcomes per worker and per week, and requests waiting for triage."""
    team_ids = user_team_ids(request.user)
    since = timezone.localdate() - datetime.timedelta(weeks=8)
    triages = Triage.objects.filter(held_on__gte=since)
    waiting = SupportRequest.objects.filter(
        status__in=[SupportRequest.Status.CONTACTED, SupportRequest.Status.IN_TRIAGE]
    ).filter(Q(triage__isnull=True) | Q(triage__exception__approval="pending"))
    triages = triages.filter(support_request__team_id__in=team_ids)
    waiting = list(
        waiting.filter(team_id__in=team_ids)
        .select_related("household", "assigned_worker")
        .prefetch_related("clients")
        .order_by("contact_deadline")[:100]
    )
    if waiting:
        log_read(request, "triage waiting list", [c.pk for r in waiting for c in r.clients.all()])
    rows = (
        triages.annotate(week=TruncWeek("held_on"))
        .values("week", "workers__first_name", "workers__last_name", "workers__username", "outcome")
        .annotate(count=Count("id"))
        .order_by("-week", "workers__first_name", "outcome")
    )
    labels = dict(Triage.Outcome.choices)
    table = [
        {
            **row,
            "outcome_label": labels[row["outcome"]],
            "worker": f"{row['workers__first_name'] or ''} {row['workers__last_name'] or ''}".strip()
            or row["workers__username"],
        }
        for row in rows
    ]
    return render(
        request,
        "triage/team_outcomes.html",
        {
            "rows": table,
            "waiting": waiting,
            "teams": Team.objects.filter(pk__in=team_ids),
        },
    )
