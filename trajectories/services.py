"""Trajectory steps that change state: start (from a triage outcome), the start of the
help, pause and resume, scaling up and down, a handover to another coach, the end with
its results, and a re-assessment. Every caller (views, jobs, the data migration's
successors, tests) goes through these."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from intake.models import WorkerChangeRequest, user_team_ids
from samen import roles
from samen.codelists import EARLY_END_REASONS

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
    if started_on < trajectory.triage.held_on:
        raise ValidationError(
            {
                "started_on": _(
                    "The help of a trajectory starts on or after its triage (%(date)s)."
                )
                % {"date": trajectory.triage.held_on.strftime("%d-%m-%Y")}
            }
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
    last_change = trajectory.intensity_changes.order_by("-changed_on", "-id").first()
    if last_change is not None and changed_on < last_change.changed_on:
        raise ValidationError(
            {
                "changed_on": _("A change cannot lie before the last change, of %(day)s.")
                % {"day": last_change.changed_on.strftime("%d-%m-%Y")}
            }
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
    row is ended (history kept). The family's request for another worker can be the reason.
    The open tasks about the trajectory move to the new coordinator."""
    trajectory = trajectory_lock(trajectory_id, expected_version)
    if not is_team_lead_of(user, trajectory):
        raise PermissionDenied
    if not trajectory.is_running:
        raise ValidationError(_("This trajectory has ended."))
    today = timezone.localdate()
    current = trajectory.coaches.filter(coordinator=True, until_on__isnull=True).first()
    if current is not None and current.coach_id == new_coach.pk:
        raise ValidationError({"new_coach": _("This coach already coordinates the trajectory.")})
    _check_wij_worker(new_coach, "new_coach")
    if worker_change is not None and worker_change.support_request_id != (
        trajectory.triage.support_request_id
    ):
        raise ValidationError(_("That request for another worker is about another request."))
    if (
        reason == TrajectoryCoach.Reason.FAMILY_ASKED
        and worker_change is None
        and WorkerChangeRequest.objects.filter(
            support_request_id=trajectory.triage.support_request_id
        ).exists()
    ):
        raise ValidationError(
            {"worker_change": _("Choose the family's request for another worker.")}
        )
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
    _move_open_tasks(trajectory, new_coach)
    return row


def _move_open_tasks(trajectory, new_coach) -> int:
    """The open tasks about the trajectory go to the new coordinator (one UPDATE)."""
    from indications.models import Task

    return Task.objects.filter(trajectory_id=trajectory.pk, done_on__isnull=True).update(
        assigned_to=new_coach
    )


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
    if trajectory.started_on is None and ended_on < trajectory.triage.held_on:
        raise ValidationError(
            {"ended_on": _("The end cannot lie before the triage of the trajectory.")}
        )
    if trajectory.started_on and ended_on < trajectory.started_on:
        raise ValidationError({"ended_on": _("The end cannot lie before the start of the help.")})
    if end_reason in EARLY_END_REASONS and not end_note.strip():
        raise ValidationError({"end_note": _("Say why the help ended early.")})
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
    _close_tasks(trajectory, user)
    return trajectory


def _close_tasks(trajectory: Trajectory, user) -> None:
    """The open worklist tasks about the trajectory (its plan's safety and evaluations, a
    refused exception) are done when the help ends: closed by that condition, with who and
    when, each with its history row."""
    from indications.models import Task
    from indications.services import tasks_mark_done

    tasks_mark_done(
        Task.objects.filter(trajectory=trajectory), how=Task.DoneHow.TRAJECTORY_ENDED, user=user
    )


def is_team_lead_of(user, trajectory) -> bool:
    """A team lead (teamleider) of the trajectory's team."""
    return roles.user_has_role(user, roles.TEAM_LEAD) and trajectory.team_id in set(
        user_team_ids(user)
    )


def is_coordinator_of(user, trajectory) -> bool:
    """The current coordinator (regiehouder) of the trajectory."""
    # Through .all(): the trajectory page has the coaches prefetched (no query).
    return any(
        row.coach_id == user.pk and row.coordinator and row.until_on is None
        for row in trajectory.coaches.all()
    )


