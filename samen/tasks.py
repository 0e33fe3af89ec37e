from celery import shared_task
from django.utils import timezone


@shared_task(name="samen.ping")
def ping() -> dict:
    """Answer from a worker: `celery -A samen call samen.ping` shows a worker is consuming."""
    return {"pong": True, "at": timezone.now().isoformat()}
