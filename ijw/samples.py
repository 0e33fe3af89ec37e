"""Messages as an Open House provider's system writes them (JW315, JW317, JW305, JW307,
and the retours JW302/JW320): for the demo, the tests and the documentation's examples.
Each is validated against its schema like every message the project writes."""

import datetime
from dataclasses import dataclass

from django.conf import settings

from . import xml


@dataclass
class Requested:
    """One AangevraagdProduct of a JW315."""

    reference: str
    code: str
    start_on: datetime.date
    end_on: datetime.date | None = None
    referrer_type: str = "02"
    referrer_agb: str = ""
    referrer_name: str = ""
    volume: int | None = 2
    unit: str = "04"
    frequency: str = "2"
    comment: str = ""


def _header(own, base, message_type, sender, identification, dated_on):
    return own.Header(
        *xml._header_elements(
            own,
            base,
            message_type,
            sender=sender,
            receiver=settings.IJW_MUNICIPALITY_CODE,
            identification=identification,
            dated_on=dated_on,
        )
    )


def _client(own, base, child: xml.ClientData, *, with_name: bool = True):
    parts = child.as_element(own, base)
    # Only JW301 carries NaamGebruik; the provider's messages stop at the first names.
    naam = parts[-1]
    for element in list(naam):
        if element.tag.endswith("NaamGebruik"):
            naam.remove(element)
    return parts if with_name else parts[:1]


def _omvang(own, base, volume, unit, frequency):
    if volume is None:
        return []
    return [own.Omvang(base.Volume(str(volume)), base.Eenheid(unit), base.Frequentie(frequency))]


def jw315(
    *,
    sender: str,
    identification: str,
    dated_on: datetime.date,
    child: xml.ClientData,
    products: list[Requested],
) -> bytes:
    own, base = xml._makers("JW315")
    items = []
    for p in products:
        referrer = [base.Type(p.referrer_type)]
        if p.referrer_name:
            referrer.append(base.Naam(p.referrer_name[:64]))
        if p.referrer_agb:
            referrer.append(base.ZorgverlenerCode(p.referrer_agb))
        parts = [
            own.ReferentieAanbieder(p.reference),
            own.Product(base.Categorie(p.code[:2]), base.Code(p.code)),
            own.ToewijzingIngangsdatum(p.start_on.isoformat()),
        ]
        if p.end_on:
            parts.append(own.ToewijzingEinddatum(p.end_on.isoformat()))
        parts += _omvang(own, base, p.volume, p.unit, p.frequency)
        parts.append(own.Verwijzer(*referrer))
        if p.comment:
            parts.append(own.Commentaar(p.comment))
        items.append(own.AangevraagdProduct(*parts))
    root = own.Bericht(
        _header(own, base, "JW315", sender, identification, dated_on),
        own.Client(*_client(own, base, child), own.AangevraagdeProducten(*items)),
    )
    return xml._checked(root, "JW315")


@dataclass
class Delivery:
    """One StartProduct (JW305) or StopProduct (JW307)."""

    allocation_number: int
    code: str
    allocation_start_on: datetime.date
    start_on: datetime.date
    end_on: datetime.date | None = None
    end_reason: str = ""
    status: str = "1"


def _delivery(message_type, sender, identification, dated_on, child, items: list[Delivery]):
    own, base = xml._makers(message_type)
    is_stop = message_type == "JW307"
    products = []
    for d in items:
        parts = [
            own.ToewijzingNummer(str(d.allocation_number)),
            own.Product(base.Categorie(d.code[:2]), base.Code(d.code)),
            own.ToewijzingIngangsdatum(d.allocation_start_on.isoformat()),
            own.Begindatum(d.start_on.isoformat()),
        ]
        if is_stop:
            parts += [own.RedenBeeindiging(d.end_reason), own.Einddatum(d.end_on.isoformat())]
        parts.append(own.StatusAanlevering(d.status))
        products.append((own.StopProduct if is_stop else own.StartProduct)(*parts))
    wrapper = own.StopProducten if is_stop else own.StartProducten
    root = own.Bericht(
        _header(own, base, message_type, sender, identification, dated_on),
        own.Client(*_client(own, base, child), wrapper(*products)),
    )
    return xml._checked(root, message_type)


def jw305(*, sender, identification, dated_on, child, starts: list[Delivery]) -> bytes:
    return _delivery("JW305", sender, identification, dated_on, child, starts)


def jw307(*, sender, identification, dated_on, child, stops: list[Delivery]) -> bytes:
    return _delivery("JW307", sender, identification, dated_on, child, stops)


@dataclass
class Change:
    """One TeWijzigenProduct of a JW317: an allocation with a new end (an extension)."""

    allocation_number: int
    start_on: datetime.date
    end_on: datetime.date | None = None


@dataclass
class NewProduct:
    """One NieuwProduct of a JW317."""

    code: str
    start_on: datetime.date
    end_on: datetime.date | None = None
    volume: int | None = 2
    unit: str = "04"
    frequency: str = "2"


def jw317(
    *,
    sender: str,
    identification: str,
    dated_on: datetime.date,
    bsn: str,
    reference: str,
    reason: str = "1",
    changes: tuple = (),
    unchanged: tuple = (),
    new: tuple = (),
) -> bytes:
    own, base = xml._makers("JW317")
    parts = [own.ReferentieAanbieder(reference), own.RedenVerzoek(reason)]
    if unchanged:
        parts.append(
            own.OngewijzigdeProducten(
                *[own.OngewijzigdProduct(own.ToewijzingNummer(str(n))) for n in unchanged]
            )
        )
    if changes:
        items = []
        for c in changes:
            item = [
                own.ToewijzingNummer(str(c.allocation_number)),
                own.GewensteIngangsdatum(c.start_on.isoformat()),
            ]
            if c.end_on:
                item.append(own.Einddatum(c.end_on.isoformat()))
            items.append(own.TeWijzigenProduct(*item))
        parts.append(own.TeWijzigenProducten(*items))
    if new:
        items = []
        for p in new:
            item = [
                own.Product(base.Categorie(p.code[:2]), base.Code(p.code)),
                own.GewensteIngangsdatum(p.start_on.isoformat()),
            ]
            if p.end_on:
                item.append(own.Einddatum(p.end_on.isoformat()))
            item += _omvang(own, base, p.volume, p.unit, p.frequency)
            items.append(own.NieuwProduct(*item))
        parts.append(own.NieuweProducten(*items))
    root = own.Bericht(
        _header(own, base, "JW317", sender, identification, dated_on),
        own.Client(own.Bsn(bsn), own.Verzoek(*parts)),
    )
    return xml._checked(root, "JW317")


def provider_retour(
    retour_type: str, *, answers: xml.Header, identification: str, dated_on, codes
) -> bytes:
    """A JW302/JW320: the provider's retour on our JW301/JW319 (`answers`: its header)."""
    return xml.retour_xml(
        retour_type, answers=answers, identification=identification, dated_on=dated_on, codes=codes
    )
