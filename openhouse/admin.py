from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from indications import services

from .models import Provider, ProviderMembership


class MembershipInline(admin.TabularInline):
    model = ProviderMembership
    extra = 0
    autocomplete_fields = ("user",)


@admin.register(Provider)
class ProviderAdmin(SimpleHistoryAdmin):
    """Providers. Recording a stop (status + date) flags its running indications for WIJ."""

    list_display = ("name", "agb_code", "status", "stops_on", "contact_email")
    list_filter = ("status",)
    search_fields = ("name", "agb_code")
    filter_horizontal = ("products",)
    inlines = [MembershipInline]

    def save_model(self, request, obj, form, change):
        stopping = change and {"status", "stops_on"} & set(form.changed_data) and obj.stops_on
        super().save_model(request, obj, form, change)
        if stopping:
            counts = services.provider_stop(provider=obj, stops_on=obj.stops_on, user=request.user)
            self.message_user(
                request, f"{counts['tasks']} WIJ-taken gemaakt voor de gezinnen van deze aanbieder."
            )
