from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from samen.admin_tools import OfficialAdmin, OfficialModelAdmin

from . import services
from .importer import HEADER, import_indications_csv
from .models import ExtensionRequest, Indication, ProviderNotice, Task


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"), help_text=_("Header: %(header)s") % {"header": ",".join(HEADER)}
    )


@admin.register(Indication)
class IndicationAdmin(OfficialAdmin):
    change_list_template = "admin/indications/indication/change_list.html"

    list_display = (
        "product",
        "provider",
        "start_on",
        "end_on",
        "status",
        "flagged_on",
        "evaluation_due_on",
    )
    list_filter = ("status", "product", "referrer_type", "client__team", "provider")
    search_fields = ("provider__name", "provider__agb_code", "product__code")
    # The client for each row's label (the select box reads "Select ... <indication>").
    list_select_related = ("product", "provider", "client")
    raw_id_fields = ("client", "follow_up_request")
    autocomplete_fields = ("provider", "product")
    readonly_fields = ("evaluation_due_on", "flagged_on")
    date_hierarchy = "end_on"

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="indications_indication_import",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request):
        """The same import as `manage.py import_indications`: all or nothing."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ImportForm(request.POST or None, request.FILES or None)
        result = None
        if request.method == "POST" and form.is_valid():
            try:
                text = form.cleaned_data["file"].read().decode("utf-8-sig")
            except UnicodeDecodeError:
                form.add_error("file", _("The file is not UTF-8 text."))
            else:
                result = import_indications_csv(text)
                if result.ok:
                    self.message_user(
                        request,
                        _(
                            "Imported: %(created)s new indications, %(existing)s already known, %(clients)s new children."
                        )
                        % {
                            "created": result.created,
                            "existing": result.existing,
                            "clients": result.clients_created,
                        },
                    )
                    return redirect("admin:indications_indication_changelist")
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "result": result,
            "title": _("Import indications"),
            "opts": self.model._meta,
        }
        return render(request, "admin/indications/indication/import.html", context)


@admin.register(ExtensionRequest)
class ExtensionRequestAdmin(OfficialAdmin):
    """Extension requests; a decision goes through the same service as everywhere."""

    list_display = ("indication", "requested_on", "requested_by", "decision", "decided_by")
    list_filter = ("decision", "requested_by", "indication__product")
    date_hierarchy = "requested_on"
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
class TaskAdmin(OfficialModelAdmin):
    list_display = ("kind", "team", "due_on", "done_on")
    list_filter = ("kind", "team", ("done_on", admin.EmptyFieldListFilter))
    autocomplete_fields = ("team",)
    date_hierarchy = "due_on"
    list_select_related = ("team",)
    raw_id_fields = ("indication",)


@admin.register(ProviderNotice)
class ProviderNoticeAdmin(OfficialModelAdmin):
    list_display = ("provider", "kind", "due_on", "created_at", "emailed_at", "read_at")
    list_filter = ("kind", "provider", ("read_at", admin.EmptyFieldListFilter))
    search_fields = ("provider__name", "provider__agb_code")
    list_select_related = ("provider",)
    raw_id_fields = ("indication",)

    def has_change_permission(self, request, obj=None):
        return False
