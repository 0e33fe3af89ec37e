"""Reading and writing iJw 3.2 messages as XML, validated against the official schemas.

The schemas are read at run time from the directory the setting IJW_XSD_DIR names (in
development and tests `../shared/ijw/`); they are reference data of Zorginstituut
Nederland and never part of the repository or a build step. Every message read is
validated before anything in it is used; every message written is validated before it is
stored, so the project never sends what the standard refuses.

Parsing is safe against hostile input: no DTDs, no entities, no network, no huge trees.
"""

import datetime
import functools
import re
from dataclasses import dataclass
from pathlib import Path

import xmlschema
from django.conf import settings
from django.utils.translation import gettext as _
from lxml import etree
from lxml.builder import ElementMaker

from .codes import MESSAGE_CODES, RETOURS, RetourCode

BASE_NS = "http://www.istandaarden.nl/ijw/3_2/basisschema/schema"
NS_PATTERN = re.compile(r"^http://www\.istandaarden\.nl/ijw/3_2/(jw[0-9]{3})/schema$")
XSD_VERSION = "1.0.0"
# A message is a few kilobytes; a folder of old allocations is many messages, each small.
MAX_MESSAGE_BYTES = 1_000_000


def namespace(message_type: str) -> str:
    return f"http://www.istandaarden.nl/ijw/3_2/{message_type.lower()}/schema"


class MessageError(Exception):
    """A message that cannot be used. `code` is the WJ001 retour code to answer with (None:
    no retour is possible, e.g. not XML or no identification); `message` is Dutch for the
    page; `header` what could be read of the header (for the retour and the register)."""

    def __init__(self, message: str, *, code: str | None = None, header=None, message_type=""):
        super().__init__(message)
        self.message = message
        self.code = code
        self.header = header
        self.message_type = message_type


@dataclass(frozen=True)
class Header:
    """Who sent a message to whom, its identification and date. For a retour these are
    the retour's own (its header repeats the message it answers: `answers` is that
    message's identification)."""

    sender: str
    receiver: str
    identification: str
    dated_on: datetime.date | None
    answers: str = ""


@dataclass(frozen=True)
class ParsedMessage:
    message_type: str
    header: Header
    root: etree._Element


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_blank_text=True,
    )


# Navigation by local names ("Header/BerichtIdentificatie/Identificatie"): the messages put
# their own elements in the message's namespace and shared ones in the basisschema's.
def find(element, path: str):
    for name in path.split("/"):
        if element is None:
            return None
        element = next(
            (c for c in element if isinstance(c.tag, str) and etree.QName(c).localname == name),
            None,
        )
    return element


def find_all(element, path: str) -> list:
    *parents, last = path.split("/")
    parent = find(element, "/".join(parents)) if parents else element
    if parent is None:
        return []
    return [c for c in parent if isinstance(c.tag, str) and etree.QName(c).localname == last]


def text(element, path: str) -> str:
    found = find(element, path)
    return (found.text or "").strip() if found is not None else ""


def date(element, path: str) -> datetime.date | None:
    value = text(element, path)
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def number(element, path: str) -> int | None:
    value = text(element, path)
    return int(value) if value.isdigit() else None


def schema_dir() -> Path:
    return Path(settings.IJW_XSD_DIR)


@functools.cache
def _schema(directory: str, message_type: str) -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(Path(directory) / f"{message_type}.xsd"))


def schema(message_type: str) -> xmlschema.XMLSchema:
    path = schema_dir() / f"{message_type}.xsd"
    if not path.is_file():
        raise MessageError(
            _("The schema of %(type)s is missing on the server (setting IJW_XSD_DIR).")
            % {"type": message_type},
        )
    return _schema(str(schema_dir()), message_type)


def _header(root, message_type: str) -> Header:
    sender = text(root, "Header/Afzender")[:8]
    receiver = text(root, "Header/Ontvanger")[:8]
    identification = text(root, "Header/BerichtIdentificatie/Identificatie")[:12]
    dated_on = date(root, "Header/BerichtIdentificatie/Dagtekening")
    if message_type in RETOURS:
        # A retour repeats the header of the message it answers (sent the other way).
        return Header(
            sender=receiver,
            receiver=sender,
            identification=text(root, "Header/IdentificatieRetour")[:12],
            dated_on=date(root, "Header/DagtekeningRetour"),
            answers=identification,
        )
    return Header(sender, receiver, identification, dated_on)


def schema_errors(root, message_type: str, limit: int = 5) -> list[str]:
    """The first few schema errors, as lines a youth administrator can act on."""
    lines = []
    for error in schema(message_type).iter_errors(root):
        where = getattr(error.elem, "sourceline", None) if error.elem is not None else None
        element = etree.QName(error.elem).localname if error.elem is not None else ""
        reason = (error.reason or "").strip()
        lines.append(
            _("%(element)s (line %(line)s): %(reason)s")
            % {"element": element or "?", "line": where or "?", "reason": reason[:300]}
        )
        if len(lines) >= limit:
            break
    return lines


