"""Queueing and sending outgoing e-mail (the outbox).

Whoever causes a message calls `message_queue` inside the transaction of the change; after
commit the message is handed to Celery (`outbox.send`), and the beat job (`outbox.send_due`)
sends whatever is still pending and due. Sending locks the row with SKIP LOCKED, so two
workers never send one message at the same time."""

import datetime
import json
import logging
from collections import Counter

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.db.transaction import TransactionManagementError
from django.utils import timezone

from .models import OutboxMessage

logger = logging.getLogger(__name__)


def _valid_addresses(addresses) -> list[str]:
    valid = set()
    for address in addresses:
        try:
            validate_email(address)
        except ValidationError:
            # Logged without the address (person data); the change itself goes on.
            logger.warning("An invalid e-mail address was left out of an outgoing message.")
        else:
            valid.add(address)
    return sorted(valid)


def message_queue(
    *, kind: str, subject: str, body: str, recipients: list[str], from_email: str = ""
) -> OutboxMessage | None:
    """Write an e-mail to the outbox in the caller's transaction; hand it to the broker
    after commit. Never raises for a mail server or broker that is down, nor for a
    recipient's address that is not valid (left out; None when no address is left)."""
    if not transaction.get_connection().in_atomic_block:
        # Outside a transaction the change and its message could be split by a crash.
        raise TransactionManagementError("message_queue() belongs in the change's transaction.")
    recipients = _valid_addresses(recipients)
    if not recipients:
        return None
    message = OutboxMessage(
        kind=kind,
        subject=subject[:255],
        body=body,
        recipients=recipients,
        from_email=from_email or settings.DEFAULT_FROM_EMAIL,
    )
    # The fields and clean(); the check constraints are the database's (no query each).
    message.full_clean(validate_unique=False, validate_constraints=False)
    message.save()
    transaction.on_commit(lambda: message_publish(message_id=message.pk))
    return message


