"""Import running indications from a CSV file: every line is validated first; a file with
any invalid line imports nothing; a valid file imports in one transaction; importing the
same file twice creates no duplicates.

Header (comma or semicolon separated, UTF-8; dates as YYYY-MM-DD or DD-MM-YYYY):
bsn,first_name,last_name,date_of_birth,postcode,house_number,product_code,provider_agb,referrer_type,start,end
optionally followed by `financing,budget_holder` (a file with the first header alone imports
as before: every line in kind).
`postcode` is needed for a child not yet registered (it decides the WIJ team).
`referrer_type` is the iJw code (COD327): 01-06 or 08; empty when the allocation names none.
`end` empty: an open end (the national messages allow it; never flagged).
`financing` ZIN (in kind, empty means ZIN) or PGB (personal budget): a PGB line has no
`provider_agb` and names its `budget_holder`; the model's own rule (Indication.clean) says
so, as in every other entry point."""

import csv
import datetime
import functools
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from intake.models import Client, PostcodeArea, client_search_name
from openhouse.models import Provider
from referrals.models import Product, ReferrerType
from samen.dates import validate_date_in_range
from samen.identifiers import normalize_bsn, normalize_postcode

from .models import EVALUATION_LATEST_MONTHS, Indication

HEADER = [
    "bsn",
    "first_name",
    "last_name",
    "date_of_birth",
    "postcode",
    "house_number",
    "product_code",
    "provider_agb",
    "referrer_type",
    "start",
    "end",
]
# Optional, at the end of the header, together: the leveringsvorm and, for a PGB, who
# holds the budget.
OPTIONAL = ["financing", "budget_holder"]
HEADERS = (HEADER, HEADER + OPTIONAL)
FINANCING = {
    "": Indication.Financing.ZIN,
    "zin": Indication.Financing.ZIN,
    "pgb": Indication.Financing.PGB,
}

# The iJw referrer codes, and empty (the allocation names none).
REFERRER_CODES = frozenset([*ReferrerType.values, ""])

# The header is about 110 characters and a line of indications about as long: a much
# longer line is not one of ours (and is not worth parsing).
MAX_LINE_CHARS = 1_000


@dataclass
class LineError:
    line: int
    field: str
    reason: str

    def __str__(self):
        return _("line %(line)s, field %(field)s: %(reason)s") % {
            "line": self.line,
            "field": self.field,
            "reason": self.reason,
        }


@dataclass
class ImportResult:
    errors: list[LineError] = field(default_factory=list)
    created: int = 0
    existing: int = 0
    clients_created: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


ISO_DATE = re.compile(r"^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})$")
DUTCH_DATE = re.compile(r"^([0-9]{1,2})-([0-9]{1,2})-([0-9]{4})$")


def _date(value: str) -> datetime.date:
    """YYYY-MM-DD or DD-MM-YYYY (what strptime accepted, without its cost per line)."""
    value = value.strip()
    if match := ISO_DATE.match(value):
        year, month, day = match.groups()
    elif match := DUTCH_DATE.match(value):
        day, month, year = match.groups()
    else:
        raise ValueError(value)
    return datetime.date(int(year), int(month), int(day))


# The file is read in chunks of this many bytes: never held whole.
READ_CHUNK = 64 * 1024
LINE_END = re.compile(rb"\r\n|\r|\n")


class _NotUtf8(Exception):
    def __init__(self, line: int):
        self.line = line


def _physical_lines(source) -> Iterator[bytes]:
    """The file's physical lines (ended by \\r\\n, \\r or \\n), read in chunks."""
    if isinstance(source, str):
        source = source.encode("utf-8", "surrogatepass")
    if isinstance(source, bytes):
        source = io.BytesIO(source)
    buffer = b""
    while chunk := source.read(READ_CHUNK):
        buffer += chunk
        start = 0
        for match in LINE_END.finditer(buffer):
            if match.group() == b"\r" and match.end() == len(buffer):
                break  # perhaps the first half of a \r\n: read on
            yield buffer[start : match.start()]
            start = match.end()
        buffer = buffer[start:]
    yield from LINE_END.split(buffer)


def _text_lines(source) -> Iterator[tuple[int, str]]:
    """(line number, text) of every physical line; _NotUtf8 at the first line that is not
    UTF-8 (a byte order mark at the start is no part of the text)."""
    for number, raw in enumerate(_physical_lines(source), start=1):
        try:
            yield number, raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError:
            raise _NotUtf8(number) from None


