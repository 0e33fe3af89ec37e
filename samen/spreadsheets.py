"""Cells for files that officials open in a spreadsheet (CSV and XLSX exports).

A text that starts with `=`, `+`, `-` or `@` (or a tab or carriage return, which some
spreadsheets skip before looking for those) is run as a formula when the file is opened:
CSV injection (OWASP). A provider's or organisation's name is typed by someone else, so
every text cell of every export goes through `safe_cell`, which puts a `'` in front: the
spreadsheet then shows the text as text. Plain numbers ("-3", "12,5") are left alone."""

import re

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?%?")


def safe_cell(value):
    """The value to write into a spreadsheet cell: texts that a spreadsheet would run as a
    formula get a leading `'`; other values (numbers, None, dates) are returned as they are."""
    formula_like = isinstance(value, str) and value.startswith(FORMULA_STARTS)
    if formula_like and not PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def safe_row(values) -> list:
    return [safe_cell(value) for value in values]
