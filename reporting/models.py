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


class TransitionMonth(models.Model):
    """The transition report's summary over all teams (reporting/transition_summary.py):
    per closed month, by product and financing or by provider, the indications running on
    the month's last day (of which with an open end), started and ended in the month.
    Refreshed at night as a whole; `counted_until` (the same on every row) is the last day
    it counts, the days since are counted live."""

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
    counted_until = models.DateField(_("counted until"))

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
    counted_until = models.DateField(_("counted until"))

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
