from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from samen.admin_tools import BigTableAdminMixin, OfficialAdmin
from samen.identifiers import search_form

from .models import Client, PostcodeArea, SupportRequest, Team, TeamMember

# A longer admin search is no BSN nor a name.
SEARCH_MAX = 100


class PostcodeAreaInline(admin.TabularInline):
    model = PostcodeArea
    extra = 1


@admin.register(Team)
class TeamAdmin(OfficialAdmin):
    """WIJ teams and the postcode areas they serve (officials keep the real borders)."""

    list_display = ("name", "active")
    list_filter = ("active",)
    search_fields = ("name",)
    inlines = [PostcodeAreaInline]


@admin.register(PostcodeArea)
class PostcodeAreaAdmin(OfficialAdmin):
    list_display = ("digits", "team")
    list_filter = ("team",)
    search_fields = ("digits", "team__name")
    list_select_related = ("team",)
    autocomplete_fields = ("team",)


@admin.register(TeamMember)
class TeamMemberAdmin(BigTableAdminMixin, OfficialAdmin):
    list_display = ("user", "team")
    list_filter = ("team",)
    search_fields = ("user__username", "user__first_name", "user__last_name")
    list_select_related = ("user", "team")
    autocomplete_fields = ("user", "team")


# Clients and requests: only for superusers (officials have no permission on them; they
# see aggregates in the reports). Read-only history for audits.
@admin.register(Client)
class ClientAdmin(BigTableAdminMixin, OfficialAdmin):
    list_display = ("last_name", "first_name", "date_of_birth", "team")
    list_filter = ("team",)
    # get_search_results searches these its own way (a BSN exactly, names by search_name).
    search_fields = ("search_name", "bsn")
    search_help_text = _("A BSN (8 or 9 digits) exactly, or part of a name.")
    list_select_related = ("team",)
    autocomplete_fields = ("team",)

    def get_search_results(self, request, queryset, search_term):
        """A BSN is one row of the unique index (`bsn = …`), never `LIKE '%…%'` over a
        million clients; a name goes through the trigram index on search_name, in the
        search's own form (lower case, no diacritics)."""
        term = search_term.strip()
        if not term:
            return queryset, False
        if "\x00" in term or len(term) > SEARCH_MAX:
            return queryset.none(), False
        digits = term.replace(" ", "").replace(".", "")
        if digits.isascii() and digits.isdigit():
            if len(digits) in (8, 9):
                return queryset.filter(bsn=digits.zfill(9)), False
            return queryset.none(), False
        return queryset.filter(search_name__contains=search_form(term)), False


@admin.register(SupportRequest)
class SupportRequestAdmin(BigTableAdminMixin, OfficialAdmin):
    list_display = ("pk", "household", "team", "status", "received_at", "contact_deadline")
    list_filter = ("status", "team", "referrer_type")
    list_select_related = ("household", "team")
    # Newest first: the index request_received_idx (-received_at, -id).
    ordering = ("-received_at", "-id")
    raw_id_fields = (
        "household",
        "clients",
        "referrer_organisation",
        "assigned_worker",
        "registered_by",
    )
    autocomplete_fields = ("team",)