def _header_reason() -> str:
    return _(
        "the first line must be the header, separated by commas or semicolons: %(header)s "
        "(optionally followed by %(optional)s)"
    ) % {"header": ",".join(HEADER), "optional": ",".join(OPTIONAL)}


def _values(number: int, line: str, delimiter: str, errors: list) -> list[str] | None:
    """One line's values, or None with its error (NUL byte, far too long, not CSV)."""
    if "\x00" in line:
        errors.append(LineError(number, "line", _("contains a NUL byte (binary data)")))
        return None
    if len(line) > MAX_LINE_CHARS:
        errors.append(
            LineError(
                number,
                "line",
                _("longer than %(max)s characters: not a line of indications")
                % {"max": MAX_LINE_CHARS},
            )
        )
        return None
    try:
        [values] = csv.reader([line], delimiter=delimiter)
    except (csv.Error, ValueError):
        errors.append(LineError(number, "line", _("cannot be read as CSV")))
        return None
    return [value.strip() for value in values]


# The lines of the file being imported, as checked one by one (import_indications_csv):
# the set-based checks and the insert read them here. Temporary: dropped at the commit.
STAGING = """
DROP TABLE IF EXISTS import_line;
CREATE TEMPORARY TABLE import_line (
    line integer PRIMARY KEY,
    raw text NOT NULL,
    bsn text,
    first_name text,
    last_name text,
    search_name text,
    date_of_birth date,
    postcode text,
    house_number text,
    team_id bigint,
    product_id bigint,
    provider_id bigint,
    referrer_type text,
    financing text,
    budget_holder text,
    start_on date,
    end_on date,
    checkable boolean NOT NULL
) ON COMMIT DROP
"""
STAGING_COLUMNS = (
    "line, raw, bsn, first_name, last_name, search_name, date_of_birth, postcode, "
    "house_number, team_id, product_id, provider_id, referrer_type, financing, "
    "budget_holder, start_on, end_on, checkable"
)

# The checks over the whole file, in one query: a line the same as an earlier one (only
# that is said of it), a new child without a WIJ team's postcode, two lines of one child
# and product that overlap (one error per earlier line), a line overlapping an indication
# already registered (the same allocation again is not an overlap: same provider and
# start). Two periods meet when each starts before the other ends; an open end never ends.
# Lines without a valid BSN are compared with each other, as one child (coalesce: a hash
# join; IS NOT DISTINCT FROM would compare every pair of lines).
CHECKS = """
WITH first AS (
    SELECT line, min(line) OVER (PARTITION BY raw) AS first FROM import_line
), live AS (
    SELECT s.* FROM import_line s JOIN first f ON f.line = s.line AND f.first = s.line
)
SELECT f.line, 0 AS step, f.first AS other FROM first f WHERE f.first <> f.line
UNION ALL
SELECT l.line, 1, NULL FROM live l
WHERE l.bsn IS NOT NULL AND l.team_id IS NULL
    AND NOT EXISTS (SELECT 1 FROM intake_client c WHERE c.bsn = l.bsn)
UNION ALL
SELECT b.line, 2, a.line FROM live a JOIN live b
    ON coalesce(a.bsn, '') = coalesce(b.bsn, '') AND a.product_id = b.product_id
    AND a.line < b.line
WHERE a.checkable AND b.checkable
    AND (b.end_on IS NULL OR a.start_on <= b.end_on)
    AND (a.end_on IS NULL OR b.start_on <= a.end_on)
UNION ALL
SELECT l.line, 3, NULL FROM live l
WHERE l.checkable AND l.bsn IS NOT NULL AND EXISTS (
    SELECT 1 FROM intake_client c JOIN indications_indication i ON i.client_id = c.id
    WHERE c.bsn = l.bsn AND i.product_id = l.product_id
        AND (i.end_on IS NULL OR l.start_on <= i.end_on)
        AND (l.end_on IS NULL OR i.start_on <= l.end_on)
        AND (i.provider_id IS DISTINCT FROM l.provider_id OR i.start_on <> l.start_on)
)
ORDER BY 1, 2, 3
"""

