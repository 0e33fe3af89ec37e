"""Celery tasks: thin wrappers that record the run and call the service."""

import datetime

from celery import shared_task
from django.utils import timezone

from samen.jobs import job_run_recorded

from . import services


@shared_task(name="plans.evaluations_due")
def evaluations_due(date: str | None = None) -> dict:
    day = datetime.date.fromisoformat(date) if date else timezone.localdate()
    with job_run_recorded(job="plans.evaluations_due", run_date=day) as counts:
        counts.update(services.plans_evaluations_due(on_date=day))
    return counts
