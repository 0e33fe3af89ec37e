"""The Celery app: configured from Django settings (CELERY_*), Redis broker."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samen.settings")

app = Celery("samen")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
