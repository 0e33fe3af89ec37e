"""Trajectory steps that change state: start (from a triage outcome), the start of the
help, pause and resume, scaling up and down, a handover to another coach, the end with
its results, and a re-assessment. Every caller (views, jobs, the data migration's
successors, tests) goes through these."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import (
    IntensityChange,
    Trajectory,
    TrajectoryChild,
    TrajectoryCoach,
)

Status = Trajectory.Status


def running_trajectory_of(client_ids) -> dict[int, Trajectory]:
    """{client id: its running trajectory} for those of `client_ids` that have one."""
    links = TrajectoryChild.objects.filter(client_id__in=list(client_ids), current=True)
    return {link.client_id: link.trajectory for link in links.select_related("trajectory")}


def _refuse_second_trajectory(client_ids, *, exclude_pk=None) -> None:
    """A second running trajectory for a child is refused with a message naming the first."""
    links = (
        TrajectoryChild.objects.filter(client_id__in=list(client_ids), current=True)
        .exclude(trajectory_id=exclude_pk)
        .select_related("client")
        .order_by("trajectory_id")
    )
    first = links.first()
    if first is not None:
        raise ValidationError(
            _("%(child)s already has a running trajectory: trajectory %(number)s.")
            % {"child": first.client.full_name, "number": first.trajectory_id}
        )


@transaction.atomic
def trajectory_start(
    *,
    triage,
    clients,
    coach,
    intensity: str,
    user,
    role: str = Trajectory.Role.BASIS,
    product=None,
) -> Trajectory:
    """A trajectory from a triage outcome, status "waiting" until the help starts, with
    `coach` as the family's coordinator. All children must belong to the triage's request
    and have no running trajectory."""
    clients = list(clients)
    if not clients:
        raise ValidationError(_("Choose at least one child."))
    request = triage.support_request
    request_client_ids = set(request.clients.values_list("pk", flat=True))
    if any(client.pk not in request_client_ids for client in clients):
        raise ValidationError(_("A trajectory is for children of the triaged request."))
    _refuse_second_trajectory([client.pk for client in clients])
    trajectory = Trajectory(
        household_id=request.household_id,
        triage=triage,
        team_id=request.team_id,
        role=role,
        product=product,
        intensity=intensity,
        created_by=user,
    )
    trajectory._history_user = user
    trajectory.full_clean()
    trajectory.save()
    try:
        with transaction.atomic():
            TrajectoryChild.objects.bulk_create(
                [TrajectoryChild(trajectory=trajectory, client=client) for client in clients]
            )
    except IntegrityError:
        # Another worker started one for the same child at the same moment.
        _refuse_second_trajectory([client.pk for client in clients], exclude_pk=trajectory.pk)
        raise
    coach_row = TrajectoryCoach(
        trajectory=trajectory,
        coach=coach,
        coordinator=True,
        from_on=timezone.localdate(),
        reason=TrajectoryCoach.Reason.START,
    )
    coach_row._history_user = user
    coach_row.save()
    # Safety first: a triage with safety concerns puts "plan without safety agreements"
    # on the coordinator's worklist until the plan has one.
    from plans.services import safety_task_ensure

    safety_task_ensure(trajectory=trajectory)
    return trajectory


def trajectory_lock(trajectory_id: int, expected_version: int | None = None) -> Trajectory:
    """The trajectory, locked; refused when someone changed it since the form was shown."""
    trajectory = Trajectory.objects.select_for_update().get(pk=trajectory_id)
    if expected_version is not None and trajectory.version != expected_version:
        raise ValidationError(
            _("Someone else changed this trajectory meanwhile. Look at it again and retry.")
        )
    return trajectory


def _save(trajectory: Trajectory, user) -> Trajectory:
    trajectory._history_user = user
    trajectory.full_clean()
    trajectory.save()
    return trajectory


def _check_date(day: datetime.date, field: str) -> None:
    if day > timezone.localdate():
        raise ValidationError({field: _("This date cannot be in the future.")})


@transaction.atomic
def trajectory_begin(
    *, trajectory_id: int, expected_version: int, started_on: datetime.date, user
) -> Trajectory:
    """The help starts: waiting → active, with the date (waiting time = registration → start)."""
    trajectory = trajectory_lock(trajectory_id, expected_version)
    if trajectory.status != Status.WAITING:
        raise ValidationError(_("The help of this trajectory has already started."))
    _check_date(started_on, "started_on")
    registered = timezone.localdate(trajectory.triage.support_request.received_at)
    if started_on < registered:
        raise ValidationError(
            {"started_on": _("The help cannot start before the request was registered.")}
        )
    trajectory.started_on = started_on
    trajectory.status = Status.ACTIVE
    return _save(trajectory, user)


@transaction.atomic
def trajectory_pause(*, trajectory_id: int, expected_version: int, user) -> Trajectory:
    trajectory = trajectory_lock(trajectory_id, expected_version)
    if trajectory.status != Status.ACTIVE:
        raise ValidationError(_("Only active help can be paused."))
    trajectory.status = Status.PAUSED
    return _save(trajectory, user)


@transaction.atomic
def trajectory_resume(*, trajectory_id: int, expected_version: int, user) -> Trajectory:
    trajectory = trajectory_lock(trajectory_id, expected_version)
    if trajectory.status != Status.PAUSED:
        raise ValidationError(_("Only paused help can be resumed."))
    trajectory.status = Status.ACTIVE
    return _save(trajectory, user)


@transaction.atomic
def intensity_change(
    *,
    trajectory_id: int,
    expected_version: int,
    to_intensity: str,
    reason: str,
    user,
    changed_on: datetime.date | None = None,
) -> IntensityChange:
    """Scale up or down: no approval, a short reason, a dated record; within the
    trajectory (not before the triage, not after the end, not in the future)."""
    trajectory = trajectory_lock(trajectory_id, expected_version)
    changed_on = changed_on or timezone.localdate()
    if not trajectory.is_running:
        raise ValidationError(_("This trajectory has ended."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give a short reason.")})
    if to_intensity == trajectory.intensity:
        raise ValidationError({"to_intensity": _("This is already the current intensity.")})
    _check_date(changed_on, "changed_on")
    if changed_on < trajectory.triage.held_on:
        raise ValidationError(
            {"changed_on": _("A change cannot lie before the triage of the trajectory.")}
        )
    change = IntensityChange(
        trajectory=trajectory,
        changed_on=changed_on,
        from_intensity=trajectory.intensity,
        to_intensity=to_intensity,
        reason=reason.strip(),
        changed_by=user,
    )
    change.full_clean()
    change.save()
    trajectory.intensity = to_intensity
    _save(trajectory, user)
    return change


@transaction.atomic
def coach_handover(
    *,
    trajectory_id: int,
    expected_version: int,
    new_coach,
    reason: str,
    user,
    note: str = "",
    worker_change=None,
) -> TrajectoryCoach:
    """A team lead hands the trajectory to another coordinator; the earlier coordinator's
    row is ended (history kept). The family's request for another worker can be the reason."""
    trajectory = trajectory_lock(trajectory_id, expected_version)
    if not trajectory.is_running:
        raise ValidationError(_("This trajectory has ended."))
    today = timezone.localdate()
    current = trajectory.coaches.filter(coordinator=True, until_on__isnull=True).first()
    if current is not None and current.coach_id == new_coach.pk:
        raise ValidationError({"new_coach": _("This coach already coordinates the trajectory.")})
    if worker_change is not None and worker_change.support_request_id != (
        trajectory.triage.support_request_id
    ):
        raise ValidationError(_("That request for another worker is about another request."))
    # The new coordinator may already coach beside the coordinator: that row ends too.
    for row in trajectory.coaches.filter(until_on__isnull=True).filter(
        coach=new_coach
    ) | trajectory.coaches.filter(until_on__isnull=True, coordinator=True):
        row.until_on = today
        row._history_user = user
        row.save(update_fields=["until_on"])
    row = TrajectoryCoach(
        trajectory=trajectory,
        coach=new_coach,
        coordinator=True,
        from_on=today,
        reason=reason,
        note=note.strip(),
        worker_change=worker_change,
    )
    row._history_user = user
    row.full_clean()
    row.save()
    _save(trajectory, user)
    return row


