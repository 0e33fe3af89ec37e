"""The register of national youth-care messages (berichtenregister) and the requests they
carry (verzoeken om toewijzing en om wijziging). Every message in and out is kept as it
was sent, with its deadline; see docs/ijw.md."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from intake.models import Client, SupportRequest, Team
from openhouse.models import Provider
from referrals.models import Product, ReferrerType
from samen import roles
from samen.dates import date_range_check, validate_date_in_range
from samen.limits import REASON_TEXT, BoundedTextField, text_length_checks

from .codes import MessageType, RejectReason, RetourCode


class MessageQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The youth administration handles the message traffic and sees all of it; a
        provider user sees the messages its own provider sent or received; nobody else
        (policy officials see figures only, WIJ staff the support requests that follow)."""
        role = roles.user_role(user)
        # The skeleton of a destroyed file (rights.destruction) is nobody's to work on.
        living = self.exclude(client_id__in=Client.objects.filter(destroyed_on__isnull=False))
        if role == roles.YOUTH_ADMIN:
            return living
        if role == roles.PROVIDER:
            membership = getattr(user, "provider_membership", None)
            return living.filter(provider_id=membership.provider_id) if membership else self.none()
        return self.none()


class Message(models.Model):
    """Bericht: one iJw 3.2 message, in or out, kept as sent (raw XML) with what the
    register needs to find and follow it."""

    class Direction(models.TextChoices):
        IN = "in", _("received")
        OUT = "out", _("sent")

    class Status(models.TextChoices):
        # In
        PROCESSED = "processed", _("processed")
        REJECTED = "rejected", _("rejected (retour with error codes)")
        AWAITING_ANSWER = "awaiting_answer", _("waiting for the answer")
        ANSWERED = "answered", _("answered")
        # Out
        READY = "ready", _("ready to be sent")
        SENT = "sent", _("sent (picked up)")
        CONFIRMED = "confirmed", _("retour received: accepted")
        RETURNED = "returned", _("retour received: with errors")
        # Out, from the old system: a JW301 the municipality sent before this system,
        # imported with the allocation it made or changed (ijw.importer). Never sent again.
        IMPORTED = "imported", _("imported from the previous system")

    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices)
    message_type = models.CharField(_("message type"), max_length=5, choices=MessageType.choices)
    sender = models.CharField(
        _("sender"), max_length=8, help_text=_("AGB code of a provider or municipality code.")
    )
    receiver = models.CharField(_("receiver"), max_length=8)
    identification = models.CharField(
        _("identification"), max_length=12, help_text=_("BerichtIdentificatie: unique per sender.")
    )
    dated_on = models.DateField(
        _("dated"),
        null=True,
        blank=True,
        validators=[validate_date_in_range],
        help_text=_("Dagtekening of the message."),
    )
    raw = models.TextField(_("message (XML)"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    errors = BoundedTextField(
        _("what was wrong"),
        max_length=REASON_TEXT,
        blank=True,
        help_text=_("Why the message was rejected, in words; the codes are in the retour."),
    )
    retour_codes = models.CharField(
        _("retour codes"),
        max_length=100,
        blank=True,
        help_text=_("WJ001 codes, comma-separated: those given (in) or received (out)."),
    )
    provider = models.ForeignKey(
        Provider,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ijw_messages",
        verbose_name=_("provider"),
    )
    client = models.ForeignKey(
        Client,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ijw_messages",
        verbose_name=_("client"),
    )
    indication = models.ForeignKey(
        "indications.Indication",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ijw_messages",
        verbose_name=_("allocation"),
    )
    in_reply_to = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replies",
        verbose_name=_("in reply to"),
        help_text=_("The message this retour or answer is about."),
    )
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="duplicates",
        verbose_name=_("duplicate of"),
        help_text=_("A message whose identification was received before: it changed nothing."),
    )
    received_at = models.DateTimeField(_("registered at"), default=timezone.now)
    retour_due_on = models.DateField(
        _("retour due"),
        null=True,
        blank=True,
        help_text=_("Received: our retour within 3 working days; sent: the provider's."),
    )
    answer_due_on = models.DateField(
        _("answer due"),
        null=True,
        blank=True,
        help_text=_("A request (JW315/JW317): answered within 5 working days."),
    )
    done_at = models.DateTimeField(
        _("done at"),
        null=True,
        blank=True,
        help_text=_("Received: when answered; sent: when its retour came in."),
    )
    picked_up_at = models.DateTimeField(_("picked up at"), null=True, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registered by"),
    )

    objects = MessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("iJw message")
        verbose_name_plural = _("iJw messages")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["direction", "status", "retour_due_on"], name="ijw_msg_due_idx"),
            models.Index(fields=["provider", "-received_at"], name="ijw_msg_provider_idx"),
        ]
        constraints = [
            # An identification is received once per sender (TR056); a second one is kept
            # as a duplicate and answered with 9056.
            models.UniqueConstraint(
                fields=["sender", "identification"],
                condition=Q(direction="in", duplicate_of__isnull=True) & ~Q(identification=""),
                name="ijw_message_in_unique_identification",
            ),
            models.UniqueConstraint(
                fields=["identification"],
                condition=Q(direction="out"),
                name="ijw_message_out_unique_identification",
            ),
            models.CheckConstraint(
                condition=Q(direction__in=["in", "out"]), name="ijw_message_direction_known"
            ),
            models.CheckConstraint(
                condition=Q(message_type__in=MessageType.values), name="ijw_message_type_known"
            ),
            models.CheckConstraint(
                condition=Q(
                    direction="out",
                    status__in=["ready", "sent", "confirmed", "returned", "imported"],
                )
                | Q(
                    direction="in",
                    status__in=["processed", "rejected", "awaiting_answer", "answered"],
                ),
                name="ijw_message_status_fits_direction",
            ),
            date_range_check("ijwmessage", "dated_on"),
            *text_length_checks("ijwmessage", errors=REASON_TEXT),
        ]

    def __str__(self):
        # No child: what lists and logs show.
        return f"{self.message_type} {self.identification or '?'} ({self.get_direction_display()})"

    @property
    def codes(self) -> list[str]:
        return [code for code in self.retour_codes.split(",") if code]

    @property
    def code_labels(self) -> list[str]:
        labels = dict(RetourCode.choices)
        return [f"{code} {labels.get(code, '')}".strip() for code in self.codes]

    def retour_overdue(self, today: datetime.date) -> bool:
        return (
            self.direction == self.Direction.OUT
            and self.status in (self.Status.READY, self.Status.SENT)
            and self.retour_due_on is not None
            and self.retour_due_on < today
        )


