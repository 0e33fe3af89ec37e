"""Celery tasks: thin wrappers around reporting.services."""

import datetime

from celery import shared_task
from django.utils import timezone

from samen.jobs import job_run_recorded

from . import services


@shared_task(name="reporting.council_report_make")
def council_report_make(report_id: int) -> str:
    return services.council_report_make(report_id=report_id).status


@shared_task(name="reporting.refresh_summaries")
def refresh_summaries(date: str | None = None, everything: bool = False) -> dict:
    day = datetime.date.fromisoformat(date) if date else timezone.localdate()
    with job_run_recorded(job="reporting.refresh_summaries", run_date=day) as counts:
        counts.update(services.refresh_summaries(today=day, everything=everything))
    return counts
