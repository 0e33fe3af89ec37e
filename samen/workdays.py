"""Working days, in two calendars (docs/decisions.md, "The calendar").

- **WIJ's own calendar** (`Calendar.WIJ`, the default) for WIJ's norms, such as contacting a
  family within 5 working days: weekends and the Dutch public holidays of the `holidays`
  package, with two days where an employer decides otherwise as settings:
  - Bevrijdingsdag (5 May): `LIBERATION_DAY_OFF` — "lustrum" (every fifth year: 2025,
    2030, …, as most collective agreements and the package; the default) or "yearly";
  - Goede Vrijdag: `GOOD_FRIDAY_OFF` (default on, as the package counts it).
- **The statutory calendar** (`Calendar.STATUTORY`) for terms set by law (objection,
  answers the law binds to a term): the Algemene termijnenwet. Its art. 3 lists the
  algemeen erkende feestdagen — New Year's Day, Easter Monday, Whit Monday, both Christmas
  days, Ascension Day, the King's birthday as celebrated, and 5 May *every* year — and no
  Good Friday; days the government equates with them by decree (art. 3 lid 2) go in the
  setting `STATUTORY_EXTRA_DAYS_OFF`. Art. 1: a term that ends on a Saturday, Sunday or
  such a day runs on to the next day that is none (`statutory_term_end`).
"""

import datetime
import enum
import functools

import holidays
from django.conf import settings


class Calendar(enum.Enum):
    WIJ = "wij"
    STATUTORY = "statutory"


# The package's names of the days the Algemene termijnenwet (art. 3) does not list.
_NOT_STATUTORY = {"Goede vrijdag"}


@functools.cache
def _package_days(year: int) -> dict[datetime.date, str]:
    return dict(holidays.Netherlands(years=year, categories=("public",), language="nl").items())


@functools.cache
def _wij_days(year: int, liberation_day: str, good_friday: bool) -> frozenset[datetime.date]:
    days = {
        day for day, name in _package_days(year).items() if good_friday or name != "Goede vrijdag"
    }
    if liberation_day == "yearly":
        days.add(datetime.date(year, 5, 5))
    return frozenset(days)


@functools.cache
def _statutory_days(year: int, extra: tuple[str, ...]) -> frozenset[datetime.date]:
    days = {day for day, name in _package_days(year).items() if name not in _NOT_STATUTORY}
    days.add(datetime.date(year, 5, 5))  # art. 3: "de vijfde mei", every year
    days |= {
        datetime.date.fromisoformat(value)
        for value in extra
        if datetime.date.fromisoformat(value).year == year
    }
    return frozenset(days)


def days_off(year: int, calendar: Calendar = Calendar.WIJ) -> frozenset[datetime.date]:
    """The holidays (not weekends) of `year` in `calendar`."""
    if calendar is Calendar.STATUTORY:
        return _statutory_days(year, tuple(settings.STATUTORY_EXTRA_DAYS_OFF))
    return _wij_days(year, settings.LIBERATION_DAY_OFF, settings.GOOD_FRIDAY_OFF)


def is_working_day(day: datetime.date, calendar: Calendar = Calendar.WIJ) -> bool:
    if day.weekday() >= 5:
        return False
    return day not in days_off(day.year, calendar)


def add_working_days(
    start: datetime.date, count: int, calendar: Calendar = Calendar.WIJ
) -> datetime.date:
    """The date `count` working days after `start` (start itself not counted)."""
    day = start
    remaining = count
    while remaining > 0:
        day += datetime.timedelta(days=1)
        if is_working_day(day, calendar):
            remaining -= 1
    return day


def working_days_between(
    start: datetime.date, end: datetime.date, calendar: Calendar = Calendar.WIJ
) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    count, day = 0, start
    while day < end:
        day += datetime.timedelta(days=1)
        if is_working_day(day, calendar):
            count += 1
    return count


def statutory_term_end(end: datetime.date) -> datetime.date:
    """Algemene termijnenwet art. 1: a term set by law that ends on a Saturday, Sunday or
    recognised holiday runs on to the next day that is none of these."""
    while not is_working_day(end, Calendar.STATUTORY):
        end += datetime.timedelta(days=1)
    return end
