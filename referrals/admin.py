from django import forms
from django.contrib import admin
from django.db import transaction
from django.db.models import Count
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samen.admin_tools import OfficialAdmin

from .models import Product, ReferrerOrganisation, ReferrerType, RoutePhase

# The confirmation lists at most this many request numbers (the counts are always whole).
NUMBERS_SHOWN = 200


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

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """A change of the actual opening date on or before today shows first which
        requests it touches (counts per team, request numbers: no child's data) and asks to
        confirm; the confirmation page posts the same values with `_confirm_opening`."""
        if request.method == "POST" and object_id and "_confirm_opening" not in request.POST:
            page = self._opening_confirmation(request, object_id)
            if page is not None:
                return page
        return super().changeform_view(request, object_id, form_url, extra_context)

    def _opening_confirmation(self, request, object_id):
        # intake depends on referrals, not the other way round: asked here, at the moment
        # an official changes the table, about the requests registered under it.
        from intake.selectors import requests_touched_by_opening

        phase = RoutePhase.objects.filter(pk=object_id).first()
        if phase is None or not self.has_change_permission(request, phase):
            return None
        old = phase.opened_on
        form = self.get_form(request, phase, change=True)(request.POST, instance=phase)
        with transaction.atomic():  # the form's version check locks the row
            if not form.is_valid():
                return None
        new = form.cleaned_data.get("opened_on")
        today = timezone.localdate()
        if new == old or not any(day and day <= today for day in (old, new)):
            return None
        touched = requests_touched_by_opening(phase.referrer_type, old, new)
        per_team = list(
            touched.values_list("team__name").annotate(n=Count("id")).order_by("team__name")
        )
        numbers = list(touched.order_by("pk").values_list("pk", flat=True)[: NUMBERS_SHOWN + 1])
        hidden = [
            (name, value)
            for name in request.POST
            if name != "csrfmiddlewaretoken"
            for value in request.POST.getlist(name)
        ]
        return TemplateResponse(
            request,
            "admin/referrals/routephase/confirm_opening.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "phase": phase,
                "title": _("Change the actual opening of %(route)s?") % {"route": phase},
                "old": old,
                "new": new,
                "per_team": per_team,
                "total": sum(n for _team, n in per_team),
                "numbers": numbers[:NUMBERS_SHOWN],
                "more_numbers": len(numbers) > NUMBERS_SHOWN,
                "hidden": hidden,
            },
        )
