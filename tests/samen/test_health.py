"""/health/ answers 200 when the database and Redis answer, 503 when either is down."""

import datetime

import pytest
from django.db import connections
from django.utils import timezone

from samen.jobs import job_run_recorded
from samen.models import JobRun

pytestmark = pytest.mark.django_db

UNUSED_PORT = "1"  # nothing listens on port 1: the connection is refused for real


def test_it_is_healthy_when_both_answer(client):
    response = client.get("/health/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["redis"]["ok"] is True


def test_it_answers_503_when_the_database_cannot_be_reached(client, monkeypatch):
    settings_dict = connections["default"].settings_dict
    monkeypatch.setitem(settings_dict, "PORT", UNUSED_PORT)
    response = client.get("/health/")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["checks"]["database"]["ok"] is False
    assert body["checks"]["redis"]["ok"] is True


def test_it_answers_503_when_redis_cannot_be_reached(client, settings):
    settings.REDIS_URL = f"redis://127.0.0.1:{UNUSED_PORT}/0"
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["checks"]["redis"]["ok"] is False


def test_it_reports_the_last_run_of_each_scheduled_job(client, settings):
    settings.CELERY_BEAT_SCHEDULE = {
        "daily": {"task": "demo.daily", "schedule": 86400},
        "never": {"task": "demo.never", "schedule": 86400},
    }
    with job_run_recorded(job="demo.daily", run_date=datetime.date(2026, 11, 22)) as counts:
        counts["flagged"] = 3
    with (
        pytest.raises(RuntimeError),
        job_run_recorded(job="demo.daily", run_date=timezone.localdate()),
    ):
        raise RuntimeError("worker lost")

    jobs = client.get("/health/").json()["jobs"]
    assert jobs["demo.daily"]["last_outcome"] == "failed"
    assert jobs["demo.daily"]["last_success"] is not None
    assert jobs["demo.daily"]["stale"] is False
    assert jobs["demo.never"]["stale"] is True
    runs = JobRun.objects.filter(job="demo.daily").order_by("started_at")
    assert [r.outcome for r in runs] == ["succeeded", "failed"]
    assert runs[0].counts == {"flagged": 3}
    assert "worker lost" in runs[1].error


def test_it_asks_the_same_few_queries_whatever_the_number_of_jobs_and_messages(
    client, settings, django_assert_num_queries
):
    """Marking dead runs, every job's last run and last success, the outbox's two counts:
    three queries on the application's connection (the database check's SELECT 1 runs on a
    fresh connection of its own), however many jobs, runs and messages there are."""
    settings.CELERY_BEAT_SCHEDULE = {
        f"job-{n}": {"task": f"demo.job{n}", "schedule": 86400} for n in range(12)
    }
    for n in range(12):
        with job_run_recorded(job=f"demo.job{n}", run_date=datetime.date(2026, 11, 22)):
            pass
    with django_assert_num_queries(3):
        response = client.get("/health/")
    jobs = response.json()["jobs"]
    assert len(jobs) == 12
    assert all(job["last_outcome"] == "succeeded" and not job["stale"] for job in jobs.values())
