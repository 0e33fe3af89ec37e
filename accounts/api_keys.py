"""Services for API keys (API-sleutels): a new key ends the user's earlier keys, the one in
use after a grace period (API_KEY_GRACE_HOURS) so that the provider's system can switch."""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from .models import ApiToken


def api_key_grace_ends(
    now: datetime.datetime, current: ApiToken | None
) -> datetime.datetime | None:
    """Until when the current key works once a new one is made (never later than its own
    expiry); None when it stops at once (no grace, or no working key)."""
    if current is None or current.expired or settings.API_KEY_GRACE_HOURS <= 0:
        return None
    ends = now + datetime.timedelta(hours=settings.API_KEY_GRACE_HOURS)
    return min(ends, current.expiry) if current.expiry else ends


@transaction.atomic
def api_key_renew(user) -> tuple[ApiToken, str]:
    """Make a new key: the key in use keeps working until its grace ends, every older one
    (one already in its grace) stops now. The key itself is returned only here (only its
    hash is stored) and shown once."""
    # Lock the user: two renewals at once would otherwise each give the other's new key a
    # grace period, and two keys would stay in use.
    get_user_model().objects.select_for_update().get(pk=user.pk)
    now = timezone.now()
    current = api_key_current(user)
    grace_ends = api_key_grace_ends(now, current)
    older = ApiToken.objects.filter(user=user)
    if grace_ends is not None:
        older = older.exclude(pk=current.pk)
        ApiToken.objects.filter(pk=current.pk).update(expiry=grace_ends)
    older.delete()
    return ApiToken.objects.create(user=user)


def api_key_current(user) -> ApiToken | None:
    return ApiToken.objects.filter(user=user).order_by("-created").first()


def api_key_previous(user, now: datetime.datetime) -> ApiToken | None:
    """The previous key while it still works (in its grace period after a new key)."""
    current = api_key_current(user)
    if current is None:
        return None
    return (
        ApiToken.objects.filter(user=user, expiry__gt=now)
        .exclude(pk=current.pk)
        .order_by("-created")
        .first()
    )
