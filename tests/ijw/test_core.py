"""The core of the message traffic: reading, validating, registering, retours, and the
phasing table's answer to a request for allocation on its boundary dates (time pinned)."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from ijw import services, xml
from ijw.models import AllocationRequest, Message
from referrals.models import RoutePhase
from tests.factories import IndicationFactory, _product

from .conftest import SHARED, jw315

NOW = datetime.datetime(2026, 12, 4, 10, 0, tzinfo=datetime.UTC)
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def pinned_time():
    with time_machine.travel(NOW, tick=False):
        yield


def _validates(message: Message) -> None:
    assert (
        xml.schema_errors(xml.etree.fromstring(message.raw.encode()), message.message_type) == []
    ), message.raw


@pytest.mark.parametrize("name", ["JW301", "JW302", "JW305", "JW307", "JW317", "JW319"])
def test_the_valid_examples_parse(name):
    parsed = xml.parse((SHARED / "voorbeelden" / f"{name}.xml").read_bytes())
    assert parsed.message_type == name


@pytest.mark.parametrize("name", ["JW315", "JW318"])
def test_the_invalid_examples_are_refused_with_retour_0001(name):
    with pytest.raises(xml.MessageError) as caught:
        xml.parse((SHARED / "voorbeelden" / f"{name}.xml").read_bytes())
    assert caught.value.code == "0001"
    assert caught.value.header.identification


def test_a_jw315_to_wij_is_registered_with_its_retour_and_a_proposal(provider, child):
    received = services.message_receive(raw=jw315(provider, client=child))
    message = received.message
    assert message.status == Message.Status.AWAITING_ANSWER
    assert message.client == child and message.provider == provider
    # Retour within the day, valid, answering the message's own identification.
    assert received.retour.message_type == "JW316"
    _validates(received.retour)
    assert xml.parse(received.retour.raw.encode()).header.answers == message.identification
    request = message.requests.get()
    assert request.proposed_route == AllocationRequest.Route.WIJ
    assert request.proposed_reason == "4"
    assert request.status == AllocationRequest.Status.PROPOSED
    # 4 December 2026 is a Friday: 5 working days is Friday 11 December.
    assert request.answer_due_on == datetime.date(2026, 12, 11)


def test_the_same_identification_twice_is_answered_9056_and_changes_nothing(provider, child):
    raw = jw315(provider, client=child, identification="dubbel-00001")
    services.message_receive(raw=raw)
    second = services.message_receive(raw=raw)
    assert second.message.status == Message.Status.REJECTED
    assert second.message.duplicate_of is not None
    assert second.message.codes == ["9056"]
    retour = xml.parse(second.retour.raw.encode())
    assert retour.header.answers == "dubbel-00001"
    assert "<jw316:RetourCode>9056</jw316:RetourCode>" in second.retour.raw
    assert AllocationRequest.objects.count() == 1


def test_not_xml_is_refused_and_nothing_stored(provider):
    with pytest.raises(ValidationError):
        services.message_receive(raw=b"dit is geen xml")
    assert not Message.objects.exists()


def test_the_invalid_date_of_the_example_is_kept_as_rejected(db):
    raw = (SHARED / "voorbeelden" / "JW315.xml").read_bytes()
    received = services.message_receive(raw=raw)
    assert received.message.status == Message.Status.REJECTED
    assert received.message.codes == ["0001"]
    assert "ToewijzingEinddatum" in received.message.errors
    assert "<jw316:RetourCode>0001</jw316:RetourCode>" in received.retour.raw


def test_a_message_dated_tomorrow_gets_8848(provider, child):
    received = services.message_receive(
        raw=jw315(provider, client=child, dated_on=datetime.date(2026, 12, 5))
    )
    assert received.message.codes == ["8848"]
    assert not AllocationRequest.objects.exists()


def test_a_reference_used_before_gets_9347(provider, child):
    services.message_receive(raw=jw315(provider, client=child, reference="R-1"))
    again = services.message_receive(raw=jw315(provider, client=child, reference="R-1"))
    assert again.message.codes == ["9347"]


def _proposal(provider, child, **kwargs) -> AllocationRequest:
    return services.message_receive(
        raw=jw315(provider, client=child, **kwargs)
    ).message.requests.get()


@pytest.mark.parametrize(
    "code,start,route",
    [
        # 45A51 and the GP route both from 1 January 2023.
        ("45A51", datetime.date(2022, 12, 31), "allocate"),
        ("45A51", datetime.date(2023, 1, 1), "wij"),
        # 50G41 moves into Basis jeugdhulp on 1 January 2024; the GP route is open before.
        ("50G41", datetime.date(2023, 12, 31), "allocate"),
        ("50G41", datetime.date(2024, 1, 1), "wij"),
        # Not one of the 11: the municipality's own handling.
        ("45A99", datetime.date(2024, 1, 1), "out_of_scope"),
    ],
)
def test_the_phasing_table_decides_on_the_requested_start(provider, child, code, start, route):
    assert _proposal(provider, child, code=code, start_on=start).proposed_route == route


@pytest.mark.parametrize(
    "start,route",
    [(datetime.date(2025, 6, 30), "allocate"), (datetime.date(2025, 7, 1), "wij")],
)
def test_on_the_open_house_closing_date_a_closed_route_goes_to_wij(provider, child, start, route):
    # The medical specialists' route not opened: only the Open House's closing decides.
    RoutePhase.objects.filter(referrer_type="05").update(opened_on=None, decided_on=None)
    assert _proposal(provider, child, start_on=start, referrer_type="05").proposed_route == route


def test_a_product_outside_the_contract_or_already_running_is_rejected(provider, child):
    provider.products.remove(_product("45A51"))
    p = _proposal(provider, child, start_on=datetime.date(2022, 6, 1))
    assert (p.proposed_route, p.proposed_reason) == ("reject", "4")
    provider.products.add(_product("45A51"))
    IndicationFactory(client=child, start_on=datetime.date(2022, 1, 1), end_on=None)
    p = _proposal(provider, child, start_on=datetime.date(2022, 6, 1))
    assert (p.proposed_route, p.proposed_reason) == ("reject", "6")


def test_deciding_to_wij_answers_jw319_and_registers_a_support_request(
    provider, child, youth_admin
):
    request = _proposal(provider, child)
    decided = services.request_decide(request_id=request.pk, route="wij", user=youth_admin)
    assert decided.status == AllocationRequest.Status.DONE
    assert decided.answer.message_type == "JW319"
    _validates(decided.answer)
    assert decided.support_request.clients.get() == child
    assert decided.support_request.referrer_type == "02"
    assert decided.message.status == Message.Status.ANSWERED


def test_deciding_to_allocate_makes_an_indication_and_a_valid_jw301(provider, child, youth_admin):
    request = _proposal(provider, child, start_on=datetime.date(2022, 12, 31))
    decided = services.request_decide(request_id=request.pk, route="allocate", user=youth_admin)
    indication = decided.indication
    assert indication.allocation_number >= 100001
    assert indication.provider == provider and indication.end_on is None
    assert decided.answer.message_type == "JW301"
    _validates(decided.answer)
    assert str(indication.allocation_number) in decided.answer.raw


def test_another_route_than_proposed_needs_a_reason(provider, child, youth_admin):
    request = _proposal(provider, child)
    with pytest.raises(ValidationError) as caught:
        services.request_decide(
            request_id=request.pk, route="reject", user=youth_admin, reject_reason="7"
        )
    assert "override_reason" in caught.value.message_dict


def test_an_unknown_child_is_placed_in_a_team(provider, youth_admin, beijum):
    request = services.message_receive(raw=jw315(provider, bsn="111222333")).message.requests.get()
    assert request.client is None
    with pytest.raises(ValidationError):
        services.request_decide(request_id=request.pk, route="wij", user=youth_admin)
    decided = services.request_decide(
        request_id=request.pk, route="wij", user=youth_admin, team=beijum
    )
    assert decided.client.team == beijum and decided.client.bsn == "111222333"


def test_undecided_requests_are_answered_in_onderzoek_the_day_before_the_deadline(provider, child):
    request = _proposal(provider, child)  # due Friday 11 December
    assert services.requests_answer_in_onderzoek(on_date=datetime.date(2026, 12, 9)) == {
        "answered_in_onderzoek": 0,
        "failed": 0,
    }
    assert services.requests_answer_in_onderzoek(on_date=datetime.date(2026, 12, 10)) == {
        "answered_in_onderzoek": 1,
        "failed": 0,
    }
    request.refresh_from_db()
    assert request.status == AllocationRequest.Status.IN_ONDERZOEK
    assert "<jw319:VerzoekAntwoord>2</jw319:VerzoekAntwoord>" in request.answer.raw
    _validates(request.answer)


def test_the_providers_retour_on_our_answer_is_linked(provider, child, youth_admin):
    from ijw import samples

    request = _proposal(provider, child)
    decided = services.request_decide(request_id=request.pk, route="wij", user=youth_admin)
    ours = xml.parse(decided.answer.raw.encode())
    raw = samples.provider_retour(
        "JW320",
        answers=xml.Header(
            sender="0014",
            receiver=provider.agb_code,
            identification=ours.header.identification,
            dated_on=ours.header.dated_on,
        ),
        identification="ret-0000001",
        dated_on=datetime.date(2026, 12, 4),
        codes=["0200"],
    )
    received = services.message_receive(raw=raw)
    assert received.retour is None
    decided.answer.refresh_from_db()
    assert decided.answer.status == Message.Status.CONFIRMED
    assert received.message.in_reply_to == decided.answer


def test_a_reference_is_one_request_whatever_the_product(provider, child):
    services.message_receive(raw=jw315(provider, client=child, reference="R-2"))
    again = services.message_receive(
        raw=jw315(provider, client=child, reference="R-2", code="50G41")
    )
    assert again.message.codes == ["9347"]


def test_an_end_on_the_start_is_refused_in_words(provider, child):
    day = datetime.date(2022, 6, 1)
    received = services.message_receive(raw=jw315(provider, client=child, start_on=day, end_on=day))
    assert received.message.codes == ["0001"] and not AllocationRequest.objects.exists()


def test_a_decision_the_rules_refuse_leaves_the_request_proposed_not_the_message_lost(
    provider, child, settings
):
    """Found in review: with automatic decisions, a decision refused by a rule rolled the
    whole message back (no register, no retour)."""
    settings.IJW_DECIDE_AUTOMATICALLY = True
    IndicationFactory(client=child, start_on=datetime.date(2022, 1, 1), end_on=None)
    # Proposed "allocate" for 45A51 on a date the Open House was open, but the child got
    # it meanwhile (an overlap the decision finds).
    from unittest import mock

    with mock.patch.object(
        services, "route_propose", lambda **kw: services.Proposal("allocate", "", "why")
    ):
        received = services.message_receive(
            raw=jw315(provider, client=child, start_on=datetime.date(2022, 6, 1))
        )
    assert received.message.codes == ["0200"] and received.retour is not None
    request = received.message.requests.get()
    assert request.status == AllocationRequest.Status.PROPOSED
    assert (
        "Not sent automatically" in request.proposal_explained
        or "Niet automatisch" in request.proposal_explained
    )


def test_a_utf16_file_is_refused_before_anything_is_stored(provider, child):
    raw = jw315(provider, client=child).decode().replace('encoding="UTF-8"', 'encoding="UTF-16"')
    with pytest.raises(ValidationError):
        services.message_receive(raw=raw.encode("utf-16"))
    assert not Message.objects.exists()


def test_a_retour_confirms_only_the_kind_of_message_it_answers(provider, child, youth_admin):
    from ijw import samples

    request = _proposal(provider, child)
    decided = services.request_decide(request_id=request.pk, route="wij", user=youth_admin)
    ours = xml.parse(decided.answer.raw.encode())
    answers = xml.Header(
        sender="0014",
        receiver=provider.agb_code,
        identification=ours.header.identification,
        dated_on=ours.header.dated_on,
    )
    # A JW302 answers a JW301, not our JW319.
    wrong = samples.provider_retour(
        "JW302",
        answers=answers,
        identification="ret-0000002",
        dated_on=datetime.date(2026, 12, 4),
        codes=["0200"],
    )
    assert services.message_receive(raw=wrong).message.codes == ["0001"]
    decided.answer.refresh_from_db()
    assert decided.answer.status == Message.Status.READY


@pytest.mark.parametrize(
    "approval,route",
    [("approved", "allocate"), ("refused", "wij"), ("pending", "wij")],
)
def test_after_the_closing_only_an_approved_exception_allocates(
    provider, child, approval, route, youth_admin
):
    from tests.factories import SupportRequestFactory, TriageFactory
    from triage.models import OpenHouseException

    triage = TriageFactory(support_request=SupportRequestFactory(team=child.team))
    triage.support_request.clients.set([child])
    OpenHouseException.objects.create(
        triage=triage,
        product=_product("45A51"),
        approval=approval,
        decided_by=youth_admin if approval in ("approved", "refused") else None,
        decided_on=datetime.date(2025, 8, 1) if approval in ("approved", "refused") else None,
        decision_reasons="Gewogen" if approval in ("approved", "refused") else "",
    )
    # 1 July 2025: the Open House closed for every product.
    assert _proposal(provider, child, start_on=datetime.date(2025, 7, 1)).proposed_route == route


def test_an_adult_or_a_child_who_has_the_product_is_rejected_first(provider, child):
    """Found by the tester: a request for a 21-year-old, or a second one for the same
    product and period, was proposed to WIJ without a word."""
    from tests.factories import ClientFactory

    grown = ClientFactory(team=child.team, date_of_birth=datetime.date(2005, 6, 7))
    p = _proposal(provider, grown)
    assert (p.proposed_route, p.proposed_reason) == ("reject", "9")
    IndicationFactory(client=child, start_on=datetime.date(2026, 1, 1), end_on=None)
    p = _proposal(provider, child)
    assert (p.proposed_route, p.proposed_reason) == ("reject", "6")
