"""A Celery round trip through the real Redis broker with a real worker (not eager mode)."""

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings

from samen import tasks
from samen.celery import app

# The worker runs Django's system checks when it starts; some ask the database connection
# for its features, so the test may touch the database.
pytestmark = [pytest.mark.broker, pytest.mark.django_db]


def test_a_task_goes_through_redis_to_a_worker_and_back(empty_queue):
    assert settings.CELERY_BROKER_URL.startswith("redis://")
    assert app.conf.task_always_eager is False
    assert app.conf.task_acks_late is True
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        result = tasks.ping.delay()
        answer = result.get(timeout=20)
    assert answer["pong"] is True
    assert result.successful()
