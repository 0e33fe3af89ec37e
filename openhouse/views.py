from urllib.parse import urlencode

from dateutil.relativedelta import relativedelta
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from knox.settings import knox_settings

from accounts import api_keys
from audit.services import Event, access_log_record, log_read
from indications.models import Indication
from samen.decorators import role_required
from samen.forms import add_validation_errors, errors_as_text
from samen.roles import PROVIDER, TEAM_LEAD, WIJ_STAFF, YOUTH_ADMIN, user_role

from . import selectors, services
from .forms import EndEvaluationForm, HandoverNoteForm, IndicationFilterForm, StopForm
from .models import EndEvaluation, HandoverNote
from .uploads import upload_was_too_large

provider_only = role_required(PROVIDER)


def _indications(request):
    return Indication.objects.visible_to(request.user).select_related("product", "client__team")


@provider_only
def dashboard(request):
    """My clients' indications ending in the coming months, end-evaluations due and overdue,
    notices, and after "Wij stoppen" the stop date and the products WIJ picks up."""
    today = timezone.localdate()
    mine = _indications(request).running().select_related("client__team")
    ending = mine.filter(end_on__lt=today + relativedelta(months=6)).order_by("end_on")[:200]
    overdue = mine.evaluation_overdue(today).order_by("evaluation_due_on")[:200]
    membership = getattr(request.user, "provider_membership", None)
    provider = membership.provider if membership else None
    notices = selectors.portal_notices(request.user)
    wij_messages = list(
        HandoverNote.objects.filter(side=HandoverNote.Side.WIJ, indication__in=mine)
        .select_related("indication__client", "indication__product")
        .order_by("-created_at")[:10]
    )
    stopping = provider is not None and provider.stops_on is not None
    ending, overdue = list(ending), list(overdue)
    shown = [i.client_id for i in (*ending, *overdue)]
    shown += [note.indication.client_id for note in wij_messages]
    shown += [notice.indication.client_id for notice in notices]
    if shown:
        log_read(request, "portal overview", shown)
    return render(
        request,
        "openhouse/dashboard.html",
        {
            "provider": provider,
            "ending": ending,
            "overdue": overdue,
            "running_count": mine.count() if provider else 0,
            "notices": notices,
            "wij_messages": wij_messages,
            "stop_products": selectors.portal_stop_products(request.user) if stopping else [],
            "today": today,
        },
    )


@provider_only
def indications(request):
    """All running indications of the provider's own clients, paged, filtered by status and
    end month (codes and a month in the URL, never a name)."""
    form = IndicationFilterForm(request.GET)
    if form.is_valid():
        found = selectors.portal_indications(
            request.user,
            status=form.cleaned_data["status"],
            end_month=form.cleaned_data["end_month"],
        )
    else:
        found = selectors.portal_indications(request.user)
    page = Paginator(found, selectors.PAGE_SIZE).get_page(request.GET.get("pagina"))
    rows = list(page.object_list)
    if rows:
        log_read(request, "portal indications", [i.client_id for i in rows])
    # The page links keep the filter: a status code and a month, nothing else of the URL.
    kept = form.cleaned_data if form.is_valid() else {}
    query = urlencode(
        {
            key: value
            for key, value in (
                ("status", kept.get("status")),
                ("end_month", kept["end_month"].strftime("%Y-%m") if kept.get("end_month") else ""),
            )
            if value
        }
    )
    return render(
        request,
        "openhouse/indications.html",
        {"form": form, "page": page, "rows": rows, "query": query},
        status=400 if form.errors else 200,
    )


