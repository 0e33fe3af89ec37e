"""The youth administration's back office (jeugdadministratie): the work on indications
that needs a child's identity, on application pages rather than in the admin: deciding on
extension requests and importing indications. Every page that shows a child is logged."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from audit.services import Event, access_log_record, log_read
from samen.decorators import role_required
from samen.forms import add_validation_errors
from samen.pagination import page_number as paged
from samen.roles import YOUTH_ADMIN

from . import services
from .forms import ExtensionDecisionForm, ImportForm
from .importer import import_indications_csv
from .models import ExtensionRequest, Indication

PAGE_SIZE = 50
# An import with thousands of bad lines shows the first ones; the count says how many.
ERRORS_SHOWN = 500

youth_admin_only = role_required(YOUTH_ADMIN)


def _extension_requests(user):
    """Extension requests of the indications this user may see (Indication.visible_to),
    with the indication, child, product and provider in the same query."""
    return ExtensionRequest.objects.filter(
        indication__in=Indication.objects.visible_to(user)
    ).select_related(
        "indication__client", "indication__product", "indication__provider", "decided_by"
    )


@youth_admin_only
@require_GET
def backoffice(request):
    """Extension requests waiting for a decision, oldest first; pages without counting."""
    page_number = paged(request.GET.get("page", "1"))
    offset = (page_number - 1) * PAGE_SIZE
    rows = list(
        _extension_requests(request.user)
        .filter(decision=ExtensionRequest.Decision.PENDING)
        .order_by("requested_on", "id")[offset : offset + PAGE_SIZE + 1]
    )
    shown = rows[:PAGE_SIZE]
    if shown:
        log_read(request, "extension requests", [ext.indication.client_id for ext in shown])
    return render(
        request,
        "indications/backoffice/index.html",
        {
            "extension_requests": shown,
            "page_number": page_number,
            "has_previous": page_number > 1,
            "has_next": len(rows) > PAGE_SIZE,
        },
    )


@youth_admin_only
@require_http_methods(["GET", "POST"])
def extension_decide(request, pk):
    """One extension request: weigh it, look at what will be decided, then confirm.

    The form posts to this page twice: first to show the decision for confirmation (the
    values travel on in hidden fields), then with `confirm` to record it through the
    service, the only step that changes anything. `back` returns to the form, filled in."""
    extension = get_object_or_404(_extension_requests(request.user), pk=pk)
    pending = extension.decision == ExtensionRequest.Decision.PENDING
    form = ExtensionDecisionForm(request.POST if request.method == "POST" and pending else None)
    template, status = "indications/backoffice/extension_decide.html", 200
    if form.is_bound:
        if not form.is_valid():
            status = 400
        elif "back" in request.POST:
            pass
        elif "confirm" not in request.POST:
            template = "indications/backoffice/extension_confirm.html"
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
                messages.success(request, _("Decision recorded."))
                return redirect("indications:backoffice")
    elif request.method == "POST":
        # Decided meanwhile (by a colleague, or in another tab): show what was decided.
        messages.error(request, _("This request has already been decided."))
        return redirect("indications:extension_decide", pk=extension.pk)
    log_read(request, "extension request", [extension.indication.client_id], extension.pk)
    return render(
        request,
        template,
        {"extension": extension, "indication": extension.indication, "form": form},
        status=status,
    )


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
