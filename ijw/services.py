"""What the messages change: receiving (validate, register, deduplicate, process, retour),
the phasing table's answer to a request for allocation, the youth administration's
decision, and the answers that go out. Every caller (the pages, the API, the import, the
jobs) comes here; see docs/ijw.md for the flow."""

import datetime
import logging
import uuid
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from indications.models import Indication
from intake.models import Client
from openhouse.models import Provider
from referrals.models import Product, ReferrerType
from referrals.phasing import long_date, route_status
from samen.identifiers import normalize_bsn
from samen.workdays import add_working_days

from . import xml
from .codes import INCOMING, RETOUR_FOR, RejectReason, RequestAnswer, RetourCode
from .models import AllocationRequest, Message

# JW302 answers a JW301, JW320 a JW319: the retours we receive on what we sent.
ANSWERED_BY = {retour: sent for sent, retour in RETOUR_FOR.items()}
logger = logging.getLogger(__name__)
RETOUR_WORKING_DAYS = 3
ANSWER_WORKING_DAYS = 5


class SenderMismatch(ValidationError):
    """The sender in a message is not the organisation of the API key that posted it
    (the API answers 403; nothing is stored)."""


class Refused(Exception):
    """A message that cannot be processed: answered with `code`, changes nothing."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def new_identification() -> str:
    """BerichtIdentificatie of a message we write: 12 characters, unique."""
    return uuid.uuid4().hex[:12]


def municipality() -> str:
    return settings.IJW_MUNICIPALITY_CODE


def _record_out(
    *, message_type: str, raw: bytes, identification: str, receiver: str, dated_on, **links
) -> Message:
    today = timezone.localdate()
    expects_retour = message_type in RETOUR_FOR
    return Message.objects.create(
        direction=Message.Direction.OUT,
        message_type=message_type,
        sender=municipality(),
        receiver=receiver,
        identification=identification,
        dated_on=dated_on,
        raw=raw.decode(),
        status=Message.Status.READY,
        retour_due_on=add_working_days(today, RETOUR_WORKING_DAYS) if expects_retour else None,
        **links,
    )


def _retour(message: Message, header: xml.Header, codes: list[str]) -> Message | None:
    """Our retour on a message received. None when the header is too broken to answer (an
    invalid sender or date): the register says so, the provider's hub sees no retour."""
    retour_type = RETOUR_FOR[message.message_type]
    identification = new_identification()
    today = timezone.localdate()
    try:
        raw = xml.retour_xml(
            retour_type, answers=header, identification=identification, dated_on=today, codes=codes
        )
    except ValueError:
        message.errors = (
            message.errors + " " + _("No retour possible: the header cannot be answered.")
        ).strip()[:2000]
        message.save(update_fields=["errors"])
        return None
    return _record_out(
        message_type=retour_type,
        raw=raw,
        identification=identification,
        receiver=header.sender,
        dated_on=today,
        in_reply_to=message,
        provider=message.provider,
        client=message.client,
        indication=message.indication,
    )


@dataclass
class Received:
    """What became of a message received: the message in the register, its retour (None
    for a retour itself) and, for a rejected one, what was wrong."""

    message: Message
    retour: Message | None

    @property
    def accepted(self) -> bool:
        return self.message.status != Message.Status.REJECTED


def _reject(message: Message, header: xml.Header, code: str, reason: str) -> Received:
    message.status = Message.Status.REJECTED
    message.answer_due_on = None
    message.errors = reason[:2000]
    message.retour_codes = code
    message.done_at = timezone.now()
    message.save()
    retour = _retour(message, header, [code]) if message.message_type in RETOUR_FOR else None
    return Received(message, retour)