def may_add_coach(user, trajectory, coach=None) -> bool:
    """Adding a coach gives the coach sight of every child of the trajectory: only the
    current coordinator or a team lead of its team adds one, and only a team lead of its
    team adds themselves."""
    if not roles.user_has_role(user, *roles.WIJ_ROLES):
        return False
    if coach is not None and coach.pk == user.pk:
        return is_team_lead_of(user, trajectory)
    return is_coordinator_of(user, trajectory) or is_team_lead_of(user, trajectory)


def _check_wij_worker(user, field: str) -> None:
    """A coach is a WIJ worker or team lead (an active account)."""
    if not user.is_active or not roles.user_has_role(user, *roles.WIJ_ROLES):
        raise ValidationError({field: _("Choose a WIJ worker.")})


@transaction.atomic
def coach_add(
    *, trajectory_id: int, expected_version: int, coach, user, note: str = ""
) -> TrajectoryCoach:
    """Another coach beside the coordinator (reason "added", not coordinating): a second
    worker for a child, or a colleague with a skill the family needs."""
    trajectory = trajectory_lock(trajectory_id, expected_version)
    if not may_add_coach(user, trajectory, coach):
        raise PermissionDenied
    if not trajectory.is_running:
        raise ValidationError(_("This trajectory has ended."))
    _check_wij_worker(coach, "coach")
    if trajectory.coaches.filter(coach=coach, until_on__isnull=True).exists():
        raise ValidationError({"coach": _("This worker already coaches this trajectory.")})
    row = TrajectoryCoach(
        trajectory=trajectory,
        coach=coach,
        coordinator=False,
        from_on=timezone.localdate(),
        reason=TrajectoryCoach.Reason.ADDED,
        note=note.strip(),
    )
    row._history_user = user
    row.full_clean()
    row.save()
    _save(trajectory, user)
    return row


@transaction.atomic
def coach_end(*, trajectory_id: int, expected_version: int, coach_row_id: int, user):
    """A coach beside the coordinator stops (today); the coordinator changes only by a
    handover, so that the family always has one."""
    trajectory = trajectory_lock(trajectory_id, expected_version)
    if not trajectory.is_running:
        raise ValidationError(_("This trajectory has ended."))
    row = trajectory.coaches.filter(pk=coach_row_id, until_on__isnull=True).first()
    if row is None:
        raise ValidationError(_("This coach no longer coaches this trajectory."))
    if row.coordinator:
        raise ValidationError(
            _("The coordinator stops only by a handover to another coach (team lead).")
        )
    row.until_on = timezone.localdate()
    row._history_user = user
    row.save(update_fields=["until_on"])
    _save(trajectory, user)
    return row


# Re-assessment (herbeoordeling, seed 004 q7): the family says the help no longer fits.

ASSESS_PERMISSION = "trajectories.assess_access"


def may_assess(user) -> bool:
    """A WIJ worker with access tasks: the permission is given per user in the admin."""
    from samen import roles

    return roles.user_has_role(user, *roles.WIJ_ROLES) and user.has_perm(ASSESS_PERMISSION)


def _reassessment_lock(reassessment_id: int):
    from .models import Reassessment

    # Two workers (or two tabs) recording the same step: the second waits, then sees the
    # step done and is refused instead of overwriting it.
    return (
        Reassessment.objects.select_for_update()
        .select_related("trajectory")
        .get(pk=reassessment_id)
    )


def _refuse_unless_assessor(user) -> None:
    if not may_assess(user):
        raise ValidationError(
            _("Only a WIJ worker with access tasks may record the investigation.")
        )


