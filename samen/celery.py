"""The Celery app: configured from Django settings (CELERY_*), Redis broker."""

import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samen.settings")

app = Celery("samen")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.setup_logging.connect
def use_django_logging(**kwargs):
    """The worker and beat log through settings.LOGGING, whose handler masks personal data.

    With a receiver for this signal Celery leaves logging alone. Without it, Celery replaces
    the root logger's handlers (worker_hijack_root_logger) and, even when told not to, gives
    the task loggers a handler of their own that does not propagate: both unfiltered.
    """
    from django.conf import settings
    from django.utils.log import configure_logging

    configure_logging(settings.LOGGING_CONFIG, settings.LOGGING)
