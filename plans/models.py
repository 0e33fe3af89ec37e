"""The support plan (ondersteuningsplan): one per household, the family's goals per life
domain in their own words with the child's own view, the agreements (who does what), the
evaluation dates; every save a numbered version, each version shown to and agreed with
the family on a date; evaluations of progress per goal.

Rules a row can hold are constraints here (and the same in clean()); rules that span rows
(a plan needs goals, a version is agreed once, an evaluation lies within the trajectory)
live in services.py."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from samen.dates import date_range_check, validate_date_in_range
from samen.limits import REASON_TEXT, BoundedTextField, text_length_checks
from samen.models import Versioned
from triage.models import LifeDomain

# A goal or an agreement: a few sentences in the family's own words.
PLAN_TEXT = 2_000


class SupportPlanQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A plan follows its household's visibility (Household.visible_to): WIJ staff and
        team leads who may see one of the family's children. Providers see only the
        agreements shared with them (Agreement.objects.shared_with), never the plan."""
        from intake.models import Household

        return self.filter(household__in=Household.objects.visible_to(user))


class SupportPlan(Versioned):
    """Ondersteuningsplan: one per household ("één gezin, één plan"), belonging to the
    household's running trajectory when there is one."""

    household = models.ForeignKey(
        "intake.Household",
        on_delete=models.PROTECT,
        related_name="support_plans",
        verbose_name=_("household"),
    )
    trajectory = models.ForeignKey(
        "trajectories.Trajectory",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="support_plans",
        verbose_name=_("trajectory"),
        help_text=_("The household's running trajectory (hulptraject) the plan belongs to."),
    )
    next_evaluation_on = models.DateField(
        _("next evaluation"), null=True, blank=True, validators=[validate_date_in_range]
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    history = HistoricalRecords(excluded_fields=["version"])

    objects = SupportPlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("support plan (ondersteuningsplan)")
        verbose_name_plural = _("support plans (ondersteuningsplannen)")
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                name="support_plan_once_per_household",
                violation_error_message=_("This family already has a support plan."),
            ),
            date_range_check("support_plan", "next_evaluation_on"),
        ]
        indexes = [
            # The daily job: plans whose next evaluation is due.
            models.Index(fields=["next_evaluation_on"], name="plan_next_evaluation_idx"),
        ]

    def __str__(self):
        return _("Support plan %(number)s") % {"number": self.pk}


class Goal(models.Model):
    """Doel: what the family wants to reach in one life domain (leefgebied), in their own
    words, with the child's own view (de stem van het kind)."""

    plan = models.ForeignKey(
        SupportPlan, on_delete=models.CASCADE, related_name="goals", verbose_name=_("plan")
    )
    domain = models.CharField(_("life domain"), max_length=20, choices=LifeDomain.choices)
    text = BoundedTextField(
        _("goal, in the family's own words"),
        max_length=PLAN_TEXT,
    )
    child = models.ForeignKey(
        "intake.Client",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plan_goals",
        verbose_name=_("child"),
        help_text=_("The child whose view is written below, if the goal is about one child."),
    )
    child_view = BoundedTextField(
        _("the child's own view"), max_length=PLAN_TEXT, blank=True, default=""
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["domain", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="goal_has_text"),
            models.CheckConstraint(
                condition=Q(domain__in=LifeDomain.values), name="goal_domain_known"
            ),
            *text_length_checks("goal", text=PLAN_TEXT, child_view=PLAN_TEXT),
        ]

    def __str__(self):
        return f"{self.get_domain_display()}: {self.text[:60]}"


class AgreementQuerySet(models.QuerySet):
    def shared_with(self, user):
        """The agreements a provider user may see: those naming the user's own provider,
        where the family agreed to share them, in a plan whose latest version the family
        agreed with (a change waits for the family's agreement before the provider sees
        it). Nothing else of the plan, nothing of another provider; nobody but a provider
        user gets any."""
        from samen import roles

        if roles.user_role(user) != roles.PROVIDER:
            return self.none()
        membership = getattr(user, "provider_membership", None)
        if membership is None:
            return self.none()
        latest = PlanVersion.objects.filter(plan=models.OuterRef("plan")).order_by("-number")
        return self.annotate(
            latest_agreed_on=models.Subquery(latest.values("agreed_on")[:1])
        ).filter(
            party=Agreement.Party.PROVIDER,
            provider_id=membership.provider_id,
            shared_with_provider=True,
            latest_agreed_on__isnull=False,
        )