@provider_only
def indication(request, pk):
    indication = get_object_or_404(_indications(request), pk=pk)
    form = EndEvaluationForm(
        *((request.POST, request.FILES) if request.method == "POST" else ()),
        too_large=upload_was_too_large(request),
    )
    if request.method == "POST" and form.is_valid():
        try:
            evaluation = services.end_evaluation_upload(
                indication=indication, upload=form.cleaned_data["document"], user=request.user
            )
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            if evaluation.on_time:
                messages.success(request, _("End-evaluation received, on time. Thank you."))
            else:
                messages.warning(
                    request,
                    _("End-evaluation received, but later than 2 months before the end date."),
                )
            return redirect("openhouse:indication", pk=pk)
    evaluations = indication.end_evaluations.select_related("uploaded_by", "read_by")
    log_read(request, "indication", [indication.client_id], indication.pk)
    return render(
        request,
        "openhouse/indication.html",
        {
            "indication": indication,
            "form": form,
            "evaluations": evaluations,
            "notes": indication.handover_notes.select_related("author"),
            "note_form": HandoverNoteForm(),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@role_required(PROVIDER, WIJ_STAFF, TEAM_LEAD, YOUTH_ADMIN)
def download(request, pk):
    """Only through this view, for those who may see the indication; always as attachment."""
    evaluation = get_object_or_404(
        EndEvaluation.objects.visible_to(request.user).select_related("indication"), pk=pk
    )
    try:
        handle = evaluation.document.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    access_log_record(
        request=request,
        event=Event.DOWNLOAD,
        part="end-evaluation",
        clients=[evaluation.indication.client_id],
        object_id=evaluation.pk,
    )
    if user_role(request.user) in (WIJ_STAFF, TEAM_LEAD):
        services.end_evaluation_mark_read(evaluation=evaluation, user=request.user)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=evaluation.original_name,
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@role_required(PROVIDER, WIJ_STAFF, TEAM_LEAD)
@require_POST
def handover_note(request, pk):
    """Post in the warm-handover thread of an indication (provider or WIJ)."""
    indication = get_object_or_404(Indication.objects.visible_to(request.user), pk=pk)
    form = HandoverNoteForm(request.POST)
    if form.is_valid():
        note = services.handover_note_post(
            indication=indication, user=request.user, text=form.cleaned_data["text"]
        )
        access_log_record(
            request=request,
            event=Event.CREATE,
            part="handover note",
            clients=[indication.client_id],
            object_id=getattr(note, "pk", None),
        )
        messages.success(request, _("Message sent."))
    else:
        messages.error(request, errors_as_text(form))
    if user_role(request.user) == PROVIDER:
        return redirect("openhouse:indication", pk=pk)
    return redirect("indications:client", pk=indication.client_id)


@provider_only
def stop(request):
    """We stoppen: the provider reports its stop date."""
    membership = getattr(request.user, "provider_membership", None)
    if membership is None:
        raise Http404
    form = StopForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            counts = services.provider_report_stop(
                provider=membership.provider,
                stops_on=form.cleaned_data["stops_on"],
                user=request.user,
            )
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            messages.success(
                request,
                _(
                    "Your stop is recorded. WIJ picks up %(count)s families; the municipality is told."
                )
                % {"count": counts["tasks"]},
            )
            return redirect("openhouse:dashboard")
    return render(request, "openhouse/stop.html", {"form": form, "provider": membership.provider})


@provider_only
def api_key(request):
    """The API key of this provider user, for the provider's own system: when it was made,
    until when it works, when it was last used. A new key is made after a look (saying until
    when the old one still works) and shown once; only its hash is stored."""
    now = timezone.now()
    current = api_keys.api_key_current(request.user)
    new_key = None
    if request.method == "POST" and request.POST.get("confirm") == "1":
        _token, new_key = api_keys.api_key_renew(request.user)
        messages.success(request, _("A new API key is made."))
        current = api_keys.api_key_current(request.user)
    elif request.method == "POST":
        return render(
            request,
            "openhouse/api_key_confirm.html",
            {"current": current, "grace_ends": api_keys.api_key_grace_ends(now, current)},
        )
    return render(
        request,
        "openhouse/api_key.html",
        {
            "new_key": new_key,
            "current": current,
            "previous": api_keys.api_key_previous(request.user, now),
            "header_prefix": knox_settings.AUTH_HEADER_PREFIX,
            "key_length": len(knox_settings.TOKEN_PREFIX)
            + knox_settings.AUTH_TOKEN_CHARACTER_LENGTH,
        },
    )
