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


@shared_task(name="reporting.count_forecast")
def count_forecast() -> None:
    """The forecast's re-triages ahead counted ahead (every quarter of an hour, not recorded
    as a job run): the report reads the figures instead of counting at national scale."""
    from .selectors import forecast_count

    forecast_count(today=timezone.localdate())