@transaction.atomic
def message_receive(*, raw: bytes, user=None, provider: Provider | None = None) -> Received:
    """Register one incoming message and process it, then write its retour.

    Raises ValidationError (nothing stored) when the input is not a message at all: not
    XML, not iJw, no identification, a message the municipality sends, or - through the
    API - a sender other than the token's provider. Everything else is registered: a
    message that breaks a rule is kept as rejected, with the retour code that says why,
    and changes nothing else."""
    try:
        parsed = xml.parse(raw)
        header, message_type, invalid = parsed.header, parsed.message_type, None
    except xml.MessageError as exc:
        if exc.header is None or not exc.header.identification:
            raise ValidationError(exc.message) from None
        header, message_type, invalid, parsed = exc.header, exc.message_type, exc, None
    if message_type not in INCOMING:
        raise ValidationError(
            _("%(type)s is a message the municipality sends, not one it receives.")
            % {"type": message_type}
        )
    if provider is not None and header.sender != provider.agb_code:
        raise SenderMismatch(
            _("The sender %(sender)s in the message is not your organisation's AGB code.")
            % {"sender": header.sender}
        )
    sender = provider or Provider.objects.filter(agb_code=header.sender).first()
    today = timezone.localdate()
    message = Message(
        direction=Message.Direction.IN,
        message_type=message_type,
        sender=header.sender,
        receiver=header.receiver,
        identification=header.identification,
        dated_on=header.dated_on
        if header.dated_on and xml_date_in_range(header.dated_on)
        else None,
        raw=raw.decode("utf-8", errors="replace"),
        status=Message.Status.PROCESSED,
        provider=sender,
        retour_due_on=add_working_days(today, RETOUR_WORKING_DAYS),
        registered_by=user if getattr(user, "is_authenticated", False) else None,
    )
    # Received before (TR056): kept as a duplicate, answered 9056, nothing changes.
    first = Message.objects.filter(
        direction=Message.Direction.IN,
        sender=header.sender,
        identification=header.identification,
        duplicate_of__isnull=True,
    ).first()
    if first is None:
        try:
            with transaction.atomic():
                message.save()
        except IntegrityError:  # the same message at the same moment: the other one won
            first = Message.objects.get(
                direction=Message.Direction.IN,
                sender=header.sender,
                identification=header.identification,
                duplicate_of__isnull=True,
            )
    if first is not None:
        message.pk = None
        message.duplicate_of = first
        message.save()
        return _reject(
            message,
            header,
            RetourCode.IDENTIFICATION_NOT_UNIQUE,
            _("This identification was received before (%(date)s): nothing changed.")
            % {"date": timezone.localtime(first.received_at).strftime("%d-%m-%Y %H:%M")},
        )
    if invalid is not None:
        return _reject(message, header, invalid.code or RetourCode.TECHNICAL, invalid.message)
    if sender is None:
        return _reject(
            message,
            header,
            RetourCode.TECHNICAL,
            _("Unknown sender: no Open House provider has AGB code %(agb)s.")
            % {"agb": header.sender},
        )
    if header.receiver != municipality():
        return _reject(
            message,
            header,
            RetourCode.TECHNICAL,
            _("The message is addressed to %(receiver)s, not to this municipality (%(own)s).")
            % {"receiver": header.receiver, "own": municipality()},
        )
    if header.dated_on is None or header.dated_on > today:
        return _reject(
            message,
            header,
            RetourCode.DATED_IN_FUTURE,
            _("The message is dated after today."),
        )
    handler = HANDLERS[message_type]
    links = (message.client_id, message.indication_id, message.in_reply_to_id)
    try:
        with transaction.atomic():
            handler(message, parsed, user)
    except (Refused, IntegrityError) as exc:
        # The handler's changes rolled back: so do the links it set on the message.
        message.client_id, message.indication_id, message.in_reply_to_id = links
        if isinstance(exc, Refused):
            return _reject(message, header, exc.code, exc.message)
        # A message with the same reference at the same moment: the other one won.
        return _reject(
            message,
            header,
            RetourCode.REFERENCE_NOT_UNIQUE,
            _("A request with the same reference arrived at the same moment: not processed."),
        )
    message.retour_codes = RetourCode.OK if message_type in RETOUR_FOR else ""
    message.save()
    retour = _retour(message, header, [RetourCode.OK]) if message_type in RETOUR_FOR else None
    return Received(message, retour)


