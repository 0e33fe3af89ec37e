"""What every admin page for officials shares: a CSV export of the selected rows (as the
list shows them), no full-table COUNT(*) on big tables, read-only history, and the
version check that keeps two officials from overwriting each other's edits."""

import csv
import datetime
import json

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets, label_for_field, lookup_field
from django.contrib.admin.views.main import ERROR_FLAG
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import EmptyResultSet, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.utils.functional import cached_property
from django.utils.html import strip_tags
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .dates import in_range
from .spreadsheets import safe_cell, safe_row


class EstimatedCountPaginator(Paginator):
    """An unfiltered list of a big table takes its count from PostgreSQL's statistics
    (pg_class.reltuples, kept by autovacuum/ANALYZE) instead of a COUNT(*) over every
    row; a filtered one from the planner's estimate of its rows (EXPLAIN, no rows read)
    when that estimate is large: counting a million matching rows exactly costs a second
    at national scale (issue 21). Small results and SQLite count exactly."""

    exact_below = 50_000

    @cached_property
    def count(self):
        queryset = self.object_list
        if connection.vendor == "postgresql":
            estimate = _estimated_rows(queryset)
            if estimate is not None and estimate >= self.exact_below:
                return estimate
        return super().count


def _estimated_rows(queryset) -> int | None:
    if queryset.query.is_empty():
        return 0
    with connection.cursor() as cursor:
        if not queryset.query.where:
            cursor.execute(
                "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
                [queryset.model._meta.db_table],
            )
            row = cursor.fetchone()
            return int(row[0]) if row else None
        try:
            sql, params = queryset.order_by().values("pk").query.sql_with_params()
        except EmptyResultSet:
            # A filter no row can match (an id past the largest integer): Django answers
            # such a query without asking the database, and so does the estimate.
            return 0
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


@admin.action(description=_("Export selected as CSV"))
def export_as_csv(modeladmin, request, queryset):
    """The selected rows with the columns of the list, as displayed (semicolons and a
    byte-order mark, as Dutch Excel expects); no cell becomes a live formula."""
    fields = [f for f in modeladmin.get_list_display(request) if f != "action_checkbox"]
    model = modeladmin.model
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{model._meta.model_name}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";", lineterminator="\r\n")
    writer.writerow(safe_row(capfirst(str(label_for_field(f, model, modeladmin))) for f in fields))
    related = modeladmin.get_list_select_related(request)
    if related is True:
        queryset = queryset.select_related()
    elif related:
        queryset = queryset.select_related(*related)
    for obj in queryset.iterator(chunk_size=2000):
        row = []
        for name in fields:
            _field, _attr, value = lookup_field(name, obj, modeladmin)
            if value is None:
                value = ""
            elif isinstance(value, bool):
                value = _("yes") if value else _("no")
            row.append(safe_cell(strip_tags(str(value))))
        writer.writerow(row)
    return response


VERSION_FIELD = "seen_version"


def is_versioned(model) -> bool:
    return any(field.name == "version" for field in model._meta.concrete_fields)


def version_checked_form(base):
    """`base` (an admin's ModelForm) with the version the page showed in a hidden field.

    clean() locks the row (SELECT ... FOR UPDATE; the admin's change view runs in one
    transaction, so the lock holds until the save) and refuses the save when the row's
    version moved on since the page was opened: two officials editing the same record,
    or a job that changed it meanwhile. The form comes back with the official's input and
    the stale version, so saving again is refused until the page is reloaded."""

    class VersionCheckedForm(base):
        seen_version = forms.IntegerField(
            label=_("Version seen"), widget=forms.HiddenInput, required=False
        )

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            if self.instance.pk is not None:
                self.fields[VERSION_FIELD].initial = self.instance.version

        def clean(self):
            cleaned_data = super().clean()
            if self.instance.pk is not None:
                current = (
                    type(self.instance)
                    ._base_manager.select_for_update()
                    .filter(pk=self.instance.pk)
                    .values_list("version", flat=True)
                    .first()
                )
                if current is None or current != cleaned_data.get(VERSION_FIELD):
                    raise ValidationError(
                        _(
                            "Someone else changed this record after you opened it; nothing "
                            "was saved. Reload the page to see their changes, then make "
                            "yours again."
                        ),
                        code="stale_version",
                    )
            return cleaned_data

    VersionCheckedForm.__name__ = base.__name__
    return VersionCheckedForm


