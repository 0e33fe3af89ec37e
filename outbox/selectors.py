"""What /health/ asks of the outbox."""

import datetime

from django.conf import settings
from django.db.models import Count, Q

from .models import OutboxMessage


def outbox_problems(*, now: datetime.datetime) -> dict:
    """Messages pending longer than OUTBOX_STUCK_MINUTES, and messages failed for good."""
    stuck_before = now - datetime.timedelta(minutes=settings.OUTBOX_STUCK_MINUTES)
    # One query for both counts (/health/ is asked every few seconds by every balancer).
    unsent = OutboxMessage.objects.filter(
        status__in=[OutboxMessage.Status.PENDING, OutboxMessage.Status.FAILED]
    )
    counts = unsent.order_by().aggregate(
        pending_too_long=Count(
            "pk",
            filter=Q(status=OutboxMessage.Status.PENDING, created_at__lt=stuck_before),
        ),
        failed=Count("pk", filter=Q(status=OutboxMessage.Status.FAILED)),
    )
    return {
        "ok": counts["pending_too_long"] == 0 and counts["failed"] == 0,
        "pending_too_long": counts["pending_too_long"],
        "failed": counts["failed"],
    }