def xml_date_in_range(day: datetime.date) -> bool:
    from samen.dates import MAX_DATE, MIN_DATE

    return MIN_DATE <= day <= MAX_DATE


# ------------------------------------------------------------------- the handlers


def _child(root) -> tuple[xml.ClientData, Client | None]:
    data = xml.client_data(root)
    try:
        bsn = normalize_bsn(data.bsn)
    except ValidationError:
        raise Refused(
            RetourCode.TECHNICAL, _("%(bsn)s is not a valid BSN.") % {"bsn": data.bsn}
        ) from None
    if data.date_of_birth is None or not xml_date_in_range(data.date_of_birth):
        raise Refused(RetourCode.TECHNICAL, _("The date of birth is not a possible date."))
    return data, Client.objects.filter(bsn=bsn).first()


def _receive_jw315(message: Message, parsed: xml.ParsedMessage, user) -> None:
    """A request for allocation: one request per requested product, each with the phasing
    table's proposal; answered at once when IJW_DECIDE_AUTOMATICALLY is on."""
    data, client = _child(parsed.root)
    message.client = client
    message.status = Message.Status.AWAITING_ANSWER
    message.answer_due_on = add_working_days(timezone.localdate(), ANSWER_WORKING_DAYS)
    message.save()
    requests, seen = [], set()
    for item in xml.find_all(parsed.root, "Client/AangevraagdeProducten/AangevraagdProduct"):
        reference = xml.text(item, "ReferentieAanbieder")
        code = xml.text(item, "Product/Code").upper()
        start_on = xml.date(item, "ToewijzingIngangsdatum")
        end_on = xml.date(item, "ToewijzingEinddatum")
        if not xml_date_in_range(start_on) or (end_on and not xml_date_in_range(end_on)):
            raise Refused(RetourCode.TECHNICAL, _("A requested date is not a possible date."))
        if end_on is not None and end_on <= start_on:
            raise Refused(
                RetourCode.TECHNICAL,
                _("The requested end (%(end)s) must lie after the start (%(start)s).")
                % {"end": end_on.strftime("%d-%m-%Y"), "start": start_on.strftime("%d-%m-%Y")},
            )
        if (
            reference in seen
            or AllocationRequest.objects.filter(
                provider=message.provider, reference=reference
            ).exists()
        ):
            raise Refused(
                RetourCode.REFERENCE_NOT_UNIQUE,
                _("Your reference %(reference)s was used for an earlier request.")
                % {"reference": reference},
            )
        seen.add(reference)
        referrer_type = xml.text(item, "Verwijzer/Type")
        product = Product.objects.filter(code=code).first() if code else None
        proposal = route_propose(
            product=product,
            product_code=code,
            provider=message.provider,
            client=client,
            start_on=start_on,
            end_on=end_on,
            referrer_type=referrer_type,
            date_of_birth=data.date_of_birth,
        )
        volume = xml.number(item, "Omvang/Volume")
        requests.append(
            AllocationRequest.objects.create(
                kind=AllocationRequest.Kind.ALLOCATION,
                message=message,
                provider=message.provider,
                reference=reference,
                client=client,
                bsn=normalize_bsn(data.bsn),
                child_name=_name(data),
                date_of_birth=data.date_of_birth,
                product_code=code[:5],
                product=product,
                start_on=start_on,
                end_on=end_on,
                referrer_type=referrer_type if referrer_type in ReferrerType.values else "",
                referrer_agb=xml.text(item, "Verwijzer/ZorgverlenerCode")[:8],
                referrer_name=xml.text(item, "Verwijzer/Naam")[:64],
                volume=volume,
                unit=xml.text(item, "Omvang/Eenheid"),
                frequency=xml.text(item, "Omvang/Frequentie"),
                comment=xml.text(item, "Commentaar")[:2000],
                proposed_route=proposal.route,
                proposed_reason=proposal.reject_reason,
                proposal_explained=proposal.explanation[:2000],
                answer_due_on=message.answer_due_on,
            )
        )
    if settings.IJW_DECIDE_AUTOMATICALLY:
        for request in requests:
            if decides_automatically(request):
                _decide_automatically(request)


