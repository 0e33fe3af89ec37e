"""Recording runs of scheduled jobs, for /health/ and the admin."""

import contextlib
import datetime

from django.utils import timezone

from .models import JobRun


@contextlib.contextmanager
def job_run_recorded(*, job: str, run_date: datetime.date):
    """Record a job run: a `running` row first, then its outcome and counts.

    Usage: `with job_run_recorded(job="flag", run_date=d) as counts: counts["flagged"] = n`.
    The row is written outside the job's own transaction, so a failed run is recorded too.
    """
    run = JobRun.objects.create(job=job, run_date=run_date, started_at=timezone.now())
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
        run.counts = counts
        run.finished_at = timezone.now()
        run.save(update_fields=["outcome", "error", "counts", "finished_at"])


def last_runs(job_names) -> dict:
    """For each job name: its last run and its last successful run (or None)."""
    result = {}
    for name in job_names:
        runs = JobRun.objects.filter(job=name)
        result[name] = {
            "last": runs.first(),
            "last_success": runs.filter(outcome=JobRun.Outcome.SUCCEEDED).first(),
        }
    return result
