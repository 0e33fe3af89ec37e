"""Queries about support plans, for the plan page, the trajectory page and "Mijn trajecten"."""

import datetime

from django.db.models import Max, OuterRef, Q, Subquery
from django.utils.translation import gettext as _

from trajectories.models import Trajectory

from .models import PlanVersion, SupportPlan


def plan_status_for(trajectories) -> dict[int, tuple[str, datetime.date | None]]:
    """{trajectory id: (the plan's status in words, its next evaluation date or None)} for
    the given trajectories (objects: one query; ids: two), however many. A trajectory without
    a plan of its household gets "no plan yet"."""
    trajectories = list(trajectories)
    if all(hasattr(t, "household_id") for t in trajectories):
        # Trajectory objects know their household: one query fewer.
        households = {t.pk: t.household_id for t in trajectories}
    else:
        ids = [getattr(t, "pk", t) for t in trajectories]
        households = dict(Trajectory.objects.filter(pk__in=ids).values_list("pk", "household_id"))
    last_agreed = PlanVersion.objects.filter(plan=OuterRef("pk"), agreed_on__isnull=False).order_by(
        "-number"
    )
    plans = {
        plan.household_id: plan
        for plan in SupportPlan.objects.filter(household_id__in=set(households.values())).annotate(
            last_number=Max("versions__number"),
            agreed_number=Subquery(last_agreed.values("number")[:1]),
            agreed_on=Subquery(last_agreed.values("agreed_on")[:1]),
        )
    }
    result = {}
    for trajectory_id, household_id in households.items():
        plan = plans.get(household_id)
        result[trajectory_id] = (_status_text(plan), plan.next_evaluation_on if plan else None)
    return result


def _status_text(plan) -> str:
    if plan is None:
        return _("no plan yet")
    if plan.agreed_number is None:
        return _("version %(number)s, not yet agreed with the family") % {
            "number": plan.last_number
        }
    if plan.agreed_number == plan.last_number:
        return _("version %(number)s, agreed on %(day)s") % {
            "number": plan.agreed_number,
            "day": plan.agreed_on.strftime("%d-%m-%Y"),
        }
    return _("version %(number)s; version %(agreed)s agreed on %(day)s") % {
        "number": plan.last_number,
        "agreed": plan.agreed_number,
        "day": plan.agreed_on.strftime("%d-%m-%Y"),
    }


def plan_summary(trajectory) -> dict:
    """What the trajectory page's plan block shows: the status in words, the last version
    agreed (number and date), the next evaluation and the household for the link."""
    status, next_evaluation = plan_status_for([trajectory])[trajectory.pk]
    last_agreed = (
        PlanVersion.objects.filter(plan__household_id=trajectory.household_id)
        .filter(~Q(agreed_on=None))
        .order_by("-number")
        .first()
    )
    return {
        "status": status,
        "next_evaluation_on": next_evaluation,
        "last_agreed": last_agreed,
        "household_id": trajectory.household_id,
    }


def portal_children(household_ids, provider_id: int) -> dict[int, list]:
    """{household id: the children a provider's shared agreements are about}: the current
    children of the household's running trajectory (the newest, as
    services.running_trajectory_of_household) that the provider has an indication or a
    triage referral (ChildOutcome naming it) for. Nobody else of the household: no
    siblings outside the provider's help, no children of a family merged in. An empty
    list when it cannot be known (no running trajectory): then the household name only.
    Two queries, however many households."""
    from indications.models import Indication
    from trajectories.models import TrajectoryChild
    from triage.models import ChildOutcome

    newest = {}
    for trajectory_id, household_id in (
        Trajectory.objects.running()
        .filter(household_id__in=set(household_ids))
        .order_by("-created_at", "-id")
        .values_list("pk", "household_id")
    ):
        newest.setdefault(household_id, trajectory_id)
    result = {household_id: [] for household_id in household_ids}
    if not newest:
        return result
    households = {trajectory_id: household_id for household_id, trajectory_id in newest.items()}
    rows = (
        TrajectoryChild.objects.filter(
            trajectory_id__in=households, current=True, client__destroyed_on__isnull=True
        )
        .filter(
            Q(client__in=Indication.objects.filter(provider_id=provider_id).values("client_id"))
            | Q(client__in=ChildOutcome.objects.filter(provider_id=provider_id).values("client_id"))
        )
        .select_related("client")
        .order_by("client__first_name", "client_id")
    )
    for row in rows:
        result[households[row.trajectory_id]].append(row.client)
    return result
