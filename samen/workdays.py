"""Working days: weekends and Dutch public holidays are not working days.

Bevrijdingsdag (5 May) is a national holiday every year, but most collective agreements
give the day off only every fifth year (2025, 2030, ...), and that is what the `holidays`
package counts by default. Which one WIJ follows is the setting `LIBERATION_DAY_OFF`
("lustrum", the default, or "yearly"); see .env.example and docs/decisions.md.
"""

import datetime
import functools

import holidays
from django.conf import settings


@functools.cache
def _holidays(year: int, liberation_day: str) -> frozenset[datetime.date]:
    days = set(holidays.Netherlands(years=year, categories=("public",)).keys())
    if liberation_day == "yearly":
        days.add(datetime.date(year, 5, 5))
    return frozenset(days)


def is_working_day(day: datetime.date) -> bool:
    if day.weekday() >= 5:
        return False
    return day not in _holidays(day.year, settings.LIBERATION_DAY_OFF)


def add_working_days(start: datetime.date, count: int) -> datetime.date:
    """The date `count` working days after `start` (start itself not counted)."""
    day = start
    remaining = count
    while remaining > 0:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    count, day = 0, start
    while day < end:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count
