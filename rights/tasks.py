"""Celery tasks: thin wrappers that record the run and call the service."""

import datetime

from celery import shared_task
from django.utils import timezone

from samen.jobs import job_run_recorded

from . import retention


@shared_task(name="rights.retention_review")
def retention_review(date: str | None = None) -> dict:
    """Monthly (the beat, on the 1st): the files past their retention become destruction
    requests for the privacy officer. Idempotent: a rerun on the same day makes none."""
    day = datetime.date.fromisoformat(date) if date else timezone.localdate()
    with job_run_recorded(job="rights.retention_review", run_date=day) as counts:
        counts["requests"] = retention.retention_review(day)
    return counts
