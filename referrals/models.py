"""Reference data of the transition: products, referrers and the phasing table.

Products live here, not in `indications/`, because they are reference data that triage,
indications, the Open House and reporting all ask about; keeping them beside the phasing
table gives one app that says "what is in Basis jeugdhulp on date D" and depends on no other.
"""

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Substr
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from samen.dates import validate_date_in_range
from samen.limits import REASON_TEXT, BoundedTextField, text_length_checks
from samen.models import Versioned

product_code_validator = RegexValidator(
    r"^[0-9]{2}[A-Z0-9]{3}$",
    _("A product code is 2 digits followed by 3 letters or digits, for example 45A51."),
)
agb_code_validator = RegexValidator(
    r"^[0-9]{8}$", _("An AGB code is exactly 8 digits, for example 01234567.")
)


class ProductCodeField(models.CharField):
    """A product code, stored upper-case whatever the user typed (45a51 -> 45A51)."""

    def to_python(self, value):
        value = super().to_python(value)
        return value.strip().upper() if value else value


class ReferrerType(models.TextChoices):
    """Verwijzer: the national iJw code list COD327 (used in JW315/JW301). There is no 07."""

    MUNICIPALITY = "01", _("Municipality (WIJ Groningen's own entrance)")
    GP = "02", _("GP (huisarts, incl. OJG)")
    YOUTH_DOCTOR = "03", _("Youth doctor (GGD jeugdarts)")
    CERTIFIED_INSTITUTION = "04", _("Certified institution (GI)")
    MEDICAL_SPECIALIST = "05", _("Medical specialist")
    SELF = "06", _("Self-referral / no referrer")
    COURT = "08", _("Court, public prosecutor or JJI official (via a GI)")

    @classmethod
    def with_agb_code(cls):
        """Types 02-05 carry an AGB code when it is known."""
        return [cls.GP, cls.YOUTH_DOCTOR, cls.CERTIFIED_INSTITUTION, cls.MEDICAL_SPECIALIST]


# How a route is named in a sentence ("Verwijzingen van huisartsen lopen sinds ...").
REFERRER_IN_SENTENCE = {
    ReferrerType.MUNICIPALITY: _("the municipality (WIJ's own entrance)"),
    ReferrerType.GP: _("GPs"),
    ReferrerType.YOUTH_DOCTOR: _("GGD youth doctors"),
    ReferrerType.CERTIFIED_INSTITUTION: _("certified institutions (GIs)"),
    ReferrerType.MEDICAL_SPECIALIST: _("medical specialists"),
    ReferrerType.SELF: _("residents themselves"),
    ReferrerType.COURT: _("the court (via a GI)"),
}


class ProductCategory(models.TextChoices):
    """iJw product category: the first 2 characters of a product code."""

    AMBULANT = "45", _("Youth care, ambulant (Jeugdhulp ambulant)")
    CUSTOM = "50", _("Custom arrangements (Maatwerkarrangementen jeugd)")
    BASIC_MENTAL_HEALTH = "51", _("General basic mental health care (Generalistische basis-ggz)")


