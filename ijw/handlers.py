"""What the provider's start, stop and change messages do (JW305, JW307, JW317), and the
answers that follow a decided change. Registered in `ijw.services.HANDLERS`; a handler
raises `Refused(code, reason)` to reject the whole message (all or nothing: its changes
roll back, the message is kept as rejected with that retour code). See docs/ijw.md.

Import `ijw.services` first (it imports this module at its end); the hooks in
`indications.services` import from `ijw.services`."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from indications.models import ExtensionRequest, Indication
from intake.models import Client
from referrals.models import Product
from samen.codelists import EndReason
from samen.identifiers import normalize_bsn
from samen.workdays import add_working_days

from . import xml
from .codes import (
    ChangeReason,
    DeliveryStatus,
    RejectReason,
    RequestAnswer,
    RequestReason,
    RetourCode,
)
from .models import AllocationRequest, Message
from .services import (
    ANSWER_WORKING_DAYS,
    Refused,
    _answer_jw319,
    _child,
    _message_answered,
    send_jw301,
    xml_date_in_range,
)


def _day(day: datetime.date | None) -> str:
    return day.strftime("%d-%m-%Y") if day else _("open end")


def _date_of(item, path: str, *, required: bool = True) -> datetime.date | None:
    day = xml.date(item, path)
    if day is None and not required:
        return None
    if day is None or not xml_date_in_range(day):
        raise Refused(
            RetourCode.TECHNICAL,
            _("%(element)s is not a possible date.") % {"element": path.split("/")[-1]},
        )
    return day


def _allocation(message: Message, item, bsn: str) -> Indication:
    """The indication a StartProduct/StopProduct names: by ToewijzingNummer, of the sender,
    of the child in the message, with the allocation's start and product as we sent them.
    Anything else is 9019 with one wording, so a provider learns nothing of another
    provider's or another child's allocations."""
    number = xml.number(item, "ToewijzingNummer")
    indication = (
        Indication.objects.select_for_update(of=("self",))
        .select_related("client", "product")
        .filter(allocation_number=number, provider=message.provider)
        .first()
        if number is not None
        else None
    )
    if (
        indication is None
        or indication.client.bsn != bsn
        or xml.date(item, "ToewijzingIngangsdatum") != indication.start_on
        or xml.text(item, "Product/Code").upper() != indication.product.code
    ):
        raise Refused(
            RetourCode.NO_ALLOCATION,
            _(
                "Allocation %(number)s is not known for this child at your organisation with "
                "this product and start date."
            )
            % {"number": xml.text(item, "ToewijzingNummer") or "?"},
        )
    return indication


def _bsn(root) -> str:
    data, _client = _child(root)
    return normalize_bsn(data.bsn)


def _link(message: Message, indication: Indication) -> None:
    message.indication = indication
    message.client = indication.client


def _save_delivery(indication: Indication, user) -> None:
    indication._history_user = user
    indication.save(update_fields=["care_started_on", "care_stopped_on"])


# ------------------------------------------------------------------------- JW305


def receive_jw305(message: Message, parsed: xml.ParsedMessage, user) -> None:
    """Start of care: per StartProduct the actual start of the allocation
    (Indication.care_started_on). StatusAanlevering 1 records it, 3 removes it."""
    bsn = _bsn(parsed.root)
    for item in xml.find_all(parsed.root, "Client/StartProducten/StartProduct"):
        indication = _allocation(message, item, bsn)
        start = _date_of(item, "Begindatum")
        status = xml.text(item, "StatusAanlevering")
        if status == DeliveryStatus.FIRST:
            _start_record(indication, start)
        elif status == DeliveryStatus.REMOVE:
            if indication.care_started_on != start:
                raise Refused(
                    RetourCode.NO_EARLIER_MESSAGE,
                    _("No start on %(day)s is recorded for allocation %(number)s.")
                    % {"day": _day(start), "number": indication.allocation_number},
                )
            if indication.care_stopped_on is not None:
                raise Refused(
                    RetourCode.START_NOT_REMOVABLE,
                    _("The care of allocation %(number)s was stopped on %(day)s.")
                    % {
                        "number": indication.allocation_number,
                        "day": _day(indication.care_stopped_on),
                    },
                )
            indication.care_started_on = None
        else:
            raise Refused(RetourCode.TECHNICAL, _status_not_used(status))
        _save_delivery(indication, user)
        _link(message, indication)


def _status_not_used(status: str) -> str:
    return _(
        "StatusAanlevering %(status)s is not used (CS058): send 1 to deliver, 3 to remove."
    ) % {"status": status}


def _start_record(indication: Indication, start: datetime.date) -> None:
    if start < indication.start_on or (indication.end_on and start > indication.end_on):
        raise Refused(
            RetourCode.TECHNICAL,
            _("The start of care (%(day)s) lies outside the allocation (%(start)s - %(end)s).")
            % {
                "day": _day(start),
                "start": _day(indication.start_on),
                "end": _day(indication.end_on),
            },
        )
    if indication.care_started_on == start:
        raise Refused(
            RetourCode.SAME_KEY,
            _("The start on %(day)s of allocation %(number)s was received before.")
            % {"day": _day(start), "number": indication.allocation_number},
        )
    if indication.care_started_on is not None and indication.care_stopped_on is None:
        raise Refused(
            RetourCode.NOT_STOPPED,
            _(
                "Allocation %(number)s has a start on %(day)s that was not stopped: send a "
                "stop first, or remove that start."
            )
            % {"number": indication.allocation_number, "day": _day(indication.care_started_on)},
        )
    # A new delivery after a stop (e.g. temporarily ended, JZ588 20): only while the
    # allocation runs, and after the stop.
    if indication.care_stopped_on is not None and (
        not indication.is_running or start <= indication.care_stopped_on
    ):
        raise Refused(
            RetourCode.TECHNICAL,
            _(
                "The care of allocation %(number)s was stopped on %(day)s: a new start "
                "must follow that day while the allocation runs."
            )
            % {"number": indication.allocation_number, "day": _day(indication.care_stopped_on)},
        )
    indication.care_started_on = start
    indication.care_stopped_on = None


# ------------------------------------------------------------------------- JW307


def receive_jw307(message: Message, parsed: xml.ParsedMessage, user) -> None:
    """Stop of care: per StopProduct the actual stop (Indication.care_stopped_on). A stop
    before the end date (or of an open end) for any reason other than 20 (temporarily
    ended) or 31 (as planned) ends the indication early: status "stopped early" with the
    JZ588 reason, and the WIJ team's task to pick the family up at once. StatusAanlevering
    3 removes a recorded stop that did not end the indication early."""
    bsn = _bsn(parsed.root)
    for item in xml.find_all(parsed.root, "Client/StopProducten/StopProduct"):
        indication = _allocation(message, item, bsn)
        start = _date_of(item, "Begindatum")
        stop = _date_of(item, "Einddatum")
        reason = xml.text(item, "RedenBeeindiging")
        status = xml.text(item, "StatusAanlevering")
        _link(message, indication)
        if status == DeliveryStatus.FIRST:
            _stop_record(message, indication, start, stop, reason, user)
        elif status == DeliveryStatus.REMOVE:
            _stop_remove(indication, start, stop, user)
        else:
            raise Refused(RetourCode.TECHNICAL, _status_not_used(status))


def _stop_record(message, indication, start, stop, reason, user) -> None:
    values = {"number": indication.allocation_number, "day": _day(indication.care_stopped_on)}
    if indication.care_stopped_on is not None:
        raise Refused(
            RetourCode.SAME_KEY,
            _(
                "A stop on %(day)s of allocation %(number)s was received before: remove it "
                "first (StatusAanlevering 3) to send another."
            )
            % values,
        )
    if indication.care_started_on is not None and indication.care_started_on != start:
        raise Refused(
            RetourCode.NO_CURRENT_START,
            _("The recorded start of allocation %(number)s is %(start)s, not %(day)s.")
            % {**values, "start": _day(indication.care_started_on), "day": _day(start)},
        )
    if start < indication.start_on or stop < start:
        raise Refused(
            RetourCode.TECHNICAL,
            _("The stop (%(stop)s) must follow the start (%(start)s) within the allocation.")
            % {"stop": _day(stop), "start": _day(start)},
        )
    if reason not in EndReason.values:
        raise Refused(
            RetourCode.TECHNICAL, _("%(reason)s is not a JZ588 reason.") % {"reason": reason}
        )
    # A provider from the Open House may never have sent a start (its care began before
    # the messages): the stop carries the start, and the stop is what WIJ must know.
    indication.care_started_on = start
    indication.care_stopped_on = stop
    _save_delivery(indication, user)
    # Every reason but a pause, the planned end and the municipality's own initiative (36:
    # that is the municipality's change, sent by it) ends the care before its end.
    early = reason not in (EndReason.PAUSED, EndReason.AS_PLANNED, EndReason.BY_MUNICIPALITY) and (
        indication.end_on is None or stop < indication.end_on
    )
    if not early or not indication.is_running:
        return  # as planned, temporarily ended, or already ended: recorded only
    from indications.services import indication_end_early

    try:
        indication_end_early(
            indication_id=indication.pk,
            ends_on=stop,
            end_reason=reason,
            message=_(
                "Stop message (JW307) from %(provider)s: the care of allocation %(number)s "
                "ended on %(day)s, reason: %(reason)s. Pick the family up."
            )
            % {
                "provider": message.provider.name,
                "number": indication.allocation_number,
                "day": _day(stop),
                "reason": EndReason(reason).label,
            },
            user=user,
            status=Indication.Status.STOPPED_EARLY,
            reported_stop=True,
        )
    except ValidationError as exc:
        raise Refused(RetourCode.TECHNICAL, " ".join(exc.messages)) from None


def _stop_remove(indication, start, stop, user) -> None:
    if indication.care_stopped_on != stop or indication.care_started_on != start:
        raise Refused(
            RetourCode.NO_EARLIER_MESSAGE,
            _("No stop on %(day)s is recorded for allocation %(number)s.")
            % {"day": _day(stop), "number": indication.allocation_number},
        )
    if indication.status == Indication.Status.STOPPED_EARLY and indication.end_on == stop:
        raise Refused(
            RetourCode.TECHNICAL,
            _(
                "This stop ended allocation %(number)s early and WIJ picks the family up: a "
                "message cannot undo that. Call the youth administration."
            )
            % {"number": indication.allocation_number},
        )
    indication.care_stopped_on = None
    _save_delivery(indication, user)


# ------------------------------------------------------------------------- JW317


def receive_jw317(message: Message, parsed: xml.ParsedMessage, user) -> None:
    """A change request (verzoek om wijziging). Every current allocation of the child at
    the provider is named, unchanged or to change (9349/9350/9351). A product to change
    whose new end lies after the current end is an extension: the same extension request
    the portal makes, weighed by the youth administration (AllocationRequest WAITING);
    its decision goes out as a JW301 (JZ002 04) or a JW319. Everything else (a new
    product, a shortening, another change) goes to the youth administration's worklist
    (PROPOSED), to be handed to the municipality's own handling."""
    root = parsed.root
    try:
        bsn = normalize_bsn(xml.text(root, "Client/Bsn"))
    except ValidationError:
        raise Refused(RetourCode.TECHNICAL, _("The BSN is not a valid BSN.")) from None
    verzoek = xml.find(root, "Client/Verzoek")
    reference = xml.text(verzoek, "ReferentieAanbieder")
    reason = xml.text(verzoek, "RedenVerzoek")
    if AllocationRequest.objects.filter(provider=message.provider, reference=reference).exists():
        raise Refused(
            RetourCode.REFERENCE_NOT_UNIQUE,
            _("Your reference %(reference)s was used for an earlier request.")
            % {"reference": reference},
        )
    client = Client.objects.filter(bsn=bsn).first()
    current = (
        {
            i.allocation_number: i
            for i in Indication.objects.running()
            .select_for_update(of=("self",))
            .select_related("product")
            .filter(provider=message.provider, client=client, allocation_number__isnull=False)
        }
        if client
        else {}
    )
    if not current:
        # The same answer whether the child is known at WIJ or not: a change request
        # reveals nothing of a child the provider has no allocation for.
        raise Refused(
            RetourCode.TO_CHANGE_NOT_CURRENT,
            _(
                "This child has no current allocation at your organisation: request it with a JW315."
            ),
        )
    unchanged = [
        xml.number(item, "ToewijzingNummer")
        for item in xml.find_all(verzoek, "OngewijzigdeProducten/OngewijzigdProduct")
    ]
    changes = xml.find_all(verzoek, "TeWijzigenProducten/TeWijzigenProduct")
    new = xml.find_all(verzoek, "NieuweProducten/NieuwProduct")
    for number in unchanged:
        if number not in current:
            raise Refused(
                RetourCode.UNCHANGED_NOT_CURRENT,
                _("Unchanged product %(number)s is not a current allocation of this child.")
                % {"number": number},
            )
    to_change = [xml.number(item, "ToewijzingNummer") for item in changes]
    for number in to_change:
        if number not in current:
            raise Refused(
                RetourCode.TO_CHANGE_NOT_CURRENT,
                _("Product to change %(number)s is not a current allocation of this child.")
                % {"number": number},
            )
    missing = sorted(set(current) - set(unchanged) - set(to_change))
    if missing:
        raise Refused(
            RetourCode.NOT_ALL_CURRENT,
            _("Name every current allocation, unchanged or to change; missing: %(numbers)s.")
            % {"numbers": ", ".join(str(n) for n in missing)},
        )
    if not changes and not new:
        raise Refused(RetourCode.TECHNICAL, _("The change request asks for no change."))
    message.client = client
    message.status = Message.Status.AWAITING_ANSWER
    message.answer_due_on = add_working_days(timezone.localdate(), ANSWER_WORKING_DAYS)
    message.save()
    common = {
        "kind": AllocationRequest.Kind.CHANGE,
        "message": message,
        "provider": message.provider,
        "reference": reference,
        "client": client,
        "bsn": client.bsn,
        "child_name": client.full_name[:250],
        "date_of_birth": client.date_of_birth,
        "answer_due_on": message.answer_due_on,
    }
    codes = set()
    for item, number in zip(changes, to_change, strict=True):
        indication = current[number]
        _one_code_per_request(codes, indication.product.code)
        _change(item, indication, common, reason, message, user)
    for item in new:
        code = xml.text(item, "Product/Code").upper()[:5]
        _one_code_per_request(codes, code)
        start_on = _date_of(item, "GewensteIngangsdatum")
        end_on = _date_of(item, "Einddatum", required=False)
        AllocationRequest.objects.create(
            **common,
            product_code=code,
            product=Product.objects.filter(code=code).first(),
            start_on=start_on,
            end_on=end_on,
            volume=xml.number(item, "Omvang/Volume"),
            unit=xml.text(item, "Omvang/Eenheid")[:2],
            frequency=xml.text(item, "Omvang/Frequentie")[:1],
            proposed_route=AllocationRequest.Route.OTHER_CHANGE,
            proposal_explained=_(
                "A new product %(code)s from %(start)s to %(end)s in a change request: the "
                "municipality handles it in its own system."
            )
            % {"code": code, "start": _day(start_on), "end": _day(end_on)},
        )


