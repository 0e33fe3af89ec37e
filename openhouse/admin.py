from django.contrib import admin
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from indications import services
from indications.models import Indication
from samen.admin_tools import OfficialAdmin, SafeAutocompleteMixin

from .models import Provider, ProviderMembership

RUNNING = Indication.RUNNING


class MembershipInline(SafeAutocompleteMixin, admin.TabularInline):
    model = ProviderMembership
    extra = 0
    autocomplete_fields = ("user",)


@admin.register(Provider)
class ProviderAdmin(OfficialAdmin):
    """Providers. Recording a stop (status + date) flags its running indications for WIJ."""

    list_display = ("name", "agb_code", "status", "stops_on", "running", "contact_email")
    list_filter = ("status", "products")
    search_fields = ("name", "agb_code")
    filter_horizontal = ("products",)
    inlines = [MembershipInline]

    def get_queryset(self, request):
        # Counted per provider on the page (a subquery on the partial index
        # indication_run_provider_idx), not grouped over every indication; not
        # sortable: sorting would count them all.
        running = (
            Indication.objects.filter(provider=OuterRef("pk"), status__in=RUNNING)
            .order_by()
            .values("provider")
            .annotate(n=Count("*"))
            .values("n")
        )
        return (
            super()
            .get_queryset(request)
            .annotate(running_count=Coalesce(Subquery(running, output_field=IntegerField()), 0))
        )

    @admin.display(description=_("running indications"))
    def running(self, obj):
        return obj.running_count

    def save_model(self, request, obj, form, change):
        stopping = change and {"status", "stops_on"} & set(form.changed_data) and obj.stops_on
        super().save_model(request, obj, form, change)
        if stopping:
            counts = services.provider_stop(provider=obj, stops_on=obj.stops_on, user=request.user)
            self.message_user(
                request,
                gettext("%(count)s WIJ tasks made for this provider's families.")
                % {"count": counts["tasks"]},
            )
