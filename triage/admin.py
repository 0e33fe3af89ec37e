from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import OpenHouseException


@admin.register(OpenHouseException)
class OpenHouseExceptionAdmin(SimpleHistoryAdmin):
    """Exceptions and the municipality's decisions (no client data shown)."""

    list_display = ("product", "approval", "decided_by", "decided_on")
    list_filter = ("approval", "product")
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
