"""Support plan steps that change state: saving the goals and agreements (each save a
numbered version with what changed in words), recording that the family saw and agreed a
version, an evaluation, and the worklist tasks that watch the plan (safety agreements
missing, evaluation due)."""

import dataclasses
import datetime
from types import EllipsisType

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from indications.models import Task
from samen.workdays import add_working_days
from trajectories.models import Trajectory

from .models import Agreement, Evaluation, Goal, GoalProgress, PlanVersion, SupportPlan

GOAL_FIELDS = ("domain", "text", "child_id", "child_view")
AGREEMENT_FIELDS = ("party", "provider_id", "text", "is_safety", "shared_with_provider")


@dataclasses.dataclass
class Item:
    """One goal or agreement as a form gives it: `pk` None for a new one, `delete` to
    remove an existing one; `values` holds GOAL_FIELDS or AGREEMENT_FIELDS."""

    pk: int | None
    values: dict
    delete: bool = False


def running_trajectory_of_household(household_id: int) -> Trajectory | None:
    """The household's running trajectory (lopend hulptraject), the newest when several
    run. A plan's trajectory is derived with this whenever it is needed (the page, the
    evaluation, the daily job): SupportPlan.trajectory is only the last one known."""
    return (
        Trajectory.objects.running()
        .filter(household_id=household_id)
        .order_by("-created_at", "-id")
        .first()
    )


def plan_trajectory(plan: SupportPlan) -> Trajectory | None:
    """The trajectory a plan belongs to now: the household's running one, else the last
    one known (an ended trajectory, so that an evaluation after its end is refused)."""
    return running_trajectory_of_household(plan.household_id) or plan.trajectory


def hidden_child_ids(household, user) -> set[int]:
    """The household's children the user may not see (kinderen van een ander team)."""
    from intake.models import Client

    children = set(
        household.members.filter(client__isnull=False).values_list("client_id", flat=True)
    )
    visible = set(
        Client.objects.visible_to(user).filter(pk__in=children).values_list("pk", flat=True)
    )
    return children - visible


def _goal_label(goal: Goal) -> str:
    """The goal in words for "what changed": the domain, the child (first name) if the goal
    is about one, and the text, so that a change of child shows."""
    child = f" ({goal.child.first_name})" if goal.child_id else ""
    return f"{goal.get_domain_display()}{child}: “{goal.text}”"


def _agreement_label(agreement: Agreement) -> str:
    who = agreement.get_party_display()
    if agreement.provider_id:
        who = f"{who} ({agreement.provider.name})"
    safety = _(" (safety agreement)") if agreement.is_safety else ""
    return f"{who}: “{agreement.text}”{safety}"


def snapshot_of(plan: SupportPlan) -> dict:
    """The plan's goals and agreements as they are, in words (what a version keeps)."""
    goals = plan.goals.select_related("child").order_by("domain", "id")
    agreements = plan.agreements.select_related("provider").order_by("id")
    return {
        "goals": [
            {
                "id": g.pk,
                "domain": g.get_domain_display(),
                "text": g.text,
                "child": g.child.full_name if g.child_id else "",
                "child_id": g.child_id,
                "child_view": g.child_view,
            }
            for g in goals
        ],
        "agreements": [
            {
                "id": a.pk,
                "party": a.get_party_display(),
                "provider": a.provider.name if a.provider_id else "",
                "text": a.text,
                "is_safety": a.is_safety,
                "shared_with_provider": a.shared_with_provider,
            }
            for a in agreements
        ],
    }


def _about(row) -> set[int]:
    """The child a goal is about, as a set (empty for the whole family or an agreement)."""
    child_id = getattr(row, "child_id", None)
    return {child_id} if child_id else set()


def _apply(model, plan, items: list[Item], fields, label, changes: dict) -> None:
    """Add, change and remove the rows of `model` of `plan` as `items` say; each change in
    `changes` ("added", "changed", "removed") as (words, the children it is about)."""
    existing = {row.pk: row for row in model.objects.filter(plan=plan)}
    for item in items:
        if item.pk is not None and item.pk not in existing:
            raise ValidationError(_("A row of the plan was removed meanwhile. Look again."))
        row = existing.get(item.pk) if item.pk is not None else None
        if item.delete:
            if row is not None:
                changes["removed"].append((label(row), _about(row)))
                row.delete()
            continue
        if row is None:
            row = model(plan=plan, **item.values)
            row.full_clean()
            row.save()
            changes["added"].append((label(row), _about(row)))
            continue
        before, before_about = label(row), _about(row)
        if any(getattr(row, name) != item.values.get(name) for name in fields):
            for name in fields:
                setattr(row, name, item.values.get(name))
            row.full_clean()
            row.save()
            after = label(row)
            changes["changed"].append(
                (f"{before} → {after}" if after != before else after, before_about | _about(row))
            )


