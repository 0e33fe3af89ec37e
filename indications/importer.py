"""Import running indications from a CSV file: every line is validated first; a file with
any invalid line imports nothing; a valid file imports in one transaction; importing the
same file twice creates no duplicates.

Header (comma or semicolon separated, UTF-8; dates as YYYY-MM-DD or DD-MM-YYYY):
bsn,first_name,last_name,date_of_birth,postcode,house_number,product_code,provider_agb,referrer_type,start,end
`postcode` is needed for a child not yet registered (it decides the WIJ team).
`referrer_type` is the iJw code (COD327): 01-06 or 08."""

import csv
import datetime
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from intake.models import Client, PostcodeArea
from intake.services import client_create
from openhouse.models import Provider
from referrals.models import Product, ReferrerType
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


def _date(value: str) -> datetime.date:
    value = value.strip()
    for pattern in ("%Y-%m-%d", "%d-%m-%Y"):
        try:
            return datetime.datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise ValueError


def _read(text: str):
    dialect = (
        csv.Sniffer().sniff(text.splitlines()[0], delimiters=",;") if text.strip() else csv.excel
    )
    return csv.DictReader(io.StringIO(text), dialect=dialect)


def import_indications_csv(text: str) -> ImportResult:
    result = ImportResult()
    reader = _read(text)
    if [h.strip() for h in (reader.fieldnames or [])] != HEADER:
        result.errors.append(
            LineError(
                1, "header", _("the header must be: %(header)s") % {"header": ",".join(HEADER)}
            )
        )
        return result
    # Reference data and what is already registered, read once: no query per line.
    products = {p.code: p for p in Product.objects.all()}
    providers = {p.agb_code: p for p in Provider.objects.all()}
    areas = {a.digits: a.team for a in PostcodeArea.objects.select_related("team")}
    rows = []
    for number, raw in enumerate(reader, start=2):
        row = {k.strip(): (v or "").strip() for k, v in raw.items() if k}
        rows.append(_validate(number, row, products, providers, areas, result.errors))
    bsns = {row["bsn"] for row in rows if row["bsn"]}
    known = {c.bsn: c for c in Client.objects.filter(bsn__in=bsns)}
    for number, row in enumerate(rows, start=2):
        if row["bsn"] and row["team"] is None and row["bsn"] not in known:
            result.errors.append(
                LineError(
                    number, "postcode", _("a new child needs a postcode in a WIJ team's area")
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
                defaults={"end_on": row["end"], "referrer_type": row["referrer_type"]},
            )
            result.created += created
            result.existing += not created
    return result


def _validate(number, row, products, providers, areas, errors) -> dict:
    def fail(field_name, reason):
        errors.append(LineError(number, field_name, str(reason)))

    clean = dict(row)
    try:
        clean["bsn"] = normalize_bsn(row.get("bsn", ""))
    except ValidationError as exc:
        clean["bsn"] = None
        fail("bsn", exc.messages[0])
    for name in ("first_name", "last_name"):
        if not row.get(name):
            fail(name, _("empty"))
    for name, key in (("date_of_birth", "date_of_birth"), ("start", "start"), ("end", "end")):
        try:
            clean[key] = _date(row.get(name, ""))
        except ValueError:
            fail(name, _("not a date (YYYY-MM-DD or DD-MM-YYYY)"))
    if (
        isinstance(clean.get("start"), datetime.date)
        and isinstance(clean.get("end"), datetime.date)
        and clean["end"] <= clean["start"]
    ):
        fail("end", _("the end date must be after the start date"))
    clean["product"] = products.get(row.get("product_code", "").upper())
    if clean["product"] is None:
        fail(
            "product_code",
            _("unknown product code %(code)s") % {"code": row.get("product_code", "")},
        )
    clean["provider"] = providers.get(row.get("provider_agb", ""))
    if clean["provider"] is None:
        fail(
            "provider_agb",
            _("unknown provider (AGB code %(agb)s)") % {"agb": row.get("provider_agb", "")},
        )
    if row.get("referrer_type") not in ReferrerType.values:
        fail("referrer_type", _("not an iJw referrer code (01-06, 08)"))
    clean["team"] = None
    if row.get("postcode"):
        try:
            clean["postcode"] = normalize_postcode(row["postcode"])
            clean["team"] = areas.get(clean["postcode"][:4])
        except ValidationError as exc:
            fail("postcode", exc.messages[0])
    return clean


def _check_overlaps(rows, bsns, errors):
    """Two indications of one child for one product may not overlap (in the file or with
    one already registered, other than the same allocation again)."""
    registered: dict[tuple, list] = {}
    for ind in Indication.objects.filter(client__bsn__in=bsns).values(
        "client__bsn", "product_id", "provider_id", "start_on", "end_on"
    ):
        registered.setdefault((ind["client__bsn"], ind["product_id"]), []).append(ind)
    seen = {}
    for number, row in enumerate(rows, start=2):
        if not all(isinstance(row.get(k), datetime.date) for k in ("start", "end")) or not row.get(
            "product"
        ):
            continue
        key = (row.get("bsn"), row["product"].pk)
        for other_number, start, end in seen.get(key, []):
            if start <= row["end"] and row["start"] <= end:
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
            if ind["start_on"] <= row["end"]
            and row["start"] <= ind["end_on"]
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
