"""Celery tasks: thin wrappers that record the run and call the service.

Each job is one service call in one transaction; its e-mails are queued in the outbox in
that same transaction (sent by outbox.send), so the run succeeds only when all its steps
did and no e-mail step can fail after it was recorded as succeeded."""

import datetime

from celery import shared_task
from django.utils import timezone

from samen.jobs import job_run_recorded

from . import selectors, services


def _day(date: str | None) -> datetime.date:
    return datetime.date.fromisoformat(date) if date else timezone.localdate()


@shared_task(name="indications.flag_expiring")
def flag_expiring(date: str | None = None) -> dict:
    day = _day(date)
    with job_run_recorded(job="indications.flag_expiring", run_date=day) as counts:
        counts.update(services.indications_flag_expiring(on_date=day))
    return counts


@shared_task(name="indications.end")
def end(date: str | None = None) -> dict:
    day = _day(date)
    with job_run_recorded(job="indications.end", run_date=day) as counts:
        counts.update(services.indications_end(on_date=day))
    return counts


@shared_task(name="indications.check_evaluations")
def check_evaluations(date: str | None = None) -> dict:
    day = _day(date)
    with job_run_recorded(job="indications.check_evaluations", run_date=day) as counts:
        counts.update(services.indications_check_evaluations(on_date=day))
    return counts


@shared_task(name="indications.count_ending")
def count_ending() -> None:
    """Aflopende indicaties counted ahead (every quarter of an hour, not recorded as a job
    run): the page reads the figures instead of counting at national scale."""
    selectors.ending_count(today=timezone.localdate())
