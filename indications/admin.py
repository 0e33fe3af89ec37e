from django.contrib import admin
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from samen.admin_tools import (
    BigTableAdminMixin,
    OfficialAdmin,
    OfficialModelAdmin,
    ReadOnlyAdminMixin,
)

from .models import ExtensionRequest, Indication, ProviderNotice, Task


class EndFilter(admin.SimpleListFilter):
    """An open end (no end date: never flagged) or an end date."""

    title = _("end")
    parameter_name = "einde"

    def lookups(self, request, model_admin):
        return [("open", _("open end")), ("datum", _("with an end date"))]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.filter(end_on__isnull=True)
        if self.value() == "datum":
            return queryset.filter(end_on__isnull=False)
        return queryset


@admin.register(Indication)
class IndicationAdmin(BigTableAdminMixin, ReadOnlyAdminMixin, OfficialAdmin):
    """Indications for policy officials: number, product, financing (ZIN/PGB), provider,
    team and dates; the child only as a reference number, and never a PGB's budget holder
    (a person's name). Importing and deciding is the youth administration's work, on its
    own pages (/jeugdadministratie/)."""

    history_about_a_child = True

    list_display = (
        "__str__",
        "product",
        "financing",
        "provider",
        "start_on",
        "end",
        "status",
        "flagged_on",
        "evaluation_due_on",
    )
    list_filter = (
        "status",
        "financing",
        EndFilter,
        "product",
        "referrer_type",
        "client__team",
    )
    # Not by provider's name (a join and a scan of every indication): by its AGB code or
    # the product code, exactly.
    search_fields = ("provider__agb_code__exact", "product__code__exact")
    list_select_related = ("product", "provider")
    # No budget_holder: officials see no person's name (decision 33).
    fields = (
        "child_reference",
        "team",
        "product",
        "financing",
        "provider",
        "referrer_type",
        "start_on",
        "end",
        "evaluation_due_on",
        "status",
        "end_reason",
        "preceded_by",
        "flagged_on",
        "handled_on",
    )
    readonly_fields = fields

    def child_reference(self, obj):
        return obj.client_id

    child_reference.short_description = _("child (reference number)")

    @admin.display(description=_("end"), ordering="end_on")
    def end(self, obj):
        return date_format(obj.end_on, "SHORT_DATE_FORMAT") if obj.end_on else _("open end")

    def team(self, obj):
        return obj.client.team.name

    team.short_description = _("WIJ team")


@admin.register(ExtensionRequest)
class ExtensionRequestAdmin(BigTableAdminMixin, ReadOnlyAdminMixin, OfficialAdmin):
    """Extension requests, read-only for officials (figures, not files): the youth
    administration decides them on its own pages. The weighing is free text about a
    child, so it is not shown here."""

    history_about_a_child = True

    list_display = ("indication", "requested_on", "requested_by", "decision", "decided_on")
    list_filter = ("decision", "requested_by", "indication__product")
    fields = ("indication", "requested_on", "requested_by", "decision", "decided_on")
    readonly_fields = fields
    list_select_related = ("indication__product", "indication__provider")


@admin.register(Task)
class TaskAdmin(BigTableAdminMixin, ReadOnlyAdminMixin, OfficialAdmin):
    """Tasks as figures: how and when they were done, never the worker's note (it is about
    a child), nor its history (which holds the note)."""

    history_about_a_child = True

    list_display = ("kind", "team", "for_end_on", "due_on", "done_on", "done_how")
    list_filter = ("kind", "team", ("done_on", admin.EmptyFieldListFilter), "done_how")
    autocomplete_fields = ("team",)
    # The row's label (Task.__str__, the action checkbox's) names the indication or trajectory.
    list_select_related = ("team", "indication__product", "trajectory")
    fields = (
        "kind",
        "indication",
        "trajectory",
        "team",
        "for_end_on",
        "due_on",
        "done_on",
        "done_how",
    )
    readonly_fields = fields


@admin.register(ProviderNotice)
class ProviderNoticeAdmin(BigTableAdminMixin, OfficialModelAdmin):
    list_display = (
        "provider",
        "kind",
        "for_end_on",
        "due_on",
        "created_at",
        "emailed_at",
        "read_at",
    )
    list_filter = ("kind", ("read_at", admin.EmptyFieldListFilter))
    search_fields = ("provider__agb_code__exact",)
    # The row's label (ProviderNotice.__str__, the action checkbox's) names the indication.
    list_select_related = ("provider", "indication__product")
    readonly_fields = ("indication",)
    raw_id_fields = ("provider",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
