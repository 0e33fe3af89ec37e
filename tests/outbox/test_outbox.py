"""The outbox's rules: queued only in a transaction, sent with a stable Message-ID, retried
with exponential backoff, failed for good after the last attempt, never sent by two
workers at once, shown to officials without person data, and reported by /health/."""

import datetime
import threading

import pytest
import time_machine
from django.core import mail
from django.db import connections, transaction
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext

from outbox import services
from outbox.models import OutboxMessage
from outbox.services import message_queue, message_send, messages_send_due

from .servers import free_port, smtp_mailers

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 11, 22, 9, 0, tzinfo=datetime.UTC)
SECOND = datetime.timedelta(seconds=1)


def queue(**kwargs):
    values = {
        "kind": OutboxMessage.Kind.PROVIDER_STOPS,
        "subject": "Aanbieder A stopt",
        "body": "Aanbieder A stopt op 01-01-2027.",
        "recipients": ["beleid@groningen.example.invalid"],
    }
    with transaction.atomic():
        return message_queue(**(values | kwargs))


@pytest.mark.django_db(transaction=True)
def test_a_message_is_queued_only_inside_the_change_s_transaction():
    with pytest.raises(TransactionManagementError):
        message_queue(kind="provider_stops", subject="s", body="b", recipients=["a@b.nl"])
    assert not OutboxMessage.objects.exists()


def test_a_rolled_back_change_leaves_no_message():
    with pytest.raises(RuntimeError), transaction.atomic():
        message_queue(kind="provider_stops", subject="s", body="b", recipients=["a@b.nl"])
        raise RuntimeError("the change failed")
    assert not OutboxMessage.objects.exists()


def test_a_message_needs_a_valid_recipient_and_a_sent_date_when_sent():
    from django.core.exceptions import ValidationError
    from django.db import IntegrityError

    # An address that is not valid is left out; the change that queues goes on.
    assert queue(recipients=["not an address"]) is None
    assert queue(recipients=["wrong", "ok@example.invalid"]).recipients == ["ok@example.invalid"]
    with pytest.raises(ValidationError):
        OutboxMessage(kind="provider_stops", subject="s", body="b", recipients=[]).full_clean()
    message = queue()
    with pytest.raises(IntegrityError), transaction.atomic():
        OutboxMessage.objects.filter(pk=message.pk).update(status="sent")  # no sent_at


def test_it_is_sent_once_with_a_message_id_that_stays_the_same():
    message = queue(recipients=["b@example.invalid", "a@example.invalid", "a@example.invalid"])
    assert message.recipients == ["a@example.invalid", "b@example.invalid"]
    assert message_send(message_id=message.pk) == "sent"
    assert message_send(message_id=message.pk) == "skipped"
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.extra_headers["Message-ID"] == f"<outbox.{message.uuid}@wij.groningen.nl>"
    assert sent.message()["Message-ID"] == message.message_id
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == ("sent", 1, "")
    assert message.sent_at is not None


@time_machine.travel(NOW, tick=False)
def test_a_mail_server_that_is_down_means_retries_with_exponential_backoff(settings):
    settings.MAILERS = smtp_mailers(free_port())  # nothing listens there
    settings.OUTBOX_RETRY_SECONDS = 60
    settings.OUTBOX_RETRY_MAX_SECONDS = 600
    settings.OUTBOX_MAX_ATTEMPTS = 6
    message = queue()
    waits = []
    now = NOW
    for _attempt in range(5):
        assert message_send(message_id=message.pk, now=now) == "retry"
        message.refresh_from_db()
        waits.append((message.next_attempt_at - now).total_seconds())
        # Not due before its backoff ends, whoever asks (the task's retry or the beat).
        assert message_send(message_id=message.pk, now=message.next_attempt_at - SECOND) == (
            "skipped"
        )
        now = message.next_attempt_at
    assert waits == [60, 120, 240, 480, 600]  # doubled, at most the maximum
    assert message.status == "pending" and message.attempts == 5
    assert "ConnectionRefusedError" in message.last_error
    assert message_send(message_id=message.pk, now=now) == "failed"
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("failed", 6)
    assert message_send(message_id=message.pk, now=now + datetime.timedelta(days=1)) == "skipped"
    services.message_resend(message_id=message.pk)
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("pending", 0)


