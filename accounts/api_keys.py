"""Services for API keys (API-sleutels): making one revokes the user's earlier keys."""

from django.db import transaction

from .models import ApiToken


@transaction.atomic
def api_key_renew(user) -> tuple[ApiToken, str]:
    """Revoke the user's keys and make a new one; the key itself is returned only here
    (only its hash is stored) and shown once."""
    ApiToken.objects.filter(user=user).delete()
    return ApiToken.objects.create(user=user)


def api_key_current(user) -> ApiToken | None:
    return ApiToken.objects.filter(user=user).order_by("-created").first()