def _decide_automatically(request: AllocationRequest) -> None:
    """Send the proposal at once. What the decision refuses (an overlap found meanwhile,
    a rule of the indication) leaves the request proposed, with the reason, for the youth
    administration: the message itself stays received and answered with its retour."""
    try:
        with transaction.atomic():
            request_decide(
                request_id=request.pk,
                route=request.proposed_route,
                reject_reason=request.proposed_reason,
                user=None,
            )
    except ValidationError as exc:
        request.proposal_explained = (
            request.proposal_explained
            + " "
            + _("Not sent automatically: %(reasons)s") % {"reasons": " ".join(exc.messages)}
        )[:2000]
        request.save(update_fields=["proposal_explained"])


def _name(data: xml.ClientData) -> str:
    last = f"{data.prefix} {data.last_name}".strip()
    return f"{data.first_names} {last}".strip()[:250]


def _receive_retour(message: Message, parsed: xml.ParsedMessage, user) -> None:
    """JW302/JW320: the provider's retour on our allocation or answer."""
    identification = parsed.header.answers
    ours = (
        Message.objects.select_for_update()
        .filter(
            direction=Message.Direction.OUT,
            message_type=ANSWERED_BY[message.message_type],
            status__in=[Message.Status.READY, Message.Status.SENT],
            identification=identification,
            receiver=message.sender,
        )
        .first()
    )
    if ours is None:
        raise Refused(
            RetourCode.TECHNICAL,
            _(
                "No %(type)s %(id)s waiting for a retour was sent to you: this retour "
                "answers nothing."
            )
            % {"type": ANSWERED_BY[message.message_type], "id": identification},
        )
    codes = [
        code.text.strip()
        for code in parsed.root.iter()
        if isinstance(code.tag, str) and code.tag.endswith("}RetourCode") and code.text
    ]
    ours.retour_codes = ",".join(dict.fromkeys(codes))[:100]
    ours.status = (
        Message.Status.CONFIRMED
        if set(codes) <= {RetourCode.OK, RetourCode.NOT_JUDGED}
        else Message.Status.RETURNED
    )
    ours.done_at = timezone.now()
    ours.save(update_fields=["retour_codes", "status", "done_at"])
    message.in_reply_to = ours
    message.client = ours.client
    message.indication = ours.indication
    message.save()


# ------------------------------------------------------- the phasing table decides


@dataclass(frozen=True)
class Proposal:
    route: str
    reject_reason: str
    explanation: str


def _wij_exception(client: Client | None, product: Product, start_on: datetime.date):
    """An Open House exception WIJ's triage made for this child and product: approved by
    the municipality, or not needed because the Open House was still open on the start."""
    from triage.models import OpenHouseException

    if client is None:
        return None
    approvals = [OpenHouseException.Approval.APPROVED]
    if product.open_house_open_on(start_on):
        approvals.append(OpenHouseException.Approval.NOT_NEEDED)
    return (
        OpenHouseException.objects.filter(
            product=product, approval__in=approvals, triage__support_request__clients=client
        )
        .order_by("-id")
        .first()
    )


