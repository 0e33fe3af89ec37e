"""The daily job that deletes ended sessions, run through Celery (eager in the test)."""

import datetime

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from accounts.tasks import clear_sessions
from samen.models import JobRun

pytestmark = pytest.mark.django_db


def test_ended_sessions_are_deleted_and_the_run_recorded(client, intake_worker):
    client.force_login(intake_worker)
    ended = SessionStore()
    ended["x"] = 1
    ended.create()
    Session.objects.filter(session_key=ended.session_key).update(
        expire_date=timezone.now() - datetime.timedelta(minutes=1)
    )
    result = clear_sessions.apply().get()
    assert result == {"deleted": 1}
    assert not Session.objects.filter(session_key=ended.session_key).exists()
    assert client.get("/").status_code == 200  # the live session stays
    run = JobRun.objects.get(job="accounts.clear_sessions")
    assert run.outcome == JobRun.Outcome.SUCCEEDED and run.counts == {"deleted": 1}