# The import of a checked file: the new children (each from its first line) and then the
# indications, each with its history row, as create() would write them. An allocation
# already registered (same child, product, provider and start) is left as it is.
INSERT_CLIENTS = """
WITH made AS (
    INSERT INTO intake_client (bsn, first_name, last_name, search_name, date_of_birth,
        street, house_number, postcode, city, created_at, team_id)
    SELECT DISTINCT ON (s.bsn) s.bsn, s.first_name, s.last_name, s.search_name,
        s.date_of_birth, '', s.house_number, s.postcode, %(city)s, %(now)s, s.team_id
    FROM import_line s
    WHERE NOT EXISTS (SELECT 1 FROM intake_client c WHERE c.bsn = s.bsn)
    ORDER BY s.bsn, s.line
    RETURNING *
), history AS (
    INSERT INTO intake_historicalclient (id, bsn, first_name, last_name, date_of_birth,
        street, house_number, postcode, city, created_at, team_id, destroyed_on,
        history_date, history_change_reason, history_type, history_user_id)
    SELECT id, bsn, first_name, last_name, date_of_birth, street, house_number, postcode,
        city, created_at, team_id, destroyed_on, %(now)s, NULL, '+', %(user)s
    FROM made
)
SELECT count(*) FROM made
"""
INSERT_INDICATIONS = """
WITH made AS (
    INSERT INTO indications_indication (client_id, product_id, provider_id, financing,
        budget_holder, referrer_type, start_on, end_on, evaluation_due_on, status,
        end_reason, version)
    SELECT c.id, s.product_id, s.provider_id, s.financing, s.budget_holder, s.referrer_type,
        s.start_on, s.end_on,
        CASE WHEN s.financing <> %(pgb)s THEN (s.end_on - %(latest)s * interval '1 month')::date
        END,
        %(active)s, '', 1
    FROM import_line s JOIN intake_client c ON c.bsn = s.bsn
    ORDER BY s.line
    ON CONFLICT ON CONSTRAINT indication_unique_allocation DO NOTHING
    RETURNING *
), history AS (
    INSERT INTO indications_historicalindication (id, client_id, product_id, provider_id,
        financing, budget_holder, referrer_type, start_on, end_on, evaluation_due_on,
        status, end_reason, flagged_on, handled_on, follow_up_request_id, preceded_by_id,
        allocation_number, care_started_on, care_stopped_on,
        history_date, history_change_reason, history_type, history_user_id)
    SELECT id, client_id, product_id, provider_id, financing, budget_holder, referrer_type,
        start_on, end_on, evaluation_due_on, status, end_reason, flagged_on, handled_on,
        follow_up_request_id, preceded_by_id, allocation_number, care_started_on,
        care_stopped_on, %(now)s, NULL, '+', %(user)s
    FROM made
)
SELECT count(*) FROM made
"""


def import_indications_csv(
    source, *, today: datetime.date | None = None, user=None
) -> ImportResult:
    """Check every line of the file and, when all are right, import them: all or nothing,
    in one transaction. Never raises for what is in the file: every problem is a line of
    the result's report. `source`: the file's bytes or text, or a binary file object
    (read in chunks, never held). `today` (default: the local date) is the day a date of
    birth may not be after; `user` is who imports (the history rows name them).

    The lines are checked one by one as they are read (their values, by the model's own
    rules) and copied into a temporary table (COPY); what concerns the file as a whole or
    what is registered (duplicates, overlaps, new children) is one query over that table,
    and the import two INSERT ... SELECT with their history rows. The queries do not
    grow with the lines, nor does the memory (but for the errors of a bad file). One
    transaction: 100,000 lines take seconds, and a file is imported whole or not at all."""
    result = ImportResult()
    today = today or timezone.localdate()
    try:
        with transaction.atomic():
            _import(source, today, user, result)
    except _NotUtf8 as exc:
        result.errors = [
            LineError(
                exc.line, "file", _("not UTF-8 text: save the file as CSV UTF-8 and try again")
            )
        ]
    result.errors.sort(key=lambda error: error.line)
    return result


def _import(source, today: datetime.date, user, result: ImportResult) -> None:
    staged = _stage(source, today, result.errors)
    if staged is not None:
        _check_staged(result.errors)
    if staged is None or result.errors:
        return
    params = {"now": timezone.now(), "user": getattr(user, "pk", None), "city": _CITY}
    with connection.cursor() as cursor:
        cursor.execute(INSERT_CLIENTS, params)
        result.clients_created = cursor.fetchone()[0]
        cursor.execute(
            INSERT_INDICATIONS,
            {
                **params,
                "pgb": Indication.Financing.PGB,
                "latest": EVALUATION_LATEST_MONTHS,
                "active": Indication.Status.ACTIVE,
            },
        )
        result.created = cursor.fetchone()[0]
    result.existing = staged - result.created


_CITY = Client._meta.get_field("city").default


