"""Triage (lichte toets) and what follows from it: the outcome, Open House exceptions,
a beschikking on request, and conversation reports with the family's corrections."""

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from intake.models import SupportRequest
from referrals.models import Product
from samen.dates import validate_date_in_range
from samen.limits import (
    ADDRESS_TEXT,
    LONG_TEXT,
    REASON_TEXT,
    BoundedTextField,
    text_length_checks,
)


class LifeDomain(models.TextChoices):
    """Leefgebieden looked at in the broad triage."""

    UPBRINGING = "upbringing", _("upbringing and family")
    DEVELOPMENT = "development", _("development and health of the child")
    SCHOOL = "school", _("school and daytime activities")
    SAFETY = "safety", _("safety")
    SOCIAL = "social", _("social network and leisure")
    HOUSING = "housing", _("housing")
    FINANCES = "finances", _("income and debts")
    PARENT_HEALTH = "parent_health", _("health of the parents")


class TriageQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A triage follows its request's visibility (SupportRequest.visible_to)."""
        from intake.models import SupportRequest

        return self.filter(support_request__in=SupportRequest.objects.visible_to(user))


class Triage(models.Model):
    """The lichte toets of a support request: a broad look, with the child and the parents,
    at what is needed and helpful. Its outcome decides where the family's help comes from."""

    class Outcome(models.TextChoices):
        BASIS_WIJ = "basis_wij", _("Basis jeugdhulp by WIJ")
        OTHER_ROUTE = "other_route", _("No youth care needed / another route")
        SPECIALIST = "specialist", _("Specialist youth care (referral)")
        OPEN_HOUSE_EXCEPTION = "open_house_exception", _("Open House exception")
        REINDICATION_WIJ = "reindication_wij", _("Re-indication: continue at WIJ")
        REINDICATION_EXTEND = (
            "reindication_extend",
            _("Re-indication: extend with the same provider"),
        )
        REINDICATION_SPECIALIST = (
            "reindication_specialist",
            _("Re-indication: new specialist indication"),
        )

    class Intensity(models.TextChoices):
        LIGHT = "light", _("light")
        BASIC = "basic", _("basic")
        SPECIALIST = "specialist", _("specialist")

    class OtherRoute(models.TextChoices):
        OWN_NETWORK = "own_network", _("own network")
        SOCIAL_BASE = "social_base", _("social base (sociale basis)")
        GENERAL_PROVISION = "general_provision", _("another general provision")
        SCHOOL = "school", _("school")
        NOTHING = "nothing", _("no help needed")

    support_request = models.OneToOneField(
        SupportRequest,
        on_delete=models.PROTECT,
        related_name="triage",
        verbose_name=_("support request"),
    )
    held_on = models.DateField(
        _("held on"), default=timezone.localdate, validators=[validate_date_in_range]
    )
    workers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="triages", verbose_name=_("workers")
    )
    life_domains = models.JSONField(
        _("life domains looked at"), default=list, help_text=_("Leefgebieden.")
    )
    child_heard = models.BooleanField(_("the child was heard"), default=True)
    child_not_heard_reason = models.CharField(
        _("why the child was not heard"), max_length=300, blank=True
    )
    safety_concerns = models.BooleanField(
        _("safety concerns"),
        default=False,
        help_text=_("Safety always comes first: meldcode, Veilig Thuis."),
    )
    safety_actions = BoundedTextField(
        _("actions taken for safety"),
        max_length=LONG_TEXT,
        blank=True,
        help_text=_("Meldcode steps taken, Veilig Thuis consulted or notified, by whom and when."),
    )
    outcome = models.CharField(_("outcome"), max_length=30, choices=Outcome.choices)
    products = models.ManyToManyField(
        Product, blank=True, related_name="triages", verbose_name=_("products")
    )
    intensity = models.CharField(
        _("intensity"), max_length=20, choices=Intensity.choices, blank=True
    )
    other_route = models.CharField(
        _("other route"), max_length=30, choices=OtherRoute.choices, blank=True
    )
    provider_name = models.CharField(
        _("provider"),
        max_length=200,
        blank=True,
        help_text=_("The specialist or Open House provider the family goes to."),
    )
    provider_contacted_on = models.DateField(
        _("provider contacted on"), null=True, blank=True, validators=[validate_date_in_range]
    )
    reasons = BoundedTextField(_("reasons"), max_length=REASON_TEXT, blank=True)
    history = HistoricalRecords(m2m_fields=[products])

    objects = TriageQuerySet.as_manager()

    class Meta:
        verbose_name = _("triage")
        verbose_name_plural = _("triages")
        ordering = ["-held_on", "-id"]
        indexes = [
            # Team lead view and reports: outcomes per week.
            models.Index(fields=["held_on", "outcome"], name="triage_week_outcome_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(safety_concerns=False) | ~Q(safety_actions=""),
                name="triage_safety_concerns_have_actions",
                violation_error_message=_("With safety concerns, record the actions taken."),
            ),
            models.CheckConstraint(
                condition=Q(child_heard=True) | ~Q(child_not_heard_reason=""),
                name="triage_child_not_heard_is_explained",
                violation_error_message=_("Explain why the child was not heard."),
            ),
            models.CheckConstraint(
                condition=~Q(outcome="basis_wij") | ~Q(intensity=""),
                name="triage_basis_has_intensity",
                violation_error_message=_("Basis jeugdhulp needs an intensity."),
            ),
            models.CheckConstraint(
                condition=~Q(outcome="other_route") | ~Q(other_route=""),
                name="triage_other_route_is_named",
            ),
            models.CheckConstraint(
                condition=~Q(
                    outcome__in=["specialist", "open_house_exception", "reindication_extend"]
                )
                | (~Q(provider_name="") & ~Q(reasons="")),
                name="triage_referral_has_provider_and_reasons",
                violation_error_message=_("Name the provider and the reasons."),
            ),
            *text_length_checks("triage", safety_actions=LONG_TEXT, reasons=REASON_TEXT),
        ]

    def __str__(self):
        return f"{self.support_request}: {self.get_outcome_display()}"

    @property
    def helped_at_wij(self) -> bool:
        return self.outcome in (self.Outcome.BASIS_WIJ, self.Outcome.REINDICATION_WIJ)

    @property
    def beschikking_prompt(self) -> bool:
        """A child's outcome is an individual provision: the family may want a beschikking
        to be able to object (seed 004 q7)."""
        return any(row.individual_provision for row in self.child_outcomes.all())

    def clean(self):
        """The rules of the checks in Meta, each on its field (triage.services.outcome_errors
        asks more of each outcome; these are the ones the database holds too)."""
        errors = {}
        if self.safety_concerns and not self.safety_actions.strip():
            errors["safety_actions"] = _("With safety concerns, record the actions taken.")
        if not self.child_heard and not self.child_not_heard_reason.strip():
            errors["child_not_heard_reason"] = _("Explain why the child was not heard.")
        if self.outcome == self.Outcome.BASIS_WIJ and not self.intensity:
            errors["intensity"] = _("Basis jeugdhulp needs an intensity.")
        if self.outcome == self.Outcome.OTHER_ROUTE and not self.other_route:
            errors["other_route"] = _("Say which route the family takes.")
        if self.outcome in (
            self.Outcome.SPECIALIST,
            self.Outcome.OPEN_HOUSE_EXCEPTION,
            self.Outcome.REINDICATION_EXTEND,
        ):
            if not self.provider_name.strip():
                errors["provider_name"] = _("Name the provider.")
            if not self.reasons.strip():
                errors["reasons"] = _("Give the reasons.")
        if errors:
            raise ValidationError(errors)


