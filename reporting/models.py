"""What the reports keep: the council PDFs made in the background."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CouncilReport(models.Model):
    """One making of the quarterly council report (raadsrapportage): asked on the reports
    page, made by a Celery task (reporting.tasks.council_report_make), kept in Django's
    file storage (a disk or an S3 bucket) until a newer one of the same quarter is ready."""

    class Status(models.TextChoices):
        PENDING = "pending", _("being made")
        READY = "ready", _("ready")
        FAILED = "failed", _("failed")

    quarter_start = models.DateField(_("quarter"), help_text=_("The first day of the quarter."))
    counted_on = models.DateField(_("counted on"), help_text=_("The day the figures count to."))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    pdf = models.FileField(_("PDF"), upload_to="reporting/council/", blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("council report")
        verbose_name_plural = _("council reports")
        ordering = ["-requested_at"]
        indexes = [
            # The reports page: the latest making of each quarter.
            models.Index(
                fields=["quarter_start", "-requested_at"], name="councilreport_latest_idx"
            ),
        ]

    def __str__(self):
        return f"{self.quarter_start:%Y-%m} ({self.get_status_display()})"


# --- Summary tables (reporting/summaries.py, docs/reports.md "Summary tables") ---------
# Counts per WIJ team and day of closed days, and of all teams together (no team: what the
# all-teams report reads), refreshed at night by
# reporting.services.refresh_summaries; the reports add the days since counted live. Each
# row is one group of the live figure's own GROUP BY (the same queryset makes both), so
# sums over them are the live figures.


class SummaryRefresh(models.Model):
    """How far one summary table counts: its days up to and including `counted_until`."""

    name = models.CharField(_("summary"), max_length=60, primary_key=True)
    counted_until = models.DateField(_("counted until"))
    refreshed_at = models.DateTimeField(_("refreshed at"))

    class Meta:
        verbose_name = _("summary refresh")
        verbose_name_plural = _("summary refreshes")

    def __str__(self):
        return f"{self.name} ({self.counted_until})"


def _team_field():
    return models.ForeignKey(
        "intake.Team",
        on_delete=models.CASCADE,
        null=True,
        related_name="+",
        db_constraint=False,
        verbose_name=_("WIJ team"),
    )


class TeamDay(models.Model):
    """A summary row: one team's (or, without a team, all teams') group of one day."""

    DAY = ""  # the day field's name

    team = _team_field()

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.team_id} {getattr(self, self.DAY)}"


class ContactDay(TeamDay):
    """Support requests per team and day received, by contact deadline, first contact and
    whether closed: contact within 5 working days (deadlines report)."""

    DAY = "received_on"

    received_on = models.DateField(_("received on"))
    contact_deadline = models.DateField(_("contact deadline"), null=True)
    first_contact_on = models.DateField(_("first contact on"), null=True)
    closed = models.BooleanField(_("closed"))
    n = models.PositiveIntegerField(_("number"))

    class Meta:
        verbose_name = _("contact summary")
        verbose_name_plural = _("contact summaries")
        indexes = [
            models.Index(
                fields=["received_on", "team"],
                include=["contact_deadline", "first_contact_on", "closed", "n"],
                name="contactday_day_idx",
            )
        ]


class EvaluationDay(TeamDay):
    """In-kind indications per team and end-evaluation due day: due, evaluated for the
    current end, of which on time (deadlines report)."""

    DAY = "due_on"

    due_on = models.DateField(_("due on"))
    due = models.PositiveIntegerField(_("due"))
    received = models.PositiveIntegerField(_("received"))
    on_time = models.PositiveIntegerField(_("on time"))

    class Meta:
        verbose_name = _("end-evaluation summary")
        verbose_name_plural = _("end-evaluation summaries")
        indexes = [
            models.Index(
                fields=["due_on", "team"],
                include=["due", "received", "on_time"],
                name="evaluationday_day_idx",
            )
        ]


class EndedDay(TeamDay):
    """Indications ended (status ended) per team and end day, and of those without a
    follow-up at WIJ ('niet in beeld', deadlines report)."""

    DAY = "end_on"

    end_on = models.DateField(_("end date"))
    ended = models.PositiveIntegerField(_("ended"))
    lost = models.PositiveIntegerField(_("niet in beeld"))

    class Meta:
        verbose_name = _("ended indications summary")
        verbose_name_plural = _("ended indications summaries")
        indexes = [
            models.Index(
                fields=["end_on", "team"], include=["ended", "lost"], name="endedday_day_idx"
            )
        ]


def _day_index(model: str, day: str, counts: list[str]) -> models.Index:
    return models.Index(fields=[day, "team"], include=counts, name=f"{model}_day_idx")


class TriageDay(TeamDay):
    """Triages per team, day held and outcome (matched care: referral shares and
    re-indications)."""

    DAY = "held_on"

    held_on = models.DateField(_("held on"))
    outcome = models.CharField(_("outcome"), max_length=30)
    n = models.PositiveIntegerField(_("number"))

    class Meta:
        verbose_name = _("triage summary")
        verbose_name_plural = _("triage summaries")
        indexes = [_day_index("triageday", "held_on", ["outcome", "n"])]


class ChildOutcomeDay(TeamDay):
    """Outcomes per child per team, day held, intensity assessed and outcome (matched care:
    intensity against outcome)."""

    DAY = "held_on"

    held_on = models.DateField(_("held on"))
    intensity = models.CharField(_("intensity"), max_length=20)
    outcome = models.CharField(_("outcome"), max_length=30)
    n = models.PositiveIntegerField(_("number"))

    class Meta:
        verbose_name = _("outcome per child summary")
        verbose_name_plural = _("outcome per child summaries")
        indexes = [_day_index("childoutcomeday", "held_on", ["intensity", "outcome", "n"])]


class TooLightDay(TeamDay):
    """Basis jeugdhulp outcomes per team and day held, and of those back at WIJ or to
    specialist care within 6 months (matched care: help too light?)."""

    DAY = "held_on"

    held_on = models.DateField(_("held on"))
    basis = models.PositiveIntegerField(_("helped at WIJ"))
    back = models.PositiveIntegerField(_("back at WIJ"))
    escalated = models.PositiveIntegerField(_("to specialist care"))

    class Meta:
        verbose_name = _("help too light summary")
        verbose_name_plural = _("help too light summaries")
        indexes = [_day_index("toolightday", "held_on", ["basis", "back", "escalated"])]


class AfterTrajectoryDay(TeamDay):
    """Trajectories ended per team and day, and of those back at WIJ or to specialist care
    within 6 months (matched care: after the help at WIJ)."""

    DAY = "ended_on"

    ended_on = models.DateField(_("ended on"))
    ended = models.PositiveIntegerField(_("ended"))
    back = models.PositiveIntegerField(_("back at WIJ"))
    specialist = models.PositiveIntegerField(_("to specialist care"))

    class Meta:
        verbose_name = _("after the help summary")
        verbose_name_plural = _("after the help summaries")
        indexes = [_day_index("aftertrajectoryday", "ended_on", ["ended", "back", "specialist"])]


class StartedDay(TeamDay):
    """Indications started per team and day, and of those ended within 8 weeks (matched
    care: help too heavy?)."""

    DAY = "start_on"

    start_on = models.DateField(_("start date"))
    started = models.PositiveIntegerField(_("started"))
    short = models.PositiveIntegerField(_("ended within 8 weeks"))

    class Meta:
        verbose_name = _("indications started summary")
        verbose_name_plural = _("indications started summaries")
        indexes = [_day_index("startedday", "start_on", ["started", "short"])]


class TransitionMonth(models.Model):
    """The transition report's summary over all teams (reporting/transition_summary.py):
    per closed month, by product and financing or by provider, the indications running on
    the month's last day (of which with an open end), started and ended in the month.
    Refreshed at night as a whole; its SummaryRefresh ("transition") says the last day it
    counts, the days since are counted live."""

    class By(models.TextChoices):
        PRODUCT = "product", _("product")
        PROVIDER = "provider", _("provider")

    by = models.CharField(_("grouped by"), max_length=8, choices=By.choices)
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    product = models.ForeignKey(
        "referrals.Product",
        on_delete=models.DO_NOTHING,
        null=True,
        db_constraint=False,
        related_name="+",
        verbose_name=_("product"),
    )
    provider = models.ForeignKey(
        "openhouse.Provider",
        on_delete=models.DO_NOTHING,
        null=True,
        db_constraint=False,
        related_name="+",
        verbose_name=_("provider"),
    )
    financing = models.CharField(_("financing"), max_length=3)
    running = models.PositiveIntegerField(_("running on the last day"))
    open_end = models.PositiveIntegerField(_("of which with an open end"))
    started = models.PositiveIntegerField(_("started"))
    ended = models.PositiveIntegerField(_("ended"))

    class Meta:
        verbose_name = _("transition summary")
        verbose_name_plural = _("transition summaries")
        indexes = [
            models.Index(
                fields=["month"],
                include=[
                    "by",
                    "product",
                    "provider",
                    "financing",
                    "running",
                    "open_end",
                    "started",
                    "ended",
                ],
                name="transitionmonth_month_idx",
            )
        ]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.by}"


class TransitionCount(models.Model):
    """The transition report's counts per closed month over all teams (flagged, ended,
    followed up, ended early and why, extensions asked and decided: selectors.MONTHLY),
    by their dimension (`key`: '' when none); refreshed with TransitionMonth."""

    figure = models.CharField(_("figure"), max_length=20)
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    key = models.CharField(_("key"), max_length=20, blank=True)
    n = models.PositiveIntegerField(_("number"))

    class Meta:
        verbose_name = _("transition count")
        verbose_name_plural = _("transition counts")
        indexes = [
            models.Index(
                fields=["figure", "month"], include=["key", "n"], name="transitioncount_idx"
            )
        ]

    def __str__(self):
        return f"{self.figure} {self.month:%Y-%m} {self.key}"
