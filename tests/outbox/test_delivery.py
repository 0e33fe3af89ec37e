"""Nothing lost when a service fails, through the real entry points: "Wij stoppen" in the
portal with the mail server down and then up (a real SMTP server on a real port), and with
the broker down and then up (a real redis-server and a real Celery worker)."""

import datetime
import time

import pytest
import redis
import time_machine
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from indications.models import Task
from outbox import tasks
from outbox.models import OutboxMessage
from samen.celery import app
from samen.models import JobRun
from tests.factories import IndicationFactory, ProviderFactory, UserFactory
from tests.waiting import wait_for

from .servers import RedisServer, SmtpServer, free_port, smtp_mailers

pytestmark = [pytest.mark.broker, pytest.mark.django_db(transaction=True)]
OFFICIAL_ADDRESS = "beleid@groningen.example.invalid"


@pytest.fixture
def stopping_provider(beijum, official):
    official.email = OFFICIAL_ADDRESS
    official.save()
    provider = ProviderFactory(name="Aanbieder A", agb_code="73990101")
    user = UserFactory(role="aanbieder", username="provider-a")
    provider.memberships.create(user=user)
    IndicationFactory(client__team=beijum, provider=provider, end_on=datetime.date(2099, 3, 31))
    return provider, user


def report_stop(client, user):
    client.force_login(user)
    stops_on = (timezone.localdate() + datetime.timedelta(days=40)).isoformat()
    started = time.monotonic()
    response = client.post("/portaal/we-stoppen/", {"stops_on": stops_on, "confirm": "on"})
    return response, time.monotonic() - started


def queue_length(url: str) -> int:
    connection = redis.Redis.from_url(url)
    try:
        return connection.llen("celery")
    finally:
        connection.close()


def test_with_the_mail_server_down_the_stop_is_saved_and_its_mail_arrives_later_once(
    client, stopping_provider, settings, empty_queue
):
    provider, user = stopping_provider
    smtp_port = free_port()
    settings.MAILERS = smtp_mailers(smtp_port)  # nothing listens there yet

    response, seconds = report_stop(client, user)
    assert response.status_code == 302  # no 500
    provider.refresh_from_db()
    assert provider.status == "stopping" and Task.objects.count() == 1
    message = OutboxMessage.objects.get()
    assert (message.status, message.recipients) == ("pending", [OFFICIAL_ADDRESS])
    # Handed to the real broker after commit (no worker runs yet).
    assert queue_length(settings.CELERY_BROKER_URL) == 1
    print(f"\n'Wij stoppen' with the mail server down: {seconds:.2f} s")

    # The beat job tries: the mail server refuses; the message waits for its backoff.
    assert tasks.send_due.apply().get() == {"sent": 0, "retry": 1, "failed": 0, "skipped": 0}
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("pending", 1)
    assert "ConnectionRefusedError" in message.last_error

    with SmtpServer(smtp_port) as smtp:
        assert tasks.send_due.apply().get()["sent"] == 0  # not due yet
        later = message.next_attempt_at + datetime.timedelta(seconds=1)
        with time_machine.travel(later):
            assert tasks.send_due.apply().get()["sent"] == 1
            assert tasks.send_due.apply().get()["sent"] == 0  # rerun: not sent again
        # The task handed to the broker at commit runs now on a real worker: it finds the
        # message sent and sends nothing.
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            wait_for(lambda: queue_length(settings.CELERY_BROKER_URL) == 0, seconds=30)
            time.sleep(1)  # let the worker finish the task it took
    assert len(smtp.messages) == 1
    received = smtp.messages[0]
    message.refresh_from_db()
    assert received["Message-ID"] == message.message_id
    assert "Aanbieder A" in received["Subject"] and received["To"] == OFFICIAL_ADDRESS
    assert message.status == "sent" and message.attempts == 2


def _point_celery_at(url: str) -> None:
    """Point the Celery app's broker at `url`: the app forgets its pools (as after a fork)
    and takes kombu's pool for the new URL (kombu keeps one per URL, the old one intact)."""
    app._pool = None
    app.amqp._producer_pool = None
    app.conf.broker_url = url


@pytest.fixture
def broker_on_dead_port():
    port = free_port()
    original = app.conf.broker_url
    _point_celery_at(f"redis://127.0.0.1:{port}/0")
    yield port
    _point_celery_at(original)


def test_with_the_broker_down_the_request_succeeds_and_the_beat_job_delivers_later(
    client, stopping_provider, settings, broker_on_dead_port
):
    _provider, user = stopping_provider
    broker_port = broker_on_dead_port
    with SmtpServer(free_port()) as smtp:
        settings.MAILERS = smtp_mailers(smtp.controller.port)

        response, seconds = report_stop(client, user)
        assert response.status_code == 302  # the publish failed after commit, quietly
        message = OutboxMessage.objects.get()
        assert (message.status, message.attempts) == ("pending", 0)
        print(f"\n'Wij stoppen' with the broker down: {seconds:.2f} s")

        with RedisServer(broker_port):
            assert queue_length(f"redis://127.0.0.1:{broker_port}/0") == 0  # nothing got through
            with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
                tasks.send_due.delay()  # what beat sends every minute
                wait_for(lambda: OutboxMessage.objects.filter(status="sent").exists(), seconds=30)
    assert len(smtp.messages) == 1
    message.refresh_from_db()
    assert smtp.messages[0]["Message-ID"] == message.message_id
    assert message.attempts == 1


def test_a_flag_run_with_the_broker_down_succeeds_and_its_mail_is_delivered_later(
    beijum, settings, broker_on_dead_port
):
    provider = ProviderFactory(contact_email="zorg@example.invalid")
    IndicationFactory(client__team=beijum, provider=provider, end_on=datetime.date(2027, 1, 31))
    with SmtpServer(free_port()) as smtp:
        settings.MAILERS = smtp_mailers(smtp.controller.port)
        call_command("flag_expiring_indications", "--date", "2026-11-22")
        # Every step of the run (flag, tasks, notices, queueing the e-mail) succeeded; the
        # e-mail is not lost but waits in the outbox.
        run = JobRun.objects.get(job="indications.flag_expiring")
        assert run.outcome == "succeeded" and run.counts["mails"] == 1
        message = OutboxMessage.objects.get()
        assert message.status == "pending" and smtp.messages == []
        with (
            RedisServer(broker_on_dead_port),
            start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10),
        ):
            tasks.send_due.delay()
            wait_for(lambda: OutboxMessage.objects.filter(status="sent").exists(), seconds=30)
    assert [m["To"] for m in smtp.messages] == ["zorg@example.invalid"]
    assert smtp.messages[0]["Message-ID"] == message.message_id


def test_the_beat_schedule_runs_the_outbox_and_the_sweep():
    tasks_by_name = {entry["task"]: entry for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert tasks_by_name["outbox.send_due"]["schedule"] == 60.0
    assert "samen.job_runs_sweep" in tasks_by_name
    assert {"outbox.send", "outbox.send_due", "samen.job_runs_sweep"} <= set(app.tasks)
