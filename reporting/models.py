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
