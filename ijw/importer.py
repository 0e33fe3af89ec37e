"""Import the allocations of the municipality's previous system from its JW301 messages
(a folder, a zip or single .xml files): each ToegewezenProduct is one allocation, found by
its ToewijzingNummer. Per allocation number the messages are applied in order of their
Dagtekening, then Toewijzingsdatum and Toewijzingstijd: the first creates the indication,
later ones change it by their JZ002 reason (13: removed).

All or nothing, as the CSV import: one transaction; any error line rolls everything back
and the report lists every error per message file. Idempotent: each imported message is
kept in the register (direction out, status `imported`, its XML as sent); a message whose
identification is there already changes nothing ("already known").

Allocations of a product that is not one of the 11 products of Basis jeugdhulp are not
this system's (as a JW315 for one goes to the municipality's own handling): they are
skipped with a line in the report."""

import datetime
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from indications.models import Indication
from intake.models import Client, PostcodeArea
from intake.services import client_create
from openhouse.models import Provider
from referrals.models import Product, ProductCategory
from samen.dates import validate_date_in_range
from samen.identifiers import normalize_bsn, normalize_postcode

from . import xml
from .codes import MessageType
from .models import Message

# A folder or zip of the old system's messages: each a few kilobytes. These limits keep a
# zip bomb (or a wrong folder) from holding a worker and its memory.
MAX_ENTRIES = 10_000
MAX_TOTAL_BYTES = 200 * 1024 * 1024
# What the page accepts in one upload (a zip of many messages, or .xml files).
MAX_UPLOAD_BYTES = 20 * 1024 * 1024

# Who may have sent the allocations imported: this municipality, and the municipalities
# merged into Groningen in 2019 (Haren 0017, Ten Boer 0009), whose old allocations the
# old system may still hold. A JW301 of any other municipality is not ours to import.
MERGED_MUNICIPALITIES = ("0017", "0009")
REMOVED = "13"
EXTENDED = "04"
SHORTENED = "05"


@dataclass
class FileError:
    """One line of the report: the message file, the allocation number (when the problem
    is one allocation's) and what is wrong, in words."""

    file: str
    allocation: str
    reason: str

    def __str__(self):
        if self.allocation:
            return _("%(file)s, allocation %(number)s: %(reason)s") % {
                "file": self.file,
                "number": self.allocation,
                "reason": self.reason,
            }
        return _("%(file)s: %(reason)s") % {"file": self.file, "reason": self.reason}


@dataclass
class Jw301Result:
    errors: list[FileError] = field(default_factory=list)
    notes: list[FileError] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    removed: int = 0
    existing: int = 0
    clients_created: int = 0
    messages: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        return _(
            "Imported from %(messages)s messages: %(created)s new allocations, %(updated)s "
            "updated, %(removed)s removed, %(existing)s already known, %(clients)s new "
            "children."
        ) % {
            "messages": self.messages,
            "created": self.created,
            "updated": self.updated,
            "removed": self.removed,
            "existing": self.existing,
            "clients": self.clients_created,
        }


# ------------------------------------------------------------------------ reading files


def entries_from_path(path: Path, result: Jw301Result) -> list[tuple[str, bytes]]:
    """The messages of a folder (every file in it and below), a .zip or one .xml."""
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file() and not p.is_symlink())
        if len(files) > MAX_ENTRIES:
            result.errors.append(FileError(str(path), "", _too_many()))
            return []
        entries, total = [], 0
        for file in files:
            name = str(file.relative_to(path))
            if file.suffix.lower() != ".xml":
                result.notes.append(FileError(name, "", _("not an .xml file: skipped")))
                continue
            total += file.stat().st_size
            if total > MAX_TOTAL_BYTES:
                result.errors.append(FileError(name, "", _too_large()))
                return []
            entries.append((name, file.read_bytes()))
        return entries
    data = path.read_bytes()
    if path.suffix.lower() == ".zip" or data[:4] == b"PK\x03\x04":
        return entries_from_zip(data, result, name=path.name)
    return [(path.name, data)]