def _one_code_per_request(codes: set, code: str) -> None:
    # A provider's reference names one request per product (ijw_request_unique_reference).
    if code in codes:
        raise Refused(
            RetourCode.TECHNICAL,
            _("Product %(code)s occurs twice in this change request: send one per request.")
            % {"code": code},
        )
    codes.add(code)


def _change(item, indication: Indication, common: dict, reason: str, message, user) -> None:
    from indications.services import extension_request_create, has_pending_extension

    start_on = _date_of(item, "GewensteIngangsdatum")
    end_on = _date_of(item, "Einddatum", required=False)
    if (
        has_pending_extension(indication)
        or AllocationRequest.objects.open().filter(indication=indication).exists()
    ):
        raise Refused(
            RetourCode.REQUEST_PENDING,
            _("A request for allocation %(number)s is already being handled.")
            % {"number": indication.allocation_number},
        )
    values = {
        "number": indication.allocation_number,
        "code": indication.product.code,
        "end": _day(indication.end_on),
        "new_end": _day(end_on),
    }
    fields = {
        **common,
        "indication": indication,
        "product_code": indication.product.code,
        "product": indication.product,
        "start_on": start_on,
        "end_on": end_on,
        "volume": xml.number(item, "Omvang/Volume"),
        "unit": xml.text(item, "Omvang/Eenheid")[:2],
        "frequency": xml.text(item, "Omvang/Frequentie")[:1],
    }
    if end_on and indication.end_on and end_on > indication.end_on:
        try:
            extension = extension_request_create(
                indication_id=indication.pk,
                requested_by=ExtensionRequest.Requester.PROVIDER,
                reasons=_(
                    "Change request (JW317) %(id)s of %(provider)s, reference %(reference)s: "
                    "extend allocation %(number)s (%(code)s) from %(end)s to %(new_end)s. "
                    "Reason (WJ758): %(reason)s. No end-evaluation comes with a message."
                )
                % {
                    **values,
                    "id": message.identification,
                    "provider": message.provider.name,
                    "reference": common["reference"],
                    "reason": RequestReason(reason).label
                    if reason in RequestReason.values
                    else reason,
                },
                user=user,
                proposed_end_on=end_on,
                end_evaluation_required=False,
            )
        except ValidationError as exc:
            raise Refused(RetourCode.TECHNICAL, " ".join(exc.messages)) from None
        AllocationRequest.objects.create(
            **fields,
            proposed_route=AllocationRequest.Route.EXTENSION,
            proposal_explained=_(
                "Extension of allocation %(number)s (%(code)s) from %(end)s to %(new_end)s: "
                "weighed as an extension request; the decision goes out as a JW301 or JW319."
            )
            % values,
            status=AllocationRequest.Status.WAITING,
            extension=extension,
        )
    else:
        AllocationRequest.objects.create(
            **fields,
            proposed_route=AllocationRequest.Route.OTHER_CHANGE,
            proposal_explained=_(
                "Change of allocation %(number)s (%(code)s, until %(end)s; asked: until "
                "%(new_end)s) that is not an extension: the municipality handles it in its "
                "own system."
            )
            % values,
        )
    message.indication = indication


