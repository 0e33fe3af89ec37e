from django.contrib import admin

from samen.admin_tools import OfficialAdmin

from .models import Client, PostcodeArea, SupportRequest, Team, TeamMember


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
class TeamMemberAdmin(OfficialAdmin):
    list_display = ("user", "team")
    list_filter = ("team",)
    search_fields = ("user__username", "user__first_name", "user__last_name")
    list_select_related = ("user", "team")
    autocomplete_fields = ("user", "team")


# Clients and requests: only for superusers (officials have no permission on them; they
# see aggregates in the reports). Read-only history for audits.
@admin.register(Client)
class ClientAdmin(OfficialAdmin):
    list_display = ("last_name", "first_name", "date_of_birth", "team")
    search_fields = ("last_name", "first_name", "bsn")
    list_select_related = ("team",)


@admin.register(SupportRequest)
class SupportRequestAdmin(OfficialAdmin):
    list_display = ("pk", "household", "team", "status", "received_at", "contact_deadline")
    list_filter = ("status", "team", "referrer_type")
    list_select_related = ("household", "team")
    raw_id_fields = ("household", "clients", "referrer_organisation")