@transaction.atomic
def trajectory_end(
    *,
    trajectory_id: int,
    expected_version: int,
    ended_on: datetime.date,
    end_reason: str,
    goals_reached: str,
    user,
    end_note: str = "",
    satisfaction_asked: bool | None = None,
    satisfaction: str = "",
) -> Trajectory:
    """End the help with its reason (JZ588) and results; the children are free for a new
    trajectory, the coaches' rows end on the same day."""
    trajectory = trajectory_lock(trajectory_id, expected_version)
    if not trajectory.is_running:
        raise ValidationError(_("This trajectory has already ended."))
    _check_date(ended_on, "ended_on")
    trajectory.status = Status.ENDED
    trajectory.ended_on = ended_on
    trajectory.end_reason = end_reason
    trajectory.end_note = end_note.strip()
    trajectory.goals_reached = goals_reached
    trajectory.satisfaction_asked = satisfaction_asked
    trajectory.satisfaction = satisfaction if satisfaction_asked else ""
    last_change = trajectory.intensity_changes.order_by("-changed_on").first()
    if last_change is not None and ended_on < last_change.changed_on:
        raise ValidationError(
            {"ended_on": _("The end cannot lie before the last change of intensity.")}
        )
    _save(trajectory, user)
    trajectory.children.update(current=False)
    for row in trajectory.coaches.filter(until_on__isnull=True):
        row.until_on = max(ended_on, row.from_on)
        row._history_user = user
        row.save(update_fields=["until_on"])
    return trajectory
