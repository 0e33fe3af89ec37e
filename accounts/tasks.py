from celery import shared_task
from django.contrib.sessions.models import Session
from django.utils import timezone

from samen.jobs import job_run_recorded


@shared_task(name="accounts.clear_sessions")
def clear_sessions() -> dict:
    """Delete ended sessions (verlopen sessies) from the database, daily: every visitor of
    the login page has one (the steps of signing in live in it), and a session row keeps
    which user was signed in until it is gone."""
    now = timezone.now()
    with job_run_recorded(job="accounts.clear_sessions", run_date=timezone.localdate()) as counts:
        deleted, _per_model = Session.objects.filter(expire_date__lt=now).delete()
        counts["deleted"] = deleted
    return counts
