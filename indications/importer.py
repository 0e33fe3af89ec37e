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
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from intake.models import Client, PostcodeArea
from intake.services import client_create
from openhouse.models import Provider
from referrals.models import Product, ReferrerType
from samen.dates import validate_date_in_range
from samen.identifiers import normalize_bsn, normalize_postcode

from .models import Indication

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


def _decode(data: bytes | str, errors: list[LineError]) -> str | None:
    """The file as text, or None with the line that is not UTF-8 in `errors`."""
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        errors.append(
            LineError(line, "file", _("not UTF-8 text: save the file as CSV UTF-8 and try again"))
        )
        return None


def _lines(text: str, errors: list[LineError]) -> list[tuple[int, list[str]]] | None:
    """The file's lines as (line number, values), header first; None when the file cannot
    be read as our CSV at all (the reason in `errors`). A line that cannot be read gets its
    own error and is left out; the other lines are still checked."""
    physical = re.split(r"\r\n|\r|\n", text)
    if not "".join(physical).strip():
        errors.append(LineError(1, "file", _("the file is empty")))
        return None
    header = physical[0]
    if len(header) > MAX_LINE_CHARS or "\x00" in header:
        errors.append(LineError(1, "header", _header_reason()))
        return None
    # The separator is whichever of ; and , the header uses (a spreadsheet in Dutch
    # writes ;). csv.Sniffer is not used: it guesses on one line and raises on text.
    delimiter = ";" if header.count(";") > header.count(",") else ","
    if delimiter not in header:
        errors.append(LineError(1, "header", _header_reason()))
        return None
    lines = []
    for number, line in enumerate(physical, start=1):
        if not line.strip():
            continue
        if "\x00" in line:
            errors.append(LineError(number, "line", _("contains a NUL byte (binary data)")))
            continue
        if len(line) > MAX_LINE_CHARS:
            errors.append(
                LineError(
                    number,
                    "line",
                    _("longer than %(max)s characters: not a line of indications")
                    % {"max": MAX_LINE_CHARS},
                )
            )
            continue
        try:
            [values] = csv.reader([line], delimiter=delimiter)
        except (csv.Error, ValueError):
            errors.append(LineError(number, "line", _("cannot be read as CSV")))
            continue
        lines.append((number, [value.strip() for value in values]))
    return lines


def _header_reason() -> str:
    return _(
        "the first line must be the header, separated by commas or semicolons: %(header)s "
        "(optionally followed by %(optional)s)"
    ) % {"header": ",".join(HEADER), "optional": ",".join(OPTIONAL)}


