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


# --- The statutory calendar (Algemene termijnenwet) -------------------------------------


def test_the_statutory_calendar_counts_5_may_every_year_and_not_good_friday(settings):
    from samen.workdays import Calendar, days_off

    settings.LIBERATION_DAY_OFF = "lustrum"
    statutory = days_off(2026, Calendar.STATUTORY)
    wij = days_off(2026, Calendar.WIJ)
    assert D(2026, 5, 5) in statutory and D(2026, 5, 5) not in wij
    assert D(2026, 4, 3) not in statutory and D(2026, 4, 3) in wij  # Goede Vrijdag
    # Both list the rest alike (Easter and Whit Sunday fall on Sundays anyway).
    assert statutory - {D(2026, 5, 5)} == wij - {D(2026, 4, 3)}
    assert not is_working_day(D(2026, 5, 5), Calendar.STATUTORY)
    assert is_working_day(D(2026, 4, 3), Calendar.STATUTORY)


def test_good_friday_at_wij_is_a_setting(settings):
    settings.GOOD_FRIDAY_OFF = False
    assert is_working_day(D(2026, 4, 3))
    assert add_working_days(D(2026, 4, 1), 5) == D(2026, 4, 9)
    settings.GOOD_FRIDAY_OFF = True
    assert add_working_days(D(2026, 4, 1), 5) == D(2026, 4, 10)


def test_days_equated_by_decree_are_a_setting(settings):
    from samen.workdays import Calendar, statutory_term_end

    settings.STATUTORY_EXTRA_DAYS_OFF = ["2027-05-07"]
    assert not is_working_day(D(2027, 5, 7), Calendar.STATUTORY)
    assert is_working_day(D(2027, 5, 7))  # WIJ's own calendar is not bound by it
    assert statutory_term_end(D(2027, 5, 7)) == D(2027, 5, 10)
    settings.STATUTORY_EXTRA_DAYS_OFF = []
    assert statutory_term_end(D(2027, 5, 7)) == D(2027, 5, 7)


@pytest.mark.parametrize(
    ("end", "expected", "why"),
    [
        (D(2026, 11, 24), D(2026, 11, 24), "a Tuesday stays"),
        (D(2026, 11, 28), D(2026, 11, 30), "Saturday runs on to Monday"),
        (D(2026, 12, 25), D(2026, 12, 28), "Christmas Friday, Boxing Day Saturday: Monday"),
        (D(2026, 5, 5), D(2026, 5, 6), "5 May, every year"),
        (D(2026, 4, 3), D(2026, 4, 3), "Goede Vrijdag is no statutory holiday"),
    ],
)
def test_a_statutory_term_runs_on_past_weekends_and_holidays(end, expected, why):
    from samen.workdays import statutory_term_end

    assert statutory_term_end(end) == expected, why


def test_a_malformed_decree_day_stops_the_start():
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={
            **__import__("os").environ,
            "DJANGO_SETTINGS_MODULE": "samen.settings",
            "STATUTORY_EXTRA_DAYS_OFF": "7 mei 2027",
        },
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0 and "STATUTORY_EXTRA_DAYS_OFF" in result.stderr
