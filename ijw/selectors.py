"""What the message pages read: the youth administration's worklist and register, and a
provider's own requests and messages. Every query starts from `visible_to(user)`."""

import datetime

from django.db.models import Count, F, Q
from django.utils import timezone

from .models import AllocationRequest, Message

PAGE_SIZE = 50
REJECTED_DAYS = 30
# The lists beside the requests on the worklist show this many; the register has the rest.
SIDE_LIST = 100

TO_REVIEW = (AllocationRequest.Status.PROPOSED, AllocationRequest.Status.IN_ONDERZOEK)


def _requests(user):
    return AllocationRequest.objects.visible_to(user).select_related(
        "provider", "product", "message", "answer"
    )


def requests_to_review(user, *, offset: int, limit: int) -> list[AllocationRequest]:
    """Requests waiting for the youth administration's decision (also those answered "in
    onderzoek" meanwhile), the nearest answer deadline first; a change request that is
    decided as an extension waits there, not here. `limit + 1` rows
    are fetched by the caller to know whether there is a next page (no COUNT)."""
    return list(
        _requests(user)
        .filter(status__in=TO_REVIEW)
        .order_by("answer_due_on", "id")[offset : offset + limit]
    )


def retours_overdue(user, *, today: datetime.date) -> list[Message]:
    """Messages we sent whose retour should have come in before today
    (the same rule as Message.retour_overdue, as a query)."""
    return list(
        Message.objects.visible_to(user)
        .filter(
            direction=Message.Direction.OUT,
            status__in=(Message.Status.READY, Message.Status.SENT),
            retour_due_on__lt=today,
        )
        .select_related("provider")
        .order_by("retour_due_on", "id")[:SIDE_LIST]
    )


def rejected_recently(user, *, today: datetime.date) -> list[Message]:
    since = timezone.now() - datetime.timedelta(days=REJECTED_DAYS)
    return list(
        Message.objects.visible_to(user)
        .filter(
            direction=Message.Direction.IN,
            status=Message.Status.REJECTED,
            received_at__gte=since,
        )
        .select_related("provider")
        .order_by("-received_at", "-id")[:SIDE_LIST]
    )


def worklist_counts(user, *, today: datetime.date) -> dict:
    """For the youth administration's start page: requests to review, of which overdue, and
    sent messages whose retour is overdue."""
    requests = AllocationRequest.objects.visible_to(user).filter(status__in=TO_REVIEW)
    counts = requests.aggregate(
        to_review=Count("id"), overdue=Count("id", filter=Q(answer_due_on__lt=today))
    )
    counts["retours_overdue"] = (
        Message.objects.visible_to(user)
        .filter(
            direction=Message.Direction.OUT,
            status__in=(Message.Status.READY, Message.Status.SENT),
            retour_due_on__lt=today,
        )
        .count()
    )
    return counts


def register(
    user,
    *,
    direction: str = "",
    message_type: str = "",
    status: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    offset: int,
    limit: int,
) -> list[Message]:
    """Every message in and out, newest first, filtered; `date_from`/`date_to` are the
    day it was registered (received or written)."""
    found = Message.objects.visible_to(user).select_related("provider")
    if direction:
        found = found.filter(direction=direction)
    if message_type:
        found = found.filter(message_type=message_type)
    if status:
        found = found.filter(status=status)
    if date_from:
        found = found.filter(received_at__date__gte=date_from)
    if date_to:
        found = found.filter(received_at__date__lte=date_to)
    return list(found.order_by("-received_at", "-id")[offset : offset + limit])


def message_detail(user, pk: int) -> Message | None:
    return (
        Message.objects.visible_to(user)
        .select_related("provider", "in_reply_to", "duplicate_of", "registered_by")
        .filter(pk=pk)
        .first()
    )


def replies_of(user, message: Message) -> list[Message]:
    return list(
        Message.objects.visible_to(user)
        .filter(Q(in_reply_to=message) | Q(answered_requests__message=message))
        .distinct()
        .order_by("received_at", "id")
    )


def requests_of(user, message: Message) -> list[AllocationRequest]:
    return list(
        _requests(user)
        .filter(Q(message=message) | Q(answer=message))
        .select_related("indication", "extension")
        .order_by("id")
    )


def request_detail(user, pk: int) -> AllocationRequest | None:
    return (
        _requests(user)
        .select_related(
            "client__team", "team", "decided_by", "indication", "extension", "support_request__team"
        )
        .filter(pk=pk)
        .first()
    )


# ---------------------------------------------------------------- the provider's portal


def portal_requests(user, *, offset: int, limit: int) -> list[AllocationRequest]:
    """A provider's own requests, newest first, with the allocation they led to."""
    return list(
        AllocationRequest.objects.visible_to(user)
        .select_related("product", "indication")
        .order_by(F("message__received_at").desc(), "-id")[offset : offset + limit]
    )


def portal_messages(user, *, offset: int, limit: int) -> list[Message]:
    return list(
        Message.objects.visible_to(user).order_by("-received_at", "-id")[offset : offset + limit]
    )
