"""Read-only admin for superusers (support and audits): the youth administration works on
its own pages (/jeugdadministratie/berichten/), officials see figures only. Nothing is
added, changed or deleted here: the register is what was sent and received."""

from django.contrib import admin

from samen.admin_tools import BigTableAdminMixin, EstimatedCountPaginator

from .models import AllocationRequest, Message


class SuperuserReadOnly(admin.ModelAdmin):
    paginator = EstimatedCountPaginator
    show_full_result_count = False

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Message)
class MessageAdmin(BigTableAdminMixin, SuperuserReadOnly):
    list_display = (
        "message_type",
        "identification",
        "direction",
        "sender",
        "receiver",
        "status",
        "received_at",
    )
    list_filter = ("direction", "message_type", "status")
    search_fields = ("identification__exact",)
    list_select_related = ("provider",)
    raw_id_fields = (
        "provider",
        "client",
        "indication",
        "in_reply_to",
        "duplicate_of",
        "registered_by",
    )


@admin.register(AllocationRequest)
class AllocationRequestAdmin(BigTableAdminMixin, SuperuserReadOnly):
    list_display = (
        "id",
        "kind",
        "provider",
        "product_code",
        "proposed_route",
        "route",
        "status",
        "answer_due_on",
    )
    list_filter = ("kind", "status", "proposed_route", "route")
    list_select_related = ("provider",)
    raw_id_fields = (
        "message",
        "provider",
        "client",
        "product",
        "indication",
        "team",
        "decided_by",
        "support_request",
        "extension",
        "answer",
    )