def route_propose(
    *,
    product: Product | None,
    product_code: str,
    provider: Provider,
    client: Client | None,
    start_on: datetime.date,
    end_on: datetime.date | None,
    referrer_type: str,
    date_of_birth: datetime.date | None = None,
) -> Proposal:
    """The phasing table's answer to a request for allocation, judged on the requested
    start date (a JW315 carries no referral date: decision 83). In this order:

    1. not one of the 11 products: outside this system, the municipality's own handling;
    2. WIJ's own triage referred this child to the Open House for this product (an
       exception approved, or not needed while the Open House was open): allocate
       (decision 85);
    3. in Basis jeugdhulp on that date and the referrer's route to WIJ open: to WIJ (a
       JW319 rejection with WJ759 reason 4, decision 84, and a support request at WIJ);
    4. the Open House still open for the product on that date: allocate;
    5. the Open House closed and no exception: to WIJ as in 3.

    Before these: a young person of 18 or older on the start is past the Jeugdwet's age
    (WJ759 9), and a child who already has this product in that period is stacking (6).
    An allocation is proposed only when the provider has the product in its contract;
    otherwise a rejection (4). The youth administration may override any of these."""
    if product is None:
        return Proposal(
            AllocationRequest.Route.OUT_OF_SCOPE,
            "",
            _(
                "%(code)s is not one of the 11 products of Basis jeugdhulp: the "
                "municipality handles this request itself."
            )
            % {"code": product_code or "?"},
        )
    if date_of_birth is not None and relativedelta(start_on, date_of_birth).years >= 18:
        return Proposal(
            AllocationRequest.Route.REJECT,
            RejectReason.AGE_LIMIT,
            _("On %(day)s the young person is 18 or older: youth care under the Jeugdwet ends.")
            % {"day": long_date(start_on)},
        )
    if client is not None:
        probe = Indication(client=client, product=product, start_on=start_on, end_on=end_on)
        if probe.overlapping().exists():
            return Proposal(
                AllocationRequest.Route.REJECT,
                RejectReason.STACKING,
                _("The child already has %(product)s in that period.") % {"product": product.code},
            )
    day = long_date(start_on)
    values = {
        "day": day,
        "product": product.code,
        "closes": long_date(product.open_house_closes_on),
    }
    exception = _wij_exception(client, product, start_on)
    if exception is not None:
        return _allocate_or_reject(
            product,
            provider,
            client,
            start_on,
            end_on,
            _(
                "WIJ's triage referred this child to the Open House for %(product)s "
                "(exception: %(approval)s)."
            )
            % {"product": product.code, "approval": exception.get_approval_display()},
        )
    route = route_status(referrer_type, start_on) if referrer_type in ReferrerType.values else None
    if product.in_basis_jeugdhulp_on(start_on) and route is not None and route.is_open:
        return Proposal(
            AllocationRequest.Route.WIJ,
            RejectReason.NOT_IN_CONTRACT,
            _(
                "On %(day)s %(product)s is part of Basis jeugdhulp and the route of this "
                "referrer to WIJ is open: WIJ gives this help."
            )
            % values
            + " "
            + route.message,
        )
    if product.open_house_open_on(start_on):
        why = _("On %(day)s the Open House is open for %(product)s (until %(closes)s)") % values
        if product.in_basis_jeugdhulp_on(start_on):
            why += " " + _("and the referrer's route to WIJ is not open then.")
        else:
            why += " " + _("and the product is not yet part of Basis jeugdhulp then.")
        return _allocate_or_reject(product, provider, client, start_on, end_on, why)
    return Proposal(
        AllocationRequest.Route.WIJ,
        RejectReason.NOT_IN_CONTRACT,
        _("The Open House closed for %(product)s on %(closes)s.") % values
        + " "
        + _("There is no approved exception for this child: WIJ gives this help."),
    )


def _allocate_or_reject(product, provider, client, start_on, end_on, why: str) -> Proposal:
    """Allocate, if the product is in the provider's contract (stacking was checked first,
    in route_propose)."""
    if not provider.products.filter(pk=product.pk).exists():
        return Proposal(
            AllocationRequest.Route.REJECT,
            RejectReason.NOT_IN_CONTRACT,
            why
            + " "
            + _("But %(product)s is not in this provider's contract.") % {"product": product.code},
        )
    return Proposal(AllocationRequest.Route.ALLOCATE, "", why)


def decides_automatically(request: AllocationRequest) -> bool:
    """With IJW_DECIDE_AUTOMATICALLY on, a proposal goes out at once, except what needs a
    person: the municipality's own handling, and a child not known at WIJ (no team)."""
    if request.proposed_route == AllocationRequest.Route.OUT_OF_SCOPE:
        return False
    return request.client_id is not None


# ---------------------------------------------------------------- the decision


