from django import forms
from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samen.admin_tools import OfficialAdmin

from .models import Product, ReferrerOrganisation, ReferrerType, RoutePhase


@admin.register(Product)
class ProductAdmin(OfficialAdmin):
    list_display = (
        "code",
        "name",
        "category",
        "moves_on",
        "open_house_closes_on",
        "in_basis_today",
        "open_house_open_today",
    )
    list_filter = ("category", "moves_on")
    search_fields = ("code", "name")
    readonly_fields = ("category",)

    @admin.display(boolean=True, description=_("in Basis jeugdhulp today"))
    def in_basis_today(self, obj):
        return obj.in_basis_jeugdhulp_on(timezone.localdate())

    @admin.display(boolean=True, description=_("Open House open today"))
    def open_house_open_today(self, obj):
        return obj.open_house_open_on(timezone.localdate())


@admin.register(ReferrerOrganisation)
class ReferrerOrganisationAdmin(OfficialAdmin):
    list_display = ("name", "referrer_type", "agb_code", "city", "active")
    list_filter = ("referrer_type", "active")
    search_fields = ("name", "agb_code", "city")


class RoutePhaseForm(forms.ModelForm):
    class Meta:
        model = RoutePhase
        fields = ("referrer_type", "planned_on", "opened_on", "decided_by", "decided_on", "note")


@admin.register(RoutePhase)
class RoutePhaseAdmin(OfficialAdmin):
    """The phasing table. A change of the actual opening needs a new note (RoutePhase.clean);
    who changed what and when is in the history view."""

    form = RoutePhaseForm
    list_display = (
        "referrer_type_code",
        "referrer_type",
        "planned_on",
        "opened_on",
        "open_today",
        "decided_by",
        "decided_on",
    )
    ordering = ("referrer_type",)
    readonly_fields = ("referrer_type",)

    @admin.display(description=_("code (COD327)"), ordering="referrer_type")
    def referrer_type_code(self, obj):
        return obj.referrer_type

    @admin.display(boolean=True, description=_("open today"))
    def open_today(self, obj):
        return obj.is_open_on(timezone.localdate())

    def get_readonly_fields(self, request, obj=None):
        return ("referrer_type",) if obj else ()

    def has_add_permission(self, request):
        # One row per route: only a route missing from the table can be added.
        existing = RoutePhase.objects.values_list("referrer_type", flat=True)
        missing = set(ReferrerType.values) - set(existing)
        return bool(missing) and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False