class RequestQuerySet(models.QuerySet):
    def visible_to(self, user):
        """As the messages: the youth administration all, a provider its own."""
        role = roles.user_role(user)
        # The skeleton of a destroyed file (rights.destruction) is nobody's to work on.
        living = self.exclude(client_id__in=Client.objects.filter(destroyed_on__isnull=False))
        if role == roles.YOUTH_ADMIN:
            return living
        if role == roles.PROVIDER:
            membership = getattr(user, "provider_membership", None)
            return living.filter(provider_id=membership.provider_id) if membership else self.none()
        return self.none()

    def open(self):
        return self.filter(status__in=AllocationRequest.OPEN)


class AllocationRequest(models.Model):
    """Verzoek: one requested product of a JW315 (verzoek om toewijzing) or one JW317
    (verzoek om wijziging). The phasing table proposes a route (ijw.services.route_propose);
    the youth administration confirms or overrides it with a reason, then the answer goes
    out (JW301 or JW319) - or at once, when IJW_DECIDE_AUTOMATICALLY is on."""

    class Kind(models.TextChoices):
        ALLOCATION = "allocation", _("request for allocation (JW315)")
        CHANGE = "change", _("change request (JW317)")

    class Route(models.TextChoices):
        WIJ = "wij", _("to WIJ: rejected, support request at the WIJ team")
        ALLOCATE = "allocate", _("allocate (JW301 and an indication)")
        REJECT = "reject", _("reject (JW319)")
        OUT_OF_SCOPE = "out_of_scope", _("outside Basis jeugdhulp: the municipality's own handling")
        EXTENSION = "extension", _("extension request: decided as an extension")
        OTHER_CHANGE = "other_change", _("other change: the municipality's own handling")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("proposed, waiting for review")
        IN_ONDERZOEK = "in_onderzoek", _("answered: being looked into")
        WAITING = "waiting", _("waiting for the extension decision")
        DONE = "done", _("answered")
        OWN_HANDLING = "own_handling", _("handed to the municipality's own handling")

    OPEN = (Status.PROPOSED, Status.IN_ONDERZOEK, Status.WAITING)

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    message = models.ForeignKey(
        Message, on_delete=models.PROTECT, related_name="requests", verbose_name=_("message")
    )
    provider = models.ForeignKey(
        Provider, on_delete=models.PROTECT, related_name="ijw_requests", verbose_name=_("provider")
    )
    reference = models.CharField(
        _("provider's reference"), max_length=36, help_text=_("ReferentieAanbieder.")
    )
    client = models.ForeignKey(
        Client,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ijw_requests",
        verbose_name=_("client"),
        help_text=_("Empty while the child is not known at WIJ: placed in a team on review."),
    )
    bsn = models.CharField(_("BSN"), max_length=9)
    child_name = models.CharField(_("child's name as given"), max_length=250)
    date_of_birth = models.DateField(_("date of birth"), validators=[validate_date_in_range])
    product_code = models.CharField(_("product code"), max_length=5, blank=True)
    product = models.ForeignKey(
        Product,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("product"),
        help_text=_("Empty when the code is not one of the 11 products of Basis jeugdhulp."),
    )
    start_on = models.DateField(
        _("requested start"),
        validators=[validate_date_in_range],
        help_text=_("The date the route and the product are judged on (decision 83)."),
    )
    end_on = models.DateField(
        _("requested end"), null=True, blank=True, validators=[validate_date_in_range]
    )
    referrer_type = models.CharField(
        _("referrer type"), max_length=2, choices=ReferrerType.choices, blank=True
    )
    referrer_agb = models.CharField(_("referrer's AGB code"), max_length=8, blank=True)
    referrer_name = models.CharField(_("referrer's name"), max_length=64, blank=True)
    volume = models.PositiveIntegerField(_("volume"), null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=2, blank=True)
    frequency = models.CharField(_("frequency"), max_length=1, blank=True)
    comment = BoundedTextField(_("comment"), max_length=REASON_TEXT, blank=True)
    indication = models.ForeignKey(
        "indications.Indication",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ijw_requests",
        verbose_name=_("indication"),
        help_text=_("The allocation made (JW315) or to be changed (JW317)."),
    )
    proposed_route = models.CharField(_("proposed route"), max_length=12, choices=Route.choices)
    proposed_reason = models.CharField(
        _("proposed reason for rejection"), max_length=1, choices=RejectReason.choices, blank=True
    )
    proposal_explained = BoundedTextField(
        _("why this route"),
        max_length=REASON_TEXT,
        help_text=_("The phasing table's answer in words: what was judged on which date."),
    )
    route = models.CharField(_("decided route"), max_length=12, choices=Route.choices, blank=True)
    reject_reason = models.CharField(
        _("reason for rejection"), max_length=1, choices=RejectReason.choices, blank=True
    )
    override_reason = BoundedTextField(
        _("why another route than proposed"), max_length=REASON_TEXT, blank=True
    )
    team = models.ForeignKey(
        Team,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("WIJ team"),
        help_text=_("The team a child not yet known at WIJ is placed in."),
    )
    status = models.CharField(
        _("status"), max_length=14, choices=Status.choices, default=Status.PROPOSED
    )
    answer_due_on = models.DateField(_("answer due"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    support_request = models.ForeignKey(
        SupportRequest,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ijw_requests",
        verbose_name=_("support request at WIJ"),
    )
    extension = models.OneToOneField(
        "indications.ExtensionRequest",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ijw_request",
        verbose_name=_("extension request"),
    )
    answer = models.ForeignKey(
        Message,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="answered_requests",
        verbose_name=_("answer"),
        help_text=_("The JW301 or JW319 that answered it (the last one)."),
    )
    history = HistoricalRecords()

    objects = RequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("request (iJw)")
        verbose_name_plural = _("requests (iJw)")
        ordering = ["answer_due_on", "id"]
        indexes = [
            models.Index(
                fields=["answer_due_on"],
                condition=Q(status__in=["proposed", "in_onderzoek", "waiting"]),
                name="ijw_request_open_due_idx",
            ),
        ]
        constraints = [
            # TR347: a provider's reference names one request.
            models.UniqueConstraint(
                fields=["provider", "reference", "product_code"],
                name="ijw_request_unique_reference",
            ),
            models.CheckConstraint(
                condition=~Q(route="") | ~Q(status="done"),
                name="ijw_request_done_has_route",
                violation_error_message=_("An answered request needs its route."),
            ),
            models.CheckConstraint(
                condition=Q(route="")
                | Q(route=models.F("proposed_route"))
                | ~Q(override_reason=""),
                name="ijw_request_override_has_reason",
                violation_error_message=_("Another route than proposed needs a reason."),
            ),
            models.CheckConstraint(
                condition=~Q(route__in=["wij", "reject"]) | ~Q(reject_reason=""),
                name="ijw_request_rejection_has_reason",
                violation_error_message=_("A rejection needs its reason (WJ759)."),
            ),
            date_range_check("ijwrequest", "start_on"),
            date_range_check("ijwrequest", "end_on"),
            date_range_check("ijwrequest", "date_of_birth"),
            *text_length_checks(
                "ijwrequest",
                comment=REASON_TEXT,
                proposal_explained=REASON_TEXT,
                override_reason=REASON_TEXT,
            ),
        ]

    def __str__(self):
        return f"#{self.pk} {self.get_kind_display()} {self.product_code or '-'}"

    def clean(self):
        errors = {}
        if self.route and self.route != self.proposed_route and not self.override_reason.strip():
            errors["override_reason"] = _("Another route than proposed needs a reason.")
        if self.route in (self.Route.WIJ, self.Route.REJECT) and not self.reject_reason:
            errors["reject_reason"] = _("A rejection needs its reason (WJ759).")
        if self.status == self.Status.DONE and not self.route:
            errors["route"] = _("An answered request needs its route.")
        if errors:
            raise ValidationError(errors)

    @property
    def awaits_own_handling(self) -> bool:
        """A change other than an extension, not handed to the municipality's system yet."""
        return (
            self.kind == self.Kind.CHANGE
            and self.proposed_route == self.Route.OTHER_CHANGE
            and self.status in (self.Status.PROPOSED, self.Status.IN_ONDERZOEK)
        )

    def is_overdue(self, today: datetime.date) -> bool:
        return self.status == self.Status.PROPOSED and self.answer_due_on < today
