"""Celery tasks of the message traffic: thin wrappers that record the run."""

import datetime

from celery import shared_task
from django.utils import timezone

from samen.jobs import job_run_recorded

from . import services


@shared_task(name="ijw.answer_deadlines")
def answer_deadlines(date: str | None = None) -> dict:
    day = datetime.date.fromisoformat(date) if date else timezone.localdate()
    with job_run_recorded(job="ijw.answer_deadlines", run_date=day) as counts:
        counts.update(services.requests_answer_in_onderzoek(on_date=day))
    return counts
