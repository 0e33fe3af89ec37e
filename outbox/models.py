import uuid
from email.utils import parseaddr

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    """An e-mail waiting to be sent, or sent (uitgaand bericht).

    Written in the same transaction as the change that causes it (outbox.services.
    message_queue), so a rolled-back change sends nothing and a committed one is never
    lost. Sent at least once; the Message-ID comes from `uuid`, so a resend after a crash
    between the mail server's answer and our commit carries the same Message-ID."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed for good")

    class Kind(models.TextChoices):
        PROVIDER_NOTICES = "provider_notices", _("notices to a provider")
        PROVIDER_STOPS = "provider_stops", _("a provider stops (to officials)")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("body"))
    from_email = models.CharField(_("sender"), max_length=255)
    recipients = ArrayField(models.EmailField(max_length=254), verbose_name=_("recipients"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outgoing messages")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "sent", "failed"]), name="outbox_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status="sent", sent_at__isnull=False)
                | (~Q(status="sent") & Q(sent_at__isnull=True)),
                name="outbox_sent_has_sent_at",
            ),
            models.CheckConstraint(
                condition=Q(recipients__len__gt=0), name="outbox_has_recipients"
            ),
        ]
        indexes = [
            # The beat job's "pending and due, oldest first" (outbox.services.messages_send_due).
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status="pending"),
                name="outbox_pending_due_idx",
            ),
            # /health/'s counts of pending-too-long and failed messages
            # (outbox.selectors.outbox_problems): the few unsent rows, never the sent ones.
            models.Index(
                fields=["status", "created_at"],
                condition=Q(status__in=["pending", "failed"]),
                name="outbox_unsent_idx",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk} ({self.get_status_display()})"

    def clean(self):
        if not self.recipients:
            raise ValidationError({"recipients": _("A message needs at least one recipient.")})
        if (self.status == self.Status.SENT) != (self.sent_at is not None):
            raise ValidationError({"sent_at": _("A sent message has a sent date, no other.")})

    @property
    def message_id(self) -> str:
        """Stable for this row: every (re)send of it carries the same Message-ID header."""
        domain = parseaddr(self.from_email)[1].rpartition("@")[2] or "samen.invalid"
        return f"<outbox.{self.uuid}@{domain}>"

    def as_email(self) -> EmailMessage:
        return EmailMessage(
            subject=self.subject,
            body=self.body,
            from_email=self.from_email or settings.DEFAULT_FROM_EMAIL,
            to=list(self.recipients),
            headers={"Message-ID": self.message_id},
        )
