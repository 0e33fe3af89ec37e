from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from .roles import OFFICIAL, user_role


class SamenAdminSite(admin.AdminSite):
    """The Django admin, for municipality officials (group `gemeente`) and superusers.

    `is_staff` alone is not enough: a provider account that was made staff by mistake
    still cannot open the admin.
    """

    site_header = _("Basis jeugdhulp – management")
    site_title = _("Basis jeugdhulp")
    index_title = _("Management for the municipality")

    def has_permission(self, request):
        user = request.user
        if not (user.is_active and user.is_staff):
            return False
        return user.is_superuser or user_role(user) == OFFICIAL

    def login(self, request, extra_context=None):
        """One login page for the whole system; a signed-in user without access gets 403."""
        if request.user.is_authenticated:
            raise PermissionDenied
        return redirect_to_login(request.GET.get("next", request.path))