class VersionCheckedAdminMixin:
    """Optimistic locking in the admin for every model with a `version` (samen.models.
    Versioned), the same rule as the WIJ screens (docs/decisions.md, 16): the change form
    carries the version it showed and a stale save is refused with a message."""

    def _checks_version(self, request, obj) -> bool:
        return (
            obj is not None
            and is_versioned(self.model)
            and self.has_change_permission(request, obj)
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        if self._checks_version(request, obj) and "form" not in kwargs:
            kwargs["form"] = version_checked_form(self.form)
        return super().get_form(request, obj, change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if self._checks_version(request, obj) and VERSION_FIELD not in flatten_fieldsets(fieldsets):
            (name, options), *rest = fieldsets
            fieldsets = [(name, {**options, "fields": [*options["fields"], VERSION_FIELD]}), *rest]
        return fieldsets


DATE_PARTS = ("__year", "__month", "__day")


def date_drilldown_usable(query, field: str) -> bool:
    """Whether the admin's date drill-down (`?<field>__year=&__month=&__day=`) names a day
    within the accepted range. Django computes the end of the chosen year, month or day
    itself and fails with a server error past year 9999 (or on a 20-digit year)."""
    parts = [query.get(f"{field}__{unit}") for unit in ("year", "month", "day")]
    if not any(parts):
        return True
    if not all(p.isascii() and p.isdigit() and len(p) <= 4 for p in parts if p):
        return False
    year, month, day = (int(p) if p else 1 for p in parts)
    try:
        return in_range(datetime.date(year, month, day))
    except ValueError:
        return False


class ReadOnlyAdminMixin:
    """Shown, never added, changed or deleted in the admin: what jobs and services write."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class SafeAutocompleteSelect(AutocompleteSelect):
    """Django's autocomplete widget looks up the submitted value to show it again after an
    error, and fails with a server error when that value is no id at all ("abc"). Values
    that are not ids are left out: the form already says the choice is not valid."""

    def optgroups(self, name, value, attr=None):
        target = self.field.target_field
        usable = []
        for item in value:
            try:
                target.to_python(item)
            except ValidationError:
                continue
            usable.append(item)
        return super().optgroups(name, usable, attr)


class SafeAutocompleteMixin:
    """For admins and inlines with `autocomplete_fields`: the widget above."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class OfficialAdminMixin(SafeAutocompleteMixin, VersionCheckedAdminMixin):
    """Exact counts only where cheap, the CSV export of selected rows, the version check
    on every change form, and a date drill-down that cannot break the list."""

    paginator = EstimatedCountPaginator
    show_full_result_count = False
    actions = [export_as_csv]
    list_per_page = 50

    def changelist_view(self, request, extra_context=None):
        # The drill-down's fields, and any date typed into the URL by hand (a list without
        # a drill-down still takes `?end_on__year=`).
        fields = {key.rsplit("__", 1)[0] for key in request.GET if key.endswith(DATE_PARTS)}
        if self.date_hierarchy:
            fields.add(self.date_hierarchy)
        if not all(date_drilldown_usable(request.GET, field) for field in fields):
            # As Django answers any filter it cannot use: the list again, with its notice.
            return HttpResponseRedirect(f"{request.path}?{ERROR_FLAG}=1")
        return super().changelist_view(request, extra_context)


class OfficialAdmin(OfficialAdminMixin, SimpleHistoryAdmin):
    """For records with history: shown, never reverted. SIMPLE_HISTORY_REVERT_DISABLED
    only hides the revert button; a POST to an old version would still save it."""

    # Records about a child: their history would show changed fields (free-text weighing,
    # linked records' labels) that officials must not see; only superusers get it.
    history_about_a_child = False

    def history_view(self, request, object_id, extra_context=None):
        if not str(object_id).isdigit():
            raise Http404
        if self.history_about_a_child and not request.user.is_superuser:
            raise PermissionDenied
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class OfficialModelAdmin(OfficialAdminMixin, admin.ModelAdmin):
    """For records without history (written by jobs)."""


class BigTableAdminMixin:
    """For tables that reach millions of rows at national scale (issue 21): newest first by
    the primary key (its index serves the page at once), no sorting by another column
    (each would sort every row for one page), no date drill-down (its year list reads the
    whole table). Each admin also names its foreign keys in `list_select_related` and
    gives a big table's keys `raw_id_fields` or `autocomplete_fields` on the change form;
    a list filter lists a few choices, never a big table."""

    ordering = ("-pk",)
    sortable_by = ()
    date_hierarchy = None
