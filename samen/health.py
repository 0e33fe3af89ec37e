"""The checks behind /health/: database, Redis, the scheduled jobs' last runs and the
outbox. Jobs and the outbox are reported, but do not make the answer 503 (decision 8):
a stale job or a mail server that is down is no reason to restart the web server."""

import datetime

import redis
from django.conf import settings
from django.db import connections
from django.utils import timezone

from outbox.selectors import outbox_problems

from .jobs import PROCESS_DIED, job_runs_mark_dead, last_runs

# A daily job whose last success is older than this is reported as stale.
JOB_STALE_AFTER = datetime.timedelta(hours=26)
# Jobs that run less often than daily: stale after their own period and a day's slack.
JOB_STALE_AFTER_BY_TASK = {
    # Monthly on the 1st: at most 31 days between two runs.
    "rights.retention_review": datetime.timedelta(days=32),
}
# Beat tasks that run every few minutes and record no JobRun: their work shows elsewhere
# (the outbox's state; the runs they mark failed; the figures' time on Aflopende indicaties).
FREQUENT_TASKS = {
    "outbox.send_due",
    "samen.job_runs_sweep",
    "indications.count_ending",
    "reporting.count_forecast",
}


def check_database() -> dict:
    """Open a fresh connection and run SELECT 1: the pooled one may hide an outage."""
    default = connections["default"]
    # Same alias: connection_created receivers (django.contrib.postgres, the app role) look
    # the alias up in `connections`.
    fresh = default.__class__(dict(default.settings_dict), alias=default.alias)
    try:
        with fresh.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return {"ok": True}
    except Exception as exc:
        return {"ok": False, "error": type(exc).__name__}
    finally:
        fresh.close()


def check_redis() -> dict:
    if not settings.REDIS_URL:
        return {"ok": True, "detail": "not configured: jobs run in-process (demo mode)"}
    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
    try:
        client.ping()
        return {"ok": True}
    except redis.RedisError as exc:
        return {"ok": False, "error": type(exc).__name__}
    finally:
        client.close()


def check_jobs(now: datetime.datetime) -> dict:
    """Last run and last success of every daily job in the beat schedule (informational).
    Runs whose process died are marked failed first, so a killed run shows as such."""
    job_runs_mark_dead(now=now)
    names = [
        entry["task"]
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] not in FREQUENT_TASKS
    ]
    report = {}
    for name, runs in last_runs(names).items():
        last, success = runs["last"], runs["last_success"]
        report[name] = {
            "last_run": last.started_at.isoformat() if last else None,
            "last_outcome": last.outcome if last else None,
            # Only this fact, never the error text: /health/ is public.
            "process_died": bool(last and last.error.startswith(PROCESS_DIED)),
            "last_success": success.finished_at.isoformat() if success else None,
            "stale": success is None
            or now - success.finished_at > JOB_STALE_AFTER_BY_TASK.get(name, JOB_STALE_AFTER),
        }
    return report


def health_report() -> tuple[bool, dict]:
    database = check_database()
    checks = {"database": database, "redis": check_redis()}
    healthy = all(check["ok"] for check in checks.values())
    report = {"status": "ok" if healthy else "error", "checks": checks}
    # Job runs and the outbox live in the database: only ask when it answers.
    now = timezone.now()
    report["jobs"] = check_jobs(now) if database["ok"] else {}
    report["outbox"] = outbox_problems(now=now) if database["ok"] else {}
    return healthy, report
