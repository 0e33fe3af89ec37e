from django.contrib import admin

from samen.admin_tools import OfficialAdmin

from .models import OpenHouseException


@admin.register(OpenHouseException)
class OpenHouseExceptionAdmin(OfficialAdmin):
    """Exceptions and the municipality's decisions (no client data shown)."""

    list_display = ("product", "approval", "decided_by", "decided_on")
    list_filter = ("approval", "product")
    date_hierarchy = "decided_on"
    list_select_related = ("product", "decided_by")
    readonly_fields = (
        "triage",
        "product",
        "approval",
        "decided_by",
        "decided_on",
        "decision_reasons",
    )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
