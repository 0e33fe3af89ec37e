"""Working days skip weekends and Dutch public holidays; Bevrijdingsdag is a setting."""

import datetime

import pytest

from samen.workdays import add_working_days, is_working_day, working_days_between

D = datetime.date


@pytest.mark.parametrize(
    ("start", "expected", "why"),
    [
        (D(2026, 11, 16), D(2026, 11, 23), "Monday + 5 = next Monday"),
        (D(2026, 11, 20), D(2026, 11, 27), "Friday: the weekend is skipped"),
        (D(2026, 11, 21), D(2026, 11, 27), "Saturday: counting starts Monday"),
        # Easter 2026: Good Friday 3 April is a public holiday, Easter Monday 6 April too.
        (
            D(2026, 4, 1),
            D(2026, 4, 10),
            "Wednesday before Easter: Good Friday, Easter Monday skipped",
        ),
        # Koningsdag: Monday 27 April 2026.
        (D(2026, 4, 24), D(2026, 5, 4), "Friday before Koningsdag"),
        # Christmas: 25 and 26 December (2025: Thursday and Friday).
        (D(2025, 12, 23), D(2026, 1, 2), "Christmas and New Year's Day"),
    ],
)
def test_five_working_days(start, expected, why):
    assert add_working_days(start, 5) == expected, why


def test_holidays_are_not_working_days():
    for day in (
        D(2026, 4, 3),
        D(2026, 4, 6),
        D(2026, 4, 27),
        D(2026, 12, 25),
        D(2026, 12, 26),
        D(2026, 5, 14),
        D(2026, 5, 25),
        D(2027, 1, 1),
    ):
        assert not is_working_day(day), day
    assert is_working_day(D(2026, 11, 23))


def test_liberation_day_every_fifth_year_by_default(settings):
    settings.LIBERATION_DAY_OFF = "lustrum"
    assert not is_working_day(D(2025, 5, 5))  # 2025: a lustrum year
    assert is_working_day(D(2026, 5, 5))


def test_liberation_day_every_year_when_configured(settings):
    settings.LIBERATION_DAY_OFF = "yearly"
    assert not is_working_day(D(2026, 5, 5))
    assert add_working_days(D(2026, 5, 1), 5) == D(2026, 5, 11)
    settings.LIBERATION_DAY_OFF = "lustrum"
    assert add_working_days(D(2026, 5, 1), 5) == D(2026, 5, 8)


def test_working_days_between():
    assert working_days_between(D(2026, 11, 20), D(2026, 11, 27)) == 5
    assert working_days_between(D(2026, 11, 27), D(2026, 11, 20)) == 0
