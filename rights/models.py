"""The family's rights over their file (rechten van betrokkenen): inspection, a copy,
correction and destruction on request (Jeugdwet art. 7.3.9-7.3.11, AVG art. 12 and 15-17),
and destruction when the retention has passed (Jeugdwet art. 7.3.8). See docs/privacy.md,
"The family's rights".

A request is a record with its deadline and decision (`RightsRequest`); a copy is kept as
reviewed and released (`FileCopy`); a destroyed file leaves an anonymous `Tombstone`."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from intake.models import Client, HouseholdMember, Team
from samen import roles
from samen.dates import date_range_check, validate_date_in_range
from samen.limits import LONG_TEXT, REASON_TEXT, BoundedTextField, text_length_checks


class RightsRequestQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The privacy officer handles every request; a WIJ team lead sees (is told of) the
        requests about the children of their teams; nobody else."""
        role = roles.user_role(user)
        if role == roles.PRIVACY:
            return self
        if role == roles.TEAM_LEAD:
            from intake.models import user_team_ids

            return self.filter(team_id__in=user_team_ids(user))
        return self.none()

    def open(self):
        return self.exclude(status=RightsRequest.Status.CLOSED)

    def overdue(self, today: datetime.date):
        return self.open().filter(deadline__lt=today)


class RetentionFrom(models.TextChoices):
    """FILE_RETENTION_FROM: the moment the retention (Jeugdwet art. 7.3.8) counts from."""

    LAST_RECORD = "last_record", _("the file's newest record")
    END_OF_HELP = "end_of_help", _("the end of the last help")