def messages_queue_from_query(
    *, kind: str, subject: str, bodies_sql: str, params: dict, recipients: dict
) -> int:
    """Queue one e-mail per row of `bodies_sql` (its columns `key` and `body`), to the
    addresses `recipients[key]`, in one INSERT ... SELECT in the caller's transaction; each
    is handed to the broker after commit, as message_queue does. For a job that mails
    many at once: the bodies are made and stay in the database (never all in this
    process), and the queries do not grow with the messages. The addresses are checked
    here as message_queue checks them; a key left without any gets no message. Returns
    the messages queued."""
    if not transaction.get_connection().in_atomic_block:
        raise TransactionManagementError("messages_queue_from_query() belongs in a transaction.")
    valid = {str(key): _valid_addresses(addresses) for key, addresses in recipients.items()}
    valid = {key: addresses for key, addresses in valid.items() if addresses}
    if not valid:
        return 0
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO outbox_outboxmessage (uuid, kind, subject, body, from_email,
                recipients, status, attempts, created_at, next_attempt_at, last_error)
            SELECT gen_random_uuid(), %(outbox_kind)s, %(outbox_subject)s, mail.body,
                %(outbox_from)s,
                ARRAY(SELECT jsonb_array_elements_text(%(outbox_to)s::jsonb -> mail.key::text)),
                %(outbox_pending)s, 0, %(outbox_now)s, %(outbox_now)s, ''
            FROM ({bodies_sql}) mail
            WHERE %(outbox_to)s::jsonb ? mail.key::text
            RETURNING id
            """,  # noqa: S608 - the caller's fixed query; values are params
            {
                **params,
                "outbox_kind": kind,
                "outbox_subject": subject[:255],
                "outbox_from": settings.DEFAULT_FROM_EMAIL,
                "outbox_to": json.dumps(valid),
                "outbox_pending": OutboxMessage.Status.PENDING,
                "outbox_now": now,
            },
        )
        ids = [row[0] for row in cursor.fetchall()]
    transaction.on_commit(lambda: [message_publish(message_id=pk) for pk in ids])
    return len(ids)


def message_publish(*, message_id: int) -> bool:
    """Hand one message to the broker. When the broker is down this gives up quickly
    (OUTBOX_PUBLISH_RETRIES) and the message stays pending for the beat job."""
    from .tasks import send

    try:
        send.apply_async(
            args=[message_id],
            retry=True,
            retry_policy={
                "max_retries": settings.OUTBOX_PUBLISH_RETRIES,
                "interval_start": 0,
                "interval_step": 0.2,
                "interval_max": 0.5,
            },
        )
    except Exception as exc:  # the broker's errors vary by transport; none may reach the request
        logger.warning(
            "Outbox message %s not handed to the broker (%s); the beat job sends it.",
            message_id,
            type(exc).__name__,
        )
        return False
    return True


def retry_delay(attempts: int) -> datetime.timedelta:
    """Exponential backoff after `attempts` failed attempts: base, 2 x base, 4 x base, ...
    at most OUTBOX_RETRY_MAX_SECONDS."""
    seconds = settings.OUTBOX_RETRY_SECONDS * 2 ** max(attempts - 1, 0)
    return datetime.timedelta(seconds=min(seconds, settings.OUTBOX_RETRY_MAX_SECONDS))


def message_send(*, message_id: int, now: datetime.datetime | None = None) -> str:
    """Send one pending message that is due: "sent", "retry" (failed, tried again after
    its backoff), "failed" (failed for good after OUTBOX_MAX_ATTEMPTS) or "skipped" (sent
    already, not due yet, or another worker is sending it right now)."""
    now = now or timezone.now()
    with transaction.atomic():
        # Two workers (the task and the beat job) may reach one message at once: the row
        # lock with SKIP LOCKED lets one send it; the other skips it, or, after the first
        # committed, no longer finds it pending and due.
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(pk=message_id, status=OutboxMessage.Status.PENDING, next_attempt_at__lte=now)
            .first()
        )
        if message is None:
            return "skipped"
        message.attempts += 1
        try:
            message.as_email().send()
        except Exception as exc:  # SMTP errors and OSError (refused, timeout, DNS)
            message.last_error = f"{type(exc).__name__}: {exc}"[:1000]
            if message.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
                message.status = OutboxMessage.Status.FAILED
            else:
                message.next_attempt_at = now + retry_delay(message.attempts)
            message.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
            logger.warning("Outbox message %s: attempt %s failed.", message.pk, message.attempts)
            return "failed" if message.status == OutboxMessage.Status.FAILED else "retry"
        # A crash between the mail server's answer and this commit sends it again, with
        # the same Message-ID: at least once, recognisably.
        message.status = OutboxMessage.Status.SENT
        message.sent_at = timezone.now()
        message.last_error = ""
        message.save(update_fields=["attempts", "last_error", "status", "sent_at"])
        return "sent"


def messages_send_due(*, now: datetime.datetime | None = None, limit: int = 500) -> dict:
    """Send the pending messages that are due, oldest first. Stops at the first failure:
    the mail server is then most likely down, and the next beat tries again (the failed
    message moved back by its backoff, so it does not block the others)."""
    now = now or timezone.now()
    due = list(
        OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    outcomes: Counter = Counter()
    for message_id in due:
        outcome = message_send(message_id=message_id, now=now)
        outcomes[outcome] += 1
        if outcome in ("retry", "failed"):
            break
    return {key: outcomes[key] for key in ("sent", "retry", "failed", "skipped")}


def message_resend(*, message_id: int) -> None:
    """An operator sends a message that failed for good again (after mending the cause)."""
    OutboxMessage.objects.filter(pk=message_id, status=OutboxMessage.Status.FAILED).update(
        status=OutboxMessage.Status.PENDING, attempts=0, next_attempt_at=timezone.now()
    )
