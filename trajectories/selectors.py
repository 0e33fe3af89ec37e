"""Queries about trajectories, shared by the pages and the reports."""

import datetime

from dateutil.relativedelta import relativedelta
from django.db.models import DateField, Exists, Func, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from indications.models import Indication
from intake.models import SupportRequest, WorkerChangeRequest
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
# who sees the trajectory; handing over the coordination only for a team lead of its team;
# adding a coach (who then sees every child) for the current coordinator or a team lead of
# its team.
COACH_STEPS = frozenset({"begin", "pause", "resume", "intensity", "end_coach", "end"})
TEAM_LEAD_STEPS = frozenset({"handover"})
COORDINATOR_STEPS = frozenset({"add_coach"})
ALL_STEPS = COACH_STEPS | TEAM_LEAD_STEPS | COORDINATOR_STEPS


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
    from .services import is_team_lead_of, may_add_coach

    if step in TEAM_LEAD_STEPS:
        return is_team_lead_of(user, trajectory)
    if step in COORDINATOR_STEPS:
        return may_add_coach(user, trajectory)
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


# Lists: Mijn trajecten, the team's waiting list and the caseload per coach.

# Running trajectories in this order on the lists: not started, running, paused.
STATUS_ORDER = {
    Trajectory.Status.WAITING: 0,
    Trajectory.Status.ACTIVE: 1,
    Trajectory.Status.PAUSED: 2,
}


def plan_status_for(trajectories) -> dict[int, tuple[str, datetime.date | None]]:
    """{trajectory id: (plan status text, next evaluation date or None)} for the lists: the
    household's support plan (plans.selectors.plan_status_for), one query."""
    from plans.selectors import plan_status_for as plans_status

    trajectories = list(trajectories)
    return plans_status(trajectories) if trajectories else {}


def _current_coach_rows():
    from .models import TrajectoryCoach

    return TrajectoryCoach.objects.filter(until_on__isnull=True).select_related("coach")


def with_list_data(trajectories: QuerySet) -> QuerySet:
    """What a list row shows, fetched with the page: household, registration and triage
    dates, the children (first names) and the current coaches. Four queries per page."""
    from django.db.models import Prefetch

    return trajectories.select_related(
        "household", "team", "triage__support_request"
    ).prefetch_related(
        Prefetch(
            "children",
            # A destroyed file's anonymous place in a shared trajectory is nobody's.
            queryset=TrajectoryChild.objects.filter(current=True, client__destroyed_on__isnull=True)
            .select_related("client")
            .order_by("client__date_of_birth", "client_id"),
            to_attr="current_children",
        ),
        Prefetch("coaches", queryset=_current_coach_rows(), to_attr="current_coaches"),
    )


def _status_order():
    from django.db.models import Case, IntegerField, Value, When

    return Case(
        *[When(status=status, then=Value(rank)) for status, rank in STATUS_ORDER.items()],
        default=Value(9),
        output_field=IntegerField(),
    )


def _since():
    """The date the waiting or running is counted from: the start of the help when it
    started, else the registration of the request."""
    from django.db.models.functions import Coalesce, TruncDate

    return Coalesce(
        "started_on",
        TruncDate("triage__support_request__received_at"),
        output_field=DateField(),
    )


def coached_by(trajectories: QuerySet, coach_id: int) -> QuerySet:
    """Those of `trajectories` that `coach_id` coaches now (a current coach row)."""
    from .models import TrajectoryCoach

    current = TrajectoryCoach.objects.filter(coach_id=coach_id, until_on__isnull=True)
    return trajectories.filter(pk__in=current.values("trajectory_id"))


def running_list(trajectories: QuerySet) -> QuerySet:
    """Running trajectories for Mijn trajecten and a coach's list: by status (waiting,
    active, paused), then the longest waiting or running first."""
    return with_list_data(
        trajectories.running()
        .annotate(status_rank=_status_order(), since=_since())
        .order_by("status_rank", "since", "pk")
    )


def waiting_list(trajectories: QuerySet) -> QuerySet:
    """Triaged, help not started: the oldest registration first."""
    return with_list_data(
        trajectories.filter(status=Trajectory.Status.WAITING)
        .annotate(since=_since())
        .order_by("triage__support_request__received_at", "pk")
    )


def add_days(rows, today: datetime.date) -> None:
    """Days waiting (since registration and since triage) or running, on each row."""
    from django.utils import timezone

    for row in rows:
        registered = timezone.localdate(row.triage.support_request.received_at)
        row.days_since_registration = (today - registered).days
        row.days_since_triage = (today - row.triage.held_on).days
        row.days_running = (today - row.started_on).days if row.started_on else None
        row.coordinator = next((c.coach for c in row.current_coaches if c.coordinator), None)


def caseload_per_coach(trajectories: QuerySet, coach_ids) -> dict[int, dict]:
    """{coach id: running trajectories by status and by intensity, and the children in
    them} for the current coaches among `coach_ids`. One grouped query."""
    from django.db.models import Count

    from .models import Intensity, TrajectoryCoach

    def count(**condition):
        return Count("trajectory_id", distinct=True, filter=Q(**condition))

    rows = (
        TrajectoryCoach.objects.filter(
            until_on__isnull=True,
            coach_id__in=list(coach_ids),
            trajectory__in=trajectories.running(),
        )
        .values("coach_id")
        .annotate(
            total=Count("trajectory_id", distinct=True),
            coordinating=count(coordinator=True),
            **{f"status_{s}": count(trajectory__status=s) for s in STATUS_ORDER},
            **{f"intensity_{i}": count(trajectory__intensity=i) for i in Intensity.values},
            children=Count(
                "trajectory__children__client_id",
                distinct=True,
                filter=Q(trajectory__children__current=True),
            ),
        )
        .order_by()
    )
    return {row["coach_id"]: row for row in rows}


def linkable_beschikkingen(reassessment) -> list:
    """The beschikkingen of the trajectory's support request that no re-assessment holds
    yet, the newest first: what the link step offers."""
    from triage.models import Beschikking

    return list(
        Beschikking.objects.filter(
            support_request_id=reassessment.trajectory.triage.support_request_id,
            reassessments__isnull=True,
        ).order_by("-requested_on", "-pk")
    )


def mine_count(user) -> int:
    """For the start page: the running trajectories the user coaches now (one query)."""
    return coached_by(Trajectory.objects.visible_to(user), user.pk).running().count()


def waiting_count(user) -> int:
    """For the team lead's start page: the teams' trajectories waiting for the help to
    start (one query)."""
    from intake.models import user_team_ids

    return (
        Trajectory.objects.visible_to(user)
        .filter(team_id__in=user_team_ids(user), status=Trajectory.Status.WAITING)
        .count()
    )
