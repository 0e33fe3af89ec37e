"""Reading the access log: filtered, newest first, a page at a time."""

import datetime

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from .models import AccessGrant, AccessLogEntry


def log_entries(*, client_id=None, filters: dict | None = None) -> QuerySet[AccessLogEntry]:
    entries = AccessLogEntry.objects.all()
    if client_id is not None:
        # The GIN index on client_ids: client_ids @> ARRAY[id].
        entries = entries.filter(client_ids__contains=[client_id])
    filters = filters or {}
    if filters.get("client"):
        entries = entries.filter(client_ids__contains=[filters["client"]])
    if filters.get("user"):
        entries = entries.filter(user_id=filters["user"].pk)
    if filters.get("event"):
        entries = entries.filter(event=filters["event"])
    if filters.get("break_glass"):
        entries = entries.filter(break_glass=True)
    if filters.get("refused"):
        entries = entries.filter(outcome=AccessLogEntry.Outcome.REFUSED)
    zone = timezone.get_current_timezone()
    if filters.get("since"):
        start = datetime.datetime.combine(filters["since"], datetime.time(), tzinfo=zone)
        entries = entries.filter(at__gte=start)
    if filters.get("until"):
        end = datetime.datetime.combine(
            filters["until"] + datetime.timedelta(days=1), datetime.time(), tzinfo=zone
        )
        entries = entries.filter(at__lt=end)
    return entries.order_by("-at", "-id")


def recent_grants(*, client_id: int, limit: int = 20) -> list[AccessGrant]:
    return list(
        AccessGrant.objects.filter(client_id=client_id)
        .select_related("user")
        .order_by("-granted_at")[:limit]
    )


def week_counts(*, since: datetime.date) -> dict:
    """The privacy officer's start page: refused attempts and break-the-glass accesses in
    the log since `since` (one query; the month partitions from then on are read)."""
    start = datetime.datetime.combine(
        since, datetime.time(), tzinfo=timezone.get_current_timezone()
    )
    counts = AccessLogEntry.objects.filter(at__gte=start).aggregate(
        refused=Count("id", filter=Q(outcome=AccessLogEntry.Outcome.REFUSED)),
        break_glass=Count("id", filter=Q(break_glass=True)),
    )
    return {**counts, "since": since}
