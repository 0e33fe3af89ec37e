"""Running indications (individual provisions from before the transition) and what watches
them: extension requests, WIJ worklist tasks and notices to providers."""

import datetime

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from intake.models import Client, SupportRequest, Team, wij_client_ids
from openhouse.models import Provider
from referrals.models import Product, ReferrerType
from samen import roles
from samen.codelists import EndReason
from samen.dates import date_range_check, validate_date_in_range
from samen.limits import REASON_TEXT, BoundedTextField, text_length_checks
from samen.models import Versioned

FLAG_MONTHS = 3
EVALUATION_LATEST_MONTHS = 2
EVALUATION_PREFERRED_MONTHS = 3


class IndicationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """WIJ staff and team leads: the indications of the children they may see
        (Client.visible_to); the youth administration all (it imports and decides on them);
        officials all, for figures and the admin, which never show the child (only its
        reference number); a provider user only its own provider's."""
        role = roles.user_role(user)
        if role in roles.WIJ_ROLES:
            # The children's ids (one UNION, intake.models.wij_client_ids), not a join of
            # all clients; a destroyed file's skeleton is nobody's (issue 21).
            return self.filter(
                client_id__in=wij_client_ids(user), client__destroyed_on__isnull=True
            )
        if role == roles.OFFICIAL:
            # Figures and the admin without the child: a destroyed file's skeleton counts.
            return self
        # The skeleton of a destroyed file (rights.destruction) is no case to work on.
        # A subquery, not a join: callers lock what they read (select_for_update).
        living = self.exclude(client_id__in=Client.objects.filter(destroyed_on__isnull=False))
        if role == roles.YOUTH_ADMIN:
            return living
        if role == roles.PROVIDER:
            membership = getattr(user, "provider_membership", None)
            return living.filter(provider_id=membership.provider_id) if membership else self.none()
        return self.none()

    def running(self):
        return self.filter(status__in=Indication.RUNNING)

    def evaluation_overdue(self, on_date: datetime.date):
        """Running, in kind (a PGB has no provider to evaluate), past the latest date for
        the end-evaluation of its current end, and none received for that end (one written
        for an earlier end, before an extension, does not count)."""
        from openhouse.models import EndEvaluation

        return (
            self.running()
            .filter(provider__isnull=False, evaluation_due_on__lt=on_date)
            .exclude(
                Exists(
                    EndEvaluation.objects.filter(
                        indication_id=OuterRef("pk"), for_end_on=OuterRef("end_on")
                    )
                )
            )
        )

    def out_of_sight(self):
        """Niet in beeld: ended without a triage or follow-up recorded."""
        return self.filter(status=Indication.Status.ENDED, follow_up_request__isnull=True)


