"""Celery tasks: thin wrappers around outbox.services."""

from celery import shared_task
from django.utils import timezone

from . import services
from .models import OutboxMessage

# Redis hands an unacknowledged task to another worker after its visibility timeout (one
# hour by default), so a countdown longer than that would be delivered several times over.
# Longer waits are left to the beat job, which finds the message when it is due.
RETRY_BY_TASK_MAX_SECONDS = 50 * 60


@shared_task(name="outbox.send", bind=True, ignore_result=True, max_retries=None)
def send(self, message_id: int) -> str:
    """Send one message at once (enqueued after the commit that wrote it); on failure try
    again after the message's backoff. If even that retry cannot be published, the beat
    job finds the message pending."""
    outcome = services.message_send(message_id=message_id)
    if outcome == "retry" and not self.request.is_eager:
        message = OutboxMessage.objects.get(pk=message_id)
        countdown = max((message.next_attempt_at - timezone.now()).total_seconds(), 0)
        if countdown <= RETRY_BY_TASK_MAX_SECONDS:
            raise self.retry(countdown=countdown)
    return outcome


@shared_task(name="outbox.send_due", ignore_result=True)
def send_due() -> dict:
    """Every minute (beat): whatever is pending and due, whoever left it."""
    return services.messages_send_due()
