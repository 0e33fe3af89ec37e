"""Celery tasks: thin wrappers around reporting.services."""

from celery import shared_task

from . import services


@shared_task(name="reporting.council_report_make")
def council_report_make(report_id: int) -> str:
    return services.council_report_make(report_id=report_id).status
