"""Re-assessment (herbeoordeling, seed 004 q7): the family says the help does not (or no
longer) fit. Any WIJ worker who sees the trajectory records the question; a worker with
access tasks (permission trajectories.assess_access, given per user) records the
investigation and its outcome (after a look at what will be recorded), shares it with the
family, and links the beschikking that follows when one is needed."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.services import Event, access_log_record, log_read, log_refused
from samen.decorators import role_required
from samen.forms import add_validation_errors
from samen.roles import WIJ_ROLES

from . import services
from .forms import (
    ReassessmentAskForm,
    ReassessmentLinkForm,
    ReassessmentRecordForm,
    ReassessmentShareForm,
)
from .models import Reassessment, Trajectory, TrajectoryChild
from .selectors import linkable_beschikkingen

wij_only = role_required(*WIJ_ROLES)


def _children(trajectory_id: int) -> list[int]:
    return list(
        TrajectoryChild.objects.filter(trajectory_id=trajectory_id).values_list(
            "client_id", flat=True
        )
    )


def _read_children(request, trajectory_id: int) -> list[int]:
    """The children a read is logged for: those of the trajectory the user may see (the
    page names no other; a refused attempt and a change are logged for all)."""
    from intake.models import Client

    return list(
        Client.objects.visible_to(request.user)
        .filter(pk__in=_children(trajectory_id))
        .values_list("pk", flat=True)
    )


def _trajectory(request, pk) -> Trajectory:
    """The trajectory through visible_to; an attempt on one out of reach is logged, 404."""
    trajectory = (
        Trajectory.objects.visible_to(request.user)
        .select_related("household", "triage__support_request")
        .filter(pk=pk)
        .first()
    )
    if trajectory is None:
        if Trajectory.objects.filter(pk=pk).exists():
            log_refused(request, "trajectory", _children(pk), pk)
        raise Http404
    return trajectory


def _reassessment(request, pk) -> Reassessment:
    reassessment = (
        Reassessment.objects.select_related("beschikking", "investigated_by").filter(pk=pk).first()
    )
    if reassessment is None:
        raise Http404
    reassessment.trajectory = _trajectory(request, reassessment.trajectory_id)
    return reassessment


def _log(request, event, reassessment) -> None:
    access_log_record(
        request=request,
        event=event,
        part="reassessment",
        clients=_children(reassessment.trajectory_id),
        object_id=reassessment.pk,
    )


@wij_only
def new(request, pk):
    """De familie vindt dat de hulp niet (meer) past: record the family's question."""
    trajectory = _trajectory(request, pk)
    log_read(request, "trajectory", _read_children(request, trajectory.pk), trajectory.pk)
    form = ReassessmentAskForm(request.POST or None)
    if not trajectory.is_running:
        # The help has ended: a new question of the family is a new support request.
        ended = _("This help has ended: register the family's question as a new request.")
        if form.is_bound:
            form.is_valid()
            form.add_error(None, ended)
        else:
            messages.warning(request, ended)
    elif request.method == "POST" and form.is_valid():
        try:
            reassessment = services.reassessment_ask(
                trajectory_id=trajectory.pk, user=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            _log(request, Event.CREATE, reassessment)
            messages.success(
                request,
                _("The family's question is recorded: a worker with access tasks investigates."),
            )
            return redirect("trajectories:reassessment", pk=reassessment.pk)
    return render(
        request,
        "trajectories/reassessment/new.html",
        {"trajectory": trajectory, "form": form},
        status=400 if form.is_bound and form.errors else 200,
    )


def _detail(request, reassessment, *, record_form=None, share_form=None, link_form=None):
    may_assess = services.may_assess(request.user)
    beschikkingen = (
        linkable_beschikkingen(reassessment)
        if reassessment.needs_beschikking and not reassessment.beschikking_id
        else []
    )
    bound = any(form is not None and form.errors for form in (record_form, share_form, link_form))
    # A refused step whose form the page no longer shows (done meanwhile, in another tab):
    # its errors go to the top of the page.
    shown = {
        "record": may_assess and not reassessment.outcome,
        "share": may_assess and bool(reassessment.outcome) and not reassessment.shared_on,
        "link": may_assess and bool(beschikkingen),
    }
    error_form = next(
        (
            form
            for key, form in (("record", record_form), ("share", share_form), ("link", link_form))
            if form is not None and form.errors and not shown[key]
        ),
        None,
    )
    return render(
        request,
        "trajectories/reassessment/detail.html",
        {
            "reassessment": reassessment,
            "trajectory": reassessment.trajectory,
            "request_id": reassessment.trajectory.triage.support_request_id,
            "may_assess": may_assess,
            "record_form": record_form or ReassessmentRecordForm(reassessment=reassessment),
            "share_form": share_form or ReassessmentShareForm(reassessment=reassessment),
            "link_form": link_form or ReassessmentLinkForm(beschikkingen=beschikkingen),
            "beschikkingen": beschikkingen,
            "error_form": error_form,
        },
        status=400 if bound else 200,
    )


@wij_only
def detail(request, pk):
    reassessment = _reassessment(request, pk)
    log_read(
        request,
        "reassessment",
        _read_children(request, reassessment.trajectory_id),
        reassessment.pk,
    )
    return _detail(request, reassessment)


@wij_only
@require_POST
def record(request, pk):
    """The outcome, in two steps: the form, then a look at what will be recorded
    (step=confirm records it; step=edit goes back with what was typed)."""
    reassessment = _reassessment(request, pk)
    if not services.may_assess(request.user):
        raise PermissionDenied
    step = request.POST.get("step", "preview")
    form = ReassessmentRecordForm(request.POST, reassessment=reassessment)
    if step == "edit":
        form = ReassessmentRecordForm(
            initial={f: request.POST.get(f, "") for f in form.fields}, reassessment=reassessment
        )
        return _detail(request, reassessment, record_form=form)
    if not form.is_valid():
        return _detail(request, reassessment, record_form=form)
    if reassessment.outcome:
        # Recorded meanwhile (another tab): no look at an outcome that cannot be recorded.
        form.add_error(None, _("The outcome of this re-assessment has already been recorded."))
        return _detail(request, reassessment, record_form=form)
    if step != "confirm":
        outcome = Reassessment.Outcome(form.cleaned_data["outcome"])
        return render(
            request,
            "trajectories/reassessment/confirm.html",
            {
                "reassessment": reassessment,
                "trajectory": reassessment.trajectory,
                "form": form,
                "data": form.cleaned_data,
                "outcome_label": outcome.label,
                "individual": outcome == Reassessment.Outcome.INDIVIDUAL_PROVISION,
            },
        )
    try:
        services.reassessment_record(
            reassessment_id=reassessment.pk, user=request.user, **form.cleaned_data
        )
    except ValidationError as exc:
        add_validation_errors(form, exc)
        return _detail(request, reassessment, record_form=form)
    _log(request, Event.CHANGE, reassessment)
    messages.success(request, _("The outcome is recorded. Share it with the family."))
    return redirect("trajectories:reassessment", pk=pk)


@wij_only
@require_POST
def share(request, pk):
    """Shared with the family, in two steps like `record`: the form, then a look at what
    will be recorded and whether a beschikking follows (step=confirm records it)."""
    reassessment = _reassessment(request, pk)
    if not services.may_assess(request.user):
        raise PermissionDenied
    step = request.POST.get("step", "preview")
    form = ReassessmentShareForm(request.POST, reassessment=reassessment)
    if step == "edit":
        form = ReassessmentShareForm(
            initial={f: request.POST.get(f, "") for f in form.fields}, reassessment=reassessment
        )
        return _detail(request, reassessment, share_form=form)
    if form.is_valid() and not reassessment.outcome:
        form.add_error(None, _("Record the outcome first."))
    elif form.is_valid() and reassessment.shared_on:
        # Shared meanwhile (another tab): no look at a step that cannot be taken.
        form.add_error(None, _("The outcome has already been shared with the family."))
    elif form.is_valid() and step != "confirm":
        return render(
            request,
            "trajectories/reassessment/share_confirm.html",
            {
                "reassessment": reassessment,
                "trajectory": reassessment.trajectory,
                "form": form,
                "data": form.cleaned_data,
            },
        )
    elif form.is_valid():
        try:
            done = services.reassessment_share(
                reassessment_id=reassessment.pk, user=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            _log(request, Event.CHANGE, reassessment)
            if done.needs_beschikking:
                messages.warning(
                    request,
                    _("A beschikking follows: request it, then link it to this re-assessment."),
                )
            else:
                messages.success(request, _("The outcome is shared with the family."))
            return redirect("trajectories:reassessment", pk=pk)
    return _detail(request, reassessment, share_form=form)


@wij_only
@require_POST
def link_beschikking(request, pk):
    reassessment = _reassessment(request, pk)
    if not services.may_assess(request.user):
        raise PermissionDenied
    form = ReassessmentLinkForm(request.POST, beschikkingen=linkable_beschikkingen(reassessment))
    if form.is_valid():
        try:
            services.reassessment_link_beschikking(
                reassessment_id=reassessment.pk,
                beschikking_id=form.cleaned_data["beschikking"],
                user=request.user,
            )
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            _log(request, Event.CHANGE, reassessment)
            messages.success(request, _("The beschikking is linked to the re-assessment."))
            return redirect("trajectories:reassessment", pk=pk)
    return _detail(request, reassessment, link_form=form)