class RightsRequest(models.Model):
    """Verzoek van betrokkene: a family member's request to inspect, copy, correct or
    destroy a child's file, or (origin "retention") a file past its retention that the
    monthly job put before the privacy officer."""

    class Kind(models.TextChoices):
        INSPECTION = "inspection", _("inspection (inzage)")
        COPY = "copy", _("copy (afschrift)")
        CORRECTION = "correction", _("correction (correctie)")
        DESTRUCTION = "destruction", _("destruction (vernietiging)")

    class Origin(models.TextChoices):
        FAMILY = "family", _("asked by the family")
        RETENTION = "retention", _("retention period passed")

    class Requester(models.TextChoices):
        CHILD = "child", _("the child or young person")
        PARENT = "parent", _("a parent or guardian with parental authority")
        OTHER = "other", _("someone else (no right to ask)")

    class Status(models.TextChoices):
        RECEIVED = "received", _("received")
        DECIDED = "decided", _("decided, to be carried out")
        CLOSED = "closed", _("closed")

    class Decision(models.TextChoices):
        GRANTED = "granted", _("granted")
        PARTLY = "partly", _("partly granted")
        REFUSED = "refused", _("refused")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    origin = models.CharField(
        _("origin"), max_length=20, choices=Origin.choices, default=Origin.FAMILY
    )
    # The child the file is about. After destruction: the tombstone's anonymous client.
    client = models.ForeignKey(
        Client,
        on_delete=models.PROTECT,
        related_name="rights_requests",
        verbose_name=_("client (jeugdige)"),
    )
    # The child's team when the request came in: its team lead is told; kept after
    # destruction so that the request's record keeps its place.
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="rights_requests", verbose_name=_("team")
    )
    requester = models.CharField(
        _("who asks"), max_length=10, choices=Requester.choices, blank=True
    )
    requester_member = models.ForeignKey(
        HouseholdMember,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="rights_requests",
        verbose_name=_("family member who asks"),
    )
    requester_name = models.CharField(
        _("name of who asks"),
        max_length=200,
        blank=True,
        help_text=_("As written on the request (naam verzoeker)."),
    )
    entitled = models.BooleanField(
        _("entitled to ask"),
        default=True,
        help_text=_(
            "By the age rules on the day received: under 12 the parents with parental "
            "authority, 12 to 15 the child and those parents, from 16 the young person alone."
        ),
    )
    entitlement_note = models.CharField(_("age rule applied"), max_length=300, blank=True)
    received_on = models.DateField(_("received on"), validators=[validate_date_in_range])
    deadline = models.DateField(
        _("deadline"),
        validators=[validate_date_in_range],
        help_text=_(
            "A month for inspection, a copy and a correction (AVG art. 12), three months "
            "for destruction (Jeugdwet art. 7.3.9)."
        ),
    )
    deadline_extended_to = models.DateField(
        _("deadline extended to"), null=True, blank=True, validators=[validate_date_in_range]
    )
    extension_reason = BoundedTextField(
        _("reason for the extension"), max_length=REASON_TEXT, blank=True
    )
    description = BoundedTextField(
        _("what is asked"),
        max_length=LONG_TEXT,
        blank=True,
        help_text=_("For a correction: which data is wrong and what it should say."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.RECEIVED
    )
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices, blank=True)
    decision_reason = BoundedTextField(
        _("reasons for the decision"), max_length=REASON_TEXT, blank=True
    )
    decided_on = models.DateField(
        _("decided on"), null=True, blank=True, validators=[validate_date_in_range]
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    closed_on = models.DateField(
        _("closed on"), null=True, blank=True, validators=[validate_date_in_range]
    )
    outcome_note = BoundedTextField(
        _("what was done"),
        max_length=REASON_TEXT,
        blank=True,
        help_text=_("e.g. which data was corrected, when the copy was handed over."),
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registered by"),
    )
    registered_at = models.DateTimeField(_("registered at"), default=timezone.now)
    # Origin "retention" only: what the monthly job judged the file on (rights/retention.py),
    # kept as it was then, so that the decision can be checked against it later.
    retention_from = models.CharField(
        _("retention counted from"),
        max_length=20,
        choices=RetentionFrom.choices,
        blank=True,
    )
    retention_basis_on = models.DateField(
        _("retention counted from the date"),
        null=True,
        blank=True,
        validators=[validate_date_in_range],
        help_text=_("The date of the file's newest record, or of the end of the last help."),
    )
    history = HistoricalRecords()

    objects = RightsRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("request from the family")
        verbose_name_plural = _("requests from families")
        ordering = ["deadline", "pk"]
        indexes = [
            models.Index(fields=["status", "deadline"], name="rightsrequest_open_deadline"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(deadline__gte=models.F("received_on")),
                name="rightsrequest_deadline_after_received",
            ),
            models.CheckConstraint(
                condition=Q(deadline_extended_to__isnull=True)
                | Q(deadline_extended_to__gt=models.F("deadline")),
                name="rightsrequest_extension_after_deadline",
                violation_error_message=_("An extended deadline lies after the deadline."),
            ),
            models.CheckConstraint(
                condition=Q(deadline_extended_to__isnull=True) | ~Q(extension_reason=""),
                name="rightsrequest_extension_has_reason",
                violation_error_message=_("Give the reason for the extension."),
            ),
            models.CheckConstraint(
                condition=Q(origin="retention", kind="destruction", requester="")
                | Q(origin="family") & ~Q(requester=""),
                name="rightsrequest_origin_requester",
                violation_error_message=_("Say who asks."),
            ),
            # Someone without the right to ask gets a refusal, never a grant.
            models.CheckConstraint(
                condition=Q(entitled=True) | ~Q(decision__in=["granted", "partly"]),
                name="rightsrequest_unentitled_not_granted",
                violation_error_message=_(
                    "This person has no right to ask for the child's file: refuse the request."
                ),
            ),
            models.CheckConstraint(
                condition=Q(decision="", decided_on__isnull=True)
                | (~Q(decision="") & Q(decided_on__isnull=False) & ~Q(decision_reason="")),
                name="rightsrequest_decision_complete",
                violation_error_message=_("A decision needs its date and its reasons."),
            ),
            models.CheckConstraint(
                condition=Q(status="received", decision="")
                | Q(status__in=["decided", "closed"]) & ~Q(decision=""),
                name="rightsrequest_status_follows_decision",
            ),
            models.CheckConstraint(
                condition=Q(status="closed", closed_on__isnull=False)
                | ~Q(status="closed") & Q(closed_on__isnull=True),
                name="rightsrequest_closed_has_date",
            ),
            date_range_check("rightsrequest", "received_on"),
            date_range_check("rightsrequest", "deadline"),
            date_range_check("rightsrequest", "deadline_extended_to"),
            date_range_check("rightsrequest", "decided_on"),
            date_range_check("rightsrequest", "closed_on"),
            date_range_check("rightsrequest", "retention_basis_on"),
            *text_length_checks(
                "rightsrequest",
                extension_reason=REASON_TEXT,
                description=LONG_TEXT,
                decision_reason=REASON_TEXT,
                outcome_note=REASON_TEXT,
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def due_on(self) -> datetime.date:
        return self.deadline_extended_to or self.deadline

    def clean(self):
        errors = {}
        if self.received_on and self.deadline and self.deadline < self.received_on:
            errors["deadline"] = _("The deadline cannot lie before the day received.")
        if (
            self.deadline_extended_to
            and self.deadline
            and self.deadline_extended_to <= self.deadline
        ):
            errors["deadline_extended_to"] = _("An extended deadline lies after the deadline.")
        if self.deadline_extended_to and not self.extension_reason.strip():
            errors["extension_reason"] = _("Give the reason for the extension.")
        if not self.entitled and self.decision in (self.Decision.GRANTED, self.Decision.PARTLY):
            errors["decision"] = _(
                "This person has no right to ask for the child's file: refuse the request."
            )
        if self.decision and not self.decision_reason.strip():
            errors["decision_reason"] = _("A decision needs its date and its reasons.")
        if errors:
            raise ValidationError(errors)


class FileCopy(models.Model):
    """Afschrift / inzage: what the system holds on the child, as reviewed by the privacy
    officer (parts withheld with a reason, Jeugdwet art. 7.3.11) and released as a PDF for
    the family and a JSON file. The files are made at release and kept with the request."""

    class Status(models.TextChoices):
        REVIEW = "review", _("in review")
        RELEASED = "released", _("released")

    request = models.OneToOneField(
        RightsRequest,
        on_delete=models.PROTECT,
        related_name="file_copy",
        verbose_name=_("request"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.REVIEW
    )
    # [{"key": "<part key>", "reason": "..."}]: the parts withheld and why.
    withheld = models.JSONField(_("withheld parts"), default=list, blank=True)
    pdf = models.FileField(_("PDF"), upload_to="rights/copies/", blank=True)
    json = models.FileField(_("JSON"), upload_to="rights/copies/", blank=True)
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("released by"),
    )
    history = HistoricalRecords(excluded_fields=["withheld"])

    class Meta:
        verbose_name = _("copy of a file")
        verbose_name_plural = _("copies of files")
        constraints = [
            models.CheckConstraint(
                condition=Q(status="review", released_at__isnull=True)
                | Q(status="released", released_at__isnull=False),
                name="filecopy_released_has_date",
            ),
        ]

    def __str__(self):
        return f"{_('copy')} #{self.pk}"


class Tombstone(models.Model):
    """Vernietigd dossier: what is left of a destroyed child's file. It holds no person:
    a reference, when and why, and the anonymous client (`client`) under which the
    skeletons of the counted records (product, dates, outcome, team, referrer type) stay,
    so that earlier figures do not change. The access log points at `-id`."""

    class Cause(models.TextChoices):
        REQUEST = "request", _("on request (Jeugdwet art. 7.3.9)")
        RETENTION = "retention", _("retention passed (Jeugdwet art. 7.3.8)")

    client = models.OneToOneField(
        Client,
        on_delete=models.PROTECT,
        related_name="tombstone",
        verbose_name=_("anonymous client"),
    )
    cause = models.CharField(_("cause"), max_length=10, choices=Cause.choices)
    request = models.OneToOneField(
        RightsRequest,
        on_delete=models.PROTECT,
        related_name="tombstone",
        verbose_name=_("request"),
    )
    destroyed_at = models.DateTimeField(_("destroyed at"), default=timezone.now)
    destroyed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("destroyed by"),
    )
    # {"removed": {"<model label>": n, ...}, "kept as skeleton": {...}}: the proof of what
    # was done, in numbers.
    summary = models.JSONField(_("what was removed and kept"), default=dict, blank=True)

    class Meta:
        verbose_name = _("destroyed file")
        verbose_name_plural = _("destroyed files")
        ordering = ["-destroyed_at"]

    def __str__(self):
        return self.reference

    @property
    def reference(self) -> str:
        return f"V-{self.pk:06d}"

    @property
    def log_id(self) -> int:
        """The number the access log carries instead of the child's: never a client id."""
        return -self.pk
