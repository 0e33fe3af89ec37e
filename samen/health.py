"""The checks behind /health/: database, Redis and the scheduled jobs' last runs."""

import datetime

import redis
from django.conf import settings
from django.db import connections
from django.utils import timezone

from .jobs import last_runs

# A daily job whose last success is older than this is reported as stale.
JOB_STALE_AFTER = datetime.timedelta(hours=26)


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
    """Last run and last success of every job in the beat schedule (informational)."""
    names = [entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()]
    report = {}
    for name, runs in last_runs(names).items():
        last, success = runs["last"], runs["last_success"]
        report[name] = {
            "last_run": last.started_at.isoformat() if last else None,
            "last_outcome": last.outcome if last else None,
            "last_success": success.finished_at.isoformat() if success else None,
            "stale": success is None or now - success.finished_at > JOB_STALE_AFTER,
        }
    return report


def health_report() -> tuple[bool, dict]:
    database = check_database()
    checks = {"database": database, "redis": check_redis()}
    healthy = all(check["ok"] for check in checks.values())
    report = {"status": "ok" if healthy else "error", "checks": checks}
    # Job runs live in the database: only ask when it answers.
    report["jobs"] = check_jobs(timezone.now()) if database["ok"] else {}
    return healthy, report
