"""The samen project: settings, URLs, the Celery app and the shared UI shell."""

from .celery import app as celery_app

__all__ = ("celery_app",)