@time_machine.travel(NOW, tick=False)
def test_the_beat_job_sends_what_is_due_and_stops_at_a_mail_server_that_is_down(settings):
    first, second = queue(), queue()
    later = queue()
    OutboxMessage.objects.filter(pk=later.pk).update(
        next_attempt_at=NOW + datetime.timedelta(minutes=5)
    )
    assert messages_send_due() == {"sent": 2, "retry": 0, "failed": 0, "skipped": 0}
    assert len(mail.outbox) == 2
    settings.MAILERS = smtp_mailers(free_port())
    with time_machine.travel(NOW + datetime.timedelta(minutes=6), tick=False):
        another = queue()
        # The first failure ends the batch: the next beat tries again.
        assert messages_send_due() == {"sent": 0, "retry": 1, "failed": 0, "skipped": 0}
    assert OutboxMessage.objects.filter(status="pending").count() == 2
    assert {first.pk, second.pk} == set(
        OutboxMessage.objects.filter(status="sent").values_list("pk", flat=True)
    )
    assert another.pk


def test_the_beat_job_runs_a_fixed_number_of_queries_to_find_its_work():
    for _ in range(5):
        queue()
    with CaptureQueriesContext(connections["default"]) as queries:
        assert messages_send_due()["sent"] == 5
    # 1 to find the due ones, then per message: savepoint, lock, update, release.
    assert len(queries) == 1 + 5 * 4


@pytest.mark.django_db(transaction=True)
def test_two_workers_never_send_one_message_at_the_same_time():
    message = queue()
    locked, release = threading.Event(), threading.Event()

    def other_worker():
        # Another worker is in the middle of sending it: it holds the row lock.
        with transaction.atomic():
            OutboxMessage.objects.select_for_update().get(pk=message.pk)
            locked.set()
            release.wait(10)
        connections.close_all()

    thread = threading.Thread(target=other_worker)
    thread.start()
    assert locked.wait(10)
    try:
        assert message_send(message_id=message.pk) == "skipped"
        assert messages_send_due()["skipped"] == 1
    finally:
        release.set()
        thread.join()
    assert mail.outbox == []
    assert message_send(message_id=message.pk) == "sent"


def test_officials_see_the_outbox_state_without_person_data(client, official, admin_user):
    message = queue(recipients=["paula.prive@example.invalid"])
    OutboxMessage.objects.filter(pk=message.pk).update(
        last_error="refused paula.prive@example.invalid"
    )
    client.force_login(official)
    listing = client.get("/admin/outbox/outboxmessage/")
    assert listing.status_code == 200
    html = listing.content.decode()
    assert "paula.prive@example.invalid" not in html
    detail = client.get(f"/admin/outbox/outboxmessage/{message.pk}/change/").content.decode()
    assert "Aanbieder A stopt" in detail and "paula.prive@example.invalid" not in detail
    assert "send_again" not in html  # only superusers may send again
    client.force_login(admin_user)
    detail = client.get(f"/admin/outbox/outboxmessage/{message.pk}/change/").content.decode()
    assert "paula.prive@example.invalid" in detail


def test_a_superuser_sends_a_failed_message_again_from_the_admin(client, admin_user):
    message = queue()
    OutboxMessage.objects.filter(pk=message.pk).update(status="failed", attempts=12)
    client.force_login(admin_user)
    response = client.post(
        "/admin/outbox/outboxmessage/",
        {"action": "send_again", "_selected_action": [message.pk]},
    )
    assert response.status_code == 302
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("pending", 0)


def test_health_reports_messages_pending_too_long_and_failed_for_good(client, settings):
    settings.OUTBOX_STUCK_MINUTES = 60
    with time_machine.travel(NOW, tick=False):
        queue()
        queue()
    failed = queue()
    OutboxMessage.objects.filter(pk=failed.pk).update(status="failed")
    with time_machine.travel(NOW + datetime.timedelta(minutes=59)):
        body = client.get("/health/").json()
    assert body["outbox"] == {"ok": False, "pending_too_long": 0, "failed": 1}
    with time_machine.travel(NOW + datetime.timedelta(minutes=61)):
        response = client.get("/health/")
    # Reported for monitoring, but not a reason to take the web server out (decision 8).
    assert response.status_code == 200
    assert response.json()["outbox"] == {"ok": False, "pending_too_long": 2, "failed": 1}