def _stage(source, today: datetime.date, errors: list) -> int | None:
    """Read and check the file line by line, copying each line into `import_line`;
    returns the lines copied, or None when the file cannot be read as ours at all (the
    reason, alone, in `errors`)."""
    lines = _text_lines(source)
    header_at, header_line = next(
        ((number, line) for number, line in lines if line.strip()), (None, None)
    )
    if header_line is None:
        errors.append(LineError(1, "file", _("the file is empty")))
        return None
    if header_at != 1 or len(header_line) > MAX_LINE_CHARS or "\x00" in header_line:
        errors.append(LineError(1, "header", _header_reason()))
        return None
    # The separator is whichever of ; and , the header uses (a spreadsheet in Dutch
    # writes ;). csv.Sniffer is not used: it guesses on one line and raises on text.
    delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
    header = _values(1, header_line, delimiter, errors) if delimiter in header_line else None
    if header not in HEADERS:
        errors.append(LineError(1, "header", _header_reason()))
        return None
    return _stage_lines(lines, header, delimiter, today, errors)


def _stage_lines(lines, header, delimiter, today, errors) -> int:
    # Reference data read once: no query per line.
    products = {p.code: p for p in Product.objects.all()}
    providers = {p.agb_code: p for p in Provider.objects.all()}
    areas = {a.digits: a.team_id for a in PostcodeArea.objects.all()}
    staged = 0
    with connection.cursor() as cursor:
        cursor.execute(STAGING)
        with cursor.cursor.copy(f"COPY import_line ({STAGING_COLUMNS}) FROM STDIN") as copy:
            for number, line in lines:
                if not line.strip():
                    continue
                values = _values(number, line, delimiter, errors)
                if values is None:
                    continue
                if len(values) != len(header):
                    errors.append(
                        LineError(
                            number,
                            "line",
                            _("%(found)s columns instead of %(expected)s")
                            % {"found": len(values), "expected": len(header)},
                        )
                    )
                    continue
                row = dict(zip(header, values, strict=True))
                marked = len(errors)
                clean = _validate(number, row, products, providers, areas, today, errors)
                copy.write_row(_staged_row(number, values, clean, marked, errors))
                staged += 1
    return staged


def _staged_row(number, values, clean, marked, errors) -> tuple:
    """The line as `import_line` keeps it. Its own errors are kept in `errors` from
    `marked` on; a line the same as an earlier one says only that (_check_staged)."""
    has_end = isinstance(clean.get("end"), datetime.date) or clean.get("open_end")
    start = clean["start"] if isinstance(clean.get("start"), datetime.date) else None
    product = clean["product"]
    provider = clean["provider"]
    return (
        number,
        "\x1f".join(values),
        clean["bsn"],
        clean.get("first_name", ""),
        clean.get("last_name", ""),
        client_search_name(clean.get("first_name", ""), clean.get("last_name", "")),
        clean["date_of_birth"],
        clean.get("postcode", ""),
        clean.get("house_number", ""),
        clean["team"],
        product.pk if product else None,
        provider.pk if provider else None,
        clean["referrer_type"],
        clean["financing"],
        clean["budget_holder"],
        start,
        clean["end"] if isinstance(clean.get("end"), datetime.date) else None,
        bool(start and has_end and product),
    )


def _check_staged(errors: list) -> None:
    """The set-based checks (CHECKS) as line errors; a duplicate line's own errors go."""
    with connection.cursor() as cursor:
        cursor.execute(CHECKS)
        found = cursor.fetchall()
    duplicates = {line for line, step, _other in found if step == 0}
    if duplicates:
        errors[:] = [error for error in errors if error.line not in duplicates]
    for line, step, other in found:
        if step == 0:
            reason = _("the same as line %(other)s") % {"other": other}
            errors.append(LineError(line, "line", reason))
        elif step == 1:
            errors.append(
                LineError(line, "postcode", _("a new child needs a postcode in a WIJ team's area"))
            )
        elif step == 2:
            reason = _("overlaps line %(other)s for the same child and product") % {"other": other}
            errors.append(LineError(line, "start", reason))
        else:
            reason = _("overlaps an indication already registered for this child and product")
            errors.append(LineError(line, "start", reason))


