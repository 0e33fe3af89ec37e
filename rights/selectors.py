"""Reads of the family's requests: the privacy officer's worklist and counts, the team
lead's list, the notice on a child's page. Every read starts from
`RightsRequest.objects.visible_to` (or, for the notice, from a child the user already sees)."""

import datetime

from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce

from intake.models import Client

from .models import RightsRequest

OPEN = ~Q(status=RightsRequest.Status.CLOSED)


def with_due(requests: QuerySet) -> QuerySet:
    """Annotate `due` (the extended deadline when there is one, AVG art. 12(3)) and `is_open`."""
    return requests.annotate(
        due=Coalesce(F("deadline_extended_to"), F("deadline")),
        open_first=Case(
            When(status=RightsRequest.Status.CLOSED, then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        ),
    )


def overdue_condition(today: datetime.date) -> Q:
    """Open and past its (extended) deadline. Needs `with_due`."""
    return OPEN & Q(due__lt=today)


def worklist(requests: QuerySet, *, filters: dict, today: datetime.date) -> QuerySet:
    """The privacy officer's worklist: open requests first, by the day they are due, then
    the closed ones (by due date too). Filters: kind, status ("open" or a status), overdue."""
    requests = with_due(requests).select_related("team")
    if filters.get("kind"):
        requests = requests.filter(kind=filters["kind"])
    status = filters.get("status")
    if status == "open":
        requests = requests.filter(OPEN)
    elif status:
        requests = requests.filter(status=status)
    if filters.get("overdue"):
        requests = requests.filter(overdue_condition(today))
    return requests.order_by("open_first", "due", "pk")


def counts(user, *, today: datetime.date) -> dict:
    """Open and overdue requests the user may see, in one query."""
    return with_due(RightsRequest.objects.visible_to(user)).aggregate(
        open=Count("pk", filter=OPEN),
        overdue=Count("pk", filter=overdue_condition(today)),
    )


def open_for_team_lead(user, *, limit: int) -> list[RightsRequest]:
    """The open requests about the children of the team lead's teams, the first due first."""
    return list(
        with_due(RightsRequest.objects.visible_to(user).filter(OPEN))
        .select_related("client")
        .order_by("due", "pk")[:limit]
    )


def open_for_child(client: Client) -> list[RightsRequest]:
    """The open requests about this child, for the notice on the child's page (shown to
    whoever sees the child: the request's details stay with the privacy officer)."""
    return list(
        with_due(RightsRequest.objects.filter(client=client).filter(OPEN))
        .only("kind", "status", "received_on", "deadline", "deadline_extended_to")
        .order_by("due", "pk")
    )


def history_rows(request: RightsRequest) -> list[dict]:
    """The request's history (simple_history), oldest first, each with the fields that
    changed against the row before it (labels and values as shown)."""
    fields = [
        "status",
        "decision",
        "decision_reason",
        "decided_on",
        "deadline",
        "deadline_extended_to",
        "extension_reason",
        "closed_on",
        "outcome_note",
        "description",
        "requester_name",
        "received_on",
    ]
    rows = []
    previous = None
    for record in request.history.select_related("history_user").order_by(
        "history_date", "history_id"
    ):
        changes = []
        if previous is not None:
            for name in fields:
                old, new = getattr(previous, name), getattr(record, name)
                if old != new:
                    field = RightsRequest._meta.get_field(name)
                    changes.append(
                        {
                            "label": field.verbose_name,
                            "old": _shown(record, field, old),
                            "new": _shown(record, field, new),
                        }
                    )
        rows.append({"record": record, "changes": changes, "first": previous is None})
        previous = record
    return rows


def _shown(record, field, value):
    if value in (None, ""):
        return "–"
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    return value