def import_indications_csv(
    data: bytes | str, *, today: datetime.date | None = None
) -> ImportResult:
    """Check every line of the file and, when all are right, import them in one
    transaction. Never raises for what is in the file: every problem is a line of the
    result's report. `today` (default: the local date) is the day a date of birth may not
    be after."""
    result = ImportResult()
    today = today or timezone.localdate()
    text = _decode(data, result.errors)
    lines = _lines(text, result.errors) if text is not None else None
    if lines is None:
        return result
    if not lines or lines[0][0] != 1 or lines[0][1] not in HEADERS:
        result.errors.append(LineError(1, "header", _header_reason()))
        return result
    header = lines[0][1]
    # Reference data and what is already registered, read once: no query per line.
    products = {p.code: p for p in Product.objects.all()}
    providers = {p.agb_code: p for p in Provider.objects.all()}
    areas = {a.digits: a.team for a in PostcodeArea.objects.select_related("team")}
    rows = []
    seen_lines: dict[tuple, int] = {}
    for number, values in lines[1:]:
        if len(values) != len(header):
            result.errors.append(
                LineError(
                    number,
                    "line",
                    _("%(found)s columns instead of %(expected)s")
                    % {"found": len(values), "expected": len(header)},
                )
            )
            continue
        key = tuple(values)
        if key in seen_lines:
            result.errors.append(
                LineError(
                    number,
                    "line",
                    _("the same as line %(other)s") % {"other": seen_lines[key]},
                )
            )
            continue
        seen_lines[key] = number
        row = dict(zip(header, values, strict=True))
        row["number"] = number
        rows.append(_validate(number, row, products, providers, areas, today, result.errors))
    bsns = {row["bsn"] for row in rows if row["bsn"]}
    known = {c.bsn: c for c in Client.objects.filter(bsn__in=bsns)}
    for row in rows:
        if row["bsn"] and row["team"] is None and row["bsn"] not in known:
            result.errors.append(
                LineError(
                    row["number"],
                    "postcode",
                    _("a new child needs a postcode in a WIJ team's area"),
                )
            )
    _check_overlaps(rows, bsns, result.errors)
    if result.errors:
        result.errors.sort(key=lambda error: error.line)
        return result
    with transaction.atomic():
        for row in rows:
            client = known.get(row["bsn"])
            if client is None:
                client = client_create(
                    team=row["team"],
                    bsn=row["bsn"],
                    first_name=row["first_name"],
                    last_name=row["last_name"],
                    date_of_birth=row["date_of_birth"],
                    postcode=row["postcode"],
                    house_number=row["house_number"],
                )
                known[client.bsn] = client
                result.clients_created += 1
            _indication, created = Indication.objects.get_or_create(
                client=client,
                product=row["product"],
                provider=row["provider"],
                start_on=row["start"],
                defaults={
                    "end_on": row["end"],
                    "referrer_type": row["referrer_type"],
                    "financing": row["financing"],
                    "budget_holder": row["budget_holder"],
                },
            )
            result.created += created
            result.existing += not created
    return result


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
    if clean["referrer_type"] not in ReferrerType.values and clean["referrer_type"] != "":
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
    probe = Indication(
        financing=financing,
        provider_id=clean["provider"].pk if clean["provider"] else (0 if agb else None),
        budget_holder=clean["budget_holder"],
    )
    try:
        probe.clean_fields(exclude=_ALL_BUT_BUDGET_HOLDER)
        probe.clean()
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            reason = " ".join(messages)
            if name == "provider" and not agb:
                reason += " " + _(
                    "Fill in the provider's AGB code, or financing PGB with the budget holder."
                )
            fail(FINANCING_COLUMNS.get(name, name), reason)


# Indication.clean_fields checks the budget holder's length only: the other fields of the
# probe are not filled (the file's own checks above read them).
_ALL_BUT_BUDGET_HOLDER = [
    f.name for f in Indication._meta.get_fields() if f.concrete and f.name != "budget_holder"
]


def _meet(start, end, other_start, other_end) -> bool:
    """Whether two periods share a day; an open end (None) runs on for ever."""
    return (other_end is None or start <= other_end) and (end is None or other_start <= end)


def _check_overlaps(rows, bsns, errors):
    """Two indications of one child for one product may not overlap (in the file or with
    one already registered, other than the same allocation again)."""
    registered: dict[tuple, list] = {}
    for ind in Indication.objects.filter(client__bsn__in=bsns).values(
        "client__bsn", "product_id", "provider_id", "start_on", "end_on"
    ):
        registered.setdefault((ind["client__bsn"], ind["product_id"]), []).append(ind)
    seen = {}
    for row in rows:
        number = row["number"]
        has_end = isinstance(row.get("end"), datetime.date) or row.get("open_end")
        if not isinstance(row.get("start"), datetime.date) or not has_end or not row["product"]:
            continue
        key = (row.get("bsn"), row["product"].pk)
        for other_number, start, end in seen.get(key, []):
            if _meet(start, end, row["start"], row["end"]):
                errors.append(
                    LineError(
                        number,
                        "start",
                        _("overlaps line %(other)s for the same child and product")
                        % {"other": other_number},
                    )
                )
        seen.setdefault(key, []).append((number, row["start"], row["end"]))
        # The same allocation again (same provider and start) is not an overlap: it is
        # the same indication, imported twice.
        provider_pk = row["provider"].pk if row.get("provider") else None
        clashes = [
            ind
            for ind in registered.get(key, [])
            if _meet(ind["start_on"], ind["end_on"], row["start"], row["end"])
            and (ind["provider_id"], ind["start_on"]) != (provider_pk, row["start"])
        ]
        if clashes:
            errors.append(
                LineError(
                    number,
                    "start",
                    _("overlaps an indication already registered for this child and product"),
                )
            )