CHANGE_HEADINGS = {
    ("goal", "added"): gettext_lazy("Goal added"),
    ("goal", "changed"): gettext_lazy("Goal changed"),
    ("goal", "removed"): gettext_lazy("Goal removed"),
    ("agreement", "added"): gettext_lazy("Agreement added"),
    ("agreement", "changed"): gettext_lazy("Agreement changed"),
    ("agreement", "removed"): gettext_lazy("Agreement removed"),
}


def change_lines(goal_changes: dict, agreement_changes: dict) -> list[dict]:
    """What changed, one line per goal or agreement added, changed or removed:
    {"heading", "text", "child_ids"} (the children a goal line is about, so that a reader
    who may not see one of them gets the heading only; kept in the version's snapshot)."""
    lines = []
    for kind, changes in (("goal", goal_changes), ("agreement", agreement_changes)):
        for how in ("added", "changed", "removed"):
            lines += [
                {
                    "heading": str(CHANGE_HEADINGS[(kind, how)]),
                    "text": text,
                    "child_ids": sorted(about),
                }
                for text, about in changes[how]
            ]
    return lines


def changes_text(lines: list[dict]) -> str:
    """What changed, in words: the lines of change_lines, one a line."""
    return "\n".join(f"{line['heading']}: {line['text']}" for line in lines)


@transaction.atomic
def plan_save(
    *,
    household,
    goals: list[Item],
    agreements: list[Item],
    user,
    expected_version: int | None,
    next_evaluation_on: datetime.date | EllipsisType | None = ...,
) -> PlanVersion:
    """Save the family's plan: its goals and agreements as the form gives them, and the
    date of its next evaluation (left as it is when not given); makes the plan on the
    first save. Every save that changes something is a new numbered version with what
    changed in words. A plan without goals is refused; so is a save over someone else's
    (optimistic locking on the plan's version), and an evaluation date in the past."""
    # Locked: two workers saving the same family's plan at once would number two versions
    # alike; the second waits and is then refused by the version check.
    plan = SupportPlan.objects.select_for_update().filter(household=household).first()
    if plan is None:
        if expected_version is not None:
            raise ValidationError(_("This plan was removed meanwhile. Look again."))
        plan = SupportPlan(household=household, created_by=user)
    elif expected_version != plan.version:
        raise ValidationError(
            _("Someone else changed this plan meanwhile. Look at it again and retry.")
        )
    # Goals about a child the user may not see are not in the form and stay as they are.
    hidden = hidden_child_ids(household, user)
    hidden_goals = set()
    if plan.pk is not None and hidden:
        hidden_goals = set(plan.goals.filter(child_id__in=hidden).values_list("pk", flat=True))
    if any(g.pk in hidden_goals for g in goals) or any(
        not g.delete and g.values.get("child_id") in hidden for g in goals
    ):
        raise ValidationError(_("A goal about a child of another team cannot be changed here."))
    remaining = [g for g in goals if not g.delete]
    if not remaining and not hidden_goals:
        raise ValidationError(
            _("A support plan needs at least one goal, in the family's own words.")
        )
    children = set(
        household.members.filter(client__isnull=False).values_list("client_id", flat=True)
    )
    if any(g.values.get("child_id") not in (None, *children) for g in remaining):
        raise ValidationError(_("A goal's child must be a child of this family."))
    date_line = []
    if next_evaluation_on is not ... and next_evaluation_on != plan.next_evaluation_on:
        if next_evaluation_on is not None and next_evaluation_on < timezone.localdate():
            raise ValidationError(
                {"next_evaluation_on": _("The next evaluation cannot lie in the past.")}
            )
        plan.next_evaluation_on = next_evaluation_on
        date_line = [
            {
                "heading": str(_("Next evaluation")),
                "text": next_evaluation_on.strftime("%d-%m-%Y")
                if next_evaluation_on
                else str(_("not planned")),
                "child_ids": [],
            }
        ]
    trajectory = running_trajectory_of_household(household.pk)
    if trajectory is not None:
        # The last trajectory known; the plan's trajectory is derived when needed.
        plan.trajectory = trajectory
    plan._history_user = user
    plan.full_clean()
    try:
        with transaction.atomic():
            plan.save()
    except IntegrityError:
        # Another worker made this family's plan at the same moment.
        raise ValidationError(
            _("Someone else changed this plan meanwhile. Look at it again and retry.")
        ) from None
    goal_changes = {"added": [], "changed": [], "removed": []}
    agreement_changes = {"added": [], "changed": [], "removed": []}
    _apply(Goal, plan, goals, GOAL_FIELDS, _goal_label, goal_changes)
    _apply(Agreement, plan, agreements, AGREEMENT_FIELDS, _agreement_label, agreement_changes)
    lines = change_lines(goal_changes, agreement_changes) + date_line
    text = changes_text(lines)
    last = plan.versions.order_by("-number").first()
    if last is not None and not text:
        raise ValidationError(_("Nothing changed: no new version was made."))
    version = PlanVersion(
        plan=plan,
        number=(last.number + 1) if last else 1,
        changes=text,
        snapshot={**snapshot_of(plan), "changes": lines},
        made_by=user,
    )
    version.full_clean()
    version.save()
    if trajectory is not None:
        if plan.agreements.filter(is_safety=True).exists():
            tasks_close_by_condition(
                trajectory_id=trajectory.pk, how=Task.DoneHow.SAFETY_AGREEMENT, user=user
            )
        else:
            safety_task_ensure(trajectory=trajectory)
    return version


