from celery import shared_task
from django.utils import timezone


@shared_task(name="samen.ping")
def ping() -> dict:
    """Answer from a worker: `celery -A samen call samen.ping` shows a worker is consuming."""
    return {"pong": True, "at": timezone.now().isoformat()}


@shared_task(name="samen.job_runs_sweep", ignore_result=True)
def job_runs_sweep() -> int:
    """Every 5 minutes (beat): runs whose process died are marked failed (samen.jobs)."""
    from .jobs import job_runs_mark_dead

    return job_runs_mark_dead(now=timezone.now())