def _allocation_number() -> int:
    """The next ToewijzingNummer: a database sequence, skipping numbers an import of the
    old system's allocations already holds."""
    while True:
        with connection.cursor() as cursor:
            cursor.execute("SELECT nextval('ijw_allocation_number')")
            number = cursor.fetchone()[0]
        if not Indication.objects.filter(allocation_number=number).exists():
            return number


def _answer_jw319(request: AllocationRequest, *, answer: str, reason: str = "") -> Message:
    identification = new_identification()
    today = timezone.localdate()
    raw = xml.jw319_xml(
        sender=municipality(),
        receiver=request.provider.agb_code,
        identification=identification,
        dated_on=today,
        reference=request.reference,
        answer=answer,
        reject_reason=reason,
    )
    return _record_out(
        message_type="JW319",
        raw=raw,
        identification=identification,
        receiver=request.provider.agb_code,
        dated_on=today,
        in_reply_to=request.message,
        provider=request.provider,
        client=request.client,
        indication=request.indication,
    )


def client_data_of(client: Client) -> xml.ClientData:
    return xml.ClientData(
        bsn=client.bsn,
        date_of_birth=client.date_of_birth,
        last_name=client.last_name,
        first_names=client.first_name,
        street=client.street,
        house_number=client.house_number,
        postcode=client.postcode,
        city=client.city,
    )


def send_jw301(
    indication: Indication,
    *,
    reference: str = "",
    change_reason: str = "",
    in_reply_to: Message | None = None,
    volume=None,
    unit: str = "",
    frequency: str = "",
) -> Message:
    """The allocation as it stands now (a new one, or a change with its JZ002 reason)."""
    identification = new_identification()
    today = timezone.localdate()
    raw = xml.jw301_xml(
        sender=municipality(),
        receiver=indication.provider.agb_code,
        identification=identification,
        dated_on=today,
        client=client_data_of(indication.client),
        products=[
            xml.AllocatedProduct(
                number=indication.allocation_number,
                category=indication.product.category,
                code=indication.product.code,
                allocated_at=timezone.localtime(),
                start_on=indication.start_on,
                end_on=indication.end_on,
                reference=reference,
                change_reason=change_reason,
                volume=volume,
                unit=unit,
                frequency=frequency,
            )
        ],
    )
    return _record_out(
        message_type="JW301",
        raw=raw,
        identification=identification,
        receiver=indication.provider.agb_code,
        dated_on=today,
        in_reply_to=in_reply_to,
        provider=indication.provider,
        client=indication.client,
        indication=indication,
    )


def _support_request_at_wij(request: AllocationRequest, team, user):
    """The family is WIJ's: a support request at the child's team with the referrer, so
    the family is contacted within 5 working days (or a further question on the child's
    open request)."""
    from intake.models import SupportRequest
    from intake.services import (
        Referral,
        open_requests_of,
        support_request_add_question,
        support_request_register_for_child,
    )
    from referrals.models import ReferrerOrganisation

    referrer = ReferrerType(request.referrer_type) if request.referrer_type else None
    question = _(
        "Request for allocation (JW315) of %(product)s from %(start)s by the Open House "
        "provider %(provider)s (reference %(reference)s). Referrer: %(referrer)s. WIJ gives "
        "this help: contact the family."
    ) % {
        "product": request.product_code,
        "start": request.start_on.strftime("%d-%m-%Y"),
        "provider": request.provider.name,
        "reference": request.reference,
        "referrer": " ".join(
            part
            for part in (
                str(referrer.label) if referrer else _("unknown"),
                request.referrer_name,
                f"(AGB {request.referrer_agb})" if request.referrer_agb else "",
            )
            if part
        ),
    }
    if request.comment:
        question += "\n\n" + _("Comment of the provider: %(comment)s") % {
            "comment": request.comment
        }
    registered_by = user or request.message.registered_by
    client = request.client
    open_requests = open_requests_of([client]) if client else []
    if open_requests:
        support_request_add_question(
            support_request_id=open_requests[0].pk,
            user=registered_by,
            question=question,
            channel=SupportRequest.Channel.OPEN_HOUSE_PROVIDER,
        )
        return open_requests[0]
    organisation = (
        ReferrerOrganisation.objects.filter(agb_code=request.referrer_agb, active=True).first()
        if request.referrer_agb
        else None
    )
    first, _space, last = request.child_name.partition(" ")
    return support_request_register_for_child(
        registered_by=registered_by,
        client=client,
        new_client={
            "bsn": request.bsn,
            "first_name": first or "-",
            "last_name": last or first or "-",
            "date_of_birth": request.date_of_birth,
            "postcode": "",
            "house_number": "",
            "street": "",
            "city": "",
        },
        team=team,
        channel=SupportRequest.Channel.OPEN_HOUSE_PROVIDER,
        question=question,
        referral=Referral(
            referrer_type=request.referrer_type or ReferrerType.SELF,
            organisation=organisation,
            person=request.referrer_name[:200],
            date=min(request.start_on, timezone.localdate()),
        ),
        # Decided by the municipality: WIJ takes it whatever the route says on that date.
        route_decision=SupportRequest.RouteOutcome.ACCEPTED_AS_SELF,
        unchecked_duplicates=True,
    )


