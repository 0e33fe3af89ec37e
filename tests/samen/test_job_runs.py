"""Honest job runs: a heartbeat while a job runs, a run whose process died marked failed
after JOB_DEAD_AFTER_SECONDS (at the next run's start, by /health/, by the beat), and the
next run catching up, tested with a real `kill -9` of a real, long run."""

import datetime
import os
import signal
import subprocess
import sys

import psycopg
import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.db import connections
from django.utils import timezone

from indications.models import Indication, Task
from samen import tasks
from samen.jobs import PROCESS_DIED, job_run_recorded, job_runs_mark_dead
from samen.models import JobRun
from tests.factories import IndicationFactory
from tests.waiting import wait_for

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 11, 22, 4, 30, tzinfo=datetime.UTC)


@pytest.mark.django_db(transaction=True)
def test_a_running_job_beats_on_its_own_connection(settings):
    settings.JOB_HEARTBEAT_SECONDS = 0.2
    with job_run_recorded(job="demo.long", run_date=datetime.date(2026, 11, 22)):
        run = JobRun.objects.get()
        wait_for(lambda: JobRun.objects.get().heartbeat_at > run.heartbeat_at, seconds=10)
        assert JobRun.objects.get().outcome == "running"
    run.refresh_from_db()
    assert run.outcome == "succeeded" and run.finished_at >= run.heartbeat_at


def test_a_run_without_a_heartbeat_for_too_long_is_marked_failed(settings):
    settings.JOB_DEAD_AFTER_SECONDS = 300
    old = NOW - datetime.timedelta(seconds=301)
    dead = JobRun.objects.create(job="a", run_date=NOW.date(), started_at=old, heartbeat_at=old)
    no_beat_at_all = JobRun.objects.create(job="b", run_date=NOW.date(), started_at=old)
    recent = NOW - datetime.timedelta(seconds=299)
    alive = JobRun.objects.create(job="c", run_date=NOW.date(), started_at=old, heartbeat_at=recent)
    assert job_runs_mark_dead(now=NOW) == 2
    assert job_runs_mark_dead(now=NOW) == 0
    dead.refresh_from_db()
    assert dead.outcome == "failed" and dead.error.startswith(PROCESS_DIED)
    assert dead.finished_at == old  # its last sign of life
    no_beat_at_all.refresh_from_db()
    assert no_beat_at_all.outcome == "failed"
    alive.refresh_from_db()
    assert alive.outcome == "running"


def test_the_beat_sweep_and_the_next_run_mark_dead_runs(settings):
    settings.JOB_DEAD_AFTER_SECONDS = 60
    with time_machine.travel(NOW, tick=False):
        first = JobRun.objects.create(job="a", run_date=NOW.date(), started_at=NOW)
        second = JobRun.objects.create(job="b", run_date=NOW.date(), started_at=NOW)
    with time_machine.travel(NOW + datetime.timedelta(minutes=2)):
        assert tasks.job_runs_sweep.apply().get() == 2
    assert set(JobRun.objects.values_list("outcome", flat=True)) == {"failed"}
    with time_machine.travel(NOW, tick=False):
        third = JobRun.objects.create(job="c", run_date=NOW.date(), started_at=NOW)
    with (
        time_machine.travel(NOW + datetime.timedelta(minutes=2)),
        job_run_recorded(job="d", run_date=NOW.date()),
    ):
        pass
    third.refresh_from_db()
    assert third.outcome == "failed"
    assert {first.job, second.job} == {"a", "b"}


def _held_lock(database: str):
    """A connection of our own that locks the indications table against writes (not
    reads), so the job blocks in its first UPDATE: a long run, for real."""
    lock = psycopg.connect(
        host=settings.DATABASES["default"]["HOST"] or "127.0.0.1",
        port=settings.DATABASES["default"]["PORT"] or 5432,
        user=settings.DATABASES["default"]["USER"],
        dbname=database,
    )
    lock.execute("LOCK TABLE indications_indication IN EXCLUSIVE MODE")
    return lock


def _job_waits_for_a_lock(lock, pid_of_lock_holder: int) -> bool:
    row = lock.execute(
        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
        "AND %s = ANY(pg_blocking_pids(pid))",
        [pid_of_lock_holder],
    ).fetchone()
    return row[0] == 1


@pytest.mark.django_db(transaction=True)
def test_a_run_killed_with_kill_9_is_marked_failed_and_the_next_run_catches_up(client, beijum):
    indication = IndicationFactory(client__team=beijum, end_on=datetime.date(2027, 1, 31))
    database = settings.DATABASES["default"]["NAME"]
    user = settings.DATABASES["default"]["USER"] or "postgres"
    host = settings.DATABASES["default"]["HOST"] or "127.0.0.1"
    port = settings.DATABASES["default"]["PORT"] or 5432
    env = os.environ | {
        "SAMEN_ENV": "test",
        "DATABASE_URL": f"postgres://{user}@{host}:{port}/{database}",
        "REDIS_URL": settings.REDIS_URL,
        "JOB_HEARTBEAT_SECONDS": "1",
    }
    lock = _held_lock(database)
    lock_pid = lock.info.backend_pid
    job = subprocess.Popen(
        [
            sys.executable,
            str(settings.BASE_DIR / "manage.py"),
            "flag_expiring_indications",
            "--date",
            "2026-11-22",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        # The run is recorded, blocked in its UPDATE, and still beating.
        wait_for(
            lambda: JobRun.objects.filter(job="indications.flag_expiring").exists(), seconds=60
        )
        wait_for(lambda: _job_waits_for_a_lock(lock, lock_pid), seconds=60)
        run = JobRun.objects.get(job="indications.flag_expiring")
        wait_for(lambda: JobRun.objects.get(pk=run.pk).heartbeat_at > run.started_at, seconds=20)
        os.kill(job.pid, signal.SIGKILL)
        assert job.wait(timeout=10) == -signal.SIGKILL
    finally:
        if job.poll() is None:
            job.kill()
        lock.rollback()
        lock.close()
    run.refresh_from_db()
    assert run.outcome == "running"  # the killed process could not say otherwise

    # Within JOB_DEAD_AFTER_SECONDS it still counts as running...
    assert client.get("/health/").json()["jobs"]["indications.flag_expiring"]["last_outcome"] == (
        "running"
    )
    # ... after it, /health/ marks it failed ("process died") and says so.
    later = timezone.now() + datetime.timedelta(seconds=settings.JOB_DEAD_AFTER_SECONDS + 1)
    with time_machine.travel(later):
        report = client.get("/health/").json()["jobs"]["indications.flag_expiring"]
    assert report["last_outcome"] == "failed" and report["process_died"] is True
    assert report["last_success"] is None and report["stale"] is True
    run.refresh_from_db()
    assert run.outcome == "failed" and run.error.startswith(PROCESS_DIED)
    assert run.finished_at == run.heartbeat_at
    assert Indication.objects.get().status == "active"  # the killed run left nothing

    # The next run, a day later, succeeds and does the missed day's work too.
    call_command("flag_expiring_indications", "--date", "2026-11-23")
    indication.refresh_from_db()
    assert indication.status == "ending_soon" and Task.objects.count() == 1
    latest = JobRun.objects.filter(job="indications.flag_expiring").first()
    assert (latest.outcome, latest.run_date) == ("succeeded", datetime.date(2026, 11, 23))
    assert latest.counts["flagged"] == 1
    report = client.get("/health/").json()["jobs"]["indications.flag_expiring"]
    assert report["last_outcome"] == "succeeded" and report["process_died"] is False
    connections.close_all()
