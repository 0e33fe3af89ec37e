"""Figures counted ahead: a count too costly for every visit (seconds at national scale)
is made by a frequent beat task and kept in the cache (Redis) for the day; pages read it
and count themselves only when nothing is kept (a new day, an emptied cache). Used by
Aflopende indicaties and the forecast (decisions 128 and 141). Numbers only: no child in
what is kept."""

import datetime
from collections.abc import Callable

from django.core.cache import cache
from django.utils import timezone

# How long a count is kept: the beat counts again every quarter of an hour.
KEEP_SECONDS = 60 * 60


def _key(name: str, today: datetime.date) -> str:
    return f"{name}:{today.isoformat()}"


def count_and_keep(name: str, today: datetime.date, count: Callable[[], dict]) -> dict:
    """Count now, keep the figures with the time counted ("counted_at") for `today`."""
    counted = {**count(), "counted_at": timezone.now()}
    cache.set(_key(name, today), counted, KEEP_SECONDS)
    return counted


def kept_or_count(name: str, today: datetime.date, count: Callable[[], dict]) -> dict:
    """The figures as last counted for `today`, or counted (and kept) now."""
    counted = cache.get(_key(name, today))
    return counted if counted is not None else count_and_keep(name, today, count)
