"""The youth administration's pages on the message traffic (/jeugdadministratie/berichten/):
the worklist by deadline, the register, one message with its XML, the upload of messages
received, and the review of a request for allocation with a confirmation before the
answer goes out. Every page that shows a child is logged; URLs carry ids, never a name."""

import re
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import TooManyFilesSent, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audit.services import Event, access_log_record, log_read
from openhouse.uploads import upload_was_too_large
from samen.decorators import role_required
from samen.forms import add_validation_errors
from samen.pagination import page_number as paged
from samen.roles import YOUTH_ADMIN

from . import selectors, services
from .codes import RejectReason
from .forms import (
    MESSAGE_MAX_BYTES,
    RegisterFilterForm,
    ReviewForm,
    UploadForm,
    too_big_for_a_message,
)
from .models import AllocationRequest, Message

youth_admin_only = role_required(YOUTH_ADMIN)
PAGE_SIZE = selectors.PAGE_SIZE


def _mark_late(rows, today):
    for message in rows:
        message.retour_late = message.retour_overdue(today)
    return rows


def _clients(*items) -> list[int]:
    return sorted({item.client_id for item in items if item.client_id})


@youth_admin_only
@require_GET
def worklist(request):
    """Requests waiting for review, the nearest answer deadline first (overdue marked),
    then sent messages whose retour is overdue and messages rejected in the last 30 days."""
    page_number = paged(request.GET.get("page", "1"))
    offset = (page_number - 1) * PAGE_SIZE
    today = timezone.localdate()
    rows = selectors.requests_to_review(request.user, offset=offset, limit=PAGE_SIZE + 1)
    shown = rows[:PAGE_SIZE]
    for item in shown:
        item.overdue = item.is_overdue(today)  # "in onderzoek" answered: the 5 days held
    first_page = page_number == 1
    retours = selectors.retours_overdue(request.user, today=today) if first_page else []
    rejected = selectors.rejected_recently(request.user, today=today) if first_page else []
    _mark_late(retours, today)
    if shown:
        log_read(request, "iJw worklist", _clients(*shown))
    return render(
        request,
        "ijw/worklist.html",
        {
            "rows": shown,
            "retours": retours,
            "rejected": rejected,
            "page_number": page_number,
            "has_previous": page_number > 1,
            "has_next": len(rows) > PAGE_SIZE,
            "today": today,
        },
    )


@youth_admin_only
@require_GET
def register(request):
    """Every message in and out, newest first; a filter that cannot be used shows all."""
    form = RegisterFilterForm(request.GET)
    filters = form.cleaned_data if form.is_valid() else {}
    page_number = paged(request.GET.get("page", "1"))
    offset = (page_number - 1) * PAGE_SIZE
    rows = selectors.register(
        request.user,
        direction=filters.get("direction", ""),
        message_type=filters.get("message_type", ""),
        status=filters.get("status", ""),
        date_from=filters.get("date_from"),
        date_to=filters.get("date_to"),
        offset=offset,
        limit=PAGE_SIZE + 1,
    )
    shown = _mark_late(rows[:PAGE_SIZE], timezone.localdate())
    query = _filter_query(filters)
    return render(
        request,
        "ijw/register.html",
        {
            "form": form,
            "rows": shown,
            "page_number": page_number,
            "has_previous": page_number > 1,
            "has_next": len(rows) > PAGE_SIZE,
            "query": query,
            "today": timezone.localdate(),
        },
        status=400 if form.errors else 200,
    )


def _filter_query(filters: dict) -> str:
    values = {}
    for key in ("direction", "message_type", "status"):
        if filters.get(key):
            values[key] = filters[key]
    for key in ("date_from", "date_to"):
        if filters.get(key):
            values[key] = filters[key].isoformat()
    return urlencode(values)


def _message_or_404(request, pk) -> Message:
    message = selectors.message_detail(request.user, pk)
    if message is None:
        raise Http404
    return message


@youth_admin_only
@require_GET
def message_detail(request, pk):
    message = _message_or_404(request, pk)
    replies = selectors.replies_of(request.user, message)
    linked = selectors.requests_of(request.user, message)
    clients = _clients(message, *replies, *linked)
    if clients:
        log_read(request, "iJw message", clients, message.pk)
    return render(
        request,
        "ijw/message.html",
        {
            "message": message,
            "replies": replies,
            "linked": linked,
            "retour_late": message.retour_overdue(timezone.localdate()),
        },
    )


def file_name(message: Message) -> str:
    """Type and identification only (no person data), safe as a file name."""
    identification = re.sub(r"[^A-Za-z0-9_-]", "_", message.identification) or str(message.pk)
    return f"{message.message_type}-{identification}.xml"


