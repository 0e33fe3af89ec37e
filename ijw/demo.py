"""Demo messages (invented): requests for allocation (JW315) in every state, made by the
real steps (ijw.services) from messages as a provider's system writes them (ijw.samples),
so the register, the youth administration's worklist and the report show what they make.

Two steps cannot happen today: a request received days ago (answered 'in onderzoek' by the
deadline job) and an allocation whose retour is overdue. For those the register's times
are moved back after the real steps; the XML keeps today's date (dagtekening)."""

import datetime
import random

from dateutil.relativedelta import relativedelta
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone

from intake.models import Client
from openhouse.models import Provider
from samen.codelists import EndReason
from samen.identifiers import generate_bsn
from samen.workdays import add_working_days, is_working_day

from . import samples, services, xml
from .models import AllocationRequest, Message

# A provider system's identifications; a sender that is no Open House provider.
PREFIX = "demo"
UNKNOWN_AGB = "99999901"


def _child(client: Client) -> xml.ClientData:
    return xml.ClientData(
        bsn=client.bsn,
        date_of_birth=client.date_of_birth,
        last_name=client.last_name,
        first_names=client.first_name,
    )


def _working_days_back(day: datetime.date, count: int) -> datetime.date:
    while count > 0:
        day -= datetime.timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day


def _move_back(message: Message, working_days: int) -> None:
    """The message (and what was written with it) registered `working_days` ago, with the
    deadlines the services would have given it then."""
    now = timezone.localtime()
    then = datetime.datetime.combine(
        _working_days_back(now.date(), working_days), now.time(), tzinfo=now.tzinfo
    )
    day = then.date()
    fields = {"received_at": then}
    if message.retour_due_on:
        fields["retour_due_on"] = add_working_days(day, services.RETOUR_WORKING_DAYS)
    if message.answer_due_on:
        fields["answer_due_on"] = add_working_days(day, services.ANSWER_WORKING_DAYS)
        message.requests.update(answer_due_on=fields["answer_due_on"])
    Message.objects.filter(pk=message.pk).update(**fields)
    Message.objects.filter(in_reply_to=message, direction=Message.Direction.OUT).update(
        received_at=then
    )


class _Sender:
    """One provider's system: numbered identifications, each JW315 with one product."""

    def __init__(self, provider: Provider, admin):
        self.provider, self.admin, self.count = provider, admin, 0

    def jw315(self, client_data: xml.ClientData, requested: samples.Requested) -> bytes:
        self.count += 1
        return samples.jw315(
            sender=self.provider.agb_code,
            identification=f"{PREFIX}{self.provider.agb_code[-4:]}{self.count:04d}",
            dated_on=timezone.localdate(),
            child=client_data,
            products=[requested],
        )

    def receive(self, raw: bytes) -> services.Received:
        return services.message_receive(raw=raw, user=self.admin)


def _decide(request: AllocationRequest, route: str, admin, **kwargs) -> AllocationRequest:
    """The youth administration's decision, unless the automatic one already answered
    (IJW_DECIDE_AUTOMATICALLY on)."""
    request.refresh_from_db()
    if request.status != AllocationRequest.Status.PROPOSED:
        return request
    return services.request_decide(request_id=request.pk, route=route, user=admin, **kwargs)


def _retour_from_provider(ours: Message, identification: str, codes: list[str]) -> None:
    header = xml.parse(ours.raw.encode()).header
    services.message_receive(
        raw=samples.provider_retour(
            "JW302" if ours.message_type == "JW301" else "JW320",
            answers=xml.Header(
                sender=header.sender,
                receiver=header.receiver,
                identification=header.identification,
                dated_on=header.dated_on,
            ),
            identification=identification,
            dated_on=timezone.localdate(),
            codes=codes,
        )
    )


def _unknown_bsn() -> str:
    rng = random.Random(315)  # noqa: S311 - demo data
    while True:
        bsn = generate_bsn(rng)
        if not Client.objects.filter(bsn=bsn).exists():
            return bsn


