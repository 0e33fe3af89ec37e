"""The access log (toegangslog, in the spirit of NEN 7513:2018) and break-the-glass access.

Every event on a person's data leaves one `AccessLogEntry`: who (user id and name at the
time, role, on whose behalf), when, which client(s), what event on which part of the file,
from where (IP address, browser/API/command), break-the-glass and its reason, and whether
it was allowed or refused. The table is partitioned by month and append-only, enforced by
PostgreSQL (migration 0001): the application's database role may INSERT and SELECT it, a
trigger refuses UPDATE and DELETE for every role, and rows leave only when a partition past
the retention is dropped (`manage.py audit_drop_old_partitions`). See docs/privacy.md.
"""

import datetime

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samen.limits import EXPLANATION_TEXT, BoundedTextField, text_length_checks

# How each part of the file a view logs reads in the log pages (the stored value stays a
# stable English code, so the log reads the same whatever the interface language).
PART_LABELS = {
    "access log of a child": _("access log of a child"),
    "beschikking": _("beschikking"),
    "beschikking letter": _("beschikking letter"),
    "break-the-glass": _("break-the-glass"),
    "break-the-glass form": _("break-the-glass form"),
    "child file": _("child's file"),
    "client search": _("search for a child"),
    "conversation report": _("conversation report"),
    "copy of a file": _("copy of a file (inspection)"),
    "destroyed file": _("destroyed file"),
    "destruction preview": _("what destruction removes"),
    "correction request": _("correction request"),
    "duplicate check": _("duplicate check"),
    "end-evaluation": _("end-evaluation"),
    "extension decision": _("extension decision"),
    "extension request": _("extension request"),
    "extension requests": _("extension requests"),
    "follow-up request": _("follow-up request"),
    "handover note": _("handover message"),
    "indication": _("indication"),
    "indication import": _("indication import"),
    "indications (API)": _("indications (API)"),
    "person data correction": _("correction of the person data"),
    "portal overview": _("portal overview"),
    "provider's families (print)": _("provider's families (print)"),
    "registration": _("registration"),
    "request": _("request"),
    "request list": _("request list"),
    "retention list": _("files past their retention"),
    "rights request": _("request from the family"),
    "rights request registration": _("registering a request from the family"),
    "rights request search": _("search for a child (request from the family)"),
    "rights requests": _("requests from families"),
    "search": _("search from the header"),
    "triage": _("triage"),
    "triage waiting list": _("triage waiting list"),
    "worklist": _("worklist"),
}