@transaction.atomic
def request_decide(
    *,
    request_id: int,
    route: str,
    user,
    reject_reason: str = "",
    override_reason: str = "",
    team=None,
) -> AllocationRequest:
    """The youth administration's decision on a request for allocation (or the automatic
    one): the proposed route or another with a reason. It sends the answer: a JW319 and a
    support request at WIJ, a JW301 and an indication, a JW319 rejection, or - for the
    municipality's own handling - a JW319 "being looked into" when none went out yet."""
    request = (
        AllocationRequest.objects.select_for_update(of=("self",))
        .select_related("provider", "product", "client", "message")
        .get(pk=request_id)
    )
    if request.status not in (
        AllocationRequest.Status.PROPOSED,
        AllocationRequest.Status.IN_ONDERZOEK,
    ):
        raise ValidationError(_("This request has already been answered."))
    if request.kind != AllocationRequest.Kind.ALLOCATION:
        raise ValidationError(_("A change request is decided as an extension."))
    Route = AllocationRequest.Route
    if route not in (Route.WIJ, Route.ALLOCATE, Route.REJECT, Route.OUT_OF_SCOPE):
        raise ValidationError({"route": _("Choose a route.")})
    if route == Route.WIJ and not reject_reason:
        reject_reason = RejectReason.NOT_IN_CONTRACT
    request.route = route
    request.reject_reason = reject_reason if route in (Route.WIJ, Route.REJECT) else ""
    request.override_reason = override_reason.strip() if route != request.proposed_route else ""
    request.full_clean(exclude=["message", "provider", "client", "product", "team"])
    if request.client is None and route in (Route.WIJ, Route.ALLOCATE):
        if team is None:
            raise ValidationError(
                {"team": _("This child is not known at WIJ yet: place it in a WIJ team.")}
            )
        request.team = team
    now = timezone.now()
    request.decided_by = user
    request.decided_at = now
    if route == Route.OUT_OF_SCOPE:
        request.status = AllocationRequest.Status.OWN_HANDLING
        if not request.answer_id:
            request.answer = _answer_jw319(request, answer=RequestAnswer.IN_ONDERZOEK)
    elif route in (Route.WIJ, Route.REJECT):
        if route == Route.WIJ:
            request.support_request = _support_request_at_wij(request, request.team, user)
            if request.client is None:
                request.client = request.support_request.clients.get(bsn=request.bsn)
        request.status = AllocationRequest.Status.DONE
        request.answer = _answer_jw319(
            request, answer=RequestAnswer.REJECTED, reason=request.reject_reason
        )
    else:
        request.indication = _allocate(request)
        request.status = AllocationRequest.Status.DONE
        request.answer = send_jw301(
            request.indication,
            reference=request.reference,
            in_reply_to=request.message,
            volume=request.volume,
            unit=request.unit,
            frequency=request.frequency,
        )
    request.save()
    _message_answered(request.message)
    return request


