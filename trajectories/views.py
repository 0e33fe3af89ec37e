"""The trajectory page and its steps: the start of the help, pause and resume, scaling up
and down, handing over, adding and ending a coach, and the end with its results.

Every step is a small POST form carrying the trajectory's version; bad input or a conflict
shows the page again with the user's input and a Dutch message (status 400). The start of
the help and the end are irreversible: they show what will happen first."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from audit.services import Event, access_log_record, log_read
from intake.models import Client
from samen.decorators import role_required
from samen.forms import add_validation_errors
from samen.roles import TEAM_LEAD, WIJ_STAFF

from . import selectors, services
from .forms import AddCoachForm, BeginForm, EndForm, HandoverForm, IntensityForm, VersionForm
from .models import INTENSITY_ORDER, Intensity, Trajectory

staff_only = role_required(WIJ_STAFF, TEAM_LEAD)
PART = "trajectory"


def _get(request, pk) -> Trajectory:
    try:
        return selectors.trajectory_for(request.user, pk)
    except Trajectory.DoesNotExist as exc:
        raise Http404 from exc


def _child_ids(trajectory) -> list[int]:
    return [link.client_id for link in trajectory.children.all()]


def _children(request, trajectory) -> list:
    """The trajectory's children, each marked `visible`: a trajectory is visible through
    any one child or its team, so a sibling in another team shows as "a child of another
    team". Only the visible ones go to the access log (one query). A destroyed child's
    anonymous place (rights.destruction) is not shown at all."""
    links = [link for link in trajectory.children.all() if link.client.destroyed_on is None]
    visible = set(
        Client.objects.visible_to(request.user)
        .filter(pk__in=[link.client_id for link in links])
        .values_list("pk", flat=True)
    )
    for link in links:
        link.visible = link.client_id in visible
    log_read(request, PART, sorted(visible), trajectory.pk)
    return links


def _intensity_steps(trajectory) -> list[dict]:
    """One button per other level: "Opschalen naar …" above, "Afschalen naar …" below."""
    current = INTENSITY_ORDER[trajectory.intensity]
    steps = []
    for value, label in Intensity.choices:
        if value == trajectory.intensity:
            continue
        up = INTENSITY_ORDER[value] > current
        text = _("Scale up to %(level)s") if up else _("Scale down to %(level)s")
        steps.append({"value": value, "label": text % {"level": label}, "up": up})
    return steps


def _handover_form(trajectory, data=None):
    return HandoverForm(
        data,
        initial={"version": trajectory.version},
        worker_changes=selectors.worker_changes_of(trajectory),
    )


def _page(request, trajectory, forms=None, status=200):
    today = timezone.localdate()
    forms = forms or {}
    user = request.user
    may = {step: selectors.may_do(user, trajectory, step) for step in selectors.ALL_STEPS}
    version = {"version": trajectory.version}
    coaches = list(trajectory.coaches.all())
    current = [row for row in coaches if row.until_on is None]
    children = _children(request, trajectory)
    context = {
        "trajectory": trajectory,
        "today": today,
        "request_id": trajectory.triage.support_request_id,
        "registered_on": timezone.localdate(trajectory.triage.support_request.received_at),
        "days_waited": selectors.days_waited(trajectory, today),
        "children": children,
        "coaches": coaches,
        "current_coaches": current,
        "coordinator": next((row for row in current if row.coordinator), None),
        "changes": trajectory.intensity_changes.all(),
        "may": may,
        "running": trajectory.is_running,
        "follow_up": (
            selectors.after_six_months(Trajectory.objects.filter(pk=trajectory.pk), today).first()
            if not trajectory.is_running
            else None
        ),
    }
    if trajectory.is_running:
        context |= {
            "begin_form": forms.get("begin") or BeginForm(initial=version),
            "version_form": VersionForm(initial=version),
            "intensity_form": forms.get("intensity") or IntensityForm(initial=version),
            "intensity_steps": _intensity_steps(trajectory),
            "add_coach_form": (forms.get("add_coach") or AddCoachForm(initial=version))
            if may["add_coach"]
            else None,
            "handover_form": (forms.get("handover") or _handover_form(trajectory))
            if may["handover"]
            else None,
        }
    # The errors of a step whose form the page does not show (pause, resume, stopping a
    # coach; the start once the help started, e.g. from a second tab; any step once the
    # trajectory has ended) go at the top.
    started = trajectory.status != Trajectory.Status.WAITING
    context["step_errors"] = next(
        (
            form
            for step, form in forms.items()
            if step in ("pause", "resume", "end_coach")
            or (step == "begin" and started)
            or not trajectory.is_running
        ),
        None,
    )
    return render(request, "trajectories/detail.html", context, status=status)


@staff_only
def detail(request, pk):
    """The trajectory page (hulptraject): who, what, since when, how intensive, by whom."""
    return _page(request, _get(request, pk))


def _log_change(request, trajectory, step):
    access_log_record(
        request=request,
        event=Event.CHANGE,
        part=f"{PART}: {step}",
        clients=_child_ids(trajectory),
        object_id=trajectory.pk,
    )


class _DryRun(Exception):
    pass


def _check(apply, data) -> None:
    """Run the step and roll it back: the look before an irreversible step shows only
    what the step itself would accept (raises its ValidationError)."""
    try:
        with transaction.atomic():
            apply(data)
            raise _DryRun
    except _DryRun:
        pass


def _posted(request) -> list[tuple[str, str]]:
    """The user's input, carried through the confirmation page as hidden fields."""
    skip = {"csrfmiddlewaretoken", "confirmed"}
    return [(k, v) for k, values in request.POST.lists() if k not in skip for v in values]


