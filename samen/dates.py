"""The one range of dates the system accepts (docs/decisions.md, decision 40).

Every date a person or a client system can give — forms, the admin, the API, imports,
query strings (read by the filter forms), commands — lies between MIN_DATE and MAX_DATE.
An open end is *no* end date (NULL), never 31-12-9999: a date near the end of the calendar breaks every computation that
adds a month or a year to it. The range is wide enough for any date of birth of a person on
file and for any planned date, and far enough from year 9999 that adding years cannot fail.
"""

import argparse
import datetime

from django.core.exceptions import ValidationError
from django.core.validators import BaseValidator
from django.db import models
from django.utils.deconstruct import deconstructible
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

MIN_DATE = datetime.date(1900, 1, 1)
MAX_DATE = datetime.date(2100, 12, 31)


def in_range(day: datetime.date | None) -> bool:
    return day is None or MIN_DATE <= day <= MAX_DATE


@deconstructible
class DateRangeValidator(BaseValidator):
    """A field validator: the date lies within MIN_DATE..MAX_DATE (a model field's,
    a form field's or a serializer field's `validators=`)."""

    message = _("Enter a date between %(min)s and %(max)s.")
    code = "date_out_of_range"

    def __init__(self, message=None):
        super().__init__(limit_value=(MIN_DATE, MAX_DATE), message=message)

    def __call__(self, value):
        if value is None:
            return
        if isinstance(value, datetime.datetime):
            value = value.date()
        if not in_range(value):
            raise ValidationError(
                self.message,
                code=self.code,
                params={
                    "min": date_format(MIN_DATE, "j-n-Y"),
                    "max": date_format(MAX_DATE, "j-n-Y"),
                    "value": value,
                },
            )


validate_date_in_range = DateRangeValidator()


def date_range_check(prefix: str, name: str):
    """A database check that the date column `name` lies within MIN_DATE..MAX_DATE (NULL
    passes), named `<prefix>_<name>_in_range`: the same rule as validate_date_in_range."""
    return models.CheckConstraint(
        condition=models.Q(**{f"{name}__range": (MIN_DATE, MAX_DATE)}),
        name=f"{prefix}_{name}_in_range",
        violation_error_message=_("A date lies outside 1-1-1900 to 31-12-2100."),
    )


def command_date(value: str) -> datetime.date:
    """An argparse `type=` for a management command's date argument (`--date 2026-12-04`):
    an ISO date within MIN_DATE..MAX_DATE, otherwise a usage error that says so."""
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not a date: write it as YYYY-MM-DD, e.g. 2026-12-04."
        ) from None
    if not in_range(day):
        raise argparse.ArgumentTypeError(
            f"{value} is outside the accepted range {MIN_DATE.isoformat()} to {MAX_DATE.isoformat()}."
        )
    return day
