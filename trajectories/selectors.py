"""Queries about trajectories, shared by the pages and the reports."""

import datetime

from dateutil.relativedelta import relativedelta
from django.db.models import DateField, Exists, Func, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from indications.models import Indication
from intake.models import SupportRequest, WorkerChangeRequest, user_team_ids
from samen import roles
from triage.models import ChildOutcome

from .models import IntensityChange, Trajectory, TrajectoryChild, TrajectoryCoach

# The matched-care signal: was the family back, or referred on, within this many months?
FOLLOW_UP_MONTHS = 6
SPECIALIST_OUTCOMES = ("specialist", "reindication_specialist", "open_house_exception")


def _six_months_after(expression) -> Func:
    """`expression` (a date) + 6 calendar months, in the database."""
    return Func(
        expression,
        template=f"(%(expressions)s + interval '{FOLLOW_UP_MONTHS} months')::date",
        output_field=DateField(),
    )


def after_six_months(trajectories: QuerySet, today: datetime.date) -> QuerySet:
    """The ended ones of `trajectories`, annotated with what followed within 6 months after
    the end, computed from the data (no manual check):
    - `back_at_wij`: a new support request about one of its children;
    - `to_specialist`: a triage outcome of specialist care or an Open House exception, or
      an indication that started, for one of its children;
    - `six_months_passed`: the 6 months are over, so the figures are final.
    One query, however many trajectories."""
    # Inside each subquery below, OuterRef(OuterRef("pk")) is the trajectory.
    children = TrajectoryChild.objects.filter(trajectory_id=OuterRef(OuterRef("pk"))).values(
        "client_id"
    )
    window_end = _six_months_after(OuterRef("ended_on"))
    back = SupportRequest.clients.through.objects.filter(
        client_id__in=children,
        supportrequest__received_at__date__gt=OuterRef("ended_on"),
        supportrequest__received_at__date__lte=window_end,
    )
    specialist_outcome = ChildOutcome.objects.filter(
        client_id__in=children,
        outcome__in=SPECIALIST_OUTCOMES,
        triage__held_on__gt=OuterRef("ended_on"),
        triage__held_on__lte=window_end,
    )
    indication = Indication.objects.filter(
        client_id__in=children,
        start_on__gt=OuterRef("ended_on"),
        start_on__lte=window_end,
    )
    return trajectories.filter(status=Trajectory.Status.ENDED).annotate(
        back_at_wij=Exists(back),
        to_specialist=Exists(specialist_outcome) | Exists(indication),
        six_months_passed=Q(ended_on__lte=today - relativedelta(months=FOLLOW_UP_MONTHS)),
    )


# --- The trajectory page and who may take which step ---------------------------------------

# The steps on the trajectory page. The coach's steps are for every WIJ worker or team lead
# who sees the trajectory; handing over the coordination only for a team lead of its team.
COACH_STEPS = frozenset({"begin", "pause", "resume", "intensity", "add_coach", "end_coach", "end"})
TEAM_LEAD_STEPS = frozenset({"handover"})
ALL_STEPS = COACH_STEPS | TEAM_LEAD_STEPS


def trajectory_for(user, pk) -> Trajectory:
    """The trajectory if `user` may see it (Trajectory.objects.visible_to), with what its
    page shows; Trajectory.DoesNotExist otherwise (an unknown id as well)."""
    coaches = TrajectoryCoach.objects.select_related("coach", "worker_change").order_by(
        "from_on", "id"
    )
    return (
        Trajectory.objects.visible_to(user)
        .select_related(
            "household",
            "team",
            "product",
            "created_by",
            "triage__support_request",
        )
        .prefetch_related(
            Prefetch(
                "children",
                queryset=TrajectoryChild.objects.select_related("client").order_by(
                    "client__date_of_birth", "client_id"
                ),
            ),
            Prefetch("coaches", queryset=coaches),
            Prefetch(
                "intensity_changes",
                queryset=IntensityChange.objects.select_related("changed_by"),
            ),
        )
        .get(pk=pk)
    )


def may_do(user, trajectory: Trajectory, step: str) -> bool:
    """Whether `user` may take `step` on `trajectory` (one place for the rule, tested per
    role). `trajectory` must come from Trajectory.objects.visible_to(user): who cannot see
    it may do nothing with it, and the views answer 404 before asking this."""
    if not roles.user_has_role(user, *roles.WIJ_ROLES):
        return False
    if step in TEAM_LEAD_STEPS:
        return roles.user_has_role(user, roles.TEAM_LEAD) and trajectory.team_id in set(
            user_team_ids(user)
        )
    return step in COACH_STEPS


def days_waited(trajectory: Trajectory, today: datetime.date) -> int:
    """Days from the registration of the request to the start of the help (or to today
    while the family still waits)."""
    registered = timezone.localdate(trajectory.triage.support_request.received_at)
    return ((trajectory.started_on or today) - registered).days


def worker_changes_of(trajectory: Trajectory) -> QuerySet:
    """The family's requests for another worker on the request the trajectory came from:
    the reason a team lead can give for a handover."""
    return WorkerChangeRequest.objects.filter(
        support_request_id=trajectory.triage.support_request_id
    ).order_by("-requested_on", "-id")
