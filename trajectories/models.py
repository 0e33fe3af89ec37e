"""The help itself: Basis jeugdhulp at WIJ after triage, as a trajectory (hulptraject) for
one or more children of one household, with its coaches, its intensity over time, its end
and results, and a re-assessment when the family says the help no longer fits.

The rules that span rows (one current trajectory per child, one coordinator, intensity
changes within the trajectory) live in services.py; those a row can hold are checks here,
and the same in clean()."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from samen import roles
from samen.codelists import EndReason
from samen.dates import date_range_check, validate_date_in_range
from samen.limits import REASON_TEXT, BoundedTextField, text_length_checks
from samen.models import Versioned
from triage.models import Triage

# A short reason (scaling up or down, a handover): one line, no paperwork.
SHORT_REASON = 300

# The JZ588 reasons a trajectory at WIJ can end with ("20", a temporary stop, is a pause
# here; "36" and "37" concern a municipality's allocation, not help WIJ gives itself).
TRAJECTORY_END_REASONS = [
    (reason.value, reason.label)
    for reason in EndReason
    if reason not in (EndReason.PAUSED, EndReason.BY_MUNICIPALITY, EndReason.CHANGE_REQUEST)
]


# The triage's three levels of need (matched care), for the trajectory's intensity too.
Intensity = Triage.Intensity


INTENSITY_ORDER = {Intensity.LIGHT: 0, Intensity.BASIC: 1, Intensity.SPECIALIST: 2}


class TrajectoryQuerySet(models.QuerySet):
    def visible_to(self, user):
        """WIJ staff and team leads see a trajectory of one of their teams, one they coach
        now (a former coach only through team or child), and one about a child they may see (Client.visible_to, which
        includes the children of the trajectories they coach now). Nobody else does:
        officials count trajectories in the reports only."""
        if not roles.user_has_role(user, *roles.WIJ_ROLES):
            return self.none()
        from intake.models import user_team_ids, wij_client_ids

        about_visible_child = TrajectoryChild.objects.filter(
            client_id__in=wij_client_ids(user)
        ).values_list("trajectory_id")
        coached = TrajectoryCoach.objects.filter(coach_id=user.pk, until_on__isnull=True)
        # The three sources as one UNION of ids, each read by its own index, not an OR
        # tested on every trajectory (issue 21). The skeleton of a destroyed child's
        # trajectory (rights.destruction) is nobody's.
        ids = (
            self.model.objects.filter(team_id__in=user_team_ids(user))
            .order_by()
            .values_list("pk")
            .union(coached.order_by().values_list("trajectory_id"), about_visible_child.order_by())
        )
        return self.filter(destroyed_on__isnull=True, pk__in=ids)

    def running(self):
        """Not ended: waiting, active or paused."""
        return self.exclude(status=Trajectory.Status.ENDED)


class Trajectory(Versioned):
    """Hulptraject: Basis jeugdhulp at WIJ for one or more children of one household,
    started from a triage outcome (Basis jeugdhulp, or a re-indication at WIJ, or WIJ keeping
    the coordination beside specialist help). Scaled up and down without approval; ended
    with a JZ588 reason and the results CBS Beleidsinformatie Jeugd asks for."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("waiting: help not started")
        ACTIVE = "active", _("active")
        PAUSED = "paused", _("paused")
        ENDED = "ended", _("ended")

    class Role(models.TextChoices):
        """What WIJ does in this trajectory."""

        BASIS = "basis", _("Basis jeugdhulp by WIJ")
        COORDINATION = "coordination", _("coordination (regie) beside specialist help")

    class GoalsReached(models.TextChoices):
        FULLY = "fully", _("fully")
        PARTLY = "partly", _("partly")
        NOT = "not", _("not")
        UNKNOWN = "unknown", _("not determined")

    class Satisfaction(models.TextChoices):
        SATISFIED = "satisfied", _("satisfied")
        NEUTRAL = "neutral", _("neither satisfied nor dissatisfied")
        DISSATISFIED = "dissatisfied", _("dissatisfied")

    household = models.ForeignKey(
        "intake.Household",
        on_delete=models.PROTECT,
        related_name="trajectories",
        verbose_name=_("household"),
    )
    triage = models.ForeignKey(
        Triage,
        on_delete=models.PROTECT,
        related_name="trajectories",
        verbose_name=_("started from triage"),
    )
    team = models.ForeignKey(
        "intake.Team",
        on_delete=models.PROTECT,
        related_name="trajectories",
        verbose_name=_("WIJ team"),
    )
    role = models.CharField(
        _("WIJ's role"), max_length=20, choices=Role.choices, default=Role.BASIS
    )
    product = models.ForeignKey(
        "referrals.Product",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="trajectories",
        verbose_name=_("product"),
        help_text=_("The one of the 11 products this help stands for, where one fits."),
    )
    intensity = models.CharField(
        _("current intensity"),
        max_length=20,
        choices=Intensity.choices,
        help_text=_("Set by the triage; scaled up and down since (IntensityChange)."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.WAITING
    )
    started_on = models.DateField(
        _("help started on"), null=True, blank=True, validators=[validate_date_in_range]
    )
    ended_on = models.DateField(
        _("ended on"), null=True, blank=True, validators=[validate_date_in_range]
    )
    end_reason = models.CharField(
        _("reason for ending"),
        max_length=2,
        choices=TRAJECTORY_END_REASONS,
        blank=True,
        help_text=_("JZ588 Reden beëindiging, as in the providers' stop messages."),
    )
    end_note = BoundedTextField(_("why it ended early"), max_length=REASON_TEXT, blank=True)
    goals_reached = models.CharField(
        _("goals reached"), max_length=10, choices=GoalsReached.choices, blank=True
    )
    satisfaction_asked = models.BooleanField(_("client satisfaction asked"), null=True, blank=True)
    satisfaction = models.CharField(
        _("client satisfaction"), max_length=20, choices=Satisfaction.choices, blank=True
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    # The skeleton of a destroyed child's trajectory (rights.destruction): kept for the
    # figures, invisible on every working page.
    destroyed_on = models.DateField(
        _("destroyed on"),
        null=True,
        blank=True,
        editable=False,
        validators=[validate_date_in_range],
    )
    history = HistoricalRecords(excluded_fields=["version"])

    objects = TrajectoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("trajectory (hulptraject)")
        verbose_name_plural = _("trajectories (hulptrajecten)")
        ordering = ["-created_at", "-id"]
        permissions = [
            (
                "assess_access",
                _("may investigate whether the help still fits (herbeoordeling)"),
            )
        ]
        indexes = [
            # Waiting list and caseloads of a team: running trajectories by status.
            models.Index(
                fields=["team", "status"],
                condition=~Q(status="ended"),
                name="trajectory_running_team_idx",
            ),
            # Reports: ended per period.
            models.Index(fields=["ended_on"], name="trajectory_ended_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(intensity__in=Intensity.values), name="trajectory_intensity_known"
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["active", "paused"]) | Q(started_on__isnull=False),
                name="trajectory_running_has_start",
                violation_error_message=_("Help that runs needs the date it started."),
            ),
            models.CheckConstraint(
                condition=Q(status="ended", ended_on__isnull=False, goals_reached__gt="")
                & ~Q(end_reason="")
                | ~Q(status="ended") & Q(ended_on__isnull=True, end_reason="", goals_reached=""),
                name="trajectory_end_is_complete",
                violation_error_message=_(
                    "An ended trajectory needs its end date, reason and results; a running one none."
                ),
            ),
            models.CheckConstraint(
                condition=Q(started_on__isnull=True)
                | Q(ended_on__isnull=True)
                | Q(ended_on__gte=models.F("started_on")),
                name="trajectory_end_after_start",
                violation_error_message=_("The end cannot lie before the start of the help."),
            ),
            models.CheckConstraint(
                condition=Q(satisfaction_asked=True) | Q(satisfaction=""),
                name="trajectory_satisfaction_only_when_asked",
            ),
            date_range_check("trajectory", "started_on"),
            date_range_check("trajectory", "ended_on"),
            date_range_check("trajectory", "destroyed_on"),
            *text_length_checks("trajectory", end_note=REASON_TEXT),
        ]

    def __str__(self):
        return _("Trajectory %(number)s") % {"number": self.pk}

    @property
    def is_running(self) -> bool:
        return self.status != self.Status.ENDED

    def clean(self):
        errors = {}
        if self.status in (self.Status.ACTIVE, self.Status.PAUSED) and not self.started_on:
            errors["started_on"] = _("Help that runs needs the date it started.")
        if self.started_on and self.ended_on and self.ended_on < self.started_on:
            errors["ended_on"] = _("The end cannot lie before the start of the help.")
        if self.status == self.Status.ENDED:
            if not self.ended_on:
                errors["ended_on"] = _("Give the date the help ended.")
            if not self.end_reason:
                errors["end_reason"] = _("Choose the reason for ending.")
            if not self.goals_reached:
                errors["goals_reached"] = _("Say whether the goals were reached.")
        if self.satisfaction and not self.satisfaction_asked:
            errors["satisfaction"] = _("A result only when client satisfaction was asked.")
        if errors:
            raise ValidationError(errors)


class TrajectoryChild(models.Model):
    """A child in a trajectory. `current` mirrors "the trajectory has not ended" so that the
    database can hold the rule of one running trajectory per child (services keep it)."""

    trajectory = models.ForeignKey(
        Trajectory, on_delete=models.CASCADE, related_name="children", verbose_name=_("trajectory")
    )
    client = models.ForeignKey(
        "intake.Client",
        on_delete=models.PROTECT,
        related_name="trajectory_links",
        verbose_name=_("child"),
    )
    current = models.BooleanField(_("trajectory running"), default=True)

    class Meta:
        verbose_name = _("child in a trajectory")
        verbose_name_plural = _("children in trajectories")
        constraints = [
            models.UniqueConstraint(fields=["trajectory", "client"], name="trajectory_child_once"),
            models.UniqueConstraint(
                fields=["client"],
                condition=Q(current=True),
                name="one_running_trajectory_per_child",
                violation_error_message=_("This child already has a running trajectory."),
            ),
        ]

    def __str__(self):
        return f"{self.trajectory}: {self.client_id}"


class TrajectoryCoach(models.Model):
    """A coach of a trajectory for a period; one current coach is the family's coordinator
    (regisseur: one family, one plan, one coordinator). A handover ends a row and starts
    another, so the history of who coached stays."""

    class Reason(models.TextChoices):
        START = "start", _("start of the trajectory")
        HANDOVER = "handover", _("handed over by the team lead")
        FAMILY_ASKED = "family_asked", _("the family asked for another worker")
        ABSENCE = "absence", _("absence of the coach")
        ADDED = "added", _("coach added")

    trajectory = models.ForeignKey(
        Trajectory, on_delete=models.CASCADE, related_name="coaches", verbose_name=_("trajectory")
    )
    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="coached_trajectories",
        verbose_name=_("coach"),
    )
    coordinator = models.BooleanField(_("coordinator (regisseur)"), default=False)
    from_on = models.DateField(
        _("from"), default=timezone.localdate, validators=[validate_date_in_range]
    )
    until_on = models.DateField(
        _("until"), null=True, blank=True, validators=[validate_date_in_range]
    )
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    note = models.CharField(_("note"), max_length=SHORT_REASON, blank=True)
    worker_change = models.ForeignKey(
        "intake.WorkerChangeRequest",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="trajectory_coaches",
        verbose_name=_("the family's request for another worker"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("coach of a trajectory")
        verbose_name_plural = _("coaches of trajectories")
        ordering = ["-coordinator", "from_on", "id"]
        indexes = [
            # "Mijn trajecten" and caseloads: a coach's current trajectories.
            models.Index(
                fields=["coach"], condition=Q(until_on__isnull=True), name="coach_current_idx"
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["trajectory"],
                condition=Q(coordinator=True, until_on__isnull=True),
                name="one_current_coordinator_per_trajectory",
                violation_error_message=_("A trajectory has one coordinator at a time."),
            ),
            models.UniqueConstraint(
                fields=["trajectory", "coach"],
                condition=Q(until_on__isnull=True),
                name="coach_once_at_a_time",
            ),
            models.CheckConstraint(
                condition=Q(until_on__isnull=True) | Q(until_on__gte=models.F("from_on")),
                name="coach_until_after_from",
            ),
        ]

    def __str__(self):
        return str(self.coach)


class IntensityChange(models.Model):
    """Op- of afschalen: one click and a short reason, no approval; each a dated record."""

    trajectory = models.ForeignKey(
        Trajectory,
        on_delete=models.CASCADE,
        related_name="intensity_changes",
        verbose_name=_("trajectory"),
    )
    changed_on = models.DateField(
        _("changed on"), default=timezone.localdate, validators=[validate_date_in_range]
    )
    from_intensity = models.CharField(_("from"), max_length=20, choices=Intensity.choices)
    to_intensity = models.CharField(_("to"), max_length=20, choices=Intensity.choices)
    reason = models.CharField(_("reason"), max_length=SHORT_REASON)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("change of intensity")
        verbose_name_plural = _("changes of intensity")
        ordering = ["changed_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_intensity=models.F("to_intensity")),
                name="intensity_change_changes",
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="intensity_change_has_reason"),
        ]

    def __str__(self):
        return f"{self.changed_on}: {self.from_intensity} → {self.to_intensity}"

    @property
    def is_up(self) -> bool:
        return INTENSITY_ORDER[self.to_intensity] > INTENSITY_ORDER[self.from_intensity]


class Reassessment(models.Model):
    """Herbeoordeling (seed 004 q7): the family says the help no longer fits; a WIJ worker
    with access tasks (permission trajectories.assess_access) investigates. A beschikking
    follows when the outcome is an individual provision, and when it is Basis jeugdhulp
    again and the family disagrees."""

    class Outcome(models.TextChoices):
        BASIS_AGAIN = "basis_again", _("Basis jeugdhulp at WIJ fits (again)")
        INDIVIDUAL_PROVISION = "individual_provision", _("an individual provision is needed")

    trajectory = models.ForeignKey(
        Trajectory,
        on_delete=models.PROTECT,
        related_name="reassessments",
        verbose_name=_("trajectory"),
    )
    asked_on = models.DateField(_("the family asked on"), validators=[validate_date_in_range])
    family_concern = BoundedTextField(_("what the family says"), max_length=REASON_TEXT)
    investigated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("investigated by"),
    )
    investigated_on = models.DateField(
        _("investigated on"), null=True, blank=True, validators=[validate_date_in_range]
    )
    investigation = BoundedTextField(_("what was investigated"), max_length=REASON_TEXT, blank=True)
    outcome = models.CharField(_("outcome"), max_length=30, choices=Outcome.choices, blank=True)
    shared_on = models.DateField(
        _("outcome shared with the family on"),
        null=True,
        blank=True,
        validators=[validate_date_in_range],
    )
    family_agrees = models.BooleanField(_("the family agrees"), null=True, blank=True)
    beschikking = models.ForeignKey(
        "triage.Beschikking",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reassessments",
        verbose_name=_("beschikking"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("re-assessment (herbeoordeling)")
        verbose_name_plural = _("re-assessments (herbeoordelingen)")
        ordering = ["-asked_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome="")
                | (
                    Q(investigated_by__isnull=False, investigated_on__isnull=False)
                    & ~Q(investigation="")
                ),
                name="reassessment_outcome_is_investigated",
                violation_error_message=_(
                    "An outcome needs who investigated, when, and what was investigated."
                ),
            ),
            models.CheckConstraint(
                condition=Q(investigated_on__isnull=True)
                | Q(investigated_on__gte=models.F("asked_on")),
                name="reassessment_investigated_after_asked",
            ),
            models.CheckConstraint(
                condition=Q(shared_on__isnull=True)
                | (~Q(outcome="") & Q(shared_on__gte=models.F("investigated_on"))),
                name="reassessment_shared_after_outcome",
                violation_error_message=_(
                    "The outcome is shared with the family after it was investigated."
                ),
            ),
            models.CheckConstraint(
                condition=Q(shared_on__isnull=False) | Q(family_agrees__isnull=True),
                name="reassessment_agreement_when_shared",
            ),
            # One question of the family under investigation at a time per trajectory.
            models.UniqueConstraint(
                fields=["trajectory"],
                condition=Q(outcome=""),
                name="one_open_reassessment_per_trajectory",
                violation_error_message=_(
                    "The family's earlier question is still being investigated."
                ),
            ),
            # A beschikking follows from one re-assessment.
            models.UniqueConstraint(
                fields=["beschikking"],
                condition=Q(beschikking__isnull=False),
                name="reassessment_beschikking_once",
            ),
            *text_length_checks(
                "reassessment", family_concern=REASON_TEXT, investigation=REASON_TEXT
            ),
        ]

    def __str__(self):
        return f"{self.trajectory}: {self.asked_on}"

    @property
    def needs_beschikking(self) -> bool:
        """An individual provision, or Basis jeugdhulp again while the family disagrees."""
        return self.outcome == self.Outcome.INDIVIDUAL_PROVISION or (
            self.outcome == self.Outcome.BASIS_AGAIN and self.family_agrees is False
        )

    def clean(self):
        errors = {}
        if self.outcome:
            if not self.investigation.strip():
                errors["investigation"] = _("Say what was investigated.")
            if not self.investigated_on:
                errors["investigated_on"] = _("Give the date of the investigation.")
        if self.investigated_on and self.asked_on and self.investigated_on < self.asked_on:
            errors["investigated_on"] = _("The investigation cannot lie before the family asked.")
        if self.shared_on:
            if not self.outcome:
                errors["shared_on"] = _("Record the outcome first.")
            elif self.investigated_on and self.shared_on < self.investigated_on:
                errors["shared_on"] = _("The outcome cannot be shared before the investigation.")
        if self.family_agrees is not None and not self.shared_on:
            errors["family_agrees"] = _("Whether the family agrees follows the sharing.")
        if errors:
            raise ValidationError(errors)
