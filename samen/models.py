from django.db import models
from django.utils.translation import gettext_lazy as _


class Versioned(models.Model):
    """Optimistic locking (docs/decisions.md, 16): `version` goes up by one on every save,
    and by one in every set-based update of the jobs (`version=F("version") + 1`). An edit
    form carries the version it showed; the save locks the row and refuses when the
    version moved on (the admin: samen.admin_tools.VersionCheckedAdminMixin). Kept out of
    the history (`excluded_fields`): it says nothing an official needs to read."""

    version = models.PositiveIntegerField(
        _("version"),
        default=1,
        editable=False,
        help_text=_("Raised on every save: optimistic locking."),
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            self.version += 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "version"}
        super().save(*args, **kwargs)


class JobRun(models.Model):
    """One run of a scheduled job (Celery beat task or its management command).

    `/health/` and the admin show when each job last succeeded; the jobs write a row at
    start and complete it at the end. While it runs, a thread of the job writes
    `heartbeat_at` every JOB_HEARTBEAT_SECONDS; a run killed halfway stops beating and is
    marked failed ("process died") after JOB_DEAD_AFTER_SECONDS (samen.jobs).
    """

    class Outcome(models.TextChoices):
        RUNNING = "running", _("running")
        SUCCEEDED = "succeeded", _("succeeded")
        FAILED = "failed", _("failed")

    job = models.CharField(_("job"), max_length=100)
    run_date = models.DateField(_("run for date"), help_text=_("The date the job ran for."))
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(
        _("last sign of life"),
        null=True,
        blank=True,
        help_text=_("Written by the running job every JOB_HEARTBEAT_SECONDS."),
    )
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=Outcome.choices, default=Outcome.RUNNING
    )
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("job run")
        verbose_name_plural = _("job runs")
        ordering = ["-started_at"]
        indexes = [
            # "When did job X last succeed?" (/health/, the admin).
            models.Index(fields=["job", "outcome", "-started_at"], name="jobrun_last_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(finished_at__isnull=True)
                | models.Q(finished_at__gte=models.F("started_at")),
                name="jobrun_finished_after_started",
            ),
            models.CheckConstraint(
                condition=~models.Q(outcome="running") | models.Q(finished_at__isnull=True),
                name="jobrun_running_not_finished",
            ),
            models.CheckConstraint(
                condition=models.Q(heartbeat_at__isnull=True)
                | models.Q(heartbeat_at__gte=models.F("started_at")),
                name="jobrun_heartbeat_after_started",
            ),
        ]

    def __str__(self):
        return f"{self.job} {self.run_date} ({self.get_outcome_display()})"
