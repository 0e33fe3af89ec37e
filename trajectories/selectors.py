"""Queries about trajectories, shared by the pages and the reports."""

import datetime

from dateutil.relativedelta import relativedelta
from django.db.models import DateField, Exists, Func, OuterRef, Q, QuerySet

from indications.models import Indication
from intake.models import SupportRequest
from triage.models import ChildOutcome

from .models import Trajectory, TrajectoryChild

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
