"""Inspection and a copy (Jeugdwet art. 7.3.10, AVG art. 15): the privacy officer reviews
everything the system holds on the child, withholds what would harm others or the child
(art. 7.3.11) with the reason, and releases a PDF for the family and a JSON file. The
files are kept with the request (FileCopy) as the proof of what was given."""

import datetime
import secrets

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from samen.limits import REASON_TEXT

from . import services
from .dossier import Dossier, dossier_json_text, file_collect
from .models import FileCopy, RightsRequest

# Jeugdwet art. 7.3.11 (with 7.3.10): what may be withheld from the family.
GROUNDS = {
    "third_party": gettext_lazy(
        "It concerns someone else, whose privacy would be harmed (Jeugdwet art. 7.3.11)"
    ),
    "harm": gettext_lazy(
        "Giving it would harm the child's interests, e.g. notes about a safety report "
        "(Jeugdwet art. 7.3.11)"
    ),
}
COPY_KINDS = (RightsRequest.Kind.INSPECTION, RightsRequest.Kind.COPY)
GRANTED = (RightsRequest.Decision.GRANTED, RightsRequest.Decision.PARTLY)


def copy_problem(request: RightsRequest) -> str:
    """Why no copy can be made for this request now ('' when one can)."""
    if request.kind not in COPY_KINDS:
        return _("Only a request for inspection or a copy gets a copy of the file.")
    if request.status == RightsRequest.Status.RECEIVED:
        return _("Decide on the request first: a copy is made once it is granted.")
    if request.decision not in GRANTED:
        return _("The request was refused: no copy is made.")
    if request.status == RightsRequest.Status.CLOSED:
        return _("This request is closed.")
    return ""


def withheld_reason(ground: str, note: str) -> str:
    label = str(GROUNDS[ground])
    return f"{label}: {note}" if note else label


def withheld_map(withheld: list[dict]) -> dict[str, str]:
    return {entry["key"]: entry["reason"] for entry in withheld}


@transaction.atomic
def copy_open(request: RightsRequest) -> FileCopy:
    """The copy of a granted request, in review; made on the privacy officer's first visit."""
    problem = copy_problem(request)
    if problem:
        raise ValidationError(problem)
    file_copy, _created = FileCopy.objects.get_or_create(request=request)
    return file_copy


def _checked(withheld: list[dict], dossier: Dossier) -> list[dict]:
    """Only keys of this dossier, each with a known ground; stored as the model says."""
    titles = {section.key: section.title for section in dossier.sections}
    titles.update({item.key: item.title for item in dossier.items()})
    keys = set(titles)
    checked = []
    for entry in withheld:
        key, ground, note = entry.get("key"), entry.get("ground"), (entry.get("note") or "")
        if key not in keys:
            raise ValidationError(_("A part that is not in this file cannot be withheld."))
        if ground not in GROUNDS:
            raise ValidationError(_("Give the reason for withholding each part."))
        note = note.strip()
        if len(note) > REASON_TEXT:
            raise ValidationError(_("The explanation is too long."))
        checked.append(
            {
                "key": key,
                "title": str(titles[key]),
                "ground": ground,
                "note": note,
                "reason": withheld_reason(ground, note),
            }
        )
    return checked


@transaction.atomic
def copy_review_save(file_copy: FileCopy, *, withheld: list[dict], dossier: Dossier) -> FileCopy:
    """Store the privacy officer's choices (key, ground, note) while in review."""
    # Two officers saving at once: the row is locked, the last save counts.
    file_copy = FileCopy.objects.select_for_update().get(pk=file_copy.pk)
    if file_copy.status != FileCopy.Status.REVIEW:
        raise ValidationError(_("This copy was released; it cannot be changed."))
    file_copy.withheld = _checked(withheld, dossier)
    file_copy.save(update_fields=["withheld"])
    return file_copy


def _attachments(dossier: Dossier, withheld: dict[str, str]):
    """The end-evaluation documents that go out, as PDF attachments; a file that cannot be
    read is listed by name only."""
    from weasyprint import Attachment

    attached, missing = [], []
    for section in dossier.sections:
        if section.key in withheld:
            continue
        for item in section.items:
            if item.key in withheld:
                continue
            for name, fieldfile in item.files:
                try:
                    with fieldfile.open("rb") as handle:
                        data = handle.read()
                except (OSError, ValueError):
                    missing.append(name)
                    continue
                attached.append(Attachment(string=data, name=name, description=item.title))
    return attached, missing


