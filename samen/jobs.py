"""Recording runs of scheduled jobs, for /health/ and the admin.

A run is `succeeded` only when the job's whole body finished without an exception;
anything raised makes it `failed` with the error. A run whose process died (kill -9, the
machine went down) cannot record that itself: while it runs, a thread writes a heartbeat
on its own database connection, and a run without one for JOB_DEAD_AFTER_SECONDS is marked
failed by `job_runs_mark_dead` (at every run's start, by /health/, by the beat)."""

import contextlib
import datetime
import logging
import threading

from django.conf import settings
from django.db import DatabaseError, connections
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from .models import JobRun

logger = logging.getLogger(__name__)

PROCESS_DIED = "process died"


class _Heartbeat(threading.Thread):
    """Writes the run's `heartbeat_at` every JOB_HEARTBEAT_SECONDS, on this thread's own
    connection (Django's connections are per thread), so a job's long transaction neither
    hides nor blocks it."""

    def __init__(self, run_id: int):
        super().__init__(name=f"jobrun-heartbeat-{run_id}", daemon=True)
        self.run_id = run_id
        self.stopped = threading.Event()

    def run(self):
        try:
            while not self.stopped.wait(settings.JOB_HEARTBEAT_SECONDS):
                try:
                    JobRun.objects.filter(pk=self.run_id, outcome=JobRun.Outcome.RUNNING).update(
                        heartbeat_at=timezone.now()
                    )
                except DatabaseError:
                    logger.warning("Job run %s: heartbeat not written.", self.run_id)
                    # Outside a request nothing replaces a broken connection (a database
                    # restart, a failover): close it, so the next beat connects anew.
                    connections["default"].close()
        finally:
            connections.close_all()  # this thread's own connections only

    def stop(self):
        self.stopped.set()
        self.join()


def job_runs_mark_dead(*, now: datetime.datetime) -> int:
    """Mark failed every run still `running` without a sign of life for
    JOB_DEAD_AFTER_SECONDS: its process died. It finished, as far as anyone can tell, at its
    last heartbeat. One UPDATE; safe to call from anywhere, any number of times."""
    cutoff = now - datetime.timedelta(seconds=settings.JOB_DEAD_AFTER_SECONDS)
    return (
        JobRun.objects.filter(outcome=JobRun.Outcome.RUNNING)
        .filter(Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, started_at__lt=cutoff))
        .update(
            outcome=JobRun.Outcome.FAILED,
            finished_at=Coalesce("heartbeat_at", "started_at"),
            error=f"{PROCESS_DIED}: no heartbeat for {settings.JOB_DEAD_AFTER_SECONDS} seconds",
        )
    )


@contextlib.contextmanager
def job_run_recorded(*, job: str, run_date: datetime.date):
    """Record a job run: a `running` row first, then its outcome and counts.

    Usage: `with job_run_recorded(job="flag", run_date=d) as counts: counts["flagged"] = n`.
    The row is written outside the job's own transaction, so a failed run is recorded too.
    """
    now = timezone.now()
    job_runs_mark_dead(now=now)
    run = JobRun.objects.create(job=job, run_date=run_date, started_at=now, heartbeat_at=now)
    heartbeat = _Heartbeat(run.pk)
    heartbeat.start()
    counts: dict = {}
    try:
        yield counts
    except BaseException as exc:
        run.outcome = JobRun.Outcome.FAILED
        run.error = f"{type(exc).__name__}: {exc}"[:2000]
        raise
    else:
        run.outcome = JobRun.Outcome.SUCCEEDED
    finally:
        heartbeat.stop()
        run.counts = counts
        run.finished_at = timezone.now()
        run.save(update_fields=["outcome", "error", "counts", "finished_at"])


def last_runs(job_names) -> dict:
    """For each job name: its last run and its last successful run (or None).

    One query whatever the number of jobs: the newest run per job and the newest success
    per job (DISTINCT ON, each served by jobrun_last_idx), read together."""
    names = list(job_names)
    newest = JobRun.objects.filter(job__in=names).order_by("job", "-started_at").distinct("job")
    succeeded = newest.filter(outcome=JobRun.Outcome.SUCCEEDED)
    runs = JobRun.objects.filter(
        Q(pk__in=newest.values("pk")) | Q(pk__in=succeeded.values("pk"))
    ).order_by("job", "-started_at")
    result = {name: {"last": None, "last_success": None} for name in names}
    for run in runs:
        entry = result[run.job]
        if entry["last"] is None:
            entry["last"] = run
        if run.outcome == JobRun.Outcome.SUCCEEDED and entry["last_success"] is None:
            entry["last_success"] = run
    return result
