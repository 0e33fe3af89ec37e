from urllib.parse import urlencode

from dateutil.relativedelta import relativedelta
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from knox.settings import knox_settings

from accounts import api_keys
from audit.services import Event, access_log_record, log_read
from indications.models import ExtensionRequest, Indication
from indications.services import (
    has_pending_extension,
    indication_end_early,
    indication_hand_over_to_provider,
)
from samen.codelists import EndReason
from samen.decorators import role_required
from samen.forms import add_validation_errors, errors_as_text
from samen.pagination import page_number as paged
from samen.roles import PROVIDER, TEAM_LEAD, WIJ_STAFF, YOUTH_ADMIN, user_role

from . import selectors, services
from .forms import (
    EndEarlyForm,
    EndEvaluationForm,
    ExtensionRequestForm,
    HandOverForm,
    HandoverNoteForm,
    IndicationFilterForm,
    PassOnReferralForm,
    StopForm,
)
from .models import EndEvaluation, HandoverNote, PassedOnReferral
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
    today = timezone.localdate()
    return render(
        request,
        "openhouse/indication.html",
        {
            "indication": indication,
            "form": form,
            "evaluations": evaluations,
            "notes": indication.handover_notes.select_related("author"),
            "note_form": HandoverNoteForm(),
            "extensions": ExtensionRequest.objects.visible_to(request.user)
            .filter(indication=indication)
            .order_by("-requested_on", "-pk"),
            "may_ask_extension": not services.extension_request_check(
                indication=indication, on_date=today
            ),
            "successor": _successor(indication),
            # A waiting extension request holds an early end and a handover (the youth
            # administration decides it first): say so instead of offering the steps.
            "extension_waiting": has_pending_extension(indication),
            "today": today,
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


def _successor(indication):
    """After a handover to another provider: the provider and start of the indication that
    continues it (the other provider's name and a date, nothing of its records)."""
    if indication.status != Indication.Status.OTHER_PROVIDER:
        return None
    return (
        Indication.objects.filter(preceded_by=indication)
        .select_related("provider")
        .only("start_on", "provider__name")
        .first()
    )


def _posted(form, names) -> list[tuple[str, str]]:
    """The cleaned values a confirmation page sends again (hidden fields), as text."""
    posted = []
    for name in names:
        value = form.cleaned_data.get(name)
        if hasattr(value, "pk"):
            value = value.pk
        elif hasattr(value, "isoformat"):
            value = value.isoformat()
        posted.append((name, "" if value is None else str(value)))
    return posted


def _confirm(request, *, title, summary, points, posted, yes, back, indication=None, status=200):
    return render(
        request,
        "openhouse/confirm.html",
        {
            "title": title,
            "indication": indication,
            "summary": summary,
            "points": points,
            "posted": posted,
            "yes": yes,
            "back": back,
            "action": request.path,
        },
        status=status,
    )


def _step_page(request, *, title, intro, form, indication=None, blocked=None, multipart=False):
    failed = request.method == "POST" and (blocked or form.errors)
    return render(
        request,
        "openhouse/step.html",
        {
            "title": title,
            "intro": intro,
            "form": form,
            "indication": indication,
            "blocked": blocked or [],
            "multipart": multipart,
        },
        status=400 if failed else 200,
    )


@provider_only
def extension_request(request, pk):
    """Verlengingsverzoek: reasons, proposed end date, the end-evaluation for the current end
    (chosen, or attached: stored as a new version before the confirmation, as any upload
    is); the request itself is sent only after the confirmation page."""
    indication = get_object_or_404(_indications(request), pk=pk)
    today = timezone.localdate()
    log_read(request, "extension request", [indication.client_id], indication.pk)
    title = _("Ask for an extension")
    intro = _(
        "The youth administration of the municipality weighs every request individually; "
        "continuing with you is the exception, Basis jeugdhulp at WIJ the rule. Attach your "
        "end-evaluation for the current end date."
    )
    blocked = services.extension_request_check(indication=indication, on_date=today)
    data = (request.POST, request.FILES) if request.method == "POST" else ()
    form = ExtensionRequestForm(
        *data, indication=indication, too_large=upload_was_too_large(request)
    )
    if blocked:
        return _step_page(
            request,
            title=title,
            intro=intro,
            form=None,
            indication=indication,
            blocked=[str(m) for m in blocked.values()],
        )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        errors = services.extension_request_check(
            indication=indication, on_date=today, proposed_end_on=data["proposed_end_on"]
        )
        if errors:
            add_validation_errors(form, ValidationError(errors))
        elif request.POST.get("confirmed") == "1":
            try:
                extension = services.extension_request_send(
                    indication=indication,
                    user=request.user,
                    reasons=data["reasons"],
                    proposed_end_on=data["proposed_end_on"],
                    end_evaluation=data["end_evaluation"],
                )
            except ValidationError as exc:
                add_validation_errors(form, exc)
            else:
                access_log_record(
                    request=request,
                    event=Event.CREATE,
                    part="extension request",
                    clients=[indication.client_id],
                    object_id=extension.pk,
                )
                messages.success(
                    request,
                    _(
                        "Your extension request is sent. The youth administration decides by "
                        "%(date)s."
                    )
                    % {"date": extension.decide_by.strftime("%d-%m-%Y")},
                )
                return redirect("openhouse:indication", pk=pk)
        else:
            evaluation = data["end_evaluation"]
            if data["document"]:
                try:
                    evaluation = services.end_evaluation_upload(
                        indication=indication, upload=data["document"], user=request.user
                    )
                except ValidationError as exc:
                    form.add_error("document", exc)
                else:
                    access_log_record(
                        request=request,
                        event=Event.CREATE,
                        part="end-evaluation",
                        clients=[indication.client_id],
                        object_id=evaluation.pk,
                    )
            if not form.errors:
                form.cleaned_data["end_evaluation"] = evaluation
                return _confirm(
                    request,
                    title=_("Send this extension request?"),
                    indication=indication,
                    summary=[
                        (_("Current end date"), indication.end_on.strftime("%d-%m-%Y")),
                        (_("Proposed new end date"), data["proposed_end_on"].strftime("%d-%m-%Y")),
                        (_("Reasons"), data["reasons"]),
                        (
                            _("End-evaluation"),
                            _("version %(version)s: %(name)s")
                            % {"version": evaluation.version, "name": evaluation.original_name},
                        ),
                    ],
                    points=[
                        _(
                            "The youth administration weighs the request and decides at the "
                            "latest 8 weeks from today, and before the current end date."
                        ),
                        _(
                            "One request waits at a time; a request sent cannot be withdrawn "
                            "here. You see the decision and its reason on this indication."
                        ),
                        *(
                            [
                                _(
                                    "The end-evaluation you attached is stored with the "
                                    "indication already, whatever you decide here."
                                )
                            ]
                            if data["document"]
                            else []
                        ),
                    ],
                    posted=_posted(form, ["reasons", "proposed_end_on", "end_evaluation"]),
                    yes=_("Yes, send the request"),
                    back=reverse("openhouse:indication", args=[pk]),
                )
    return _step_page(
        request, title=title, intro=intro, form=form, indication=indication, multipart=True
    )


def _indication_step(
    request, indication, *, title, intro, form, service, arguments, part, done, look
):
    """The shape the early end and the handover share: a form; on a valid post the look
    (the service tried in a rolled-back transaction, `services.step_errors`, so the look
    checks exactly its rules), then with `confirmed` the service itself, logged. `arguments`
    turns the cleaned data into the service's arguments, `done` into the success message,
    `look` into the confirmation page's title, summary, points, posted fields and yes."""
    if not indication.is_running:
        return _step_page(
            request,
            title=title,
            intro=intro,
            form=None,
            indication=indication,
            blocked=[_("This indication no longer runs.")],
        )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        kwargs = {"indication_id": indication.pk, "user": request.user, **arguments(data)}
        if request.POST.get("confirmed") == "1":
            try:
                service(**kwargs)
            except ValidationError as exc:
                add_validation_errors(form, exc)
            else:
                access_log_record(
                    request=request,
                    event=Event.CHANGE,
                    part=part,
                    clients=[indication.client_id],
                    object_id=indication.pk,
                )
                messages.success(request, done(data))
                return redirect("openhouse:indication", pk=indication.pk)
        else:
            refusal = services.step_errors(service, **kwargs)
            if refusal is not None:
                add_validation_errors(form, refusal)
            else:
                return _confirm(
                    request,
                    indication=indication,
                    back=reverse("openhouse:indication", args=[indication.pk]),
                    **look(data),
                )
    return _step_page(request, title=title, intro=intro, form=form, indication=indication)


@provider_only
def end_early(request, pk):
    """Our care ends early, or we hand over to WIJ now (seed 002 q6): after the look, the
    indication ends with its date, reason and status; the WIJ team gets a task at once and
    the warm-handover thread opens with the message."""
    indication = get_object_or_404(_indications(request), pk=pk)
    log_read(request, "end early", [indication.client_id], indication.pk)
    form = EndEarlyForm(request.POST or None)
    return _indication_step(
        request,
        indication,
        title=_("Our care ends early"),
        intro=_(
            "Report that your care ends before the end date, or that you hand the family over "
            "to WIJ now. The WIJ team of the child gets a task at once to pick the family up."
        ),
        form=form,
        service=indication_end_early,
        arguments=lambda data: {
            "ends_on": data["ends_on"],
            "end_reason": data["end_reason"],
            "message": data["message"],
            "status": data["how"],
        },
        part="indication ended early",
        done=lambda data: _("Recorded. The WIJ team has a task to pick the family up now."),
        look=lambda data: {
            "title": _("End the care early?"),
            "summary": [
                (_("What happens"), dict(form.fields["how"].choices)[data["how"]]),
                (_("Last day of our care"), data["ends_on"].strftime("%d-%m-%Y")),
                (_("Reason (JZ588)"), EndReason(data["end_reason"]).label),
                (_("Message to WIJ"), data["message"]),
            ],
            "points": [
                _(
                    "The indication ends on this date with this reason, at once: it "
                    "cannot be undone in the portal."
                ),
                _("The WIJ team %(team)s gets a task to pick the family up now.")
                % {"team": indication.client.team.name},
                _(
                    "Your message opens the warm-handover thread; WIJ answers there. "
                    "Please tell the family that WIJ will contact them."
                ),
            ],
            "posted": _posted(form, ["how", "ends_on", "end_reason", "message"]),
            "yes": _("Yes, end our care"),
        },
    )


@provider_only
def hand_over(request, pk):
    """Hand the family over to another provider (seed 002 q15): after the look, this
    indication ends the day before the other provider starts (reason 38) and a new one runs
    there. The list names providers only, nothing of their clients."""
    indication = get_object_or_404(_indications(request), pk=pk)
    log_read(request, "hand over to provider", [indication.client_id], indication.pk)
    form = HandOverForm(request.POST or None, providers=services.hand_over_providers(indication))
    return _indication_step(
        request,
        indication,
        title=_("Hand over to another provider"),
        intro=_(
            "When your volume became too small, another provider with this product in its RIGG "
            "contract can take the care over until the same end date."
        ),
        form=form,
        service=indication_hand_over_to_provider,
        arguments=lambda data: {"provider": data["provider"], "starts_on": data["starts_on"]},
        part="indication handed over",
        done=lambda data: _("Handed over to %(provider)s.") % {"provider": data["provider"].name},
        look=lambda data: {
            "title": _("Hand over to %(provider)s?") % {"provider": data["provider"].name},
            "summary": [
                (_("Other provider"), data["provider"].name),
                (_("Starts on"), data["starts_on"].strftime("%d-%m-%Y")),
                (
                    _("Your last day"),
                    (data["starts_on"] - relativedelta(days=1)).strftime("%d-%m-%Y"),
                ),
            ],
            "points": [
                _(
                    "Your indication ends on your last day with reason 38 (move to "
                    "another provider); a new one runs at the other provider until "
                    "the same end date. This cannot be undone in the portal."
                ),
                _(
                    "Agree the handover with the other provider and the family first; "
                    "WIJ's open tasks for this child move with the indication."
                ),
            ],
            "posted": _posted(form, ["provider", "starts_on"]),
            "yes": _("Yes, hand over"),
        },
    )


def _membership_or_404(request):
    membership = getattr(request.user, "provider_membership", None)
    if membership is None:
        raise Http404
    return membership


@provider_only
def referral_pass_on(request):
    """A new GP referral for one of the 11 products, passed on to WIJ after a look. The
    answer is the same whether the child is known at WIJ or not."""
    membership = _membership_or_404(request)
    form = PassOnReferralForm(request.POST or None)
    title = _("Pass a GP referral on to WIJ")
    intro = _(
        "A GP referred a child to you for one of the products of Basis jeugdhulp after the GP "
        "route to WIJ opened: pass the referral on, and refer the family to WIJ. WIJ "
        "registers it at the child's WIJ team with the GP as referrer."
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        arguments = {
            "provider": membership.provider,
            "user": request.user,
            "child": {name: data[name] for name in services.CHILD_FIELDS},
            "product": data["product"],
            "referral_date": data["referral_date"],
            "gp_name": data["gp_name"],
            "gp_agb_code": data["gp_agb_code"],
            "note": data["note"],
        }
        if request.POST.get("confirmed") == "1":
            try:
                passed = services.referral_pass_on(**arguments)
            except ValidationError as exc:
                add_validation_errors(form, exc)
            else:
                access_log_record(
                    request=request,
                    event=Event.CREATE,
                    part="referral passed on",
                    clients=[passed.client_id],
                    object_id=passed.pk,
                )
                messages.success(request, _("The referral is passed on to WIJ."))
                return redirect("openhouse:passed_on")
        else:
            refusal = services.step_errors(services.referral_pass_on, **arguments)
            if refusal is not None:
                add_validation_errors(form, refusal)
            else:
                return _confirm(
                    request,
                    title=_("Pass this referral on to WIJ?"),
                    summary=[
                        (_("Child"), f"{data['first_name']} {data['last_name']}"),
                        (_("Date of birth"), data["date_of_birth"].strftime("%d-%m-%Y")),
                        (_("Address"), f"{data['postcode']} {data['house_number']}"),
                        (_("Product"), f"{data['product'].code} {data['product'].name}"),
                        (_("Referral date"), data["referral_date"].strftime("%d-%m-%Y")),
                        (
                            _("GP"),
                            data["gp_name"]
                            + (f" (AGB {data['gp_agb_code']})" if data["gp_agb_code"] else ""),
                        ),
                        *([(_("Note for WIJ"), data["note"])] if data["note"] else []),
                    ],
                    points=[
                        _(
                            "WIJ registers the referral at the child's WIJ team, with the GP "
                            "as referrer and you as the way it came in; WIJ contacts the family."
                        ),
                        _(
                            "You see it in your list of referrals passed on; WIJ's file stays "
                            "with WIJ. Tell the family that WIJ will contact them."
                        ),
                    ],
                    posted=_posted(form, list(form.fields)),
                    yes=_("Yes, pass it on to WIJ"),
                    back=reverse("openhouse:dashboard"),
                )
    return _step_page(request, title=title, intro=intro, form=form)


@provider_only
def passed_on(request):
    """What this provider passed on to WIJ, newest first (25 a page): the child as the
    provider gave it, the product, the referral date, the GP, when and by whom."""
    _membership_or_404(request)
    found = PassedOnReferral.objects.visible_to(request.user).select_related(
        "product", "passed_on_by"
    )
    page = Paginator(found, selectors.PAGE_SIZE).get_page(request.GET.get("pagina"))
    rows = list(page.object_list)
    if rows:
        log_read(request, "referrals passed on", [row.client_id for row in rows])
    return render(request, "openhouse/passed_on.html", {"page": page, "rows": rows})


# ------------------------------------------------------- iJw: requests and messages


@provider_only
@require_GET
def ijw_requests(request):
    """The provider's own requests for allocation and change (JW315/JW317) with their state
    in words, and its messages in and out. What WIJ does with a family is WIJ's: the page
    says a request went to WIJ, never the team or the support request."""
    from ijw import selectors as ijw_selectors

    page_number = paged(request.GET.get("page", "1"))
    offset = (page_number - 1) * ijw_selectors.PAGE_SIZE
    rows = ijw_selectors.portal_requests(
        request.user, offset=offset, limit=ijw_selectors.PAGE_SIZE + 1
    )
    shown = rows[: ijw_selectors.PAGE_SIZE]
    for item in shown:
        item.state = _request_state(item)
    recent = ijw_selectors.portal_messages(request.user, offset=0, limit=ijw_selectors.PAGE_SIZE)
    clients = sorted({item.client_id for item in shown if item.client_id})
    if clients:
        log_read(request, "portal iJw requests", clients)
    return render(
        request,
        "openhouse/ijw_requests.html",
        {
            "rows": shown,
            "ijw_messages": recent,
            "page_number": page_number,
            "has_previous": page_number > 1,
            "has_next": len(rows) > ijw_selectors.PAGE_SIZE,
        },
    )


@provider_only
@require_POST
def ijw_message_download(request, pk):
    """One of the provider's own messages as XML (to read; its broker still picks it up)."""
    from ijw.models import Message
    from ijw.views import xml_download

    message = get_object_or_404(Message.objects.visible_to(request.user), pk=pk)
    return xml_download(request, message, "portal iJw message XML")


def _request_state(item) -> str:
    """A request's state as the provider may know it."""
    from ijw.models import AllocationRequest

    Status, Route = AllocationRequest.Status, AllocationRequest.Route
    if item.status == Status.PROPOSED:
        return _("being reviewed by the municipality")
    if item.status == Status.IN_ONDERZOEK:
        return _("in onderzoek: the municipality is looking into it")
    if item.status == Status.WAITING:
        return _("being decided as an extension")
    if item.status == Status.OWN_HANDLING:
        return _("in onderzoek: the municipality handles it itself")
    if item.route == Route.ALLOCATE:
        number = item.indication.allocation_number if item.indication else None
        return _("allocated (allocation number %(number)s)") % {"number": number or "–"}
    if item.route == Route.WIJ:
        return _("passed on to WIJ: the family is contacted within 5 working days")
    if item.route == Route.REJECT:
        return _("rejected: %(reason)s") % {"reason": item.get_reject_reason_display()}
    if item.route == Route.EXTENSION:
        return _("decided as an extension")
    return item.get_status_display()