def copy_context(request: RightsRequest, dossier: Dossier, withheld: dict[str, str], today):
    withheld_items = []
    for section in dossier.sections:
        if section.key in withheld:
            withheld_items.append((section.title, withheld[section.key]))
            continue
        for item in section.items:
            if item.key in withheld:
                withheld_items.append((item.title, withheld[item.key]))
    return {
        "rights_request": request,
        "dossier": dossier,
        "withheld": withheld,
        "withheld_items": withheld_items,
        "today": today,
        "inspection": request.kind == RightsRequest.Kind.INSPECTION,
    }


def copy_html(request: RightsRequest, dossier: Dossier, withheld: dict[str, str], today, **extra):
    """The copy as the family reads it (always in Dutch), before it becomes a PDF."""
    with translation.override("nl"):
        return render_to_string(
            "rights/copy_pdf.html", {**copy_context(request, dossier, withheld, today), **extra}
        )


def _json_text(request: RightsRequest, dossier: Dossier, withheld: dict[str, str], today):
    with translation.override("nl"):
        return dossier_json_text(
            dossier,
            withheld,
            {
                "request": {
                    "number": request.pk,
                    "kind": str(request.get_kind_display()),
                    "received_on": request.received_on.isoformat(),
                    "decided_on": request.decided_on.isoformat() if request.decided_on else None,
                    "made_on": today.isoformat(),
                },
                "withheld": [{"part": key, "reason": reason} for key, reason in withheld.items()],
            },
        )


def copy_release(
    request: RightsRequest, *, withheld: list[dict], user, today: datetime.date
) -> FileCopy:
    """Make the PDF and the JSON of the reviewed copy, keep them, and close the request.
    A second release changes nothing (the copy is released once)."""
    from weasyprint import HTML

    with transaction.atomic():
        # Two clicks or two officers at once: the copy row is locked; the second one finds
        # it released and stops.
        FileCopy.objects.get_or_create(request=request)
        file_copy = FileCopy.objects.select_for_update().get(request=request)
        if file_copy.status == FileCopy.Status.RELEASED:
            raise ValidationError(_("This copy was released before."))
        request = RightsRequest.objects.get(pk=request.pk)
        problem = copy_problem(request)
        if problem:
            raise ValidationError(problem)
        dossier = file_collect(request.client)
        checked = _checked(withheld, dossier)
        reasons = withheld_map(checked)
        attached, missing = _attachments(dossier, reasons)
        html = copy_html(request, dossier, reasons, today, missing_files=missing)
        pdf = HTML(string=html).write_pdf(attachments=attached)
        text = _json_text(request, dossier, reasons, today)
        # Names without person data: the request's number and a random part.
        stem = f"verzoek-{request.pk}-{secrets.token_hex(8)}"
        file_copy.withheld = checked
        file_copy.pdf.save(f"{stem}.pdf", ContentFile(pdf), save=False)
        file_copy.json.save(f"{stem}.json", ContentFile(text.encode()), save=False)
        try:
            file_copy.status = FileCopy.Status.RELEASED
            file_copy.released_at = timezone.now()
            file_copy.released_by = user
            file_copy.full_clean()
            file_copy.save()
            day = formats.date_format(today, "j-n-Y")
            with translation.override("nl"):
                if request.kind == RightsRequest.Kind.INSPECTION:
                    note = _("Inspection given on %(date)s.") % {"date": day}
                else:
                    note = _("Copy released on %(date)s.") % {"date": day}
                if checked:
                    note += " " + ngettext(
                        "%(count)s part withheld with its reason.",
                        "%(count)s parts withheld with their reasons.",
                        len(checked),
                    ) % {"count": len(checked)}
            services.rights_request_close(request, note=note, today=today)
        except Exception:
            # Nothing released: the files made for it go as well.
            file_copy.pdf.delete(save=False)
            file_copy.json.delete(save=False)
            raise
    return file_copy
