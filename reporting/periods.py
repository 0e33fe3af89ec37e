"""Report periods: a start and end date, cut into months or quarters."""

import datetime
import re
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.utils.formats import date_format
from django.utils.translation import gettext as _

MONTH = "month"
QUARTER = "quarter"


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def quarter_start(day: datetime.date) -> datetime.date:
    return datetime.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


@dataclass(frozen=True)
class Bucket:
    start: datetime.date
    end: datetime.date  # inclusive
    by: str

    @property
    def label(self) -> str:
        if self.by == QUARTER:
            return _("Q%(quarter)s %(year)s") % {
                "quarter": (self.start.month - 1) // 3 + 1,
                "year": self.start.year,
            }
        return date_format(self.start, "M Y")


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date
    by: str = MONTH

    @property
    def buckets(self) -> list[Bucket]:
        step = relativedelta(months=3 if self.by == QUARTER else 1)
        first = quarter_start(self.start) if self.by == QUARTER else month_start(self.start)
        result, current = [], first
        while current <= self.end:
            result.append(Bucket(current, current + step - datetime.timedelta(days=1), self.by))
            current += step
        return result

    def bucket_of(self, day: datetime.date) -> datetime.date:
        """The start of the bucket a date falls in (the key used in the reports)."""
        return quarter_start(day) if self.by == QUARTER else month_start(day)

    @property
    def label(self) -> str:
        return f"{date_format(self.start, 'j M Y')} – {date_format(self.end, 'j M Y')}"


def default_period(today: datetime.date) -> Period:
    """The last twelve months, this one included, by month."""
    return Period(month_start(today) - relativedelta(months=11), today, MONTH)


QUARTER_PATTERN = re.compile(r"^(?P<year>\d{4})-?[QqKk](?P<quarter>[1-4])$")


def parse_quarter(text: str) -> Period:
    """'2026-Q3' (or '2026-K3', Dutch) -> that quarter, by month."""
    match = QUARTER_PATTERN.match(text.strip())
    if not match:
        raise ValueError(text)
    start = datetime.date(int(match["year"]), 3 * int(match["quarter"]) - 2, 1)
    return Period(start, start + relativedelta(months=3, days=-1), MONTH)


def quarter_code(start: datetime.date) -> str:
    return f"{start.year}-Q{(start.month - 1) // 3 + 1}"


def last_full_quarter(today: datetime.date) -> Period:
    start = quarter_start(today) - relativedelta(months=3)
    return Period(start, start + relativedelta(months=3, days=-1), MONTH)
