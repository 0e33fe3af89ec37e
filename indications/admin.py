from django.contrib import admin
from django.core.exceptions import ValidationError
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .models import ExtensionRequest, Indication, ProviderNotice, Task


@admin.register(Indication)
class IndicationAdmin(SimpleHistoryAdmin):
    list_display = (
        "product",
        "provider",
        "start_on",
        "end_on",
        "status",
        "flagged_on",
        "evaluation_due_on",
    )
    list_filter = ("status", "product", "referrer_type")
    search_fields = ("provider__name", "provider__agb_code", "product__code")
    list_select_related = ("product", "provider")
    raw_id_fields = ("client", "follow_up_request")
    autocomplete_fields = ("provider",)
    readonly_fields = ("evaluation_due_on", "flagged_on")
    date_hierarchy = "end_on"
    show_full_result_count = False


@admin.register(ExtensionRequest)
class ExtensionRequestAdmin(SimpleHistoryAdmin):
    """Extension requests; a decision goes through the same service as everywhere."""

    list_display = ("indication", "requested_on", "requested_by", "decision", "decided_by")
    list_filter = ("decision", "requested_by")
    raw_id_fields = ("indication",)
    readonly_fields = ("decided_by", "decided_on")
    list_select_related = ("indication__product", "indication__client", "decided_by")

    def save_model(self, request, obj, form, change):
        deciding = (
            change
            and "decision" in form.changed_data
            and obj.decision != ExtensionRequest.Decision.PENDING
        )
        if not deciding:
            return super().save_model(request, obj, form, change)
        try:
            services.extension_decide(
                request_id=obj.pk,
                decision=obj.decision,
                weighing=obj.weighing,
                new_end_on=obj.new_end_on,
                user=request.user,
            )
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), level="error")
        return None


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ("kind", "team", "due_on", "done_on")
    list_filter = ("kind", "team")
    list_select_related = ("team",)
    raw_id_fields = ("indication",)


@admin.register(ProviderNotice)
class ProviderNoticeAdmin(admin.ModelAdmin):
    list_display = ("provider", "kind", "due_on", "created_at", "emailed_at", "read_at")
    list_filter = ("kind",)
    list_select_related = ("provider",)
    raw_id_fields = ("indication",)

    def has_change_permission(self, request, obj=None):
        return False