@transaction.atomic
def reassessment_ask(*, trajectory_id: int, asked_on: datetime.date, family_concern: str, user):
    """The family says the help does not (or no longer) fit: any WIJ worker who sees the
    trajectory records it. One open question at a time per trajectory."""
    from .models import Reassessment

    trajectory = trajectory_lock(trajectory_id)
    if not trajectory.is_running:
        raise ValidationError(_("This trajectory has ended."))
    _check_date(asked_on, "asked_on")
    if asked_on < trajectory.triage.held_on:
        raise ValidationError(
            {"asked_on": _("The family cannot have asked before the triage of the trajectory.")}
        )
    if not family_concern.strip():
        raise ValidationError({"family_concern": _("Write down what the family says.")})
    open_one = trajectory.reassessments.filter(outcome="").first()
    if open_one is not None:
        raise ValidationError(
            _("The family's question of %(day)s is still being investigated.")
            % {"day": open_one.asked_on.strftime("%d-%m-%Y")}
        )
    reassessment = Reassessment(
        trajectory=trajectory, asked_on=asked_on, family_concern=family_concern.strip()
    )
    reassessment._history_user = user
    reassessment.full_clean()
    reassessment.save()
    return reassessment


@transaction.atomic
def reassessment_record(
    *,
    reassessment_id: int,
    investigated_on: datetime.date,
    investigation: str,
    outcome: str,
    user,
):
    """The investigation and its outcome, by a worker with access tasks (recorded once:
    the outcome is what the family is told and what a beschikking may follow from)."""
    from .models import Reassessment

    _refuse_unless_assessor(user)
    reassessment = _reassessment_lock(reassessment_id)
    if reassessment.outcome:
        raise ValidationError(_("The outcome of this re-assessment has already been recorded."))
    if outcome not in Reassessment.Outcome.values:
        raise ValidationError({"outcome": _("Choose an outcome.")})
    _check_date(investigated_on, "investigated_on")
    reassessment.investigated_by = user
    reassessment.investigated_on = investigated_on
    reassessment.investigation = investigation.strip()
    reassessment.outcome = outcome
    reassessment._history_user = user
    reassessment.full_clean()
    reassessment.save()
    return reassessment


@transaction.atomic
def reassessment_share(
    *, reassessment_id: int, shared_on: datetime.date, family_agrees: bool, user
):
    """The outcome was shared with the family on a date; do they agree? When the outcome
    is an individual provision, or Basis jeugdhulp again and the family disagrees, a
    beschikking follows (`needs_beschikking`)."""
    _refuse_unless_assessor(user)
    reassessment = _reassessment_lock(reassessment_id)
    if not reassessment.outcome:
        raise ValidationError(_("Record the outcome first."))
    if reassessment.shared_on:
        raise ValidationError(_("The outcome has already been shared with the family."))
    _check_date(shared_on, "shared_on")
    if shared_on < reassessment.investigated_on:
        raise ValidationError(
            {"shared_on": _("The outcome cannot be shared before the investigation.")}
        )
    reassessment.shared_on = shared_on
    reassessment.family_agrees = family_agrees
    reassessment._history_user = user
    reassessment.full_clean()
    reassessment.save()
    return reassessment


@transaction.atomic
def reassessment_link_beschikking(*, reassessment_id: int, beschikking_id: int, user):
    """The beschikking that followed (requested on the trajectory's support request),
    linked to the re-assessment."""
    from triage.models import Beschikking

    _refuse_unless_assessor(user)
    reassessment = _reassessment_lock(reassessment_id)
    if not reassessment.needs_beschikking:
        raise ValidationError(_("This outcome needs no beschikking."))
    if reassessment.beschikking_id:
        raise ValidationError(_("A beschikking is already linked to this re-assessment."))
    request_id = reassessment.trajectory.triage.support_request_id
    beschikking = Beschikking.objects.filter(
        pk=beschikking_id, support_request_id=request_id
    ).first()
    if beschikking is None:
        raise ValidationError(
            {"beschikking": _("Choose a beschikking of this trajectory's support request.")}
        )
    if beschikking.reassessments.exists():
        raise ValidationError(
            {"beschikking": _("That beschikking belongs to another re-assessment.")}
        )
    reassessment.beschikking = beschikking
    reassessment._history_user = user
    reassessment.save(update_fields=["beschikking"])
    return reassessment
