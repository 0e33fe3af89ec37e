"""The privacy officer's review of a copy (inzage / afschrift): withhold parts with a
reason, check what goes out, release, and download the released files. Every view of the
child's data is logged in the access log as a read of "copy of a file"."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from audit import services as audit
from samen.decorators import role_required
from samen.limits import REASON_TEXT
from samen.roles import PRIVACY

from . import copies
from .dossier import file_collect
from .models import FileCopy, RightsRequest

PART = "copy of a file"
FORMATS = {"pdf": ("application/pdf", "pdf"), "json": ("application/json", "json")}


def _request(user, pk) -> RightsRequest:
    """Only through visible_to; a number that is not there (or not the officer's) is 404."""
    found = RightsRequest.objects.visible_to(user).select_related("client", "team").filter(pk=pk)
    request = found.first()
    if request is None:
        raise Http404
    return request


def _released(rights_request) -> FileCopy | None:
    file_copy = FileCopy.objects.filter(request=rights_request).first()
    if file_copy is not None and file_copy.status == FileCopy.Status.RELEASED:
        return file_copy
    return None


def _parse(post, dossier) -> tuple[list[dict], dict[str, str], dict[str, dict]]:
    """The choices of the review form: for every section and item `withhold-<key>`, with
    `ground-<key>` and `note-<key>`. Returns the choices, errors by key, and what was typed
    (so that nothing is lost when the page comes back with a message)."""
    keys = [section.key for section in dossier.sections] + [item.key for item in dossier.items()]
    chosen, errors, typed = [], {}, {}
    for key in keys:
        ground = post.get(f"ground-{key}", "")
        note = post.get(f"note-{key}", "").strip()
        on = post.get(f"withhold-{key}") == "on"
        typed[key] = {"on": on, "ground": ground, "note": note}
        if not on:
            continue
        if ground not in copies.GROUNDS:
            errors[key] = _("Choose why this part is withheld.")
        elif len(note) > REASON_TEXT:
            errors[key] = _("Ensure the explanation has at most %(max)s characters.") % {
                "max": REASON_TEXT
            }
        else:
            chosen.append({"key": key, "ground": ground, "note": note})
    return chosen, errors, typed


def _unavailable(request, rights_request, problem):
    messages.warning(request, problem)
    return render(
        request, "rights/copy_unavailable.html", {"rights_request": rights_request}, status=200
    )


@role_required(PRIVACY)
@require_http_methods(["GET", "POST"])
def copy_review(request, pk):
    """The whole file with, per part, the choice to withhold it with a reason."""
    rights_request = _request(request.user, pk)
    released = _released(rights_request)
    if released is not None:
        audit.log_read(request, PART, [rights_request.client], rights_request.pk)
        return render(
            request,
            "rights/copy_released.html",
            {
                "rights_request": rights_request,
                "file_copy": released,
                "withheld": released.withheld,
            },
        )
    try:
        file_copy = copies.copy_open(rights_request)
    except ValidationError as error:
        return _unavailable(request, rights_request, error.messages[0])
    dossier = file_collect(rights_request.client)
    stored = {entry["key"]: entry for entry in file_copy.withheld}
    typed = {
        key: {"on": True, "ground": entry.get("ground", ""), "note": entry.get("note", "")}
        for key, entry in stored.items()
    }
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        chosen, errors, typed = _parse(request.POST, dossier)
        if not errors:
            try:
                copies.copy_review_save(file_copy, withheld=chosen, dossier=dossier)
            except ValidationError as error:
                messages.error(request, error.messages[0])
                return redirect("rights:copy_review", pk=rights_request.pk)
            messages.success(request, _("Your choices are saved. Check what goes out."))
            return redirect("rights:copy_confirm", pk=rights_request.pk)
        messages.error(request, _("Some parts to withhold have no reason; see below."))
        status = 400
    audit.log_read(request, PART, [rights_request.client], rights_request.pk)
    sections = [
        {
            "section": section,
            "state": typed.get(section.key, {}),
            "error": errors.get(section.key, ""),
            "items": [
                {"item": item, "state": typed.get(item.key, {}), "error": errors.get(item.key, "")}
                for item in section.items
            ],
        }
        for section in dossier.sections
    ]
    return render(
        request,
        "rights/copy_review.html",
        {
            "rights_request": rights_request,
            "file_copy": file_copy,
            "dossier": dossier,
            "sections": sections,
            "grounds": list(copies.GROUNDS.items()),
            "max_note": REASON_TEXT,
        },
        status=status,
    )


@role_required(PRIVACY)
@require_http_methods(["GET", "POST"])
def copy_confirm(request, pk):
    """Controleer en verstrek: what goes out and what is withheld, then release."""
    rights_request = _request(request.user, pk)
    if _released(rights_request) is not None:
        if request.method == "POST":
            messages.info(request, _("This copy was released before; nothing was sent again."))
        return redirect("rights:copy_review", pk=rights_request.pk)
    try:
        file_copy = copies.copy_open(rights_request)
    except ValidationError as error:
        return _unavailable(request, rights_request, error.messages[0])
    if request.method == "POST":
        try:
            copies.copy_release(
                rights_request,
                withheld=file_copy.withheld,
                user=request.user,
                today=timezone.localdate(),
            )
        except ValidationError as error:
            messages.error(request, error.messages[0])
            return redirect("rights:copy_review", pk=rights_request.pk)
        messages.success(request, _("The copy is made and the request is closed."))
        return redirect("rights:copy_review", pk=rights_request.pk)
    dossier = file_collect(rights_request.client)
    context = copies.copy_context(
        rights_request, dossier, copies.withheld_map(file_copy.withheld), timezone.localdate()
    )
    audit.log_read(request, PART, [rights_request.client], rights_request.pk)
    return render(request, "rights/copy_confirm.html", {**context, "file_copy": file_copy})


@role_required(PRIVACY)
@require_http_methods(["GET"])
def copy_download(request, pk, fmt):
    """The released PDF or JSON, as an attachment; logged as a download."""
    if fmt not in FORMATS:
        raise Http404
    rights_request = _request(request.user, pk)
    file_copy = _released(rights_request)
    if file_copy is None:
        raise Http404
    stored = getattr(file_copy, fmt)
    if not stored:
        raise Http404
    try:
        handle = stored.open("rb")
    except OSError as error:
        raise Http404 from error
    audit.access_log_record(
        request=request,
        event=audit.Event.DOWNLOAD,
        part=PART,
        clients=[rights_request.client],
        object_id=rights_request.pk,
    )
    content_type, extension = FORMATS[fmt]
    kind = "inzage" if rights_request.kind == RightsRequest.Kind.INSPECTION else "afschrift"
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"{kind}-verzoek-{rights_request.pk}.{extension}",
        content_type=content_type,
    )