def plan_follow_merge(*, keep, other, user) -> None:
    """A household merged into another: its support plan moves to the household kept.
    When both have a plan the merge is refused (one family, one plan: bring the goals and
    agreements together in one plan first); nothing of either is lost. A split leaves the
    plan with the household it was made for."""
    plans = list(SupportPlan.objects.select_for_update().filter(household__in=[keep, other]))
    if len(plans) == 2:
        raise ValidationError(
            _(
                "Both households have a support plan: bring them together in one plan "
                "first, then merge."
            )
        )
    for plan in plans:
        if plan.household_id == other.pk:
            plan.household = keep
            plan._history_user = user
            plan.save(update_fields=["household"])


def _check_day(day: datetime.date, field: str) -> None:
    if day > timezone.localdate():
        raise ValidationError({field: _("This date cannot be in the future.")})


def plan_version_agree_check(
    *, version: PlanVersion, shown_on: datetime.date, agreed_on: datetime.date
) -> None:
    """The rules of recording the family's agreement; the page asks them before its look
    too, so the look never shows what would be refused."""
    if version.agreed_on is not None:
        raise ValidationError(_("The family's agreement with this version is already recorded."))
    if PlanVersion.objects.filter(plan_id=version.plan_id, number__gt=version.number).exists():
        raise ValidationError(
            _("A newer version of the plan exists: the family agrees with the latest one.")
        )
    _check_day(shown_on, "shown_on")
    _check_day(agreed_on, "agreed_on")
    if agreed_on < shown_on:
        raise ValidationError(
            {"agreed_on": _("The family agrees on or after the day the plan was shown.")}
        )
    if shown_on < timezone.localdate(version.made_at):
        raise ValidationError({"shown_on": _("A version cannot be shown before it was made.")})


@transaction.atomic
def plan_version_agree(
    *, version_id: int, shown_on: datetime.date, agreed_on: datetime.date, user
) -> PlanVersion:
    """Record that the family was shown this version and agreed with it, each on a date;
    once (the page asks first)."""
    # Locked: two workers recording the agreement at once; the second is refused.
    version = PlanVersion.objects.select_for_update().get(pk=version_id)
    plan_version_agree_check(version=version, shown_on=shown_on, agreed_on=agreed_on)
    version.shown_on = shown_on
    version.agreed_on = agreed_on
    version.agreed_recorded_by = user
    version._history_user = user
    version.full_clean()
    version.save(update_fields=["shown_on", "agreed_on", "agreed_recorded_by"])
    return version


@transaction.atomic
def plan_evaluate(
    *,
    plan_id: int,
    evaluated_on: datetime.date,
    progress: dict[int, tuple[str, str]],
    next_evaluation_on: datetime.date | None,
    user,
    expected_version: int,
) -> Evaluation:
    """An evaluation: per goal the progress on the scale and a note, on a date within the
    trajectory (not before its start, not after its end, not in the future); sets the
    plan's next evaluation date and closes the "evaluation due" task."""
    plan = SupportPlan.objects.select_for_update().get(pk=plan_id)
    if plan.version != expected_version:
        raise ValidationError(
            _("Someone else changed this plan meanwhile. Look at it again and retry.")
        )
    trajectory = plan_trajectory(plan)
    if trajectory is None or trajectory.started_on is None:
        raise ValidationError(
            _("An evaluation is about help that started: this plan has no started trajectory.")
        )
    _check_day(evaluated_on, "evaluated_on")
    if evaluated_on < trajectory.started_on:
        raise ValidationError(
            {"evaluated_on": _("An evaluation cannot lie before the start of the help.")}
        )
    if trajectory.ended_on and evaluated_on > trajectory.ended_on:
        raise ValidationError(
            {"evaluated_on": _("An evaluation cannot lie after the end of the help.")}
        )
    last = plan.evaluations.order_by("-evaluated_on").first()
    if last is not None and evaluated_on < last.evaluated_on:
        raise ValidationError(
            {
                "evaluated_on": _("An evaluation cannot lie before the last one (%(date)s).")
                % {"date": last.evaluated_on.strftime("%d-%m-%Y")}
            }
        )
    if next_evaluation_on is not None and next_evaluation_on <= evaluated_on:
        raise ValidationError({"next_evaluation_on": _("The next evaluation lies after this one.")})
    goals = {goal.pk: goal for goal in plan.goals.all()}
    if not progress or set(progress) - set(goals):
        raise ValidationError(_("Give the progress of the plan's goals."))
    evaluation = Evaluation(
        plan=plan,
        evaluated_on=evaluated_on,
        next_evaluation_on=next_evaluation_on,
        recorded_by=user,
    )
    evaluation._history_user = user
    evaluation.full_clean()
    evaluation.save()
    rows = [
        GoalProgress(evaluation=evaluation, goal=goals[pk], progress=value, note=note.strip())
        for pk, (value, note) in progress.items()
    ]
    for row in rows:
        row.full_clean()
    GoalProgress.objects.bulk_create(rows)
    plan.next_evaluation_on = next_evaluation_on
    plan.trajectory = trajectory  # the last one known
    plan._history_user = user
    plan.save(update_fields=["next_evaluation_on", "trajectory"])
    tasks_close_by_condition(
        trajectory_id=trajectory.pk, how=Task.DoneHow.PLAN_EVALUATED, user=user
    )
    return evaluation


