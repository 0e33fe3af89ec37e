"""The youth administration's back office (jeugdadministratie): the work on indications
that needs a child's identity, on application pages rather than in the admin: deciding on
extension requests (and printing the decision's beschikking letter) and importing
indications. Every page that shows a child is logged."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import F
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audit.services import Event, access_log_record, log_read
from ijw.selectors import worklist_counts
from samen.decorators import role_required
from samen.forms import add_validation_errors
from samen.pagination import page_number as paged
from samen.roles import YOUTH_ADMIN

from . import services
from .forms import ExtensionDecisionForm, ImportForm
from .importer import import_indications_csv
from .letter import concept_letter_context, extension_letter_pdf
from .models import ExtensionRequest

PAGE_SIZE = 50
# An import with thousands of bad lines shows the first ones; the count says how many.
ERRORS_SHOWN = 500

youth_admin_only = role_required(YOUTH_ADMIN)


def _extension_requests(user):
    """Extension requests of the indications this user may see (ExtensionRequest.visible_to),
    with the indication, child, product, provider and WIJ's triage in the same query."""
    return ExtensionRequest.objects.visible_to(user).select_related(
        "indication__client",
        "indication__product",
        "indication__provider",
        "decided_by",
        "requested_by_user",
        "triage",
        "end_evaluation",
    )


@youth_admin_only
@require_GET
def backoffice(request):
    """Extension requests waiting for a decision, the nearest deadline first (overdue ones
    marked); pages without counting."""
    page_number = paged(request.GET.get("page", "1"))
    offset = (page_number - 1) * PAGE_SIZE
    today = timezone.localdate()
    rows = list(
        _extension_requests(request.user)
        .pending()
        .order_by(F("decide_by").asc(nulls_last=True), "requested_on", "id")[
            offset : offset + PAGE_SIZE + 1
        ]
    )
    shown = rows[:PAGE_SIZE]
    for ext in shown:
        ext.overdue = ext.is_overdue(today)
        ext.needs_advice = services.extension_needs_wij_advice(ext, on_date=today)
    if shown:
        log_read(request, "extension requests", [ext.indication.client_id for ext in shown])
    message_counts = worklist_counts(request.user, today=today)
    return render(
        request,
        "indications/backoffice/index.html",
        {
            "extension_requests": shown,
            "page_number": page_number,
            "has_previous": page_number > 1,
            "has_next": len(rows) > PAGE_SIZE,
            "today": today,
            "message_counts": message_counts,
        },
    )


def _ends_so_far(indication) -> list[dict]:
    """Every end date the indication has had, from its history (oldest first): the date,
    since when, and the status it came with."""
    ends = []
    for row in indication.history.order_by("history_date", "history_id").only(
        "end_on", "status", "history_date"
    ):
        if not ends or ends[-1]["end_on"] != row.end_on:
            ends.append(
                {
                    "end_on": row.end_on,
                    "since": timezone.localdate(row.history_date),
                    "status": row.get_status_display(),
                }
            )
    return ends


def _decide_context(extension, form, today):
    indication = extension.indication
    return {
        "extension": extension,
        "indication": indication,
        "form": form,
        "today": today,
        "overdue": extension.is_overdue(today),
        "needs_advice": extension.is_pending
        and services.extension_needs_wij_advice(extension, on_date=today),
        "ends_so_far": _ends_so_far(indication),
        "earlier_requests": indication.extension_requests.exclude(pk=extension.pk)
        .select_related("decided_by")
        .order_by("requested_on", "pk"),
    }


