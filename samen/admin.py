from django.contrib import admin

from .admin_tools import OfficialModelAdmin
from .models import JobRun


@admin.register(JobRun)
class JobRunAdmin(OfficialModelAdmin):
    """Read-only: runs are written by the jobs themselves."""

    list_display = ("job", "run_date", "started_at", "finished_at", "outcome", "counts")
    list_filter = ("job", "outcome")
    date_hierarchy = "started_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