# ------------------------------------------------------------ answers on a change


@transaction.atomic
def change_request_own_handling(*, request_id: int, user) -> AllocationRequest:
    """The youth administration hands a change other than an extension to the
    municipality's own system: a JW319 "aanvraag in onderzoek" goes out unless one did."""
    request = (
        AllocationRequest.objects.select_for_update(of=("self",))
        .select_related("provider", "message")
        .get(pk=request_id)
    )
    if (
        request.kind != AllocationRequest.Kind.CHANGE
        or request.proposed_route != AllocationRequest.Route.OTHER_CHANGE
    ):
        raise ValidationError(_("Only a change other than an extension is handled this way."))
    if request.status not in (
        AllocationRequest.Status.PROPOSED,
        AllocationRequest.Status.IN_ONDERZOEK,
    ):
        raise ValidationError(_("This request has already been answered."))
    request.route = AllocationRequest.Route.OTHER_CHANGE
    request.status = AllocationRequest.Status.OWN_HANDLING
    request.decided_by = user
    request.decided_at = timezone.now()
    if not request.answer_id:
        request.answer = _answer_jw319(request, answer=RequestAnswer.IN_ONDERZOEK)
    request.full_clean(exclude=["message", "provider", "client", "product", "team"])
    request.save()
    _message_answered(request.message)
    return request