def seed_ijw_messages(*, today: datetime.date, providers: list) -> dict:
    """JW315s in every state, once (nothing when the register holds messages already or
    the demo has too few children). Returns what it made, by name: message ids."""
    User = get_user_model()
    admin = User.objects.filter(username="jeugdadministratie").first()
    if admin is None or Message.objects.exists() or not providers:
        return {}
    # Children under 17 today: under 18 on every start asked below (the Jeugdwet's age).
    children = list(
        Client.objects.filter(
            indications__isnull=True, date_of_birth__gt=today - relativedelta(years=17)
        ).order_by("pk")[:9]
    )
    if len(children) < 9:
        return {}
    own, other = _Sender(providers[0], admin), _Sender(providers[-1], admin)
    made = {}

    def request(sender, child, code, start_on, **fields) -> Message:
        raw = sender.jw315(
            _child(child) if isinstance(child, Client) else child,
            samples.Requested(
                reference=f"AANV-{sender.provider.agb_code[-4:]}-{sender.count + 1:04d}",
                code=code,
                start_on=start_on,
                referrer_name=fields.pop("referrer_name", "Huisartsenpraktijk Oosterpoort"),
                referrer_agb=fields.pop("referrer_agb", "01099001"),
                **fields,
            ),
        )
        return sender.receive(raw).message

    soon = today + datetime.timedelta(days=10)
    # 1. Proposed to WIJ (a GP's referral to a product of Basis jeugdhulp): to be reviewed.
    first = request(own, children[0], "45A51", soon)
    made["proposed_wij"] = first.pk
    # 2. Proposed: allocate (a late request for a start when the product was not yet part
    # of Basis jeugdhulp and the Open House was open for it).
    made["proposed_allocate"] = request(
        own,
        children[1],
        "50G41",
        datetime.date(2023, 9, 4),
        end_on=datetime.date(2024, 9, 3),
        referrer_type="04",
        referrer_name="Leger des Heils Jeugdbescherming",
        referrer_agb="",
    ).pk
    # 3. Decided to WIJ: JW319 (reason 4) and a support request at the child's team.
    # The provider's system could not read our answer: its JW320 has an error code, so the
    # register shows the answer as returned.
    message = request(own, children[2], "45A04", today + datetime.timedelta(days=14))
    decided = _decide(message.requests.get(), AllocationRequest.Route.WIJ, admin)
    if decided.answer and decided.answer.message_type == "JW319":
        services.message_picked_up(decided.answer)
        _retour_from_provider(decided.answer, f"{PREFIX}r0002", ["0001"])
    made["decided_wij"] = message.pk
    # 4. Allocated: an indication and its JW301, picked up by the provider's system; one
    # confirmed by its JW302, one whose retour has not come in and is overdue.
    message = request(
        own,
        children[3],
        "45A53",
        datetime.date(2023, 11, 1),
        end_on=datetime.date(2024, 10, 31),
        referrer_type="04",
        referrer_name="William Schrikker Stichting",
        referrer_agb="",
    )
    allocated = _decide(message.requests.get(), AllocationRequest.Route.ALLOCATE, admin)
    if allocated.answer and allocated.answer.message_type == "JW301":
        services.message_picked_up(allocated.answer)
        _retour_from_provider(allocated.answer, f"{PREFIX}r0001", ["0200"])
    made["allocated_confirmed"] = message.pk
    message = request(
        other,
        children[4],
        "45A56",
        datetime.date(2023, 11, 6),
        end_on=datetime.date(2024, 5, 3),
        referrer_type="08",
        referrer_name="Rechtbank Noord-Nederland",
        referrer_agb="",
    )
    allocated = _decide(message.requests.get(), AllocationRequest.Route.ALLOCATE, admin)
    if allocated.answer and allocated.answer.message_type == "JW301":
        services.message_picked_up(allocated.answer)
        _move_back(message, 7)
        _move_back(allocated.answer, 6)
    made["allocated_overdue"] = message.pk
    # 5. Rejected (WJ759 reason 4): the product is not in this provider's contract for that
    # date; another route than proposed, with the reason.
    message = request(
        other, children[5], "45A49", datetime.date(2023, 5, 1), end_on=datetime.date(2023, 12, 31)
    )
    _decide(
        message.requests.get(),
        AllocationRequest.Route.REJECT,
        admin,
        reject_reason="4",
        override_reason="Groepsbegeleiding basis was in 2023 niet gecontracteerd bij deze aanbieder.",
    )
    made["rejected"] = message.pk
    # 6. Outside Basis jeugdhulp: not one of the 11 products, the municipality's own
    # handling (a JW319 'in onderzoek').
    message = request(own, children[6], "45A99", soon, referrer_type="04", referrer_agb="")
    _decide(message.requests.get(), AllocationRequest.Route.OUT_OF_SCOPE, admin)
    made["out_of_scope"] = message.pk
    # 7. A child not known at WIJ: the youth administration places it in a team.
    stranger = xml.ClientData(
        bsn=_unknown_bsn(),
        date_of_birth=today - relativedelta(years=9, days=40),
        last_name="Veenstra",
        first_names="Noor",
    )
    made["unknown_child"] = request(own, stranger, "45A51", soon).pk
    # 8. Received 5 working days ago, still undecided: the deadline job answers it
    # 'in onderzoek' (JW319 code 2) on its last day at the latest.
    message = request(own, children[7], "45A51", today + datetime.timedelta(days=3))
    _move_back(message, 5)
    services.requests_answer_in_onderzoek(on_date=today)
    made["in_onderzoek"] = message.pk
    # 9. The first request's identification again (the provider's system sent twice): 9056.
    made["duplicate"] = own.receive(first.raw.encode()).message.pk
    # 10. Not valid against the schema (a date that does not exist): retour 0001.
    raw = own.jw315(
        _child(children[8]),
        samples.Requested(
            reference="AANV-ONGELDIG",
            code="45A51",
            start_on=soon,
            end_on=datetime.date(2027, 6, 30),
        ),
    ).replace(b"2027-06-30", b"2027-06-31")
    made["schema_invalid"] = own.receive(raw).message.pk
    # 11. From an AGB code that is no Open House provider: retour 0001.
    stranger_provider = Provider(name="Onbekend", agb_code=UNKNOWN_AGB)
    raw = _Sender(stranger_provider, admin).jw315(
        _child(children[8]), samples.Requested(reference="AANV-1", code="45A51", start_on=soon)
    )
    made["unknown_sender"] = own.receive(raw).message.pk
    return made