def _allocate(request: AllocationRequest) -> Indication:
    from intake.services import client_create

    if request.product is None:
        raise ValidationError({"route": _("Only one of the 11 products can be allocated here.")})
    client = request.client
    if client is None:
        first, _space, last = request.child_name.partition(" ")
        client = client_create(
            team=request.team,
            bsn=request.bsn,
            first_name=first or "-",
            last_name=last or first or "-",
            date_of_birth=request.date_of_birth,
        )
        request.client = client
    indication = Indication(
        client=client,
        product=request.product,
        provider=request.provider,
        referrer_type=request.referrer_type,
        start_on=request.start_on,
        end_on=request.end_on,
        allocation_number=_allocation_number(),
    )
    indication.full_clean()
    indication.save()
    return indication


def _message_answered(message: Message) -> None:
    if not message.requests.open().exists():
        message.status = Message.Status.ANSWERED
        message.done_at = timezone.now()
        message.save(update_fields=["status", "done_at"])


def requests_answer_in_onderzoek(*, on_date: datetime.date) -> dict:
    """The 5 working days always hold: a request still undecided the working day before
    its deadline (or later, after missed runs) is answered "aanvraag in onderzoek"
    (JW319, WJ760 code 2). It stays on the youth administration's worklist."""
    horizon = add_working_days(on_date, 1)
    answered = failed = 0
    Status = AllocationRequest.Status
    # An extension asked by a JW317 waits for its decision (up to 8 weeks, decision 79):
    # it is answered "in onderzoek" once, and stays waiting.
    for request_id in AllocationRequest.objects.filter(
        Q(status=Status.PROPOSED) | Q(status=Status.WAITING, answer__isnull=True),
        Q(client__isnull=True) | Q(client__destroyed_on__isnull=True),
        answer_due_on__lte=horizon,
    ).values_list("pk", flat=True):
        try:
            answered += _answer_in_onderzoek(request_id)
        except (ValueError, ValidationError):
            # One request that cannot be answered (a defect: its JW319 would not validate)
            # must not keep the others from their deadline; the run counts it.
            logger.exception("ijw: request %s could not be answered 'in onderzoek'", request_id)
            failed += 1
    return {"answered_in_onderzoek": answered, "failed": failed}


@transaction.atomic
def _answer_in_onderzoek(request_id: int) -> int:
    Status = AllocationRequest.Status
    request = (
        AllocationRequest.objects.select_for_update(of=("self",))
        .select_related("provider", "message", "client", "indication")
        .get(pk=request_id)
    )
    waiting = request.status == Status.WAITING and request.answer_id is None
    if request.status != Status.PROPOSED and not waiting:
        return 0
    request.answer = _answer_jw319(request, answer=RequestAnswer.IN_ONDERZOEK)
    if not waiting:
        request.status = Status.IN_ONDERZOEK
    request.save(update_fields=["answer", "status"])
    return 1


def message_picked_up(message: Message) -> None:
    """An outgoing message was fetched (the broker's acknowledgement, or a download). One
    conditional update: a retour that came in meanwhile (confirmed) is never set back."""
    now = timezone.now()
    if Message.objects.filter(pk=message.pk, status=Message.Status.READY).update(
        status=Message.Status.SENT, picked_up_at=now
    ):
        message.status, message.picked_up_at = Message.Status.SENT, now


# The start, stop and change messages, and the answers that follow a decided change,
# live in ijw.handlers; it uses the helpers above, so it is imported here, at the end.
from .handlers import (  # noqa: E402
    allocation_ended_early,  # noqa: F401 - called by indications.services
    change_request_own_handling,  # noqa: F401 - the youth administration's step
    extension_decided,  # noqa: F401 - called by indications.services
    receive_jw305,
    receive_jw307,
    receive_jw317,
)

HANDLERS = {
    "JW302": _receive_retour,
    "JW320": _receive_retour,
    "JW315": _receive_jw315,
    "JW305": receive_jw305,
    "JW307": receive_jw307,
    "JW317": receive_jw317,
}