def _coordinator_id(trajectory: Trajectory) -> int | None:
    row = trajectory.coaches.filter(coordinator=True, until_on__isnull=True).first()
    return row.coach_id if row else None


def safety_task_ensure(*, trajectory: Trajectory) -> Task | None:
    """Safety first: when the trajectory's triage recorded safety concerns and the
    household's plan has no safety agreement, the coordinator gets a task "plan without
    safety agreements", due in PLAN_SAFETY_TASK_WORKING_DAYS working days; one open at a
    time. Called at the start of a trajectory and after each save of the plan."""
    if not trajectory.triage.safety_concerns or not trajectory.is_running:
        return None
    has_safety = Agreement.objects.filter(
        plan__household_id=trajectory.household_id, is_safety=True
    ).exists()
    if has_safety:
        return None
    open_task = Task.objects.filter(
        trajectory=trajectory, kind=Task.Kind.PLAN_NO_SAFETY, done_on__isnull=True
    ).first()
    if open_task is not None:
        return open_task
    today = timezone.localdate()
    task, _created = Task.objects.get_or_create(
        trajectory=trajectory,
        kind=Task.Kind.PLAN_NO_SAFETY,
        due_on=add_working_days(today, settings.PLAN_SAFETY_TASK_WORKING_DAYS),
        defaults={"team_id": trajectory.team_id, "assigned_to_id": _coordinator_id(trajectory)},
    )
    return task


def tasks_close_by_condition(*, trajectory_id: int, how: str, user) -> int:
    """Close the trajectory's open tasks whose own condition `how` is (Task.CLOSED_BY): a
    safety agreement closes "plan without safety agreements", an evaluation "evaluation
    due". Each is saved on its own so its history shows it."""
    from indications.services import tasks_mark_done

    kinds = [kind for kind, closes in Task.CLOSED_BY.items() if closes == how]
    tasks = Task.objects.filter(trajectory_id=trajectory_id, kind__in=kinds)
    return tasks_mark_done(tasks, how=how, user=user)


@transaction.atomic
def plans_evaluations_due(*, on_date: datetime.date) -> dict:
    """The daily job: every plan whose household has a running trajectory and whose next
    evaluation date has come gets a task "evaluation of the support plan due" on that
    trajectory (the newest running one, as running_trajectory_of_household) for the
    coordinator, once per date (the partial unique index on trajectory, kind and due date).
    One INSERT ... SELECT; the plan's stored trajectory (last known) is not used."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO indications_task
                (team_id, trajectory_id, assigned_to_id, kind, due_on, created_at)
            SELECT t.team_id, t.id,
                (SELECT c.coach_id FROM trajectories_trajectorycoach c
                 WHERE c.trajectory_id = t.id AND c.coordinator AND c.until_on IS NULL
                 LIMIT 1),
                %s, p.next_evaluation_on, %s
            FROM plans_supportplan p
            JOIN LATERAL (
                SELECT r.id, r.team_id FROM trajectories_trajectory r
                WHERE r.household_id = p.household_id AND r.status <> %s
                ORDER BY r.created_at DESC, r.id DESC
                LIMIT 1
            ) t ON TRUE
            WHERE p.next_evaluation_on <= %s
            ON CONFLICT (trajectory_id, kind, due_on) WHERE trajectory_id IS NOT NULL
            DO NOTHING
            """,
            [
                Task.Kind.PLAN_EVALUATION_DUE,
                timezone.now(),
                Trajectory.Status.ENDED,
                on_date,
            ],
        )
        return {"tasks": cursor.rowcount}