def parse(raw: bytes) -> ParsedMessage:
    """Read and validate one message; raises MessageError with what is wrong (in Dutch)."""
    if len(raw) > MAX_MESSAGE_BYTES:
        raise MessageError(
            _("The message is larger than %(size)s MB: no iJw message is that large.")
            % {"size": MAX_MESSAGE_BYTES // 1_000_000}
        )
    if b"\x00" in raw:
        # UTF-16 or a binary file: an iJw message is UTF-8, and the register keeps text.
        raise MessageError(_("The file contains NUL bytes: an iJw message is UTF-8 text."))
    if b"<!DOCTYPE" in raw[:2048].upper() or b"<!ENTITY" in raw.upper():
        raise MessageError(_("The message contains a DOCTYPE or entities: refused."))
    try:
        root = etree.fromstring(raw, parser=_parser())
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise MessageError(
            _("This is not a readable XML message: %(reason)s") % {"reason": str(exc)[:200]}
        ) from None
    encoding = (root.getroottree().docinfo.encoding or "UTF-8").upper()
    if encoding not in ("UTF-8", "UTF8"):
        raise MessageError(
            _("The message is encoded as %(encoding)s: an iJw message is UTF-8.")
            % {"encoding": encoding}
        )
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        raise MessageError(_("The message is not valid UTF-8 text.")) from None
    match = NS_PATTERN.match(etree.QName(root).namespace or "")
    if etree.QName(root).localname != "Bericht" or match is None:
        raise MessageError(_("This is not an iJw 3.2 message (unknown root or namespace)."))
    message_type = match.group(1).upper()
    if message_type not in MESSAGE_CODES:
        raise MessageError(
            _("%(type)s is not a message this system handles.") % {"type": message_type}
        )
    header = _header(root, message_type)
    errors = schema_errors(root, message_type)
    if errors:
        raise MessageError(
            _("The message does not meet the schema of %(type)s: %(errors)s")
            % {"type": message_type, "errors": "; ".join(errors)},
            code=RetourCode.TECHNICAL,
            header=header,
            message_type=message_type,
        )
    return ParsedMessage(message_type=message_type, header=header, root=root)


# ---------------------------------------------------------------------------- writing


def _makers(message_type: str):
    own = ElementMaker(
        namespace=namespace(message_type),
        nsmap={message_type.lower(): namespace(message_type), "ijw": BASE_NS},
    )
    base = ElementMaker(namespace=BASE_NS)
    return own, base


def _date(day: datetime.date) -> str:
    return day.isoformat()


def _header_elements(own, base, message_type, *, sender, receiver, identification, dated_on):
    return [
        own.BerichtCode(str(MESSAGE_CODES[message_type])),
        own.BerichtVersie("3"),
        own.BerichtSubversie("2"),
        own.Afzender(sender),
        own.Ontvanger(receiver),
        own.BerichtIdentificatie(
            base.Identificatie(identification), base.Dagtekening(_date(dated_on))
        ),
        own.XsdVersie(base.BasisschemaXsdVersie(XSD_VERSION), base.BerichtXsdVersie(XSD_VERSION)),
    ]


def serialize(root) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _checked(root, message_type: str) -> bytes:
    errors = schema_errors(root, message_type)
    if errors:  # a defect of ours, never of the input: stop before it is stored or sent
        raise ValueError(f"{message_type} written does not validate: {errors}")
    return serialize(root)


def retour_xml(
    retour_type: str,
    *,
    answers: Header,
    identification: str,
    dated_on: datetime.date,
    codes: list[str],
) -> bytes:
    """A retour (JW302/306/308/316/318/320): the header of the message it answers, as it
    came (sender, receiver, identification, date), then the retour's own identification
    and date and the WJ001 codes (0200: no remark)."""
    own, base = _makers(retour_type)
    header = _header_elements(
        own,
        base,
        retour_type,
        sender=answers.sender,
        receiver=answers.receiver,
        identification=answers.identification,
        dated_on=answers.dated_on or dated_on,
    )
    header += [
        own.IdentificatieRetour(identification),
        own.DagtekeningRetour(_date(dated_on)),
        own.XsdVersieRetour(
            base.BasisschemaXsdVersie(XSD_VERSION), base.BerichtXsdVersie(XSD_VERSION)
        ),
        own.RetourCodes(*[own.RetourCode(code) for code in codes]),
    ]
    return _checked(own.Bericht(own.Header(*header)), retour_type)


@dataclass(frozen=True)
class ClientData:
    """What the messages carry of a child (Client): the BSN, birth date, sex and name."""

    bsn: str
    date_of_birth: datetime.date
    last_name: str
    first_names: str = ""
    sex: str = "0"  # COD046: 0 unknown, 1 male, 2 female
    prefix: str = ""
    street: str = ""
    house_number: str = ""
    postcode: str = ""
    city: str = ""

    def contact_element(self, own, base):
        """Contactgegevens (JW301): the address WIJ has (BRP address, Soort 01); the
        message needs the element even when no address is known."""
        address = []
        digits = re.match(r"[0-9]{1,5}", self.house_number or "")
        if digits:
            address.append(base.Huis(base.Huisnummer(str(int(digits.group())))))
        if self.postcode:
            address.append(base.Postcode(self.postcode.replace(" ", "")[:8]))
        if self.street:
            address.append(base.Straatnaam(self.street[:24]))
        if self.city:
            address.append(base.Plaatsnaam(self.city[:80]))
        if address:
            address.append(base.LandCode("NL"))
        contact = [own.Soort("01")]
        if address:
            contact.append(own.Adres(*address))
        return own.Contactgegevens(own.Contact(*contact))

    def as_element(self, own, base):
        surname = [base.Achternaam(self.last_name[:200] or "-")]
        if self.prefix:
            surname.append(base.Voorvoegsel(self.prefix[:10]))
        name = [base.Geslachtsnaam(*surname)]
        if self.first_names:
            name.append(base.Voornamen(self.first_names[:200]))
        name.append(base.NaamGebruik("1"))
        return [
            own.Bsn(self.bsn),
            own.Geboortedatum(base.Datum(_date(self.date_of_birth))),
            own.Geslacht(self.sex if self.sex in ("0", "1", "2") else "0"),
            own.Naam(*name),
        ]


def client_data(root, path: str = "Client") -> ClientData:
    client = find(root, path)
    return ClientData(
        bsn=text(client, "Bsn"),
        date_of_birth=date(client, "Geboortedatum/Datum"),
        last_name=text(client, "Naam/Geslachtsnaam/Achternaam"),
        prefix=text(client, "Naam/Geslachtsnaam/Voorvoegsel"),
        first_names=text(client, "Naam/Voornamen"),
        sex=text(client, "Geslacht") or "0",
    )


@dataclass(frozen=True)
class AllocatedProduct:
    """One ToegewezenProduct of a JW301."""

    number: int
    category: str
    code: str
    allocated_at: datetime.datetime
    start_on: datetime.date
    end_on: datetime.date | None
    reference: str = ""
    change_reason: str = ""
    volume: int | None = None
    unit: str = ""
    frequency: str = ""
    comment: str = ""


def jw301_xml(
    *,
    sender: str,
    receiver: str,
    identification: str,
    dated_on: datetime.date,
    client: ClientData,
    products: list[AllocatedProduct],
) -> bytes:
    own, base = _makers("JW301")
    items = []
    for product in products:
        parts = [own.ToewijzingNummer(str(product.number))]
        if product.reference:
            parts.append(own.ReferentieAanbieder(product.reference[:36]))
        parts += [
            own.Product(base.Categorie(product.category), base.Code(product.code)),
            own.Toewijzingsdatum(_date(product.allocated_at.date())),
            own.Toewijzingstijd(product.allocated_at.strftime("%H:%M:%S")),
            own.Ingangsdatum(_date(product.start_on)),
        ]
        if product.end_on:
            parts.append(own.Einddatum(_date(product.end_on)))
        if product.change_reason:
            parts.append(own.RedenWijziging(product.change_reason))
        if product.volume is not None and product.unit and product.frequency:
            parts.append(
                own.Omvang(
                    base.Volume(str(product.volume)),
                    base.Eenheid(product.unit),
                    base.Frequentie(product.frequency),
                )
            )
        if product.comment:
            parts.append(own.Commentaar(product.comment[:1000]))
        items.append(own.ToegewezenProduct(*parts))
    root = own.Bericht(
        own.Header(
            *_header_elements(
                own,
                base,
                "JW301",
                sender=sender,
                receiver=receiver,
                identification=identification,
                dated_on=dated_on,
            )
        ),
        own.Client(
            *client.as_element(own, base),
            client.contact_element(own, base),
            own.ToegewezenProducten(*items),
        ),
    )
    return _checked(root, "JW301")


def jw319_xml(
    *,
    sender: str,
    receiver: str,
    identification: str,
    dated_on: datetime.date,
    reference: str,
    answer: str,
    reject_reason: str = "",
) -> bytes:
    """The answer to a JW315/JW317: rejected (WJ760 1, with a WJ759 reason) or being
    looked into (2)."""
    own, base = _makers("JW319")
    parts = [own.ReferentieAanbieder(reference[:36]), own.VerzoekAntwoord(answer)]
    if reject_reason:
        parts.append(own.RedenAfwijzingVerzoek(reject_reason))
    root = own.Bericht(
        own.Header(
            *_header_elements(
                own,
                base,
                "JW319",
                sender=sender,
                receiver=receiver,
                identification=identification,
                dated_on=dated_on,
            )
        ),
        own.Antwoord(*parts),
    )
    return _checked(root, "JW319")
