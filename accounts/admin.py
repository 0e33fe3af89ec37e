"""The sign-in records in the admin: for superusers only, never a secret.

django-otp's own admin shows a device's TOTP key and its QR code (config and qrcode pages)
to whoever may open the admin; axes' shows every failed login of every colleague. Here a
superuser sees which devices exist and may delete one (a user who lost telephone and
recovery codes: the next sign-in sets up a new app), and sees the lockouts; the municipality's
officials, who use the admin for the phasing table and products, see none of it.
"""

from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice


class SuperusersOnly:
    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


class DeviceAdmin(SuperusersOnly, admin.ModelAdmin):
    """Authenticator apps and recovery-code sets: who has one, since when; no key."""

    list_display = ["user", "name", "confirmed", "created_at", "last_used_at"]
    fields = ["user", "name", "confirmed", "created_at", "last_used_at"]
    readonly_fields = fields
    search_fields = ["user__username"]
    list_select_related = ["user"]


for model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, DeviceAdmin)

for model, model_admin in (
    (AccessAttempt, AccessAttemptAdmin),
    (AccessLog, AccessLogAdmin),
    (AccessFailureLog, AccessFailureLogAdmin),
):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, type(model_admin.__name__, (SuperusersOnly, model_admin), {}))
