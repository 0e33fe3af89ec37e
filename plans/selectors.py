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
