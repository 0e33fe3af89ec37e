"""Open House providers (zorgaanbieders via RIGG) and their users."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from referrals.models import Product, agb_code_validator
from samen.dates import date_range_check, validate_date_in_range
from samen.limits import LONG_TEXT, REASON_TEXT, BoundedTextField, text_length_checks
from samen.models import Versioned


class Provider(Versioned):
    """Zorgaanbieder: a provider under the Open House contract (RIGG)."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        STOPPING = "stopping", _("stopping on a date")
        STOPPED = "stopped", _("stopped")

    name = models.CharField(_("name"), max_length=200)
    agb_code = models.CharField(
        _("AGB code"), max_length=8, unique=True, validators=[agb_code_validator]
    )
    products = models.ManyToManyField(
        Product,
        blank=True,
        related_name="providers",
        verbose_name=_("products in the RIGG contract"),
    )
    contact_email = models.EmailField(_("e-mail for notices"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    stops_on = models.DateField(
        _("stops on"), null=True, blank=True, validators=[validate_date_in_range]
    )
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        verbose_name = _("provider")
        verbose_name_plural = _("providers")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(agb_code__regex=r"^[0-9]{8}$"), name="provider_agb_code_format"
            ),
            models.CheckConstraint(
                condition=Q(status="active", stops_on__isnull=True)
                | (~Q(status="active") & Q(stops_on__isnull=False)),
                name="provider_stop_has_date",
                violation_error_message=_("A provider that stops needs a stop date."),
            ),
        ]

    def __str__(self):
        return self.name


class ProviderMembership(Versioned):
    """A provider user (group `aanbieder`) belongs to exactly one provider."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="provider_membership",
        verbose_name=_("user"),
    )
    provider = models.ForeignKey(
        Provider, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("provider")
    )
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        verbose_name = _("provider user")
        verbose_name_plural = _("provider users")

    def __str__(self):
        return f"{self.user} ({self.provider})"


def _evaluation_path(instance, filename):
    """Stored under a random name, outside the web root (MEDIA_ROOT is never served)."""
    import uuid

    return f"end-evaluations/{uuid.uuid4().hex}"


class EndEvaluationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Documents about a child: for those who may see the indication, never for policy
        officials (who see indications without the child) or privacy officers."""
        from indications.models import Indication
        from samen import roles

        if roles.user_has_role(user, roles.OFFICIAL, roles.PRIVACY):
            return self.none()
        return self.filter(indication__in=Indication.objects.visible_to(user))


class EndEvaluation(models.Model):
    """Eindevaluatie: the provider's evaluation of the care given against the indication,
    due at least 2 and preferably 3 months before the end date. A new upload is a new
    version; earlier versions stay."""

    indication = models.ForeignKey(
        "indications.Indication",
        on_delete=models.PROTECT,
        related_name="end_evaluations",
        verbose_name=_("indication"),
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    for_end_on = models.DateField(
        _("for the end date"),
        null=True,
        blank=True,
        help_text=_(
            "The indication's end date when it was uploaded: after an extension it does not "
            "count for the new end."
        ),
    )
    document = models.FileField(_("document"), upload_to=_evaluation_path)
    original_name = models.CharField(_("original file name"), max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"))
    on_time = models.BooleanField(
        _("on time"), help_text=_("Uploaded at least 2 months before the end date.")
    )
    read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("read by (WIJ)"),
    )
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    history = HistoricalRecords()

    objects = EndEvaluationQuerySet.as_manager()

    class Meta:
        verbose_name = _("end-evaluation")
        verbose_name_plural = _("end-evaluations")
        ordering = ["indication", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["indication", "version"], name="endevaluation_version_once"
            )
        ]

    def __str__(self):
        return f"{self.indication} v{self.version}"

    def save(self, *args, **kwargs):
        # Written for the end the indication has now (an extension gives it a new one).
        if self._state.adding and self.for_end_on is None:
            self.for_end_on = self.indication.end_on
        super().save(*args, **kwargs)