@youth_admin_only
@require_http_methods(["GET", "POST"])
def extension_decide(request, pk):
    """One extension request: weigh it, look at what will be decided and at the letter the
    family gets (marked CONCEPT), then confirm.

    The form posts to this page twice: first to show the decision and the letter for
    confirmation (the values travel on in hidden fields), then with `confirm` to record it
    through the service, the only step that changes anything. `back` returns to the form,
    filled in. After the Open House closed for the product, "extend" is offered only with
    WIJ's advice (decision 76)."""
    extension = get_object_or_404(_extension_requests(request.user), pk=pk)
    today = timezone.localdate()
    pending = extension.is_pending
    extend_allowed = not (pending and services.extension_needs_wij_advice(extension, on_date=today))
    form = ExtensionDecisionForm(
        request.POST if request.method == "POST" and pending else None,
        extend_allowed=extend_allowed,
    )
    template, status = "indications/backoffice/extension_decide.html", 200
    extra = {}
    if form.is_bound:
        if not form.is_valid():
            status = 400
        elif "back" in request.POST:
            pass
        elif "confirm" not in request.POST:
            template = "indications/backoffice/extension_confirm.html"
            extra = concept_letter_context(
                extension,
                decision=form.cleaned_data["decision"],
                weighing=form.cleaned_data["weighing"],
                new_end_on=form.cleaned_data["new_end_on"],
                user=request.user,
            )
        else:
            try:
                services.extension_decide(
                    request_id=extension.pk,
                    decision=form.cleaned_data["decision"],
                    weighing=form.cleaned_data["weighing"],
                    new_end_on=form.cleaned_data["new_end_on"],
                    user=request.user,
                )
            except ValidationError as exc:
                add_validation_errors(form, exc)
                status = 400
            else:
                access_log_record(
                    request=request,
                    event=Event.CHANGE,
                    part="extension decision",
                    clients=[extension.indication.client_id],
                    object_id=extension.pk,
                )
                messages.success(
                    request,
                    _("Decision recorded. Print the letter for the family and send it."),
                )
                return redirect("indications:extension_decide", pk=extension.pk)
    elif request.method == "POST":
        # Decided meanwhile (by a colleague, or in another tab): show what was decided.
        messages.error(request, _("This request has already been decided."))
        return redirect("indications:extension_decide", pk=extension.pk)
    log_read(request, "extension request", [extension.indication.client_id], extension.pk)
    return render(
        request,
        template,
        {**_decide_context(extension, form, today), **extra},
        status=status,
    )


@youth_admin_only
@require_POST
def extension_letter(request, pk):
    """The decided request's beschikking letter as a PDF, to print and send; the first
    print is recorded (it dates the letter and the objection term)."""
    extension = get_object_or_404(_extension_requests(request.user), pk=pk)
    try:
        extension = services.extension_letter_printed(extension_id=extension.pk, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("indications:extension_decide", pk=pk)
    extension = _extension_requests(request.user).get(pk=pk)
    access_log_record(
        request=request,
        event=Event.EXPORT,
        part="extension letter",
        clients=[extension.indication.client_id],
        object_id=extension.pk,
    )
    response = HttpResponse(extension_letter_pdf(extension), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="besluit-verlenging-{extension.pk}.pdf"'
    )
    return response


@youth_admin_only
@require_http_methods(["GET", "POST"])
def import_view(request):
    """The indication import (the same as `manage.py import_indications`): all or nothing,
    every line checked first; the line errors are shown in a table."""
    result = None
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    if form.is_bound and form.is_valid():
        try:
            result = import_indications_csv(form.cleaned_data["file"])
        except ValidationError as exc:
            # A safety net: the line checks use the model's own rules, so the model should
            # refuse nothing they let through; if it does, the transaction rolled back.
            reason = (
                "; ".join(
                    f"{name}: {' '.join(errors)}" for name, errors in exc.message_dict.items()
                )
                if hasattr(exc, "error_dict")
                else " ".join(exc.messages)
            )
            form.add_error("file", _("Nothing imported: %(reason)s") % {"reason": reason})
        else:
            if result.ok:
                # The importer reports counts, not which children: the entry names none.
                access_log_record(request=request, event=Event.CREATE, part="indication import")
                messages.success(
                    request,
                    _(
                        "Imported: %(created)s new indications, %(existing)s already known, %(clients)s new children."
                    )
                    % {
                        "created": result.created,
                        "existing": result.existing,
                        "clients": result.clients_created,
                    },
                )
                return redirect("indications:import")
    status = 400 if form.is_bound and (form.errors or (result and not result.ok)) else 200
    return _import_page(request, form, result, status=status)


def _import_page(request, form, result, *, status):
    return render(
        request,
        "indications/backoffice/import.html",
        {
            "form": form,
            "result": result,
            "errors_shown": result.errors[:ERRORS_SHOWN] if result else [],
        },
        status=status,
    )