def xml_download(request, message: Message, part: str, *, mark_sent: bool = False) -> HttpResponse:
    """The message as it was sent. Only when asked (`mark_sent`: the youth administration
    delivers the file to the provider by hand) is an outgoing message taken out of the
    broker's queue as picked up: a download to look at it changes nothing."""
    if mark_sent:
        services.message_picked_up(message)
    access_log_record(
        request=request,
        event=Event.DOWNLOAD,
        part=part,
        clients=_clients(message),
        object_id=message.pk,
    )
    response = HttpResponse(message.raw.encode(), content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{file_name(message)}"'
    return response


@youth_admin_only
@require_POST
def message_download(request, pk):
    return xml_download(
        request,
        _message_or_404(request, pk),
        "iJw message XML",
        mark_sent="mark_sent" in request.POST,
    )


@youth_admin_only
@require_http_methods(["GET", "POST"])
def upload(request):
    """Messages received through the provider's hub, one or more files: each one goes
    through message_receive on its own (its own transaction), and the page says for each
    what became of it."""
    results = []
    if request.method == "POST":
        too_many = False
        try:
            files = request.FILES
        except TooManyFilesSent:
            files, too_many = {}, True
        form = UploadForm(
            request.POST,
            files,
            too_large=upload_was_too_large(request),
            too_many=too_many,
        )
        if form.is_valid():
            results = [_receive(request, upload) for upload in form.cleaned_data["files"]]
    else:
        form = UploadForm()
    status = 400 if form.errors else 200
    return render(request, "ijw/upload.html", {"form": form, "results": results}, status=status)


def _receive(request, upload) -> dict:
    name = upload.name[:100]
    if upload.size > MESSAGE_MAX_BYTES:
        return {"name": name, "outcome": "refused", "reason": too_big_for_a_message(upload)}
    raw = upload.read(MESSAGE_MAX_BYTES + 1)
    try:
        received = services.message_receive(raw=raw, user=request.user)
    except ValidationError as exc:
        return {"name": name, "outcome": "refused", "reason": " ".join(exc.messages)}
    message = received.message
    if message.client_id:
        access_log_record(
            request=request,
            event=Event.CREATE,
            part="iJw message received",
            clients=[message.client_id],
            object_id=message.pk,
        )
    return {
        "name": name,
        "outcome": "accepted" if received.accepted else "rejected",
        "message": message,
        "retour": received.retour,
        "requests": list(message.requests.order_by("id")) if received.accepted else [],
    }


# ------------------------------------------------------------------ a request


def _request_or_404(request, pk) -> AllocationRequest:
    found = selectors.request_detail(request.user, pk)
    if found is None:
        raise Http404
    return found


@youth_admin_only
@require_http_methods(["GET", "POST"])
def request_review(request, pk):
    """One request for allocation: the child as given, what WIJ knows of it, the proposal
    and why, then the decision. The form posts twice: first to show what will go out
    ("Controleer en verstuur", the values in hidden fields), then with `confirm` to decide
    through the service; `back` returns to the form, filled in."""
    item = _request_or_404(request, pk)
    open_ = item.kind == AllocationRequest.Kind.ALLOCATION and item.status in selectors.TO_REVIEW
    if request.method == "POST" and not open_:
        # Decided meanwhile (by a colleague, or a second click): nothing goes out twice.
        messages.error(request, _("This request has already been answered."))
        return redirect("ijw:request", pk=item.pk)
    form = (
        ReviewForm(request.POST if request.method == "POST" else None, request=item)
        if open_
        else None
    )
    template, status = "ijw/request.html", 200
    if form is not None and form.is_bound:
        if not form.is_valid():
            status = 400
        elif "back" in request.POST:
            pass
        elif "confirm" not in request.POST:
            template = "ijw/request_confirm.html"
        else:
            data = form.cleaned_data
            try:
                decided = services.request_decide(
                    request_id=item.pk,
                    route=data["route"],
                    user=request.user,
                    reject_reason=data["reject_reason"],
                    override_reason=data["override_reason"],
                    team=data.get("team"),
                )
            except ValidationError as exc:
                add_validation_errors(form, exc)
                status = 400
            else:
                access_log_record(
                    request=request,
                    event=Event.CHANGE,
                    part="iJw request decision",
                    clients=_clients(decided),
                    object_id=decided.pk,
                )
                messages.success(request, _("Decided: the answer is ready to be sent."))
                return redirect("ijw:request", pk=item.pk)
    if item.client_id:
        log_read(request, "iJw request", [item.client_id], item.pk)
    return render(
        request,
        template,
        {
            "item": item,
            "form": form,
            "today": timezone.localdate(),
            "overdue": item.is_overdue(timezone.localdate()),
            "choice": _choice(form) if template.endswith("confirm.html") else None,
        },
        status=status,
    )


@youth_admin_only
@require_http_methods(["GET", "POST"])
def request_own_handling(request, pk):
    """A change request other than an extension (JW317: new products, a shorter end):
    handed to the municipality's own system. GET shows what goes out; POST with `confirm`
    does it (a JW319 "in onderzoek" unless one went out already)."""
    item = _request_or_404(request, pk)
    if not item.awaits_own_handling:
        if request.method == "POST":
            messages.error(request, _("This request has already been answered."))
        return redirect("ijw:request", pk=item.pk)
    if request.method == "POST" and "confirm" in request.POST:
        try:
            done = services.change_request_own_handling(request_id=item.pk, user=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            access_log_record(
                request=request,
                event=Event.CHANGE,
                part="iJw change request to own handling",
                clients=_clients(done),
                object_id=done.pk,
            )
            messages.success(request, _("Handed to the municipality's own handling."))
        return redirect("ijw:request", pk=item.pk)
    if item.client_id:
        log_read(request, "iJw request", [item.client_id], item.pk)
    return render(request, "ijw/request_own_handling.html", {"item": item})


def _choice(form) -> dict:
    """What the confirmation page says will go out."""
    data = form.cleaned_data
    Route = AllocationRequest.Route
    route = data["route"]
    reason = ""
    if route in (Route.WIJ, Route.REJECT):
        reason = data.get("reject_reason") or RejectReason.NOT_IN_CONTRACT
    return {
        "route": route,
        "route_label": Route(route).label,
        "answer": "JW301" if route == Route.ALLOCATE else "JW319",
        "reject_reason": RejectReason(reason).label if reason else "",
        "team": data.get("team"),
        "changed": route != form.request_obj.proposed_route,
    }