def _step(request, pk, step, form, apply, *, confirm=None, form_page=None):
    """One step from the page: the form, then (for an irreversible step) a look at what
    will happen, then the service; on bad input or a conflict the page again (status 400)
    with the user's input and the message."""
    trajectory = _get(request, pk)
    if not selectors.may_do(request.user, trajectory, step):
        raise PermissionDenied
    form = form(trajectory)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if confirm is not None and request.POST.get("confirmed") != "1":
                _check(lambda d: apply(trajectory, d), data)
                return render(
                    request,
                    "trajectories/confirm.html",
                    {
                        "trajectory": trajectory,
                        "children": _children(request, trajectory),
                        "posted": _posted(request),
                        "action": request.path,
                        **confirm(trajectory, data),
                    },
                )
            message = apply(trajectory, data)
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            _log_change(request, trajectory, step)
            messages.success(request, message)
            return redirect("trajectories:detail", pk=trajectory.pk)
    if form_page is not None:
        return form_page(request, trajectory, form, status=400)
    # Show the page with the current state: someone may have changed it meanwhile.
    return _page(request, _get(request, pk), forms={step: form}, status=400)


def _common(trajectory, data):
    return {
        "trajectory_id": trajectory.pk,
        "expected_version": data["version"],
    }


@staff_only
@require_POST
def begin(request, pk):
    def apply(trajectory, data):
        services.trajectory_begin(
            **_common(trajectory, data), started_on=data["started_on"], user=request.user
        )
        return _("The help has started.")

    def confirm(trajectory, data):
        return {
            "title": _("Start the help on %(date)s?")
            % {"date": data["started_on"].strftime("%d-%m-%Y")},
            "points": [
                _("The trajectory becomes active; the waiting time ends on this date."),
                _("The date of the start cannot be changed afterwards on this page."),
            ],
            "yes": _("Yes, the help has started"),
        }

    return _step(request, pk, "begin", lambda t: BeginForm(request.POST), apply, confirm=confirm)


@staff_only
@require_POST
def pause(request, pk):
    def apply(trajectory, data):
        services.trajectory_pause(**_common(trajectory, data), user=request.user)
        return _("The help is paused.")

    return _step(request, pk, "pause", lambda t: VersionForm(request.POST), apply)


@staff_only
@require_POST
def resume(request, pk):
    def apply(trajectory, data):
        services.trajectory_resume(**_common(trajectory, data), user=request.user)
        return _("The help is resumed.")

    return _step(request, pk, "resume", lambda t: VersionForm(request.POST), apply)