def entries_from_zip(data: bytes, result: Jw301Result, *, name: str) -> list[tuple[str, bytes]]:
    """The .xml entries of a zip; a zip bomb, a path out of the folder or a zip that
    cannot be read is an error line, and nothing of it is read."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = [info for info in archive.infolist() if not info.is_dir()]
    except (zipfile.BadZipFile, ValueError, OSError):
        result.errors.append(FileError(name, "", _("not a readable zip file")))
        return []
    if len(infos) > MAX_ENTRIES:
        result.errors.append(FileError(name, "", _too_many()))
        return []
    if sum(info.file_size for info in infos) > MAX_TOTAL_BYTES:
        result.errors.append(FileError(name, "", _too_large()))
        return []
    entries, total = [], 0
    for info in infos:
        path = PurePosixPath(info.filename.replace("\\", "/"))
        if ".." in path.parts or path.is_absolute() or "\x00" in info.filename:
            result.errors.append(
                FileError(info.filename[:200], "", _("a path outside the folder: refused"))
            )
            continue
        if path.suffix.lower() != ".xml":
            result.notes.append(FileError(str(path)[:200], "", _("not an .xml file: skipped")))
            continue
        try:
            with archive.open(info) as entry:
                # Read no more than a message may be, whatever the entry claims its size is.
                raw = entry.read(xml.MAX_MESSAGE_BYTES + 1)
        except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError, EOFError):
            result.errors.append(FileError(str(path)[:200], "", _("cannot be read from the zip")))
            continue
        total += len(raw)
        if total > MAX_TOTAL_BYTES:
            result.errors.append(FileError(name, "", _too_large()))
            return []
        entries.append((str(path), raw))
    return entries


def _too_many() -> str:
    return _("more than %(max)s files: split them and import the parts") % {"max": MAX_ENTRIES}


def _too_large() -> str:
    return _("more than %(max)s MB of messages: split them and import the parts") % {
        "max": MAX_TOTAL_BYTES // (1024 * 1024)
    }


# ------------------------------------------------------------------------ reading messages


@dataclass
class _Child:
    bsn: str
    first_name: str
    last_name: str
    date_of_birth: datetime.date
    street: str
    house_number: str
    postcode: str
    city: str


@dataclass
class _Allocation:
    file: str
    identification: str
    dated_on: datetime.date
    allocated_at: tuple
    number: int
    product: Product
    provider: Provider
    bsn: str
    start_on: datetime.date
    end_on: datetime.date | None
    reason: str


@dataclass
class _Read:
    file: str
    parsed: xml.ParsedMessage
    raw: bytes
    provider: Provider
    child: _Child
    allocations: list[_Allocation]


def _address(root) -> dict:
    """The child's address in Contactgegevens: the BRP address (Soort 01) preferred, else
    the first contact with an address."""
    contacts = [c for c in xml.find_all(root, "Client/Contactgegevens/Contact")]
    contacts = [c for c in contacts if xml.find(c, "Adres") is not None]
    contacts.sort(key=lambda c: xml.text(c, "Soort") != "01")
    if not contacts:
        return {"street": "", "house_number": "", "postcode": "", "city": ""}
    address = xml.find(contacts[0], "Adres")
    house = "".join(
        xml.text(address, f"Huis/{part}")
        for part in ("Huisnummer", "Huisletter", "HuisnummerToevoeging")
    )
    return {
        "street": xml.text(address, "Straatnaam")[:150],
        "house_number": house[:10],
        "postcode": xml.text(address, "Postcode").upper(),
        "city": xml.text(address, "Plaatsnaam")[:100],
    }


def _in_range(day, what: str, fail) -> bool:
    try:
        validate_date_in_range(day)
    except ValidationError as exc:
        fail(f"{what}: {' '.join(exc.messages)}")
        return False
    return True


def _read(name, raw, *, providers, products, today, result) -> _Read | None:
    def fail(reason, allocation=""):
        result.errors.append(FileError(name, str(allocation), reason))

    try:
        parsed = xml.parse(raw)
    except xml.MessageError as exc:
        fail(exc.message)
        return None
    if parsed.message_type != MessageType.JW301:
        fail(
            _("a %(type)s, not a JW301 (allocation): only allocations can be imported")
            % {"type": parsed.message_type}
        )
        return None
    header, root = parsed.header, parsed.root
    errors_before = len(result.errors)
    if header.sender not in (settings.IJW_MUNICIPALITY_CODE, *MERGED_MUNICIPALITIES):
        fail(
            _("sent by municipality %(sender)s, not by this one: not imported")
            % {"sender": header.sender}
        )
        return None
    if header.dated_on is None or not _in_range(header.dated_on, _("Dagtekening"), fail):
        return None
    provider = providers.get(header.receiver)
    if provider is None:
        fail(_("unknown provider (AGB code %(agb)s)") % {"agb": header.receiver})
    data = xml.client_data(root)
    try:
        bsn = normalize_bsn(data.bsn)
    except ValidationError as exc:
        fail(_("BSN: %(reason)s") % {"reason": exc.messages[0]})
        bsn = ""
    if _in_range(data.date_of_birth, _("date of birth"), fail) and data.date_of_birth > today:
        fail(_("A date of birth cannot be in the future."))
    address = _address(root)
    if address["postcode"]:
        try:
            address["postcode"] = normalize_postcode(address["postcode"])
        except ValidationError:
            address["postcode"] = ""
    last_name = " ".join(part for part in (data.prefix, data.last_name) if part)
    child = _Child(
        bsn=bsn,
        first_name=(data.first_names or "-")[:100],
        last_name=(last_name or "-")[:150],
        date_of_birth=data.date_of_birth,
        **address,
    )
    allocations = []
    for item in xml.find_all(root, "Client/ToegewezenProducten/ToegewezenProduct"):
        number = xml.number(item, "ToewijzingNummer")
        category, code = xml.text(item, "Product/Categorie"), xml.text(item, "Product/Code")
        product = products.get(code.upper()) if category in ProductCategory.values else None
        if product is None:
            # Not one of the 11 (another category, or another product of 45, 50, 51: real
            # youth care, not Basis jeugdhulp): not this system's, as for a JW315.
            result.notes.append(
                FileError(
                    name,
                    str(number),
                    _(
                        "product %(code)s (category %(category)s) is not one of the 11 "
                        "products of Basis jeugdhulp: only those are kept in this system; skipped"
                    )
                    % {"code": code or "-", "category": category or "-"},
                )
            )
            continue
        if number is None or number > 999_999_999:
            fail(_("the allocation number has at most 9 digits"), number)
            continue
        start_on, end_on = xml.date(item, "Ingangsdatum"), xml.date(item, "Einddatum")

        def fail_here(reason, number=number):
            fail(reason, number)

        if not _in_range(start_on, _("Ingangsdatum"), fail_here):
            continue
        if end_on is not None and not _in_range(end_on, _("Einddatum"), fail_here):
            continue
        reason = xml.text(item, "RedenWijziging")
        if reason == REMOVED and end_on != start_on:
            fail(_("reason 13 (removed) needs the end date equal to the start date"), number)
            continue
        if reason != REMOVED and end_on is not None and end_on <= start_on:
            fail(_("the end date must be after the start date"), number)
            continue
        allocated_on = xml.date(item, "Toewijzingsdatum") or header.dated_on
        allocations.append(
            _Allocation(
                file=name,
                identification=header.identification,
                dated_on=header.dated_on,
                allocated_at=(allocated_on, xml.text(item, "Toewijzingstijd")),
                number=number,
                product=product,
                provider=provider,
                bsn=bsn,
                start_on=start_on,
                end_on=end_on,
                reason=reason,
            )
        )
    if len(result.errors) > errors_before:
        return None
    return _Read(name, parsed, raw, provider, child, allocations)


# ------------------------------------------------------------------------ importing


class _Rollback(Exception):
    pass


def import_jw301(
    entries: list[tuple[str, bytes]],
    *,
    result: Jw301Result | None = None,
    today: datetime.date | None = None,
    dry_run: bool = False,
) -> Jw301Result:
    """Check and apply the messages in one transaction; any error rolls all back. Never
    raises for what is in the files: every problem is a line of the result's report.
    `dry_run`: apply and report, then roll back (the page's report before confirming)."""
    result = result or Jw301Result()
    today = today or timezone.localdate()
    if not entries and not result.errors:
        result.errors.append(FileError("-", "", _("no JW301 messages (.xml files) found")))
    products = {p.code: p for p in Product.objects.all()}
    providers = {p.agb_code: p for p in Provider.objects.all()}
    seen: dict[str, str] = {}
    read = []
    for name, raw in entries:
        message = _read(
            name, raw, providers=providers, products=products, today=today, result=result
        )
        if message is None:
            continue
        identification = message.parsed.header.identification
        if identification in seen:
            result.errors.append(
                FileError(
                    name,
                    "",
                    _("the same message identification %(id)s as %(other)s")
                    % {"id": identification, "other": seen[identification]},
                )
            )
            continue
        seen[identification] = name
        read.append(message)
    if result.errors:
        return result
    try:
        with transaction.atomic():
            _apply(read, today=today, result=result)
            if result.errors or dry_run:
                raise _Rollback
    except _Rollback:
        if not result.errors:
            return result
        result.created = result.updated = result.removed = result.clients_created = 0
        result.existing = result.messages = 0
    return result


def _apply(read: list[_Read], *, today, result: Jw301Result) -> None:
    known = {
        m.identification: m
        for m in Message.objects.filter(
            direction=Message.Direction.OUT,
            identification__in=[r.parsed.header.identification for r in read],
        )
    }
    new = []
    for message in read:
        identification = message.parsed.header.identification
        registered = known.get(identification)
        if registered is None:
            new.append(message)
        elif registered.status == Message.Status.IMPORTED and registered.raw == _text(message.raw):
            result.existing += len(message.allocations)
        else:
            result.errors.append(
                FileError(
                    message.file,
                    "",
                    _("message identification %(id)s is already registered for another message")
                    % {"id": identification},
                )
            )
    if result.errors:
        return
    bsns = {m.child.bsn for m in new}
    clients = {c.bsn: c for c in Client.objects.filter(bsn__in=bsns)}
    areas = {a.digits: a.team for a in PostcodeArea.objects.select_related("team")}
    numbers = {a.number for m in new for a in m.allocations}
    indications = {
        i.allocation_number: i
        for i in Indication.objects.filter(allocation_number__in=numbers).select_related("client")
    }
    # Numbers this system issued itself (a JW301 it made, no imported history): the old
    # system's messages may not change those, even when child, product and provider match.
    imported_before = set(
        Message.objects.filter(
            status=Message.Status.IMPORTED, indication__allocation_number__in=numbers
        ).values_list("indication__allocation_number", flat=True)
    )
    ours = {number for number in indications if number not in imported_before}
    # Each allocation's history in order; a message is registered once all of its
    # allocations are applied (its link: the indication, when it carries one).
    # In the order they were sent (per allocation number: Dagtekening, then
    # Toewijzingsdatum and -tijd), so that one allocation shortened before the next starts
    # does not meet it.
    steps = sorted(
        ((a, m) for m in new for a in m.allocations),
        key=lambda step: (step[0].dated_on, step[0].allocated_at, step[0].number, step[0].file),
    )
    moments: dict[tuple, str] = {}
    for allocation, _message in steps:
        moment = (allocation.number, allocation.dated_on, allocation.allocated_at)
        if moment in moments:
            result.errors.append(
                FileError(
                    allocation.file,
                    str(allocation.number),
                    _("changed on the same date and time as in %(other)s: the order is unknown")
                    % {"other": moments[moment]},
                )
            )
        moments[moment] = allocation.file
    if result.errors:
        return
    touched: dict[str, Indication | None] = {}
    failed_children = set()
    for allocation, message in steps:
        client = clients.get(allocation.bsn)
        if client is None:
            if message.file in failed_children:
                continue
            client = _new_child(message, areas, result)
            if client is None:
                failed_children.add(message.file)
                continue
            clients[client.bsn] = client
        if allocation.number in ours:
            result.errors.append(
                FileError(
                    allocation.file,
                    str(allocation.number),
                    _(
                        "this allocation number was issued by this system, not by the old "
                        "one: an imported message cannot change it"
                    ),
                )
            )
            continue
        try:
            with transaction.atomic():
                indication = _apply_one(
                    allocation, client, indications.get(allocation.number), today, result
                )
        except ValidationError as exc:
            result.errors.append(FileError(allocation.file, str(allocation.number), _why(exc)))
            continue
        except IntegrityError:
            result.errors.append(
                FileError(
                    allocation.file,
                    str(allocation.number),
                    _(
                        "conflicts with an allocation already registered (same child, product, provider and start)"
                    ),
                )
            )
            continue
        if indication is None:
            indications.pop(allocation.number, None)
        else:
            indications[allocation.number] = indication
        touched[message.parsed.header.identification] = indication
    if result.errors:
        return
    for message in new:
        header = message.parsed.header
        indication = touched.get(header.identification)
        Message.objects.create(
            direction=Message.Direction.OUT,
            message_type=MessageType.JW301,
            sender=header.sender,
            receiver=header.receiver,
            identification=header.identification,
            dated_on=header.dated_on,
            raw=_text(message.raw),
            status=Message.Status.IMPORTED,
            provider=message.provider,
            client=clients.get(message.child.bsn),
            indication=indication if indication is not None and indication.pk else None,
        )
        result.messages += 1


def _text(raw: bytes) -> str:
    return raw.decode("utf-8", errors="replace")


def _why(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return " ".join(" ".join(errors) for errors in exc.message_dict.values())
    return " ".join(exc.messages)


def _new_child(message: _Read, areas, result: Jw301Result) -> Client | None:
    child = message.child
    team = areas.get(child.postcode[:4]) if child.postcode else None
    if team is None:
        result.errors.append(
            FileError(
                message.file,
                "",
                _("a new child needs an address with a postcode in a WIJ team's area"),
            )
        )
        return None
    try:
        client = client_create(
            team=team,
            bsn=child.bsn,
            first_name=child.first_name,
            last_name=child.last_name,
            date_of_birth=child.date_of_birth,
            street=child.street,
            house_number=child.house_number,
            postcode=child.postcode,
            city=child.city,
        )
    except ValidationError as exc:
        result.errors.append(FileError(message.file, "", _why(exc)))
        return None
    result.clients_created += 1
    return client


def _apply_one(allocation: _Allocation, client, indication, today, result) -> Indication | None:
    """Create, change or remove one allocation; returns the indication (None: removed)."""
    if indication is None:
        if allocation.reason == REMOVED:
            # Sent wrongly and removed before this system knew it: nothing to store.
            result.notes.append(
                FileError(
                    allocation.file,
                    str(allocation.number),
                    _("removed (reason 13) before it was imported: nothing stored"),
                )
            )
            return None
        indication = Indication(
            client=client,
            product=allocation.product,
            provider=allocation.provider,
            financing=Indication.Financing.ZIN,
            referrer_type="",  # a JW301 names no referrer
            start_on=allocation.start_on,
            end_on=allocation.end_on,
            allocation_number=allocation.number,
        )
        _set_status(indication, allocation.reason, today)
        indication.full_clean()
        indication.save()
        result.created += 1
        return indication
    if (indication.client_id, indication.product_id, indication.provider_id) != (
        client.pk,
        allocation.product.pk,
        allocation.provider.pk,
    ):
        raise ValidationError(
            _(
                "this allocation number belongs to another child, product or provider: a "
                "change keeps them (another product or provider is a new allocation)"
            )
        )
    if allocation.reason == REMOVED:
        _remove(indication)
        result.removed += 1
        return None
    if (indication.start_on, indication.end_on) == (allocation.start_on, allocation.end_on):
        result.existing += 1
        return indication
    if not allocation.reason:
        raise ValidationError(_("a change of an allocation needs its reason (RedenWijziging)"))
    if indication.status in Indication.ENDED_EARLY:
        raise ValidationError(
            _("this allocation has already ended early in this system: change it there")
        )
    current_end = indication.end_on or datetime.date.max
    new_end = allocation.end_on or datetime.date.max
    if allocation.reason == EXTENDED and new_end <= current_end:
        raise ValidationError(_("an extension (reason 04) needs a later end date"))
    if allocation.reason == SHORTENED and new_end >= current_end:
        raise ValidationError(_("a shortening (reason 05) needs an earlier end date"))
    indication.start_on, indication.end_on = allocation.start_on, allocation.end_on
    _set_status(indication, allocation.reason, today)
    indication.full_clean()
    indication.save()
    result.updated += 1
    return indication


def _set_status(indication: Indication, reason: str, today) -> None:
    """Past its end the indication has ended (as the nightly job would say); an extension
    runs on as extended; an end moved into the future again runs on."""
    if indication.end_on is not None and indication.end_on < today:
        indication.status = Indication.Status.ENDED
    elif reason == EXTENDED:
        indication.status = Indication.Status.EXTENDED
    elif indication.status == Indication.Status.ENDED:
        indication.status = Indication.Status.ACTIVE


def _remove(indication: Indication) -> None:
    """Reason 13: the allocation was sent wrongly and counts as never sent. It is deleted
    when nothing in this system hangs on it; the imported messages keep its history."""
    dependents = []
    for relation in Indication._meta.related_objects:
        if relation.one_to_many or relation.one_to_one:
            related = relation.related_model._default_manager.filter(
                **{relation.field.name: indication}
            )
            if relation.related_model is Message:
                related = related.exclude(status=Message.Status.IMPORTED)
            if related.exists():
                dependents.append(str(relation.related_model._meta.verbose_name_plural))
    if indication.follow_up_request_id or indication.preceded_by_id:
        dependents.append(_("follow-up"))
    if dependents:
        raise ValidationError(
            _("cannot be removed (reason 13): %(what)s already depend on it")
            % {"what": ", ".join(dependents)}
        )
    Message.objects.filter(indication=indication).update(indication=None)
    indication.delete()
