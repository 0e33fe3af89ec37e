import functools

from django.core.exceptions import PermissionDenied

from .roles import user_has_role


def role_required(*roles: str):
    """Only users with one of these roles; everyone else (signed in) gets 403."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if not user_has_role(request.user, *roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