class HandoverNote(models.Model):
    """Warme overdracht: a short message thread per indication between provider and WIJ
    ("the family has an appointment at WIJ on ...")."""

    class Side(models.TextChoices):
        PROVIDER = "provider", _("provider")
        WIJ = "wij", _("WIJ")

    indication = models.ForeignKey(
        "indications.Indication",
        on_delete=models.CASCADE,
        related_name="handover_notes",
        verbose_name=_("indication"),
    )
    side = models.CharField(_("from"), max_length=10, choices=Side.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("author"),
    )
    text = BoundedTextField(_("message"), max_length=LONG_TEXT)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("handover note")
        verbose_name_plural = _("handover notes")
        ordering = ["created_at", "id"]
        constraints = text_length_checks("handovernote", text=LONG_TEXT)

    def __str__(self):
        return f"{self.get_side_display()}: {self.text[:40]}"


class PassedOnReferralQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A provider user sees what its own provider passed on; nobody else reads these
        records (WIJ works on the support request each became, through its own pages)."""
        from samen import roles

        if roles.user_role(user) != roles.PROVIDER:
            return self.none()
        membership = getattr(user, "provider_membership", None)
        return self.filter(provider_id=membership.provider_id) if membership else self.none()


class PassedOnReferral(models.Model):
    """Doorgegeven verwijzing: a new GP referral for one of the 11 products that reached an
    Open House provider after the GP route to WIJ opened (seed 002 q19, q23). The provider
    passes it on: it became a support request at the child's WIJ team (or a further
    question on the child's open request). The provider sees what it passed on and when,
    never the request itself, nor whether the child was known at WIJ."""

    provider = models.ForeignKey(
        Provider,
        on_delete=models.PROTECT,
        related_name="passed_on_referrals",
        verbose_name=_("provider"),
    )
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="+", verbose_name=_("product")
    )
    referral_date = models.DateField(_("referral date"), validators=[validate_date_in_range])
    gp_name = models.CharField(_("GP (huisarts)"), max_length=200)
    gp_agb_code = models.CharField(
        _("GP's AGB code"), max_length=8, blank=True, validators=[agb_code_validator]
    )
    note = BoundedTextField(_("note"), max_length=REASON_TEXT, blank=True)
    child_name = models.CharField(
        _("child's name as given"),
        max_length=250,
        help_text=_("What the provider typed: the provider's list shows this, nothing of WIJ's."),
    )
    client = models.ForeignKey(
        "intake.Client", on_delete=models.PROTECT, related_name="+", verbose_name=_("client")
    )
    support_request = models.ForeignKey(
        "intake.SupportRequest",
        on_delete=models.PROTECT,
        related_name="passed_on_referrals",
        verbose_name=_("support request at WIJ"),
    )
    further_question = models.ForeignKey(
        "intake.FurtherQuestion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("further question"),
        help_text=_("When the child already had an open request: the question added to it."),
    )
    passed_on_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("passed on by"),
    )
    passed_on_at = models.DateTimeField(_("passed on at"), default=timezone.now)
    history = HistoricalRecords()

    objects = PassedOnReferralQuerySet.as_manager()

    class Meta:
        verbose_name = _("referral passed on to WIJ")
        verbose_name_plural = _("referrals passed on to WIJ")
        ordering = ["-passed_on_at", "-id"]
        indexes = [
            # The provider's list: its own, newest first.
            models.Index(fields=["provider", "-passed_on_at"], name="passedon_provider_idx"),
        ]
        constraints = [
            date_range_check("passedonreferral", "referral_date"),
            *text_length_checks("passedonreferral", note=REASON_TEXT),
        ]

    def __str__(self):
        # No child: the label lists and history show.
        return f"#{self.pk} {self.product.code} {self.referral_date:%d-%m-%Y}"