@staff_only
@require_POST
def intensity(request, pk):
    def apply(trajectory, data):
        change = services.intensity_change(
            **_common(trajectory, data),
            to_intensity=data["to_intensity"],
            reason=data["reason"],
            changed_on=data["changed_on"],
            user=request.user,
        )
        if change.is_up:
            return _("Scaled up to %(level)s.") % {"level": change.get_to_intensity_display()}
        return _("Scaled down to %(level)s.") % {"level": change.get_to_intensity_display()}

    return _step(request, pk, "intensity", lambda t: IntensityForm(request.POST), apply)


@staff_only
@require_POST
def handover(request, pk):
    def apply(trajectory, data):
        row = services.coach_handover(
            **_common(trajectory, data),
            new_coach=data["new_coach"],
            reason=data["reason"],
            note=data["note"],
            worker_change=data.get("worker_change"),
            user=request.user,
        )
        return _("%(name)s now coordinates this trajectory.") % {
            "name": row.coach.get_full_name() or row.coach.username
        }

    return _step(request, pk, "handover", lambda t: _handover_form(t, request.POST), apply)


@staff_only
@require_POST
def add_coach(request, pk):
    def apply(trajectory, data):
        row = services.coach_add(
            **_common(trajectory, data), coach=data["coach"], note=data["note"], user=request.user
        )
        return _("%(name)s coaches this trajectory too.") % {
            "name": row.coach.get_full_name() or row.coach.username
        }

    return _step(request, pk, "add_coach", lambda t: AddCoachForm(request.POST), apply)


@staff_only
@require_POST
def end_coach(request, pk, coach_pk):
    def apply(trajectory, data):
        row = services.coach_end(
            **_common(trajectory, data), coach_row_id=coach_pk, user=request.user
        )
        return _("%(name)s no longer coaches this trajectory.") % {
            "name": row.coach.get_full_name() or row.coach.username
        }

    return _step(request, pk, "end_coach", lambda t: VersionForm(request.POST), apply)


def _end_page(request, trajectory, form, status=200):
    return render(
        request,
        "trajectories/end.html",
        {"trajectory": trajectory, "form": form, "children": _children(request, trajectory)},
        status=status,
    )


@staff_only
@require_http_methods(["GET", "POST"])
def end(request, pk):
    """End the help: the form, then a page that says what ending means, then the end."""
    if request.method == "GET":
        trajectory = _get(request, pk)
        if not selectors.may_do(request.user, trajectory, "end"):
            raise PermissionDenied
        if not trajectory.is_running:
            messages.info(request, _("This trajectory has already ended."))
            return redirect("trajectories:detail", pk=pk)
        return _end_page(request, trajectory, EndForm(initial={"version": trajectory.version}))

    def apply(trajectory, data):
        services.trajectory_end(
            **_common(trajectory, data),
            ended_on=data["ended_on"],
            end_reason=data["end_reason"],
            end_note=data["end_note"],
            goals_reached=data["goals_reached"],
            satisfaction_asked=data["satisfaction_asked"],
            satisfaction=data["satisfaction"],
            user=request.user,
        )
        return _("The trajectory has ended.")

    def confirm(trajectory, data):
        reasons = dict(EndForm.base_fields["end_reason"].choices)
        return {
            "title": _("End this trajectory on %(date)s?")
            % {"date": data["ended_on"].strftime("%d-%m-%Y")},
            "summary": [
                (_("Reason for ending"), reasons.get(data["end_reason"], "")),
                (
                    _("Goals reached"),
                    Trajectory.GoalsReached(data["goals_reached"]).label,
                ),
            ],
            "points": [
                _("The help ends: the trajectory can no longer be scaled, paused or handed over."),
                _("The children are free for a new trajectory."),
                _("Every coach's part ends on this date; the children leave their caseload."),
                _("Six months after the end the page shows whether the family came back."),
            ],
            "yes": _("Yes, end the trajectory"),
            "back": reverse("trajectories:detail", args=[trajectory.pk]),
        }

    return _step(
        request,
        pk,
        "end",
        lambda t: EndForm(request.POST),
        apply,
        confirm=confirm,
        form_page=_end_page,
    )
