from django.contrib import admin

from .admin_tools import OfficialModelAdmin, ReadOnlyAdminMixin
from .models import JobRun


@admin.register(JobRun)
class JobRunAdmin(ReadOnlyAdminMixin, OfficialModelAdmin):
    """Read-only: runs are written by the jobs themselves."""

    list_display = ("job", "run_date", "started_at", "finished_at", "outcome", "counts")
    list_filter = ("job", "outcome")
    date_hierarchy = "started_at"