class Product(Versioned):
    """One of the 11 products (product) that move into WIJ's Basis jeugdhulp.

    From `moves_on` WIJ provides this help itself; until `open_house_closes_on` referrers
    may still refer to an Open House provider for it.
    """

    code = ProductCodeField(
        _("product code"),
        max_length=5,
        unique=True,
        validators=[product_code_validator],
        help_text=_("iJw product code: 2 digits and 3 letters or digits, e.g. 45A51."),
    )
    category = models.GeneratedField(
        expression=Substr("code", 1, 2),
        output_field=models.CharField(max_length=2, choices=ProductCategory.choices),
        db_persist=True,
        verbose_name=_("category"),
    )
    name = models.CharField(_("name"), max_length=200)
    moves_on = models.DateField(
        _("in Basis jeugdhulp from"),
        validators=[validate_date_in_range],
        help_text=_("The date this product moves into WIJ's Basis jeugdhulp (the phase)."),
    )
    open_house_closes_on = models.DateField(
        _("Open House closes on"),
        validators=[validate_date_in_range],
        help_text=_("From this date referrers can no longer use this product in the Open House."),
    )
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["moves_on", "code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^[0-9]{2}[A-Z0-9]{3}$"),
                name="product_code_format",
                violation_error_message=product_code_validator.message,
            ),
            models.CheckConstraint(
                condition=models.Q(open_house_closes_on__gt=models.F("moves_on")),
                name="product_open_house_closes_after_move",
                violation_error_message=_(
                    "The Open House must close after the product moves into Basis jeugdhulp."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def category_label(self) -> str:
        return ProductCategory(self.category).label

    def in_basis_jeugdhulp_on(self, day: datetime.date) -> bool:
        return self.moves_on <= day

    def open_house_open_on(self, day: datetime.date) -> bool:
        return day < self.open_house_closes_on


class ReferrerOrganisation(Versioned):
    """Verwijzer: a GP practice, a GI, a hospital department, a GGD team..."""

    name = models.CharField(_("name"), max_length=200)
    referrer_type = models.CharField(_("referrer type"), max_length=2, choices=ReferrerType.choices)
    agb_code = models.CharField(
        _("AGB code"),
        max_length=8,
        blank=True,
        validators=[agb_code_validator],
        help_text=_("8 digits; only for GPs, youth doctors, GIs and medical specialists."),
    )
    city = models.CharField(_("place"), max_length=100, blank=True)
    active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        verbose_name = _("referrer organisation")
        verbose_name_plural = _("referrer organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["agb_code"],
                condition=~models.Q(agb_code=""),
                name="referrer_agb_code_unique",
                violation_error_message=_("Another referrer already has this AGB code."),
            ),
            models.CheckConstraint(
                condition=models.Q(agb_code="") | models.Q(agb_code__regex=r"^[0-9]{8}$"),
                name="referrer_agb_code_format",
                violation_error_message=agb_code_validator.message,
            ),
            models.CheckConstraint(
                condition=models.Q(agb_code="")
                | models.Q(referrer_type__in=ReferrerType.with_agb_code()),
                name="referrer_agb_code_only_for_care_referrers",
                violation_error_message=_(
                    "Only GPs, youth doctors, GIs and medical specialists have an AGB code."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(referrer_type__in=ReferrerType.values),
                name="referrer_type_known",
            ),
        ]

    def __str__(self):
        return self.name


class RoutePhase(Versioned):
    """A row of the phasing table (fasering): when a referrer route opens at WIJ.

    The planned date alone opens nothing: a route is open on date D only when the steering
    group has set its actual opening date and that date is on or before D.
    """

    referrer_type = models.CharField(
        _("referrer route"), max_length=2, choices=ReferrerType.choices, unique=True
    )
    planned_on = models.DateField(
        _("planned opening"),
        help_text=_("The date in the plan (implementation plan 2022)."),
        validators=[validate_date_in_range],
    )
    opened_on = models.DateField(
        _("actual opening"),
        validators=[validate_date_in_range],
        null=True,
        blank=True,
        help_text=_("Empty until the steering group decides. Only this date opens the route."),
    )
    decided_by = models.CharField(
        _("decided by"),
        max_length=200,
        blank=True,
        help_text=_("Who decided on the actual opening, e.g. the SAMEN. steering group."),
    )
    decided_on = models.DateField(
        _("decided on"), null=True, blank=True, validators=[validate_date_in_range]
    )
    note = BoundedTextField(
        _("note"),
        max_length=REASON_TEXT,
        blank=True,
        help_text=_("Why the actual opening is what it is. Required when it changes."),
    )
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        verbose_name = _("route phase")
        verbose_name_plural = _("phasing table (route phases)")
        ordering = ["planned_on", "referrer_type"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(referrer_type__in=ReferrerType.values),
                name="routephase_referrer_type_known",
            ),
            models.CheckConstraint(
                condition=models.Q(opened_on__isnull=True)
                | (
                    models.Q(decided_on__isnull=False)
                    & ~models.Q(decided_by="")
                    & ~models.Q(note="")
                ),
                name="routephase_opening_is_decided",
                violation_error_message=_(
                    "An actual opening date needs who decided it, when, and a note."
                ),
            ),
            *text_length_checks("routephase", note=REASON_TEXT),
        ]

    def __str__(self):
        return self.get_referrer_type_display()

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        instance = super().from_db(db, field_names, values, **kwargs)
        # Remembered to tell whether an edit changes the actual opening (see clean()).
        instance._loaded = {
            "opened_on": instance.__dict__.get("opened_on"),
            "note": instance.__dict__.get("note"),
        }
        return instance

    def clean(self):
        loaded = getattr(self, "_loaded", {"opened_on": None, "note": ""})
        if self.opened_on != loaded["opened_on"] and (
            not self.note.strip() or self.note == loaded["note"]
        ):
            raise ValidationError(
                {"note": _("Changing the actual opening date requires a (new) note.")}
            )
        if self.opened_on:
            missing = {
                field: _("An actual opening date needs who decided it and when.")
                for field in ("decided_by", "decided_on")
                if not getattr(self, field)
            }
            if missing:
                raise ValidationError(missing)

    def is_open_on(self, day: datetime.date) -> bool:
        return self.opened_on is not None and self.opened_on <= day
