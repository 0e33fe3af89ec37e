"""Keep personal data out of log lines (docs/privacy.md, "No personal data in logs").

`MaskPersonalData` is a logging filter that rewrites every record it sees: the final message
(msg % args), the exception text and the stack text are masked, and the record is always let
through. It sits on the console handler of `settings.LOGGING` (Django, our code, the Celery
worker and beat) and on gunicorn's loggers (`gunicorn.conf.py`).

What is masked:
- every standalone run of 8 or 9 digits (BSN-shaped, valid or not: a BSN that fails the
  11-proof is still someone's typo of a BSN);
- the value of a person field written as `key=value` (query strings, also URL-encoded inside
  another one, as in `?next=...%3Fclient_search%3D...`) or as `'key': value` (dict, QueryDict
  and JSON reprs): names, BSN, date of birth, address, search terms;
- the values in PostgreSQL's error details (`Key (bsn)=(...)`, `Failing row contains (...)`),
  which end up in the traceback of an IntegrityError.

This module imports nothing from Django, so gunicorn's master process can load it before the
application is set up.
"""

import logging
import re

# Standalone: not part of a longer run of digits. Not \b, so that "bsn123456782" and the
# URL-encoded "%3D123456782" are caught as well.
BSN_SHAPED = re.compile(r"(?<![0-9])[0-9]{8,9}(?![0-9])")
BSN_MASK = "*" * 9
VALUE_MASK = "***"

# Field names whose values are personal data. A key may carry a prefix ending in "_", "-" or
# "." (form prefixes such as "form-0-first_name", or "parent_name"), so `name` covers them.
PERSON_FIELDS = (
    "bsn",
    "client_search",
    "search",
    "q",
    "query",
    "term",
    "name",
    "first_name",
    "last_name",
    "initials",
    "date_of_birth",
    "birth_date",
    "dob",
    "postcode",
    "zipcode",
    "house_number",
    "street",
    "address",
    "city",
    "phone",
    "email",
    "question",
    "explanation",
    "referring_person",
    "budget_holder",
)
_KEY = r"(?:[\w.-]*[_.-])?(?:" + "|".join(PERSON_FIELDS) + r")"

# key=value, where a parameter starts after ?, &, a separator, whitespace, a quote or a
# bracket, or after an encoded ? or & (%3F, %26). The value runs to the next &, %26,
# whitespace, quote or angle bracket: a query-string value has its spaces encoded.
KEY_EQUALS_VALUE = re.compile(
    r"(?:(?<=[?&;,\s\"'(\[{])|(?<=%3F)|(?<=%26)|^)"
    r"(" + _KEY + r"(?:=|%3D))"
    r"(?:(?!%26)[^&\s\"'<>])+",
    re.IGNORECASE,
)

# 'key': value in a repr or JSON: a quoted string, a list, a call such as
# datetime.date(2016, 5, 4), or a bare token.
QUOTED_KEY_VALUE = re.compile(
    r"""((?P<quote>['"])""" + _KEY + r"""(?P=quote)\s*:\s*)"""
    r"""(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|\[[^\]]*\]|[\w.]+\([^)]*\)|[^,}\s]+)""",
    re.IGNORECASE,
)

# PostgreSQL's DETAIL lines in constraint violations.
POSTGRES_KEY = re.compile(
    r"(Key \([^)]*\)=\().*?(\) (?:already exists|is not present|is still referenced|conflicts))"
)
POSTGRES_ROW = re.compile(r"(Failing row contains \().*(\))")


def mask(text: str) -> str:
    """`text` with personal data replaced by asterisks (see the module docstring)."""
    text = KEY_EQUALS_VALUE.sub(r"\1" + VALUE_MASK, text)
    text = QUOTED_KEY_VALUE.sub(r"\1'" + VALUE_MASK + "'", text)
    text = POSTGRES_KEY.sub(r"\1" + VALUE_MASK + r"\2", text)
    text = POSTGRES_ROW.sub(r"\1" + VALUE_MASK + r"\2", text)
    return BSN_SHAPED.sub(BSN_MASK, text)


def _message(record: logging.LogRecord) -> str:
    """The final message; a record whose arguments do not fit its format still gives one
    (logging would otherwise print the raw arguments to stderr in its "Logging error")."""
    try:
        return record.getMessage()
    except Exception:
        try:
            return f"{record.msg!s} (log arguments did not fit the message: {record.args!r})"
        except Exception:
            return "(unprintable log message)"


class MaskPersonalData(logging.Filter):
    """Mask personal data in a record's message, exception and stack text; never drop it.

    The record is changed in place (msg becomes the masked final message, args empty), so
    every handler after this one sees the masked record too. Masking is idempotent.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            record.msg = mask(_message(record))
            record.args = ()
            if record.exc_info and not record.exc_text:
                # Formatters format an exception once and cache the text here.
                record.exc_text = logging.Formatter().formatException(record.exc_info)
            if record.exc_text:
                record.exc_text = mask(record.exc_text)
            if record.stack_info:
                record.stack_info = mask(record.stack_info)
        except Exception:
            # Never lose a record over masking: keep a message that cannot leak anything.
            record.msg = "(log message withheld: it could not be masked)"
            record.args = ()
            record.exc_info = None
            record.exc_text = None
            record.stack_info = None
        return True
