"""What /health/ asks of the outbox."""

import datetime

from django.conf import settings

from .models import OutboxMessage


def outbox_problems(*, now: datetime.datetime) -> dict:
    """Messages pending longer than OUTBOX_STUCK_MINUTES, and messages failed for good."""
    stuck_before = now - datetime.timedelta(minutes=settings.OUTBOX_STUCK_MINUTES)
    pending_too_long = OutboxMessage.objects.filter(
        status=OutboxMessage.Status.PENDING, created_at__lt=stuck_before
    ).count()
    failed = OutboxMessage.objects.filter(status=OutboxMessage.Status.FAILED).count()
    return {
        "ok": pending_too_long == 0 and failed == 0,
        "pending_too_long": pending_too_long,
        "failed": failed,
    }
