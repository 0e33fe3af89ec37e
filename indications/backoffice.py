"""The youth administration's back office (jeugdadministratie): the work on indications
that needs a child's identity, on application pages rather than in the admin: deciding on
extension requests (and printing the decision's beschikking letter) and importing
indications. Every page that shows a child is logged."""

import base64
import hashlib
import json
import uuid

from cryptography.fernet import Fernet, InvalidToken
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db.models import F
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audit.services import Event, access_log_record, log_read
from ijw.importer import Jw301Result, entries_from_zip, import_jw301
from ijw.selectors import worklist_counts
from openhouse.uploads import upload_was_too_large
from samen.decorators import role_required
from samen.forms import add_validation_errors
from samen.pagination import page_number as paged
from samen.roles import YOUTH_ADMIN

from . import services
from .forms import ExtensionDecisionForm, ImportConfirmForm, ImportForm
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
    every line checked first; the line errors are shown in a table. A CSV imports at once;
    the previous system's JW301 messages (.zip or .xml) are checked and their report shown
    first, and imported on confirmation (they may remove allocations: reason 13)."""
    if request.method == "POST" and "token" in request.POST:
        return _import_jw301_confirmed(request)
    result = None
    form = (
        ImportForm(request.POST, request.FILES, too_large=upload_was_too_large(request))
        if request.method == "POST"
        else ImportForm()
    )
    if form.is_bound and form.is_valid() and form.format == "jw301":
        return _import_jw301_check(request, form)
    if form.is_bound and form.is_valid():
        try:
            result = _import_csv_upload(form.cleaned_data["file"], user=request.user)
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


def _import_csv_upload(upload, *, user):
    """Import an uploaded CSV file through the storage (Django's storage API: the disk, or
    an object store shared by every web machine): saved under a random name, read back in
    chunks by the importer, and deleted afterwards, whatever the outcome."""
    name = default_storage.save(f"imports/indications-{uuid.uuid4().hex}.csv", upload)
    try:
        with default_storage.open(name, "rb") as stored:
            return import_indications_csv(stored, user=user)
    finally:
        default_storage.delete(name)


# The checked upload waits this long for the confirmation (then: upload it again).
JW301_CONFIRM_SECONDS = 15 * 60


def _jw301_key(request, token: str) -> str:
    # Per user: another user's token finds nothing. The cache key is a hash of the token,
    # which is also the encryption key: the cache never holds what reads the upload.
    digest = hashlib.sha256(token.encode()).hexdigest()
    return f"ijw-import:{request.user.pk}:{digest}"


def _jw301_keep(request, entries) -> str:
    """Keep the checked upload for the confirmation, encrypted: the messages name
    children, and the key travels only in the confirmation form (the browser's), so the
    cache (Redis) holds nothing readable. Returns the token for the form."""
    token = Fernet.generate_key().decode()
    plain = json.dumps([[name, base64.b64encode(data).decode()] for name, data in entries])
    sealed = Fernet(token.encode()).encrypt(plain.encode())
    cache.set(_jw301_key(request, token), sealed, JW301_CONFIRM_SECONDS)
    return token


def _jw301_take(request, token: str):
    key = _jw301_key(request, token)
    sealed = cache.get(key)
    # Taken once: of two confirmations at the same moment only one deletes the key.
    if sealed is None or not cache.delete(key):
        return None
    try:
        plain = Fernet(token.encode()).decrypt(sealed)
    except (InvalidToken, ValueError):
        return None
    return [(name, base64.b64decode(data)) for name, data in json.loads(plain)]


def _jw301_entries(files, result: Jw301Result) -> list:
    """The messages of the uploaded files: an .xml as it is, a zip unpacked (its limits)."""
    entries = []
    for name, data in files:
        if name.lower().endswith(".zip"):
            entries += entries_from_zip(data, result, name=name)
        else:
            entries.append((name, data))
    return entries


def _import_jw301_check(request, form):
    """Step 1: read and check the messages, apply them and roll back: the report shows
    what the import would do; the upload as sent (at most the upload limit, not the
    unpacked zip) is kept, encrypted, for step 2."""
    result = Jw301Result()
    entries = _jw301_entries(form.cleaned_data["file"], result)
    if result.ok:
        result = import_jw301(entries, result=result, dry_run=True)
    if not result.ok:
        return _import_page(request, form, result, status=400)
    token = _jw301_keep(request, form.cleaned_data["file"])
    return render(
        request,
        "indications/backoffice/import_confirm.html",
        {"result": result, "confirm": ImportConfirmForm(initial={"token": token})},
    )


def _import_jw301_confirmed(request):
    """Step 2: import the checked upload for real (checked again: all or nothing)."""
    confirm = ImportConfirmForm(request.POST)
    entries, result = None, Jw301Result()
    if confirm.is_valid():
        files = _jw301_take(request, confirm.cleaned_data["token"])
        entries = None if files is None else _jw301_entries(files, result)
    form = ImportForm()
    if entries is None:
        messages.error(
            request,
            _("The checked upload is no longer kept (or was imported already): upload it again."),
        )
        return _import_page(request, form, None, status=400)
    result = import_jw301(entries, result=result)
    if not result.ok:
        return _import_page(request, form, result, status=400)
    # The importer reports counts, not which children: the entry names none.
    access_log_record(request=request, event=Event.CREATE, part="indication import (JW301)")
    return render(
        request,
        "indications/backoffice/import_confirm.html",
        {"result": result, "done": True},
    )


def _import_page(request, form, result, *, status):
    return render(
        request,
        "indications/backoffice/import.html",
        {
            "form": form,
            "result": result,
            "jw301": isinstance(result, Jw301Result),
            "errors_shown": result.errors[:ERRORS_SHOWN] if result else [],
        },
        status=status,
    )
