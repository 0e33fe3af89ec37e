from django.conf import settings

from .navigation import navigation_for
from .roles import ROLE_LABELS, WIJ_ROLES, user_role


def navigation(request):
    """The header's user and role, and the navigation for that role."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    role = user_role(user)
    return {
        "nav_items": navigation_for(user, request.path),
        "user_role": role,
        "user_role_label": ROLE_LABELS.get(role, ""),
        # The search field in the header (intake.views.search): the roles that open files.
        "can_search": role in WIJ_ROLES,
        # For the page's idle warning (samen/js/session.js).
        "session_idle_seconds": settings.SESSION_IDLE_MINUTES * 60,
    }