class AccessLogEntry(models.Model):
    """Toegangslogregel: one event on a person's data. Never changed, never deleted."""

    class Event(models.TextChoices):
        READ = "read", _("read")
        SEARCH = "search", _("search")
        CREATE = "create", _("create")
        CHANGE = "change", _("change")
        EXPORT = "export", _("print or export")
        DOWNLOAD = "download", _("download")
        DELETE = "delete", _("delete")

    class Outcome(models.TextChoices):
        ALLOWED = "allowed", _("allowed")
        REFUSED = "refused", _("refused")

    class Channel(models.TextChoices):
        BROWSER = "browser", _("browser")
        API = "api", _("API")
        COMMAND = "command", _("command")
        JOB = "job", _("job")

    # The database's primary key is (id, at): a partitioned table's keys include the
    # partition key. Django only ever inserts and reads by id.
    id = models.BigAutoField(primary_key=True)
    at = models.DateTimeField(_("when"), default=timezone.now)
    # No foreign keys: the log outlives accounts and files (and must not block deleting them).
    user_id = models.BigIntegerField(_("user id"), null=True)
    user_name = models.CharField(_("user"), max_length=200, help_text=_("Name at the time."))
    role = models.CharField(_("role"), max_length=30, blank=True)
    on_behalf_of = models.CharField(
        _("on behalf of"),
        max_length=200,
        blank=True,
        help_text=_("The organisation or team the user acted for (namens wie)."),
    )
    client_ids = ArrayField(
        models.BigIntegerField(), default=list, verbose_name=_("clients (jeugdigen)")
    )
    event = models.CharField(_("event"), max_length=20, choices=Event.choices)
    part = models.CharField(
        _("part of the file"), max_length=40, help_text=_("e.g. request, triage, report.")
    )
    object_id = models.BigIntegerField(_("record number"), null=True)
    access_point = models.CharField(
        _("access point"), max_length=64, blank=True, help_text=_("IP address.")
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    path = models.CharField(_("address"), max_length=300, blank=True)
    break_glass = models.BooleanField(_("break-the-glass"), default=False)
    reason = models.TextField(_("reason"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        ordering = ["-at", "-id"]
        # The indexes are created by migration 0001 on the partitioned table; declared here
        # so that Django's state matches the database.
        indexes = [
            # "Who looked at this child": client_ids @> ARRAY[id].
            GinIndex(fields=["client_ids"], name="audit_log_clients_gin"),
            # The privacy officer's filter by user, newest first.
            models.Index(fields=["user_id", "-at"], name="audit_log_user_at"),
            models.Index(fields=["-at"], name="audit_log_at"),
        ]

    def __str__(self):
        return f"{self.at:%d-%m-%Y %H:%M} {self.user_name}: {self.get_event_display()}"

    @property
    def part_label(self) -> str:
        base, _sep, detail = self.part.partition(": ")
        label = str(PART_LABELS.get(base, base))
        return f"{label}: {detail}" if detail else label

    @property
    def client_labels(self) -> list[str]:
        """The clients as the log pages show them: a child's id, or for a destroyed file
        (a negative id, rights.Tombstone.log_id) "vernietigd dossier V-000123"."""
        return [
            _("destroyed file %(reference)s") % {"reference": f"V-{-client_id:06d}"}
            if client_id < 0
            else str(client_id)
            for client_id in self.client_ids
        ]

    @property
    def role_label(self) -> str:
        from samen.roles import ROLE_LABELS

        return str(ROLE_LABELS.get(self.role, self.role))


class AccessGrantQuerySet(models.QuerySet):
    def active(self, user, *, at: datetime.datetime | None = None):
        at = at or timezone.now()
        return self.filter(user_id=user.pk, expires_at__gt=at)


class AccessGrant(models.Model):
    """Break-the-glass (noodtoegang): a WIJ worker opens the file of a child outside their
    teams, with a reason. Valid for a limited time (BREAK_GLASS_HOURS); the child's team
    lead sees it on the child's page, the privacy officer in the access log."""

    class Reason(models.TextChoices):
        MOVED = "moved", _("the family moved to my team's area")
        COLLEAGUE_AWAY = "colleague_away", _("standing in for a colleague who is away")
        JOINT_CASE = "joint_case", _("joint case with the child's team")
        SAFETY = "safety", _("urgent safety concern")
        OTHER = "other", _("other (explain)")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="access_grants",
        verbose_name=_("worker"),
    )
    client = models.ForeignKey(
        "intake.Client",
        on_delete=models.CASCADE,
        related_name="access_grants",
        verbose_name=_("client (jeugdige)"),
    )
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    explanation = BoundedTextField(_("explanation"), max_length=EXPLANATION_TEXT, blank=True)
    granted_at = models.DateTimeField(_("opened at"), default=timezone.now)
    expires_at = models.DateTimeField(_("valid until"))

    objects = AccessGrantQuerySet.as_manager()

    class Meta:
        verbose_name = _("break-the-glass access")
        verbose_name_plural = _("break-the-glass accesses")
        ordering = ["-granted_at"]
        indexes = [
            # Visibility: a user's grants that are still valid.
            models.Index(fields=["user", "expires_at"], name="accessgrant_user_expires_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("granted_at")),
                name="accessgrant_expires_after_granted",
            ),
            models.CheckConstraint(
                condition=~Q(reason="other") | ~Q(explanation=""),
                name="accessgrant_other_is_explained",
                violation_error_message=_("Explain the reason."),
            ),
            *text_length_checks("accessgrant", explanation=EXPLANATION_TEXT),
        ]

    def __str__(self):
        return f"{self.user} → {self.client_id} ({self.get_reason_display()})"

    def clean(self):
        errors = {}
        if self.reason == self.Reason.OTHER and not self.explanation.strip():
            errors["explanation"] = _("Explain the reason.")
        if self.granted_at and self.expires_at and self.expires_at <= self.granted_at:
            errors["expires_at"] = _("Access ends after it was opened.")
        if errors:
            raise ValidationError(errors)