class OpenHouseException(models.Model):
    """An Open House exception: WIJ cannot provide this help, so a referral to an Open House
    product. After the product's closing date only as an individually weighed exception,
    approved by a municipality official (who, when and why are recorded)."""

    class Approval(models.TextChoices):
        NOT_NEEDED = "not_needed", _("not needed (Open House open)")
        PENDING = "pending", _("waiting for the municipality")
        APPROVED = "approved", _("approved")
        REFUSED = "refused", _("refused")

    triage = models.OneToOneField(
        Triage, on_delete=models.CASCADE, related_name="exception", verbose_name=_("triage")
    )
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="exceptions", verbose_name=_("product")
    )
    approval = models.CharField(
        _("approval"), max_length=20, choices=Approval.choices, default=Approval.NOT_NEEDED
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_on = models.DateField(
        _("decided on"), null=True, blank=True, validators=[validate_date_in_range]
    )
    decision_reasons = BoundedTextField(
        _("reasons for the decision"), max_length=REASON_TEXT, blank=True
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Open House exception")
        verbose_name_plural = _("Open House exceptions")
        constraints = [
            models.CheckConstraint(
                condition=Q(approval__in=["not_needed", "pending"])
                | (Q(decided_by__isnull=False, decided_on__isnull=False) & ~Q(decision_reasons="")),
                name="exception_decision_is_recorded",
                violation_error_message=_("A decision needs who, when and why."),
            ),
            *text_length_checks("exception", decision_reasons=REASON_TEXT),
        ]

    def __str__(self):
        return f"{self.product.code} ({self.get_approval_display()})"

    def clean(self):
        if self.approval in (self.Approval.NOT_NEEDED, self.Approval.PENDING):
            return
        errors = {}
        if not self.decision_reasons.strip():
            errors["decision_reasons"] = _("Give the reasons for the decision.")
        if self.decided_by_id is None or self.decided_on is None:
            errors[NON_FIELD_ERRORS] = _("A decision needs who, when and why.")
        if errors:
            raise ValidationError(errors)


class Beschikking(models.Model):
    """Beschikking: a formal decision a resident asked for, to be able to object and appeal
    (bezwaar en beroep). Issued once; its text is kept in history."""

    support_request = models.ForeignKey(
        SupportRequest,
        on_delete=models.PROTECT,
        related_name="beschikkingen",
        verbose_name=_("support request"),
    )
    requested_on = models.DateField(
        _("requested on"), default=timezone.localdate, validators=[validate_date_in_range]
    )
    request_reason = BoundedTextField(
        _("why the resident asks"),
        max_length=REASON_TEXT,
        help_text=_("E.g. disagrees with the triage outcome and wants to be able to object."),
    )
    addressee = models.CharField(_("addressee"), max_length=200)
    address = BoundedTextField(_("address"), max_length=ADDRESS_TEXT)
    decision = BoundedTextField(_("decision"), max_length=LONG_TEXT, blank=True)
    grounds = BoundedTextField(_("grounds"), max_length=LONG_TEXT, blank=True)
    issued_on = models.DateField(
        _("issued on"), null=True, blank=True, validators=[validate_date_in_range]
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issued by"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("beschikking")
        verbose_name_plural = _("beschikkingen")
        ordering = ["-requested_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(issued_on__isnull=True)
                | (~Q(decision="") & ~Q(grounds="") & Q(issued_by__isnull=False)),
                name="beschikking_issued_is_complete",
                violation_error_message=_(
                    "An issued beschikking needs a decision, grounds and who issued it."
                ),
            ),
            *text_length_checks(
                "beschikking",
                request_reason=REASON_TEXT,
                address=ADDRESS_TEXT,
                decision=LONG_TEXT,
                grounds=LONG_TEXT,
            ),
        ]

    def __str__(self):
        return f"{self.support_request} ({self.requested_on})"

    def clean(self):
        if self.issued_on is None:
            return
        errors = {}
        if not self.decision.strip():
            errors["decision"] = _("An issued beschikking needs a decision.")
        if not self.grounds.strip():
            errors["grounds"] = _("An issued beschikking needs its grounds.")
        if self.issued_by_id is None:
            errors[NON_FIELD_ERRORS] = _(
                "An issued beschikking needs a decision, grounds and who issued it."
            )
        if errors:
            raise ValidationError(errors)


class ConversationReport(models.Model):
    """Gespreksverslag: written by the worker; the family may read it and ask for a
    correction or addition. Changes are versioned (history), never silently overwritten."""

    support_request = models.ForeignKey(
        SupportRequest,
        on_delete=models.PROTECT,
        related_name="reports",
        verbose_name=_("support request"),
    )
    held_on = models.DateField(
        _("conversation on"), default=timezone.localdate, validators=[validate_date_in_range]
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("author"),
    )
    text = BoundedTextField(_("report"), max_length=LONG_TEXT)
    shown_to_family_on = models.DateField(
        _("last shown to the family on"), null=True, blank=True, validators=[validate_date_in_range]
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("conversation report")
        verbose_name_plural = _("conversation reports")
        ordering = ["-held_on", "-id"]
        constraints = text_length_checks("report", text=LONG_TEXT)

    def __str__(self):
        return f"{self.support_request} {self.held_on}"


class ChildOutcome(models.Model):
    """What follows the triage for one child; more than one thing can follow.

    `outcome` is the child's route, on the triage's list. Beside it:
    - Basis jeugdhulp (or a re-indication at WIJ) with specialist help **added**: a
      provider (a record) contacted at once, WIJ stays involved (seed 001 §3.7: er wordt
      niet overgedragen; seed 004 q11: tasks divided);
    - specialist help or an Open House exception with WIJ keeping the coordination
      (`wij_role`), or with no further role for WIJ.
    A `wij_role` starts a trajectory (trajectories.Trajectory). `intensity` is the need
    assessed for every outcome (matched care), also when the family is referred on.

    Rows carried over from the triage's single outcome by the data migration are `legacy`:
    they keep its meaning (a provider named as free text on the triage, no intensity for a
    referral) and are exempt from the rules of new rows."""

    WIJ_OUTCOMES = ("basis_wij", "reindication_wij")
    PROVIDER_OUTCOMES = (
        "specialist",
        "open_house_exception",
        "reindication_extend",
        "reindication_specialist",
    )

    class WijRole(models.TextChoices):
        NONE = "", _("no further role for WIJ")
        BASIS = "basis", _("Basis jeugdhulp by WIJ")
        COORDINATION = "coordination", _("WIJ coordinates (regie) beside the specialist help")

    triage = models.ForeignKey(
        Triage, on_delete=models.CASCADE, related_name="child_outcomes", verbose_name=_("triage")
    )
    client = models.ForeignKey(
        "intake.Client",
        on_delete=models.PROTECT,
        related_name="triage_outcomes",
        verbose_name=_("child"),
    )
    outcome = models.CharField(_("outcome"), max_length=30, choices=Triage.Outcome.choices)
    intensity = models.CharField(
        _("intensity"),
        max_length=20,
        choices=Triage.Intensity.choices,
        blank=True,
        help_text=_("The need assessed in the triage, whatever follows (matched care)."),
    )
    wij_role = models.CharField(_("WIJ's role"), max_length=20, choices=WijRole.choices, blank=True)
    other_route = models.CharField(
        _("other route"), max_length=30, choices=Triage.OtherRoute.choices, blank=True
    )
    provider = models.ForeignKey(
        "openhouse.Provider",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="triage_outcomes",
        verbose_name=_("provider"),
        help_text=_("The specialist or Open House provider; beside Basis jeugdhulp: added."),
    )
    provider_contacted_on = models.DateField(
        _("provider contacted on"), null=True, blank=True, validators=[validate_date_in_range]
    )
    legacy = models.BooleanField(
        _("carried over"),
        default=False,
        help_text=_("Made from the triage's single outcome when outcomes per child came."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("outcome for a child")
        verbose_name_plural = _("outcomes per child")
        ordering = ["triage", "id"]
        indexes = [models.Index(fields=["outcome"], name="child_outcome_outcome_idx")]
        constraints = [
            models.UniqueConstraint(fields=["triage", "client"], name="child_outcome_once"),
            models.CheckConstraint(
                condition=~Q(outcome__in=["basis_wij", "reindication_wij"]) | Q(wij_role="basis"),
                name="child_outcome_wij_is_basis",
            ),
            models.CheckConstraint(
                condition=~Q(outcome="other_route") | (Q(wij_role="") & ~Q(other_route="")),
                name="child_outcome_other_route_is_named",
                violation_error_message=_("Say which route the family takes."),
            ),
            models.CheckConstraint(
                condition=Q(legacy=True) | ~Q(intensity=""),
                name="child_outcome_has_intensity",
                violation_error_message=_("Choose the intensity of the need."),
            ),
            models.CheckConstraint(
                condition=Q(legacy=True)
                | ~Q(
                    outcome__in=[
                        "specialist",
                        "open_house_exception",
                        "reindication_extend",
                        "reindication_specialist",
                    ]
                )
                | Q(provider__isnull=False),
                name="child_outcome_referral_has_provider",
                violation_error_message=_("Choose the provider."),
            ),
            models.CheckConstraint(
                condition=Q(provider__isnull=True)
                | Q(provider_contacted_on__isnull=False)
                | Q(outcome__in=["open_house_exception", "reindication_extend"]),
                name="child_outcome_provider_contacted",
                violation_error_message=_("WIJ contacts the provider at once: record when."),
            ),
        ]

    def __str__(self):
        return f"{self.triage_id}/{self.client_id}: {self.get_outcome_display()}"

    @property
    def individual_provision(self) -> bool:
        """Specialist care, an Open House exception or a re-indication with a provider."""
        return self.outcome in self.PROVIDER_OUTCOMES

    @property
    def starts_trajectory(self) -> bool:
        return bool(self.wij_role)

    @property
    def is_combined(self) -> bool:
        """Help at WIJ and specialist help at once."""
        return bool(self.wij_role) and self.provider_id is not None

    def clean(self):
        errors = {}
        if self.outcome in self.WIJ_OUTCOMES and self.wij_role != self.WijRole.BASIS:
            errors["wij_role"] = _("Basis jeugdhulp by WIJ is WIJ's role here.")
        if self.outcome == Triage.Outcome.OTHER_ROUTE:
            if not self.other_route:
                errors["other_route"] = _("Say which route the family takes.")
            if self.wij_role:
                errors["wij_role"] = _("With another route WIJ keeps no role.")
        if not self.legacy:
            if not self.intensity:
                errors["intensity"] = _("Choose the intensity of the need.")
            if self.outcome in self.PROVIDER_OUTCOMES and self.provider_id is None:
                errors["provider"] = _("Choose the provider.")
        if (
            self.provider_id is not None
            and self.provider_contacted_on is None
            and self.outcome not in ("open_house_exception", "reindication_extend")
        ):
            errors["provider_contacted_on"] = _("WIJ contacts the provider at once: record when.")
        if errors:
            raise ValidationError(errors)


class CorrectionRequest(models.Model):
    """A family's request to correct or add to a conversation report, and the answer."""

    class Kind(models.TextChoices):
        CORRECTION = "correction", _("correction")
        ADDITION = "addition", _("addition")

    class Answer(models.TextChoices):
        PENDING = "pending", _("not answered yet")
        ACCEPTED = "accepted", _("accepted: report changed")
        DECLINED = "declined", _("declined, with reasons (the family's view is added)")

    report = models.ForeignKey(
        ConversationReport,
        on_delete=models.CASCADE,
        related_name="corrections",
        verbose_name=_("conversation report"),
    )
    requested_on = models.DateField(
        _("requested on"), default=timezone.localdate, validators=[validate_date_in_range]
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    family_text = BoundedTextField(_("what the family asks"), max_length=LONG_TEXT)
    answer = models.CharField(
        _("answer"), max_length=20, choices=Answer.choices, default=Answer.PENDING
    )
    answer_text = BoundedTextField(_("answer to the family"), max_length=REASON_TEXT, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    answered_on = models.DateField(
        _("answered on"), null=True, blank=True, validators=[validate_date_in_range]
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("correction request")
        verbose_name_plural = _("correction requests")
        ordering = ["-requested_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(answer="pending")
                | (~Q(answer_text="") & Q(answered_by__isnull=False, answered_on__isnull=False)),
                name="correction_answer_is_complete",
            ),
            *text_length_checks("correction", family_text=LONG_TEXT, answer_text=REASON_TEXT),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.get_answer_display()})"

    def clean(self):
        if self.answer == self.Answer.PENDING:
            return
        errors = {}
        if not self.answer_text.strip():
            errors["answer_text"] = _("Write the answer to the family.")
        if self.answered_by_id is None or self.answered_on is None:
            errors[NON_FIELD_ERRORS] = _("An answer needs who answered and when.")
        if errors:
            raise ValidationError(errors)