def _validate(number, row, products, providers, areas, today, errors) -> dict:
    def fail(field_name, reason):
        errors.append(LineError(number, field_name, str(reason)))

    clean = dict(row)
    try:
        clean["bsn"] = normalize_bsn(row.get("bsn", ""))
    except ValidationError as exc:
        clean["bsn"] = None
        fail("bsn", exc.messages[0])
    # The child's own fields are checked by the model's rules (lengths), as the admin and
    # the forms do: what passes here is what the model stores.
    for name in ("first_name", "last_name", "house_number"):
        if name != "house_number" and not row.get(name):
            fail(name, _("empty"))
            continue
        try:
            Client._meta.get_field(name).clean(row.get(name, ""), None)
        except ValidationError as exc:
            fail(name, " ".join(exc.messages))
    for name in ("date_of_birth", "start", "end"):
        if name == "end" and not row.get(name):
            clean[name], clean["open_end"] = None, True
            continue
        try:
            clean[name] = _date(row.get(name, ""))
        except ValueError:
            clean[name] = None
            fail(name, _("not a date (YYYY-MM-DD or DD-MM-YYYY)"))
            continue
        try:
            validate_date_in_range(clean[name])
        except ValidationError as exc:
            clean[name] = None
            reason = " ".join(exc.messages)
            if name == "end":
                reason += " " + _("For an open end, leave the end date empty.")
            fail(name, reason)
    if clean["date_of_birth"] and clean["date_of_birth"] > today:
        fail("date_of_birth", _("A date of birth cannot be in the future."))
    if clean["start"] and clean["end"] and clean["end"] <= clean["start"]:
        fail("end", _("the end date must be after the start date"))
    clean["product"] = products.get(row.get("product_code", "").upper())
    if clean["product"] is None:
        fail(
            "product_code",
            _("unknown product code %(code)s") % {"code": row.get("product_code", "")[:20]},
        )
    _validate_financing(row, clean, providers, fail)
    clean["referrer_type"] = row.get("referrer_type", "")
    if clean["referrer_type"] not in REFERRER_CODES:
        fail("referrer_type", _("not an iJw referrer code (01-06, 08; empty: not named)"))
    clean["team"] = None
    if row.get("postcode"):
        try:
            clean["postcode"] = normalize_postcode(row["postcode"])
            clean["team"] = areas.get(clean["postcode"][:4])
        except ValidationError as exc:
            fail("postcode", exc.messages[0])
    return clean


# The model's fields and the file's columns for them.
FINANCING_COLUMNS = {
    "financing": "financing",
    "provider": "provider_agb",
    "budget_holder": "budget_holder",
}


def _validate_financing(row, clean, providers, fail) -> None:
    """In kind (ZIN) with a provider's AGB code, or a personal budget (PGB) with its budget
    holder and no provider. The rule itself is the model's (Indication.clean, the same as
    the database check), asked on an unsaved indication; only reading the file is here."""
    financing = FINANCING.get(row.get("financing", "").strip().lower())
    agb = row.get("provider_agb", "")
    clean["budget_holder"] = row.get("budget_holder", "")
    clean["financing"] = financing
    clean["provider"] = providers.get(agb) if agb else None
    if financing is None:
        fail("financing", _("ZIN (in kind) or PGB (personal budget); empty is ZIN"))
        return
    if agb and clean["provider"] is None and financing == Indication.Financing.ZIN:
        fail("provider_agb", _("unknown provider (AGB code %(agb)s)") % {"agb": agb[:20]})
        return
    # An AGB code names a provider, known or not: the model says whether this line may
    # have one (a PGB has none).
    holder = clean["budget_holder"]
    errors = _financing_errors(
        financing,
        bool(agb),
        # What the rule reads of the budget holder: whether there is one, and the length
        # of one too long (its message says it).
        (bool(holder), bool(holder.strip()), len(holder) if len(holder) > 200 else 0),
        get_language(),
    )
    for name, messages in errors:
        reason = " ".join(messages)
        if name == "provider" and not agb:
            reason += " " + _(
                "Fill in the provider's AGB code, or financing PGB with the budget holder."
            )
        fail(FINANCING_COLUMNS.get(name, name), reason)


@functools.lru_cache(maxsize=256)
def _financing_errors(financing, has_provider, holder_key, language) -> tuple:
    """The model's answer for a probe with these properties (a few kinds of line, asked
    once each rather than once per line: an unsaved model costs more than the rest of a
    line's checks). `language`: the messages are in the language asked."""
    has_holder, holder_text, too_long = holder_key
    holder = ("x" * too_long) if too_long else ("x" if holder_text else (" " if has_holder else ""))
    probe = Indication(
        financing=financing, provider_id=0 if has_provider else None, budget_holder=holder
    )
    try:
        probe.clean_fields(exclude=_ALL_BUT_BUDGET_HOLDER)
        probe.clean()
    except ValidationError as exc:
        return tuple((name, tuple(messages)) for name, messages in exc.message_dict.items())
    return ()


# Indication.clean_fields checks the budget holder's length only: the other fields of the
# probe are not filled (the file's own checks above read them).
_ALL_BUT_BUDGET_HOLDER = [
    f.name for f in Indication._meta.get_fields() if f.concrete and f.name != "budget_holder"
]