def seed_delivery_messages(*, today: datetime.date, providers: list) -> dict:
    """The provider's side after an allocation: a start of care (JW305), an early stop
    (JW307) and an extension request (JW317), each on one of the demo's allocations."""
    admin = get_user_model().objects.filter(username="jeugdadministratie").first()
    if (
        admin is None
        or not providers
        or Message.objects.filter(message_type__in=("JW305", "JW307", "JW317")).exists()
    ):
        return {}
    made = {}

    def receive(raw: bytes, name: str) -> None:
        try:
            made[name] = services.message_receive(raw=raw, user=admin).message.pk
        except ValidationError:
            made[name] = None

    # Two running allocations of the old system, imported from their JW301s: one started
    # and stopped early (yesterday, by agreement), one the provider asks to extend.
    provider = providers[0]
    started = stopped = _imported_running_allocation(900002, today=today, provider=provider)
    extended = _imported_running_allocation(900001, today=today, provider=provider)
    if started is None or extended is None:
        return made
    for name, indication, build in (
        ("started", started, "start"),
        ("stopped_early", stopped, "stop"),
    ):
        items = [
            samples.Delivery(
                allocation_number=indication.allocation_number,
                code=indication.product.code,
                allocation_start_on=indication.start_on,
                start_on=indication.start_on,
            )
        ]
        if build == "start":
            raw = samples.jw305(
                sender=indication.provider.agb_code,
                identification=f"{PREFIX}s{indication.pk:07d}"[:12],
                dated_on=today,
                child=_child(indication.client),
                starts=items,
            )
        else:
            items[0].end_on = today - datetime.timedelta(days=1)
            items[0].end_reason = EndReason.EARLY_BY_AGREEMENT
            raw = samples.jw307(
                sender=indication.provider.agb_code,
                identification=f"{PREFIX}e{indication.pk:07d}"[:12],
                dated_on=today,
                child=_child(indication.client),
                stops=items,
            )
        receive(raw, name)
    receive(
        samples.jw317(
            sender=extended.provider.agb_code,
            identification=f"{PREFIX}w{extended.pk:07d}"[:12],
            dated_on=today,
            bsn=extended.client.bsn,
            reference=f"VERL-{extended.pk}",
            changes=(
                samples.Change(
                    allocation_number=extended.allocation_number,
                    start_on=extended.start_on,
                    end_on=(extended.end_on or today) + relativedelta(months=3),
                ),
            ),
        ),
        "extension_requested",
    )
    return made


def _imported_running_allocation(number: int, *, today: datetime.date, provider):
    """A running allocation from the old system, as the JW301 import brings it in (the
    register shows it "imported"): 45A51 for a demo child without indications, ending in
    two months, so a JW317 can ask to extend it."""
    from indications.models import Indication
    from referrals.models import Product

    from .importer import import_jw301

    found = Indication.objects.filter(allocation_number=number).first()
    if found is not None:
        return found
    client = (
        Client.objects.filter(indications__isnull=True, bsn__isnull=False)
        .exclude(postcode="")
        .order_by("pk")
        .first()
    )
    product = Product.objects.filter(code="45A51").first()
    if client is None or product is None:
        return None
    provider.products.add(product)
    start_on = today - relativedelta(months=8)
    raw = xml.jw301_xml(
        sender=services.municipality(),
        receiver=provider.agb_code,
        identification=f"{PREFIX}o{number}"[:12],
        dated_on=start_on,
        client=services.client_data_of(client),
        products=[
            xml.AllocatedProduct(
                number=number,
                category=product.category,
                code=product.code,
                allocated_at=timezone.make_aware(
                    datetime.datetime.combine(start_on, datetime.time(9, 0))
                ),
                start_on=start_on,
                end_on=today + relativedelta(months=2),
            )
        ],
    )
    result = import_jw301([(f"oud-systeem-{number}.xml", raw)], today=today)
    if not result.ok:
        return None
    return Indication.objects.filter(allocation_number=number).first()