def _volume_of(indication: Indication) -> dict:
    """The volume of the allocation as first sent (its JW315 request), for a JW301 that
    changes only its end."""
    first = (
        AllocationRequest.objects.filter(
            indication=indication, kind=AllocationRequest.Kind.ALLOCATION, volume__isnull=False
        )
        .exclude(unit="")
        .exclude(frequency="")
        .first()
    )
    if first is None:
        return {}
    return {"volume": first.volume, "unit": first.unit, "frequency": first.frequency}


def extension_decided(*, extension: ExtensionRequest, indication: Indication) -> Message | None:
    """Called by indications.services.extension_decide (in its transaction). Extended: the
    allocation changed, so a JW301 with the new end and JZ002 04 goes out - for an
    extension asked in the portal too. Not extended (Basis jeugdhulp at WIJ): the JW317
    that asked is rejected with WJ759 4, "past niet binnen contract" (decision 84). The
    change request is then answered (DONE)."""
    request = (
        AllocationRequest.objects.select_for_update(of=("self",))
        .select_related("provider", "message")
        .filter(extension=extension)
        .first()
    )
    answer = None
    if extension.decision == ExtensionRequest.Decision.EXTEND and indication.allocation_number:
        answer = send_jw301(
            indication,
            change_reason=ChangeReason.EXTENDED,
            reference=request.reference if request else "",
            in_reply_to=request.message if request else None,
            **_volume_of(indication),
        )
    if request is None or request.status not in AllocationRequest.OPEN:
        return answer
    if answer is None:
        request.reject_reason = RejectReason.NOT_IN_CONTRACT
        answer = _answer_jw319(
            request, answer=RequestAnswer.REJECTED, reason=RejectReason.NOT_IN_CONTRACT
        )
    request.answer = answer
    request.route = AllocationRequest.Route.EXTENSION
    request.status = AllocationRequest.Status.DONE
    request.decided_by = extension.decided_by
    request.decided_at = timezone.now()
    request.save()
    _message_answered(request.message)
    return answer


# JZ002 for the allocation sent again after the care ended early, by the JZ588 reason of
# the end (the code list JZ002 pairs them): death 02, another provider 09, another domain
# 06; any other early end came from the provider's side: 12 ("geïnitieerd door de
# aanbieder").
CHANGE_REASON_FOR_END = {
    EndReason.DEATH: ChangeReason.DIED,
    EndReason.OTHER_PROVIDER: ChangeReason.OTHER_PROVIDER,
    EndReason.OTHER_DOMAIN: ChangeReason.OTHER_DOMAIN,
}


def allocation_ended_early(*, indication: Indication) -> Message | None:
    """Called by indications.services.indication_end_early (portal or JW307): an
    allocation whose end moved forward is sent again with its new end and the JZ002
    reason that pairs with the JZ588 reason of the end, so the provider's allocation and
    its declarations match ours."""
    if not indication.allocation_number or indication.provider_id is None:
        return None
    reason = CHANGE_REASON_FOR_END.get(indication.end_reason, ChangeReason.BY_PROVIDER)
    return send_jw301(indication, change_reason=reason, **_volume_of(indication))
