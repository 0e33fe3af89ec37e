"""The phasing service: is a referrer route open, is a product in Basis jeugdhulp, on a date?

Every caller (intake's route check, triage, the API, the Fasering page, reports) asks here,
so the answer and the sentence shown to families and referrers are the same everywhere.
"""

import datetime
from dataclasses import dataclass

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from .models import REFERRER_IN_SENTENCE, Product, ReferrerType, RoutePhase


def long_date(day: datetime.date) -> str:
    """1 januari 2024 (in the active language)."""
    return formats.date_format(day, "j F Y")


@dataclass(frozen=True)
class RouteStatus:
    referrer_type: str
    label: str
    is_open: bool
    open_since: datetime.date | None
    planned_on: datetime.date | None
    message: str


@dataclass(frozen=True)
class ProductStatus:
    code: str
    name: str
    in_basis_jeugdhulp: bool
    in_basis_jeugdhulp_since: datetime.date
    open_house_open: bool
    open_house_closes_on: datetime.date
    basis_message: str
    open_house_message: str

    @property
    def message(self) -> str:
        return f"{self.basis_message} {self.open_house_message}"


def _route_message(referrer_type: str, phase: RoutePhase | None, day: datetime.date) -> str:
    who = REFERRER_IN_SENTENCE[ReferrerType(referrer_type)]
    if phase is not None and phase.is_open_on(day):
        return _("Referrals from %(who)s have gone through WIJ Groningen since %(date)s.") % {
            "who": who,
            "date": long_date(phase.opened_on),
        }
    message = _(
        "This route is not open yet: the referrer still refers through an indication for "
        "an Open House product."
    )
    if phase is not None and phase.opened_on:
        message += " " + _("It opens on %(date)s.") % {"date": long_date(phase.opened_on)}
    elif phase is not None:
        message += " " + _("Planned: %(date)s; the steering group has not decided yet.") % {
            "date": long_date(phase.planned_on)
        }
    return message


def _route_status(referrer_type: str, phase: RoutePhase | None, day) -> RouteStatus:
    is_open = phase is not None and phase.is_open_on(day)
    return RouteStatus(
        referrer_type=referrer_type,
        label=str(ReferrerType(referrer_type).label),
        is_open=is_open,
        open_since=phase.opened_on if is_open else None,
        planned_on=phase.planned_on if phase else None,
        message=_route_message(referrer_type, phase, day),
    )


def route_status(referrer_type: str, on_date: datetime.date | None = None) -> RouteStatus:
    """Is this referrer route open on `on_date` (default: today)? One query."""
    day = on_date or timezone.localdate()
    phase = RoutePhase.objects.filter(referrer_type=referrer_type).first()
    return _route_status(referrer_type, phase, day)


def route_statuses(on_date: datetime.date | None = None, *, phases=None) -> list[RouteStatus]:
    """Every route's status on `on_date`, in the order of the national code list. One query.

    `phases` may be given to ask about another version of the table (see `table_as_of`).
    """
    day = on_date or timezone.localdate()
    if phases is None:
        phases = RoutePhase.objects.all()
    by_type = {phase.referrer_type: phase for phase in phases}
    return [_route_status(value, by_type.get(value), day) for value in ReferrerType.values]


def product_status(product: Product, on_date: datetime.date | None = None) -> ProductStatus:
    day = on_date or timezone.localdate()
    in_basis = product.in_basis_jeugdhulp_on(day)
    open_house = product.open_house_open_on(day)
    if in_basis:
        first = _("%(code)s is part of Basis jeugdhulp since %(date)s.")
    else:
        first = _("%(code)s is part of Basis jeugdhulp only from %(date)s.")
    if open_house:
        second = _("The Open House is open for it until %(closes)s.")
    else:
        second = _(
            "The Open House has been closed for it since %(closes)s: only an individually "
            "weighed exception is possible."
        )
    values = {
        "code": product.code,
        "date": long_date(product.moves_on),
        "closes": long_date(product.open_house_closes_on),
    }
    return ProductStatus(
        code=product.code,
        name=product.name,
        in_basis_jeugdhulp=in_basis,
        in_basis_jeugdhulp_since=product.moves_on,
        open_house_open=open_house,
        open_house_closes_on=product.open_house_closes_on,
        basis_message=first % values,
        open_house_message=second % values,
    )


def table_as_of(moment: datetime.datetime) -> list[RoutePhase]:
    """The phasing table as it stood at `moment` (from its history)."""
    return list(RoutePhase.history.as_of(moment))