class Indication(Versioned):
    """Indicatie: an individual provision with a product, a provider, a start and an end.
    Runs to its end with its provider; each ending one leads to its own triage at WIJ."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        ENDING_SOON = "ending_soon", _("ending within 3 months")
        EXTENDED = "extended", _("extended")
        ENDED = "ended", _("ended")
        TRANSFERRED = "transferred", _("handed over to WIJ")
        STOPPED_EARLY = "stopped_early", _("stopped early")
        OTHER_PROVIDER = "other_provider", _("handed over to another provider")

    class Financing(models.TextChoices):
        """Leveringsvorm: zorg in natura (a contracted provider delivers) or a
        persoonsgebonden budget (the family buys the help itself; a budget holder)."""

        ZIN = "zin", _("in kind (ZIN)")
        PGB = "pgb", _("personal budget (PGB)")

    RUNNING = (Status.ACTIVE, Status.ENDING_SOON, Status.EXTENDED)
    # Ended by a step before the end date, with a JZ588 reason (stop, handover).
    ENDED_EARLY = (Status.TRANSFERRED, Status.STOPPED_EARLY, Status.OTHER_PROVIDER)

    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="indications", verbose_name=_("client")
    )
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="indications", verbose_name=_("product")
    )
    financing = models.CharField(
        _("financing"), max_length=3, choices=Financing.choices, default=Financing.ZIN
    )
    provider = models.ForeignKey(
        Provider,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="indications",
        verbose_name=_("provider"),
        help_text=_("In kind (ZIN) only; a personal budget (PGB) has a budget holder instead."),
    )
    budget_holder = models.CharField(
        _("budget holder"),
        max_length=200,
        blank=True,
        help_text=_("Budgethouder: who holds the personal budget (PGB) for the child."),
    )
    referrer_type = models.CharField(
        _("issued by (referrer type)"),
        max_length=2,
        choices=ReferrerType.choices,
        blank=True,
        help_text=_("Empty when the allocation does not name a referrer."),
    )
    start_on = models.DateField(_("start"), validators=[validate_date_in_range])
    end_on = models.DateField(
        _("end"),
        null=True,
        blank=True,
        validators=[validate_date_in_range],
        help_text=_("Empty: an open end (the national messages allow it); never flagged."),
    )
    evaluation_due_on = models.DateField(
        _("end-evaluation due"),
        null=True,
        blank=True,
        help_text=_("At the latest 2 months before the end date (kept in step with the end)."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    end_reason = models.CharField(
        _("reason for the end"),
        max_length=2,
        choices=EndReason.choices,
        blank=True,
        help_text=_("JZ588, when the care ended before its end date (stop, handover)."),
    )
    allocation_number = models.PositiveIntegerField(
        _("allocation number"),
        null=True,
        blank=True,
        unique=True,
        validators=[MaxValueValidator(999_999_999)],
        help_text=_("ToewijzingNummer of the national messages (JW301): unique."),
    )
    care_started_on = models.DateField(
        _("care started on"),
        null=True,
        blank=True,
        validators=[validate_date_in_range],
        help_text=_("The actual start the provider reported (JW305 start message)."),
    )
    care_stopped_on = models.DateField(
        _("care stopped on"),
        null=True,
        blank=True,
        validators=[validate_date_in_range],
        help_text=_("The actual stop the provider reported (JW307 stop message)."),
    )
    flagged_on = models.DateField(_("flagged on"), null=True, blank=True)
    handled_on = models.DateField(_("handled on"), null=True, blank=True)
    follow_up_request = models.ForeignKey(
        SupportRequest,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="indications_followed_up",
        verbose_name=_("follow-up at WIJ"),
        help_text=_(
            "The support request in which WIJ triages the family again before the current "
            "end (an extension starts a new watch: earlier ones stay in the history)."
        ),
    )
    preceded_by = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="succeeded_by",
        verbose_name=_("continues"),
        help_text=_("The indication at the previous provider this one took over from."),
    )
    history = HistoricalRecords(excluded_fields=["version"])

    objects = IndicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("indication")
        verbose_name_plural = _("indications")
        ordering = ["end_on", "id"]
        indexes = [
            # The flag job: running indications by end date.
            models.Index(
                fields=["end_on"],
                condition=Q(status__in=["active", "extended"]),
                name="indication_watch_end_idx",
            ),
            # The overdue end-evaluations job: running ones in kind by their due date
            # (services.indications_check_evaluations).
            models.Index(
                fields=["evaluation_due_on"],
                condition=Q(
                    status__in=["active", "ending_soon", "extended"], provider__isnull=False
                ),
                name="indication_evaluation_due_idx",
            ),
            # The provider portal's overdue end-evaluations (Indication.evaluation_overdue
            # of one provider, by due date): the provider's own, not every provider's
            # overdue ones filtered (issue 21).
            models.Index(
                fields=["provider", "evaluation_due_on"],
                condition=Q(
                    status__in=["active", "ending_soon", "extended"], provider__isnull=False
                ),
                name="indication_provider_due_idx",
            ),
            # The ended job and the provider portal: running ones per provider.
            models.Index(fields=["provider", "end_on"], name="indication_provider_end_idx"),
            # Running indications (ending soon too) by end date: the end job's past ends,
            # then only the day's (services.indications_end), and Aflopende indicaties
            # (indications.selectors.ending_per_month), counted per provider and client
            # from the index alone.
            models.Index(
                fields=["end_on"],
                include=["provider", "client"],
                condition=Q(status__in=["active", "ending_soon", "extended"]),
                name="indication_running_end_idx",
            ),
            # A provider's families (indications.views.provider_families), the provider
            # admin's running count: a provider's running indications by end date.
            models.Index(
                fields=["provider", "end_on", "id"],
                condition=Q(status__in=["active", "ending_soon", "extended"]),
                name="indication_run_provider_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_on__isnull=True) | Q(end_on__gt=models.F("start_on")),
                name="indication_end_after_start",
                violation_error_message=_("The end date must be after the start date."),
            ),
            models.CheckConstraint(
                condition=Q(financing="zin", provider__isnull=False, budget_holder="")
                | (Q(financing="pgb", provider__isnull=True) & ~Q(budget_holder="")),
                name="indication_provider_or_budget_holder",
                violation_error_message=_(
                    "In kind needs a provider; a personal budget a budget holder and no provider."
                ),
            ),
            models.CheckConstraint(
                condition=Q(status__in=["transferred", "stopped_early", "other_provider"])
                | Q(end_reason=""),
                name="indication_end_reason_only_when_ended_early",
                violation_error_message=_(
                    "Only care that ended early has a reason for the end here."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["transferred", "stopped_early", "other_provider"])
                | (~Q(end_reason="") & Q(end_on__isnull=False)),
                name="indication_ended_early_has_reason",
                violation_error_message=_("Care that ended early needs its date and reason."),
            ),
            date_range_check("indication", "start_on"),
            date_range_check("indication", "end_on"),
            date_range_check("indication", "care_started_on"),
            date_range_check("indication", "care_stopped_on"),
            models.CheckConstraint(
                condition=Q(allocation_number__lte=999_999_999),
                name="indication_allocation_number_fits",
                violation_error_message=_("An allocation number has at most 9 digits."),
            ),
            # One import line is one indication: importing a file twice creates nothing new.
            # A PGB has no provider: NULLs count as equal, so its re-import is known too.
            models.UniqueConstraint(
                fields=["client", "product", "provider", "start_on"],
                name="indication_unique_allocation",
                nulls_distinct=False,
            ),
            models.CheckConstraint(
                condition=Q(referrer_type__in=[*ReferrerType.values, ""]),
                name="indication_referrer_type_known",
            ),
        ]
        # No two indications of one client for the same product overlap in time: a
        # PostgreSQL exclusion constraint (migration 0002, not in Meta, so Django's
        # validate_constraints() does not know it), and Indication.clean() too.

    def __str__(self):
        # No child here: this label is what lists, widgets and history show to officials.
        end = f"{self.end_on:%d-%m-%Y}" if self.end_on else "…"
        return f"#{self.pk} {self.product.code} {self.start_on:%d-%m-%Y}–{end}"

    def save(self, *args, **kwargs):
        # No end-evaluation is asked of a PGB (no provider), nor for an open end.
        self.evaluation_due_on = (
            self.end_on - relativedelta(months=EVALUATION_LATEST_MONTHS)
            if self.end_on and self.financing != self.Financing.PGB
            else None
        )
        if kwargs.get("update_fields") is not None and "end_on" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "evaluation_due_on"}
        super().save(*args, **kwargs)

    def clean(self):
        """The rules of the constraints that Django does not check itself: the exclusion
        constraint (no overlap) and, ahead of it, the date order it relies on."""
        super().clean()
        errors = {}
        if self.financing == self.Financing.PGB:
            if self.provider_id is not None:
                errors["provider"] = _("A personal budget has no provider.")
            if not self.budget_holder.strip():
                errors["budget_holder"] = _("Name the budget holder of the personal budget.")
        else:
            if self.provider_id is None:
                errors["provider"] = _("Choose the provider.")
            if self.budget_holder:
                errors["budget_holder"] = _("Only a personal budget has a budget holder.")
        if self.status in self.ENDED_EARLY and (not self.end_reason or self.end_on is None):
            errors["end_reason"] = _("Care that ended early needs its date and reason.")
        if self.end_reason and self.status not in self.ENDED_EARLY:
            errors["end_reason"] = _("Only care that ended early has a reason for the end here.")
        if errors:
            raise ValidationError(errors)
        if self.start_on and self.client_id and self.product_id:
            if self.end_on is not None and self.end_on <= self.start_on:
                raise ValidationError(
                    {"end_on": _("The end date must be after the start date.")},
                    code="indication_end_after_start",
                )
            if self.overlapping().exists():
                raise ValidationError(
                    {
                        "end_on": _(
                            "This child already has an indication for this product in this period."
                        )
                    },
                    code="indication_no_overlap",
                )

    @property
    def evaluation_preferred_on(self) -> datetime.date | None:
        if self.end_on is None:
            return None
        return self.end_on - relativedelta(months=EVALUATION_PREFERRED_MONTHS)

    @property
    def flag_from(self) -> datetime.date | None:
        return self.end_on - relativedelta(months=FLAG_MONTHS) if self.end_on else None

    def evaluation_for_current_end(self):
        """The newest end-evaluation written for the current end (an earlier end's, before
        an extension, does not count); uses a prefetch of `end_evaluations` when there."""
        for_this_end = [e for e in self.end_evaluations.all() if e.for_end_on == self.end_on]
        return max(for_this_end, key=lambda e: e.version, default=None)

    @property
    def is_running(self) -> bool:
        return self.status in self.RUNNING

    @property
    def is_pgb(self) -> bool:
        return self.financing == self.Financing.PGB

    @property
    def provider_label(self) -> str:
        """Who gives the care, as WIJ's pages about the child show it: the provider, or
        "PGB" with the budget holder (person data: never on the officials' pages)."""
        if self.is_pgb:
            return _("PGB (budget holder: %(name)s)") % {"name": self.budget_holder}
        return self.provider.name if self.provider_id else ""

    def overlapping(self):
        """Other indications of this child for this product whose period meets this one's
        (an open end runs on for ever: the exclusion constraint's unbounded range)."""
        others = Indication.objects.filter(
            client_id=self.client_id, product_id=self.product_id
        ).filter(Q(end_on__isnull=True) | Q(end_on__gte=self.start_on))
        if self.end_on is not None:
            others = others.filter(start_on__lte=self.end_on)
        return others.exclude(pk=self.pk)


EXTENSION_DECISION_WEEKS = 8


class ExtensionRequestQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Whoever may see the indication sees its extension requests and their decision
        (the provider its own, WIJ its children's, the youth administration all)."""
        return self.filter(indication__in=Indication.objects.visible_to(user))

    def pending(self):
        return self.filter(decision=ExtensionRequest.Decision.PENDING)


class ExtensionRequest(models.Model):
    """Verlengingsverzoek: always weighed individually by the youth administration (seed
    004 q2: the result may be that, for a while, a solution other than Basis jeugdhulp at
    WIJ is chosen, such as continuing with the same provider). The request comes from the
    provider (portal, API) or from WIJ's triage (with WIJ's advice); an extension is an
    individual provision, so a beschikking letter follows the decision."""

    class Requester(models.TextChoices):
        PROVIDER = "provider", _("provider")
        FAMILY = "family", _("family")
        REFERRER = "referrer", _("referrer")
        WIJ = "wij", _("WIJ (triage)")

    class Decision(models.TextChoices):
        PENDING = "pending", _("not decided yet")
        EXTEND = "extend", _("extend: for now a solution other than Basis jeugdhulp at WIJ")
        WIJ = "wij", _("not extended: Basis jeugdhulp at WIJ")

    indication = models.ForeignKey(
        Indication,
        on_delete=models.CASCADE,
        related_name="extension_requests",
        verbose_name=_("indication"),
    )
    requested_on = models.DateField(
        _("requested on"), default=timezone.localdate, validators=[validate_date_in_range]
    )
    requested_by = models.CharField(_("requested by"), max_length=20, choices=Requester.choices)
    requested_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sent by"),
    )
    reasons = BoundedTextField(_("reasons"), max_length=REASON_TEXT)
    proposed_end_on = models.DateField(
        _("proposed end date"), null=True, blank=True, validators=[validate_date_in_range]
    )
    end_evaluation = models.ForeignKey(
        "openhouse.EndEvaluation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="extension_requests",
        verbose_name=_("end-evaluation"),
        help_text=_("The provider's end-evaluation the request refers to."),
    )
    triage = models.ForeignKey(
        "triage.Triage",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="extension_requests",
        verbose_name=_("WIJ's triage"),
        help_text=_("The triage in which WIJ advised to extend (re-indication: extend)."),
    )
    wij_advice = BoundedTextField(_("WIJ's advice"), max_length=REASON_TEXT, blank=True)
    decide_by = models.DateField(
        _("decide by"),
        null=True,
        blank=True,
        help_text=_("8 weeks after the request (Awb 4:13), and never after the current end date."),
    )
    weighing = BoundedTextField(_("individual weighing"), max_length=REASON_TEXT, blank=True)
    decision = models.CharField(
        _("decision"), max_length=20, choices=Decision.choices, default=Decision.PENDING
    )
    new_end_on = models.DateField(
        _("new end date"), null=True, blank=True, validators=[validate_date_in_range]
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
    letter_printed_on = models.DateField(
        _("letter printed on"),
        null=True,
        blank=True,
        help_text=_("When the youth administration printed the decision's beschikking letter."),
    )
    letter_printed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("letter printed by"),
    )
    history = HistoricalRecords()

    objects = ExtensionRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")
        ordering = ["-requested_on", "-id"]
        indexes = [
            # The youth administration's worklist: waiting requests by deadline.
            models.Index(
                fields=["decide_by", "id"],
                condition=Q(decision="pending"),
                name="extension_pending_deadline_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(decision="pending")
                | (~Q(weighing="") & Q(decided_by__isnull=False, decided_on__isnull=False)),
                name="extension_decision_is_weighed",
            ),
            models.CheckConstraint(
                condition=~Q(decision="extend") | Q(new_end_on__isnull=False),
                name="extension_extend_has_new_end",
            ),
            models.CheckConstraint(
                condition=Q(decision="extend") | Q(new_end_on__isnull=True),
                name="extension_new_end_only_when_extended",
            ),
            models.CheckConstraint(
                condition=Q(decision__in=["pending", "extend", "wij"]),
                name="extension_decision_known",
            ),
            # One open request per indication: a second one while the first waits would be
            # weighed twice.
            models.UniqueConstraint(
                fields=["indication"],
                condition=Q(decision="pending"),
                name="extension_one_pending_per_indication",
                violation_error_message=_(
                    "An extension request for this indication is already waiting for a decision."
                ),
            ),
            # The letter states a decision: it is printed only once there is one.
            models.CheckConstraint(
                condition=Q(letter_printed_on__isnull=True)
                | (~Q(decision="pending") & Q(letter_printed_by__isnull=False)),
                name="extension_letter_only_when_decided",
            ),
            *text_length_checks(
                "extension", reasons=REASON_TEXT, weighing=REASON_TEXT, wij_advice=REASON_TEXT
            ),
            *(
                date_range_check("extension", name)
                for name in ("proposed_end_on", "new_end_on", "decide_by", "letter_printed_on")
            ),
        ]

    def __str__(self):
        return f"{self.indication} ({self.get_decision_display()})"

    @property
    def is_pending(self) -> bool:
        return self.decision == self.Decision.PENDING

    def is_overdue(self, today: datetime.date) -> bool:
        return self.is_pending and self.decide_by is not None and self.decide_by < today


class TaskQuerySet(models.QuerySet):
    def visible_to(self, user):
        """WIJ staff and team leads: the tasks of their teams about a child they may see
        (Client.visible_to), and the tasks about a trajectory they may see
        (Trajectory.visible_to) that are of their teams or assigned to them (the coordinator
        of another team); nobody else works on tasks (officials count them in the admin)."""
        if roles.user_role(user) not in roles.WIJ_ROLES:
            return self.none()
        from intake.models import user_team_ids
        from trajectories.models import Trajectory

        teams = user_team_ids(user)
        trajectories = Trajectory.objects.visible_to(user).values("pk")
        tasks = self.model.objects.order_by()
        # The three sources as one UNION of ids, each read by its own index, not an OR
        # tested on every task of the table (issue 21, docs/benchmarks.md).
        ids = (
            tasks.filter(
                team_id__in=teams,
                indication__client_id__in=wij_client_ids(user),
                indication__client__destroyed_on__isnull=True,
            )
            .values_list("pk")
            .union(
                tasks.filter(team_id__in=teams, trajectory_id__in=trajectories).values_list("pk"),
                tasks.filter(assigned_to_id=user.pk, trajectory_id__in=trajectories).values_list(
                    "pk"
                ),
            )
        )
        return self.filter(pk__in=ids)

    def open(self):
        return self.filter(done_on__isnull=True)


class Task(models.Model):
    """A task in a WIJ team's worklist, made by the jobs: about an indication (one per
    indication and kind) or about a trajectory (its support plan: one per trajectory, kind
    and due date), never both.

    Done once: by a worker with a note (ticked off), or by the job's own condition, and
    only that one: a follow-up registered closes "plan the triage" and "handed over early:
    pick it up", an end-evaluation received closes "end-evaluation overdue", a safety
    agreement in the plan closes "plan without safety agreements", an evaluation of the
    plan closes "evaluation of the support plan due". Who and when are always kept."""

    class Kind(models.TextChoices):
        PLAN_TRIAGE = "plan_triage", _("plan the triage with the family before the end")
        PROVIDER_STOPS = "provider_stops", _("provider stops: pick up the family")
        EVALUATION_OVERDUE = "evaluation_overdue", _("end-evaluation overdue: ask the provider")
        PLAN_NO_SAFETY = "plan_no_safety", _("support plan without safety agreements")
        PLAN_EVALUATION_DUE = "plan_evaluation_due", _("evaluation of the support plan due")
        EXCEPTION_REFUSED = (
            "exception_refused",
            _("Open House exception refused: talk with the family about what now"),
        )
        HANDED_OVER = "handed_over", _("provider hands the family over early: pick it up now")
        EXTENSION_ADVICE = (
            "extension_advice",
            _("extension requested: triage the family and give WIJ's advice"),
        )

    class DoneHow(models.TextChoices):
        BY_HAND = "by_hand", _("ticked off by a worker")
        FOLLOW_UP = "follow_up", _("follow-up registered at WIJ")
        EVALUATION = "evaluation", _("end-evaluation received")
        SAFETY_AGREEMENT = "safety_agreement", _("safety agreement in the plan")
        PLAN_EVALUATED = "plan_evaluated", _("support plan evaluated")
        TRAJECTORY_ENDED = "trajectory_ended", _("the trajectory ended")
        EXTENDED = "extended", _("the indication was extended")
        ENDED_EARLY = "ended_early", _("the indication ended early")
        ADVICE_GIVEN = "advice_given", _("WIJ's advice given")
        EXTENSION_DECIDED = "extension_decided", _("the extension request was decided")

    # The one condition that closes a task of each kind by itself (services.py; the plan's
    # kinds in plans/services.py).
    CLOSED_BY = {
        Kind.PLAN_TRIAGE: DoneHow.FOLLOW_UP,
        # Picking up a family handed over early is registering WIJ's follow-up.
        Kind.HANDED_OVER: DoneHow.FOLLOW_UP,
        Kind.EVALUATION_OVERDUE: DoneHow.EVALUATION,
        Kind.PLAN_NO_SAFETY: DoneHow.SAFETY_AGREEMENT,
        Kind.PLAN_EVALUATION_DUE: DoneHow.PLAN_EVALUATED,
        Kind.EXTENSION_ADVICE: DoneHow.ADVICE_GIVEN,
    }
    TRAJECTORY_KINDS = (Kind.PLAN_NO_SAFETY, Kind.PLAN_EVALUATION_DUE, Kind.EXCEPTION_REFUSED)

    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="tasks", verbose_name=_("WIJ team")
    )
    indication = models.ForeignKey(
        Indication,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="tasks",
        verbose_name=_("indication"),
    )
    trajectory = models.ForeignKey(
        "trajectories.Trajectory",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="tasks",
        verbose_name=_("trajectory"),
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_tasks",
        verbose_name=_("assigned to"),
        help_text=_("The coordinator of the trajectory, for a task about a support plan."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    for_end_on = models.DateField(
        _("for the end date"),
        null=True,
        blank=True,
        help_text=_(
            "The indication's end date this task is about: after an extension the new end "
            "gets its own tasks."
        ),
    )
    due_on = models.DateField(_("due on"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("done by"),
    )
    # Defaults in the database too: the jobs insert tasks in SQL (services._insert_tasks).
    done_how = models.CharField(
        _("done how"), max_length=20, choices=DoneHow.choices, blank=True, db_default=""
    )
    done_note = BoundedTextField(_("note"), max_length=REASON_TEXT, blank=True, db_default="")
    history = HistoricalRecords()

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("worklist task")
        verbose_name_plural = _("worklist tasks")
        ordering = ["due_on", "id"]
        constraints = [
            # Once per indication, kind and end date (an open end, NULL, counts as one date);
            # the jobs' INSERT ... ON CONFLICT names these columns and this condition.
            models.UniqueConstraint(
                fields=["indication", "kind", "for_end_on"],
                condition=Q(indication__isnull=False),
                nulls_distinct=False,
                name="task_once_per_indication_end",
            ),
            models.UniqueConstraint(
                fields=["trajectory", "kind", "due_on"],
                condition=Q(trajectory__isnull=False),
                name="task_once_per_trajectory_kind_date",
            ),
            models.CheckConstraint(
                condition=Q(indication__isnull=False, trajectory__isnull=True)
                | Q(indication__isnull=True, trajectory__isnull=False),
                name="task_about_indication_or_trajectory",
                violation_error_message=_("A task is about an indication or a trajectory."),
            ),
            # Open: nothing of the closing filled in; done: who, when and how, always.
            models.CheckConstraint(
                condition=Q(done_on__isnull=True, done_by__isnull=True, done_how="")
                | (Q(done_on__isnull=False, done_by__isnull=False) & ~Q(done_how="")),
                name="task_done_has_who_and_when",
                violation_error_message=_("A done task needs who did it and when."),
            ),
            *text_length_checks("task", done_note=REASON_TEXT),
        ]
        indexes = [
            models.Index(
                fields=["team", "due_on"],
                condition=Q(done_on__isnull=True),
                name="task_open_by_team_idx",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.indication or self.trajectory}"

    def client_ids(self) -> list[int]:
        """The children this task is about (for the access log); for a trajectory task,
        prefetch `trajectory__children`."""
        if self.indication_id:
            return [self.indication.client_id]
        return [child.client_id for child in self.trajectory.children.all()]

    def clean(self):
        if (self.indication_id is None) == (self.trajectory_id is None):
            raise ValidationError(_("A task is about an indication or a trajectory."))
        done = (self.done_on is not None, self.done_by_id is not None, bool(self.done_how))
        if any(done) and not all(done):
            errors = {}
            if self.done_by_id is None:
                errors["done_by"] = _("A done task needs who did it and when.")
            if self.done_on is None:
                errors["done_on"] = _("A done task needs who did it and when.")
            if not self.done_how:
                errors["done_how"] = _("A done task needs who did it and when.")
            raise ValidationError(errors)


class ProviderNotice(models.Model):
    """A notice to a provider's users (in the portal, and by e-mail once): once per
    indication, kind and end date."""

    class Kind(models.TextChoices):
        EVALUATION_DUE = "evaluation_due", _("end-evaluation due")
        EVALUATION_OVERDUE = "evaluation_overdue", _("end-evaluation overdue")
        EXTENSION_DECIDED = "extension_decided", _("extension request decided")

    provider = models.ForeignKey(
        Provider, on_delete=models.CASCADE, related_name="notices", verbose_name=_("provider")
    )
    indication = models.ForeignKey(
        Indication, on_delete=models.CASCADE, related_name="notices", verbose_name=_("indication")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    for_end_on = models.DateField(
        _("for the end date"),
        null=True,
        blank=True,
        help_text=_("The indication's end date this notice is about."),
    )
    due_on = models.DateField(_("due on"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notice to a provider")
        verbose_name_plural = _("notices to providers")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["indication", "kind", "for_end_on"],
                nulls_distinct=False,
                name="notice_once_per_indication_end",
            )
        ]
        indexes = [
            models.Index(
                fields=["provider"], condition=Q(emailed_at__isnull=True), name="notice_unsent_idx"
            )
        ]

    def __str__(self):
        return f"{self.provider}: {self.get_kind_display()} ({self.indication})"


class EvaluationRecheck(models.Model):
    """An indication for the next overdue end-evaluations run to look at again
    (services.indications_check_evaluations): written by the database itself, by the
    triggers of migration 0016, in the transaction of whatever made or changed it (an
    import, an extension, a correction, raw SQL alike), so no way of changing an
    indication can pass the job unseen. Read and emptied by the job. A plain id, no
    foreign key: an import of 100,000 lines adds no 100,000 key checks."""

    indication_id = models.BigIntegerField()

    class Meta:
        verbose_name = _("indication to check again")
        verbose_name_plural = _("indications to check again")

    def __str__(self):
        return str(self.indication_id)


class EvaluationWatermark(models.Model):
    """How far the overdue end-evaluations job has looked: every indication whose
    end-evaluation was due before `checked_before` was checked (one row). The next run
    reads only the due dates passed since, and EvaluationRecheck for what changed."""

    checked_before = models.DateField(null=True)

    class Meta:
        verbose_name = _("end-evaluation watermark")
        verbose_name_plural = _("end-evaluation watermarks")

    def __str__(self):
        return str(self.checked_before)