class Agreement(models.Model):
    """Afspraak: who does what — the family, their network, WIJ, or a specialist provider
    (then the provider's record). A safety agreement (veiligheidsafspraak) is marked."""

    class Party(models.TextChoices):
        FAMILY = "family", _("the family")
        NETWORK = "network", _("the family's network")
        WIJ = "wij", _("WIJ")
        PROVIDER = "provider", _("the specialist provider")

    plan = models.ForeignKey(
        SupportPlan, on_delete=models.CASCADE, related_name="agreements", verbose_name=_("plan")
    )
    party = models.CharField(_("who"), max_length=20, choices=Party.choices)
    provider = models.ForeignKey(
        "openhouse.Provider",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plan_agreements",
        verbose_name=_("provider"),
    )
    text = BoundedTextField(_("does what"), max_length=PLAN_TEXT)
    is_safety = models.BooleanField(_("safety agreement"), default=False)
    shared_with_provider = models.BooleanField(
        _("the family agreed to share this with the provider"),
        default=False,
        help_text=_("Only then does the provider see this agreement in its portal."),
    )
    history = HistoricalRecords()

    objects = AgreementQuerySet.as_manager()

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="agreement_has_text"),
            models.CheckConstraint(
                condition=Q(party="provider", provider__isnull=False)
                | (~Q(party="provider") & Q(provider__isnull=True)),
                name="agreement_provider_iff_party_provider",
                violation_error_message=_(
                    "Name the provider for an agreement with the provider, and only then."
                ),
            ),
            models.CheckConstraint(
                condition=Q(shared_with_provider=False) | Q(party="provider"),
                name="agreement_shared_only_with_provider",
            ),
            *text_length_checks("agreement", text=PLAN_TEXT),
        ]

    def __str__(self):
        return f"{self.get_party_display()}: {self.text[:60]}"

    def clean(self):
        if self.party == self.Party.PROVIDER and not self.provider_id:
            raise ValidationError({"provider": _("Choose the provider.")})
        if self.party != self.Party.PROVIDER and self.provider_id:
            raise ValidationError({"provider": _("A provider only for the provider's part.")})
        if self.shared_with_provider and self.party != self.Party.PROVIDER:
            raise ValidationError(
                {"shared_with_provider": _("Only an agreement with a provider can be shared.")}
            )


class PlanVersion(models.Model):
    """A numbered version of the plan: made by every save, with what changed in words, by
    whom and when, and a snapshot of the goals and agreements as they were. Shown to and
    agreed with the family on a date (recorded once)."""

    plan = models.ForeignKey(
        SupportPlan, on_delete=models.CASCADE, related_name="versions", verbose_name=_("plan")
    )
    number = models.PositiveIntegerField(_("version"))
    changes = BoundedTextField(_("what changed"), max_length=20_000)
    snapshot = models.JSONField(_("the plan as it was"))
    made_at = models.DateTimeField(_("made at"), default=timezone.now)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    shown_on = models.DateField(
        _("shown to the family on"), null=True, blank=True, validators=[validate_date_in_range]
    )
    agreed_on = models.DateField(
        _("agreed with the family on"), null=True, blank=True, validators=[validate_date_in_range]
    )
    agreed_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("agreement recorded by"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("version of a support plan")
        verbose_name_plural = _("versions of support plans")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plan_version_number_once"),
            models.CheckConstraint(
                condition=Q(agreed_on__isnull=True)
                | Q(
                    shown_on__isnull=False,
                    agreed_recorded_by__isnull=False,
                    agreed_on__gte=models.F("shown_on"),
                ),
                name="plan_version_agreed_after_shown",
                violation_error_message=_(
                    "A version is agreed on or after the day it was shown to the family."
                ),
            ),
            date_range_check("plan_version", "shown_on"),
            date_range_check("plan_version", "agreed_on"),
        ]

    def __str__(self):
        return _("version %(number)s") % {"number": self.number}


class Evaluation(models.Model):
    """Evaluatie: the progress per goal on a date, recorded by a worker; sets the plan's
    next evaluation date."""

    plan = models.ForeignKey(
        SupportPlan, on_delete=models.CASCADE, related_name="evaluations", verbose_name=_("plan")
    )
    evaluated_on = models.DateField(_("evaluated on"), validators=[validate_date_in_range])
    next_evaluation_on = models.DateField(
        _("next evaluation"), null=True, blank=True, validators=[validate_date_in_range]
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("evaluation of a support plan")
        verbose_name_plural = _("evaluations of support plans")
        ordering = ["-evaluated_on", "-id"]
        constraints = [
            date_range_check("plan_evaluation", "evaluated_on"),
            date_range_check("plan_evaluation", "next_evaluation_on"),
            models.CheckConstraint(
                condition=Q(next_evaluation_on__isnull=True)
                | Q(next_evaluation_on__gt=models.F("evaluated_on")),
                name="plan_evaluation_next_after",
                violation_error_message=_("The next evaluation lies after this one."),
            ),
        ]

    def __str__(self):
        return f"{self.evaluated_on:%d-%m-%Y}"


class GoalProgress(models.Model):
    """Voortgang: how far one goal came at an evaluation, on a simple scale, with a note."""

    class Progress(models.TextChoices):
        WORSE = "worse", _("worse")
        SAME = "same", _("the same")
        SOME = "some", _("some progress")
        MUCH = "much", _("much progress")
        REACHED = "reached", _("reached")

    evaluation = models.ForeignKey(
        Evaluation,
        on_delete=models.CASCADE,
        related_name="progress",
        verbose_name=_("evaluation"),
    )
    goal = models.ForeignKey(
        Goal, on_delete=models.CASCADE, related_name="progress", verbose_name=_("goal")
    )
    progress = models.CharField(_("progress"), max_length=10, choices=Progress.choices)
    note = BoundedTextField(_("note"), max_length=REASON_TEXT, blank=True, default="")

    class Meta:
        verbose_name = _("progress on a goal")
        verbose_name_plural = _("progress on goals")
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "goal"], name="goal_progress_once"),
            models.CheckConstraint(
                condition=Q(progress__in=["worse", "same", "some", "much", "reached"]),
                name="goal_progress_known",
            ),
            *text_length_checks("goal_progress", note=REASON_TEXT),
        ]

    def __str__(self):
        return f"{self.goal_id}: {self.get_progress_display()}"
