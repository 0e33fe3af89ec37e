from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from samen.admin_tools import BigTableAdminMixin, OfficialModelAdmin, ReadOnlyAdminMixin

from . import services
from .models import OutboxMessage

# Recipients (e-mail addresses of people) and the error text (which may quote them) are
# person data: only superusers see them. Officials see the state of the outbox.
PERSON_DATA = ("recipients", "last_error")


@admin.action(description=_("Send again"), permissions=["resend"])
def send_again(modeladmin, request, queryset):
    for message in queryset.filter(status=OutboxMessage.Status.FAILED):
        services.message_resend(message_id=message.pk)
    messages.success(request, _("The selected failed messages are pending again."))


@admin.register(OutboxMessage)
class OutboxMessageAdmin(BigTableAdminMixin, ReadOnlyAdminMixin, OfficialModelAdmin):
    """Read-only: messages are written by the services that cause them."""

    list_display = ("pk", "kind", "status", "attempts", "created_at", "next_attempt_at", "sent_at")
    list_filter = ("status", "kind")

    def get_fields(self, request, obj=None):
        fields = [
            "uuid", "kind", "status", "attempts", "created_at", "next_attempt_at", "sent_at",
            "from_email", "subject", "body", "recipients", "last_error",
        ]  # fmt: skip
        if request.user.is_superuser:
            return fields
        return [f for f in fields if f not in PERSON_DATA]

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)

    actions = [*OfficialModelAdmin.actions, send_again]

    def has_resend_permission(self, request):
        return request.user.is_superuser
