"""The provider's start, stop and change messages (JW305, JW307, JW317) and the answers
that follow a decided change (JW301 with JZ002 04 or 12, JW319), each rule with its retour
code (time pinned)."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from ijw import samples, services, xml
from ijw.models import AllocationRequest, Message
from indications import services as indication_services
from indications.models import ExtensionRequest, Indication, Task
from openhouse.models import HandoverNote
from tests.factories import (
    ClientFactory,
    IndicationFactory,
    ProviderFactory,
    TriageFactory,
    UserFactory,
    _product,
)

from .conftest import child_data

NOW = datetime.datetime(2026, 12, 4, 10, 0, tzinfo=datetime.UTC)
D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def pinned_time():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def allocation(provider, child):
    return IndicationFactory(
        client=child,
        provider=provider,
        product=_product("45A51"),
        start_on=D(2026, 1, 1),
        end_on=D(2027, 6, 30),
        allocation_number=7001,
    )


_counter = iter(range(1, 10**6))


def _id() -> str:
    return f"h-{next(_counter):07d}"


def delivery(indication, **kwargs) -> samples.Delivery:
    values = {
        "allocation_number": indication.allocation_number,
        "code": indication.product.code,
        "allocation_start_on": indication.start_on,
        "start_on": D(2026, 1, 5),
    }
    values.update(kwargs)
    return samples.Delivery(**values)


def receive_start(provider, child, *starts, identification=None, user=None):
    raw = samples.jw305(
        sender=provider.agb_code,
        identification=identification or _id(),
        dated_on=D(2026, 12, 4),
        child=child_data(child),
        starts=list(starts),
    )
    return services.message_receive(raw=raw, user=user)


def receive_stop(provider, child, *stops, identification=None, user=None):
    raw = samples.jw307(
        sender=provider.agb_code,
        identification=identification or _id(),
        dated_on=D(2026, 12, 4),
        child=child_data(child),
        stops=list(stops),
    )
    return services.message_receive(raw=raw, user=user)


def receive_change(provider, child, *, reference="VOW-1", changes=(), unchanged=(), new=()):
    raw = samples.jw317(
        sender=provider.agb_code,
        identification=_id(),
        dated_on=D(2026, 12, 4),
        bsn=child.bsn,
        reference=reference,
        changes=changes,
        unchanged=unchanged,
        new=new,
    )
    return services.message_receive(raw=raw)


def _validates(message: Message) -> None:
    root = xml.etree.fromstring(message.raw.encode())
    assert xml.schema_errors(root, message.message_type) == [], message.raw


def _accepted(received) -> None:
    assert received.message.codes == ["0200"], received.message.errors
    _validates(received.retour)


def _refused(received, code: str) -> None:
    assert received.message.status == Message.Status.REJECTED
    assert received.message.codes == [code], received.message.errors
    _validates(received.retour)


def _sent(message_type: str) -> list[Message]:
    return list(Message.objects.filter(direction=Message.Direction.OUT, message_type=message_type))


def _jw301_product(message: Message) -> dict:
    root = xml.etree.fromstring(message.raw.encode())
    product = xml.find(root, "Client/ToegewezenProducten/ToegewezenProduct")
    return {
        "number": xml.number(product, "ToewijzingNummer"),
        "reference": xml.text(product, "ReferentieAanbieder"),
        "end": xml.date(product, "Einddatum"),
        "reason": xml.text(product, "RedenWijziging"),
    }


# ------------------------------------------------------------------------- JW305


def test_a_start_records_the_actual_start_and_links_the_message(provider, child, allocation):
    received = receive_start(provider, child, delivery(allocation))
    _accepted(received)
    assert received.retour.message_type == "JW306"
    allocation.refresh_from_db()
    assert allocation.care_started_on == D(2026, 1, 5)
    assert (received.message.indication, received.message.client) == (allocation, child)


@pytest.mark.parametrize("case", ["unknown number", "other child", "other provider", "product"])
def test_a_start_that_names_no_allocation_of_this_child_here_gets_9019(
    provider, child, allocation, case
):
    sender, about, item = provider, child, delivery(allocation)
    if case == "unknown number":
        item = delivery(allocation, allocation_number=999)
    elif case == "other child":
        about = ClientFactory(team=child.team, bsn="999900018")
    elif case == "other provider":
        sender = ProviderFactory(agb_code="42420002")
    else:
        item = delivery(allocation, code="50G41")
    received = receive_start(sender, about, item)
    _refused(received, "9019")
    allocation.refresh_from_db()
    assert allocation.care_started_on is None


def test_the_same_start_again_is_9074_and_another_start_before_a_stop_9326(
    provider, child, allocation
):
    receive_start(provider, child, delivery(allocation))
    _refused(receive_start(provider, child, delivery(allocation)), "9074")
    _refused(receive_start(provider, child, delivery(allocation, start_on=D(2026, 2, 1))), "9326")


def test_a_start_outside_the_allocation_is_refused_in_words(provider, child, allocation):
    received = receive_start(provider, child, delivery(allocation, start_on=D(2025, 12, 31)))
    _refused(received, "0001")
    assert "ligt buiten de toewijzing" in received.message.errors


def test_a_start_is_removed_with_status_3_unless_the_care_stopped(provider, child, allocation):
    _refused(receive_start(provider, child, delivery(allocation, status="3")), "9063")
    receive_start(provider, child, delivery(allocation))
    _accepted(receive_start(provider, child, delivery(allocation, status="3")))
    allocation.refresh_from_db()
    assert allocation.care_started_on is None

    receive_start(provider, child, delivery(allocation))
    stop = delivery(allocation, end_on=D(2026, 11, 30), end_reason="20")
    _accepted(receive_stop(provider, child, stop))
    _refused(receive_start(provider, child, delivery(allocation, status="3")), "9071")


def test_a_start_with_several_products_is_all_or_nothing(provider, child, allocation):
    received = receive_start(
        provider, child, delivery(allocation), delivery(allocation, allocation_number=999)
    )
    _refused(received, "9019")
    allocation.refresh_from_db()
    assert allocation.care_started_on is None


def test_the_same_identification_twice_changes_nothing(provider, child, allocation):
    receive_start(provider, child, delivery(allocation), identification="dubbel-305")
    second = receive_start(
        provider, child, delivery(allocation, status="3"), identification="dubbel-305"
    )
    _refused(second, "9056")
    allocation.refresh_from_db()
    assert allocation.care_started_on == D(2026, 1, 5)


# ------------------------------------------------------------------------- JW307


def test_an_early_stop_ends_the_indication_and_gives_wij_a_task_at_once(
    provider, child, allocation, provider_user
):
    receive_start(provider, child, delivery(allocation))
    stop = delivery(allocation, end_on=D(2026, 11, 20), end_reason="33")
    received = receive_stop(provider, child, stop, user=provider_user)
    _accepted(received)
    assert received.retour.message_type == "JW308"
    allocation.refresh_from_db()
    # The stop lies in the past: a message reports what happened.
    assert (allocation.status, allocation.end_on, allocation.end_reason) == (
        Indication.Status.STOPPED_EARLY,
        D(2026, 11, 20),
        "33",
    )
    assert allocation.care_stopped_on == D(2026, 11, 20)
    task = Task.objects.get(indication=allocation, kind=Task.Kind.HANDED_OVER)
    assert (task.team, task.due_on, task.done_on) == (child.team, D(2026, 12, 4), None)
    assert HandoverNote.objects.filter(indication=allocation).exists()
    # The allocation is sent again with its new end: JZ002 12, initiated by the provider.
    [jw301] = _sent("JW301")
    _validates(jw301)
    assert _jw301_product(jw301) == {
        "number": 7001,
        "reference": "",
        "end": D(2026, 11, 20),
        "reason": "12",
    }


def test_an_early_stop_of_an_open_end_without_a_user_ends_it_too(provider, child):
    open_end = IndicationFactory(
        client=child, provider=provider, start_on=D(2026, 1, 1), end_on=None, allocation_number=7
    )
    stop = delivery(open_end, end_on=D(2026, 12, 1), end_reason="38")
    _accepted(receive_stop(provider, child, stop))
    open_end.refresh_from_db()
    assert open_end.status == Indication.Status.STOPPED_EARLY
    assert Task.objects.filter(indication=open_end, kind=Task.Kind.HANDED_OVER).exists()
    assert not HandoverNote.objects.filter(indication=open_end).exists()


@pytest.mark.parametrize(
    "end_on,reason",
    [(D(2027, 6, 30), "31"), (D(2026, 11, 20), "20"), (D(2027, 6, 30), "33")],
    ids=["as planned on the end", "temporarily ended", "early reason on the end date"],
)
def test_a_stop_that_is_not_early_is_only_recorded(provider, child, allocation, end_on, reason):
    _accepted(receive_stop(provider, child, delivery(allocation, end_on=end_on, end_reason=reason)))
    allocation.refresh_from_db()
    assert (allocation.status, allocation.end_on, allocation.care_stopped_on) == (
        Indication.Status.ACTIVE,
        D(2027, 6, 30),
        end_on,
    )
    assert not Task.objects.filter(indication=allocation).exists()
    assert not _sent("JW301")


def test_a_stop_without_a_start_records_both_but_another_start_is_9069(provider, child, allocation):
    # Open House providers may never have sent a start: the stop carries it.
    stop = delivery(allocation, end_on=D(2026, 11, 20), end_reason="20")
    _accepted(receive_stop(provider, child, stop))
    allocation.refresh_from_db()
    assert (allocation.care_started_on, allocation.care_stopped_on) == (
        D(2026, 1, 5),
        D(2026, 11, 20),
    )

    other = IndicationFactory(
        client=child,
        provider=provider,
        product=_product("50G41"),
        start_on=D(2026, 1, 1),
        allocation_number=7002,
    )
    receive_start(provider, child, delivery(other))
    wrong = delivery(other, start_on=D(2026, 2, 1), end_on=D(2026, 11, 20), end_reason="33")
    _refused(receive_stop(provider, child, wrong), "9069")


def test_a_stop_of_an_unknown_allocation_is_9019(provider, child, allocation):
    stop = delivery(allocation, allocation_number=999, end_on=D(2026, 11, 20), end_reason="33")
    _refused(receive_stop(provider, child, stop), "9019")


def test_a_second_stop_is_9074(provider, child, allocation):
    stop = delivery(allocation, end_on=D(2026, 11, 20), end_reason="20")
    receive_stop(provider, child, stop)
    _refused(receive_stop(provider, child, stop), "9074")


def test_a_recorded_stop_is_removed_unless_it_ended_the_indication_early(
    provider, child, allocation
):
    paused = delivery(allocation, end_on=D(2026, 11, 20), end_reason="20")
    receive_stop(provider, child, paused)
    _accepted(receive_stop(provider, child, delivery(allocation, **{**_kw(paused), "status": "3"})))
    allocation.refresh_from_db()
    assert allocation.care_stopped_on is None

    early = delivery(allocation, end_on=D(2026, 11, 20), end_reason="32")
    receive_stop(provider, child, early)
    received = receive_stop(provider, child, delivery(allocation, **{**_kw(early), "status": "3"}))
    _refused(received, "0001")
    assert "Bel de jeugdadministratie" in received.message.errors
    allocation.refresh_from_db()
    assert allocation.status == Indication.Status.STOPPED_EARLY


def _kw(item: samples.Delivery) -> dict:
    return {"start_on": item.start_on, "end_on": item.end_on, "end_reason": item.end_reason}


def test_an_early_stop_is_not_held_up_by_a_waiting_extension(
    provider, child, allocation, provider_user, youth_admin
):
    extension = _waiting_extension(allocation)
    stop = delivery(allocation, end_on=D(2026, 11, 20), end_reason="34")
    _accepted(receive_stop(provider, child, stop, user=provider_user))
    allocation.refresh_from_db()
    assert allocation.status == Indication.Status.STOPPED_EARLY
    extension.refresh_from_db()
    assert extension.is_pending  # the youth administration decides it "not extended" later
    indication_services.extension_decide(
        request_id=extension.pk,
        decision=ExtensionRequest.Decision.WIJ,
        weighing="De zorg is gestopt.",
        new_end_on=None,
        user=youth_admin,
    )
    extension.refresh_from_db()
    assert extension.decision == ExtensionRequest.Decision.WIJ


def test_the_portal_still_refuses_a_last_day_in_the_past_and_a_waiting_extension(
    provider_user, allocation
):
    with pytest.raises(ValidationError) as past:
        indication_services.indication_end_early(
            indication_id=allocation.pk,
            ends_on=D(2026, 11, 20),
            end_reason="33",
            message="Overdracht",
            user=provider_user,
        )
    assert "ends_on" in past.value.message_dict
    _waiting_extension(allocation)
    with pytest.raises(ValidationError):
        indication_services.indication_end_early(
            indication_id=allocation.pk,
            ends_on=D(2026, 12, 10),
            end_reason="33",
            message="Overdracht",
            user=provider_user,
        )


def _waiting_extension(indication) -> ExtensionRequest:
    return indication_services.extension_request_create(
        indication_id=indication.pk,
        requested_by=ExtensionRequest.Requester.WIJ,
        reasons="Nog niet klaar.",
        user=None,
    )


# ------------------------------------------------------------------------- JW317


def extend(allocation, end_on=None) -> samples.Change:
    end_on = end_on or D(2027, 12, 31)
    return samples.Change(allocation.allocation_number, allocation.start_on, end_on)


def _extension_asked(provider, child, allocation, reference="VOW-1") -> AllocationRequest:
    received = receive_change(provider, child, reference=reference, changes=[extend(allocation)])
    _accepted(received)
    assert received.retour.message_type == "JW318"
    return received.message.requests.get()


def test_a_later_end_is_an_extension_request_without_an_end_evaluation(provider, child, allocation):
    request = _extension_asked(provider, child, allocation)
    assert (request.kind, request.proposed_route, request.status) == (
        AllocationRequest.Kind.CHANGE,
        AllocationRequest.Route.EXTENSION,
        AllocationRequest.Status.WAITING,
    )
    assert (request.indication, request.end_on, request.answer_due_on) == (
        allocation,
        D(2027, 12, 31),
        D(2026, 12, 11),
    )
    extension = request.extension
    assert (extension.requested_by, extension.proposed_end_on, extension.end_evaluation) == (
        ExtensionRequest.Requester.PROVIDER,
        D(2027, 12, 31),
        None,
    )
    assert "JW317" in extension.reasons and "VOW-1" in extension.reasons
    assert request.message.status == Message.Status.AWAITING_ANSWER


def test_the_portal_still_demands_an_end_evaluation(provider_user, allocation):
    with pytest.raises(ValidationError) as caught:
        indication_services.extension_request_create(
            indication_id=allocation.pk,
            requested_by=ExtensionRequest.Requester.PROVIDER,
            reasons="Nog niet klaar.",
            user=provider_user,
            proposed_end_on=D(2027, 12, 31),
        )
    assert "end_evaluation" in caught.value.message_dict


def test_the_decision_page_says_no_end_evaluation_was_received(
    client, youth_admin, provider, child, allocation
):
    request = _extension_asked(provider, child, allocation)
    client.force_login(youth_admin)
    response = client.get(f"/jeugdadministratie/verlengingen/{request.extension_id}/")
    assert response.status_code == 200
    assert "geen eindevaluatie ontvangen" in response.content.decode()


def _advice(extension) -> None:
    # The Open House closed for 45A51: extend only with WIJ's advice (decision 76).
    indication_services.extension_advice_record(
        extension_id=extension.pk,
        triage=TriageFactory(outcome="reindication_extend"),
        advice="WIJ adviseert te verlengen.",
        user=UserFactory(),
    )


def test_an_extended_change_request_is_answered_with_a_jw301_reason_04(
    provider, child, allocation, youth_admin
):
    request = _extension_asked(provider, child, allocation)
    _advice(request.extension)
    indication_services.extension_decide(
        request_id=request.extension_id,
        decision=ExtensionRequest.Decision.EXTEND,
        weighing="Nog een half jaar nodig.",
        new_end_on=D(2027, 12, 31),
        user=youth_admin,
    )
    request.refresh_from_db()
    assert (request.status, request.route) == (
        AllocationRequest.Status.DONE,
        AllocationRequest.Route.EXTENSION,
    )
    [jw301] = _sent("JW301")
    _validates(jw301)
    assert request.answer == jw301 and jw301.in_reply_to == request.message
    assert _jw301_product(jw301) == {
        "number": 7001,
        "reference": "VOW-1",
        "end": D(2027, 12, 31),
        "reason": "04",
    }
    request.message.refresh_from_db()
    assert request.message.status == Message.Status.ANSWERED


def test_a_change_request_not_extended_is_rejected_with_a_jw319_reason_4(
    provider, child, allocation, youth_admin
):
    request = _extension_asked(provider, child, allocation)
    indication_services.extension_decide(
        request_id=request.extension_id,
        decision=ExtensionRequest.Decision.WIJ,
        weighing="Basis jeugdhulp bij WIJ.",
        new_end_on=None,
        user=youth_admin,
    )
    request.refresh_from_db()
    assert (request.status, request.reject_reason) == (AllocationRequest.Status.DONE, "4")
    [jw319] = _sent("JW319")
    _validates(jw319)
    root = xml.etree.fromstring(jw319.raw.encode())
    assert xml.text(root, "Antwoord/VerzoekAntwoord") == "1"
    assert xml.text(root, "Antwoord/RedenAfwijzingVerzoek") == "4"
    assert xml.text(root, "Antwoord/ReferentieAanbieder") == "VOW-1"
    assert not _sent("JW301")


def test_an_extension_from_the_portal_also_sends_a_jw301(allocation, youth_admin):
    extension = _waiting_extension(allocation)
    _advice(extension)
    indication_services.extension_decide(
        request_id=extension.pk,
        decision=ExtensionRequest.Decision.EXTEND,
        weighing="Nodig.",
        new_end_on=D(2027, 9, 30),
        user=youth_admin,
    )
    [jw301] = _sent("JW301")
    _validates(jw301)
    assert _jw301_product(jw301) == {
        "number": 7001,
        "reference": "",
        "end": D(2027, 9, 30),
        "reason": "04",
    }


def test_a_waiting_extension_gets_in_onderzoek_once_before_its_5_working_days(
    provider, child, allocation, youth_admin
):
    request = _extension_asked(provider, child, allocation)
    assert services.requests_answer_in_onderzoek(on_date=D(2026, 12, 10)) == {
        "answered_in_onderzoek": 1,
        "failed": 0,
    }
    assert services.requests_answer_in_onderzoek(on_date=D(2026, 12, 11)) == {
        "answered_in_onderzoek": 0,
        "failed": 0,
    }
    request.refresh_from_db()
    assert request.status == AllocationRequest.Status.WAITING
    [jw319] = _sent("JW319")
    _validates(jw319)
    assert xml.text(xml.etree.fromstring(jw319.raw.encode()), "Antwoord/VerzoekAntwoord") == "2"
    # The later decision still goes out.
    _advice(request.extension)
    indication_services.extension_decide(
        request_id=request.extension_id,
        decision=ExtensionRequest.Decision.EXTEND,
        weighing="Nodig.",
        new_end_on=D(2027, 12, 31),
        user=youth_admin,
    )
    request.refresh_from_db()
    assert request.status == AllocationRequest.Status.DONE
    assert request.answer.message_type == "JW301"


def test_a_second_change_request_while_an_extension_waits_is_9374(provider, child, allocation):
    _extension_asked(provider, child, allocation)
    received = receive_change(provider, child, reference="VOW-2", changes=[extend(allocation)])
    _refused(received, "9374")
    assert AllocationRequest.objects.count() == 1


def test_a_reference_used_before_is_9347(provider, child, allocation):
    _extension_asked(provider, child, allocation, reference="VOW-9")
    other = IndicationFactory(
        client=child,
        provider=provider,
        product=_product("50G41"),
        start_on=D(2026, 1, 1),
        end_on=D(2027, 3, 31),
        allocation_number=7003,
    )
    received = receive_change(
        provider, child, reference="VOW-9", changes=[extend(other)], unchanged=[7001]
    )
    _refused(received, "9347")


def test_the_allocations_named_must_be_current_ones_of_this_child_here(provider, child, allocation):
    elsewhere = IndicationFactory(
        client=child,
        provider=ProviderFactory(agb_code="42420002"),
        product=_product("50G41"),
        start_on=D(2026, 1, 1),
        allocation_number=7004,
    )
    _refused(receive_change(provider, child, changes=[extend(elsewhere)]), "9351")
    _refused(
        receive_change(provider, child, changes=[extend(allocation)], unchanged=[7004]), "9350"
    )
    second = IndicationFactory(
        client=child,
        provider=provider,
        product=_product("45A53"),
        start_on=D(2026, 1, 1),
        allocation_number=7005,
    )
    # Every current allocation at this provider is named, unchanged or to change.
    _refused(receive_change(provider, child, changes=[extend(allocation)]), "9349")
    _accepted(receive_change(provider, child, changes=[extend(allocation)], unchanged=[7005]))
    assert second.pk


def test_a_shortening_goes_to_the_worklist_and_to_the_own_handling(
    provider, child, allocation, youth_admin
):
    received = receive_change(provider, child, changes=[extend(allocation, D(2027, 3, 31))])
    _accepted(received)
    request = received.message.requests.get()
    assert (request.proposed_route, request.status, request.extension) == (
        AllocationRequest.Route.OTHER_CHANGE,
        AllocationRequest.Status.PROPOSED,
        None,
    )
    assert not ExtensionRequest.objects.exists()

    services.change_request_own_handling(request_id=request.pk, user=youth_admin)
    request.refresh_from_db()
    assert (request.status, request.route, request.decided_by) == (
        AllocationRequest.Status.OWN_HANDLING,
        AllocationRequest.Route.OTHER_CHANGE,
        youth_admin,
    )
    [jw319] = _sent("JW319")
    _validates(jw319)
    assert request.answer == jw319
    with pytest.raises(ValidationError):
        services.change_request_own_handling(request_id=request.pk, user=youth_admin)


def test_after_in_onderzoek_the_own_handling_sends_no_second_answer(
    provider, child, allocation, youth_admin
):
    new = samples.NewProduct(code="50G41", start_on=D(2027, 1, 1), end_on=D(2027, 6, 30))
    received = receive_change(provider, child, new=[new], unchanged=[7001])
    _accepted(received)
    request = received.message.requests.get()
    assert (request.product_code, request.proposed_route) == ("50G41", "other_change")
    services.requests_answer_in_onderzoek(on_date=D(2026, 12, 10))
    services.change_request_own_handling(request_id=request.pk, user=youth_admin)
    assert len(_sent("JW319")) == 1


def test_an_extension_request_cannot_be_handed_to_the_own_handling(
    provider, child, allocation, youth_admin
):
    request = _extension_asked(provider, child, allocation)
    with pytest.raises(ValidationError):
        services.change_request_own_handling(request_id=request.pk, user=youth_admin)


def test_the_deadline_job_asks_a_fixed_number_of_queries_per_request(
    provider, child, allocation, django_assert_num_queries
):
    _extension_asked(provider, child, allocation)
    receive_change(
        provider,
        child,
        reference="VOW-2",
        new=[samples.NewProduct("50G41", D(2027, 1, 1))],
        unchanged=[7001],
    )
    # The select of the ids; then per request: savepoint, the locked request with its
    # provider, message, child and indication, the JW319, the request and its history,
    # release.
    with django_assert_num_queries(1 + 2 * 6):
        services.requests_answer_in_onderzoek(on_date=D(2026, 12, 10))


def test_the_youth_administration_hands_a_shortening_over_after_a_look(
    client, provider, child, allocation, youth_admin
):
    received = receive_change(provider, child, changes=[extend(allocation, D(2027, 3, 31))])
    request = received.message.requests.get()
    client.force_login(youth_admin)
    page = client.get(f"/jeugdadministratie/berichten/verzoeken/{request.pk}/").content.decode()
    url = f"/jeugdadministratie/berichten/verzoeken/{request.pk}/eigen-afhandeling/"
    assert url in page
    look = client.get(url)
    assert look.status_code == 200 and "JW319" in look.content.decode()
    request.refresh_from_db()
    assert request.status == AllocationRequest.Status.PROPOSED  # the look changed nothing
    assert client.post(url, {"confirm": "1"}).status_code == 302
    request.refresh_from_db()
    assert request.status == AllocationRequest.Status.OWN_HANDLING
    # A second post (another tab) sends nothing more.
    client.post(url, {"confirm": "1"})
    assert len(_sent("JW319")) == 1


def test_a_change_request_tells_nothing_of_a_child_without_an_allocation_here(
    provider, child, beijum
):
    """Found in review: a JW317 with only new products for a known child was accepted and
    showed the child's name from WIJ's file to the provider. Known or not, the answer is
    the same, and nothing of the child is stored for the provider."""
    from tests.factories import ClientFactory

    stranger = ClientFactory.build(bsn="111222333")
    new = (samples.NewProduct(code="45A51", start_on=D(2027, 1, 4)),)
    known = receive_change(provider, child, new=new)
    unknown = receive_change(provider, stranger, reference="VOW-2", new=new)
    _refused(known, "9351")
    _refused(unknown, "9351")
    assert known.message.errors == unknown.message.errors
    assert not AllocationRequest.objects.exists()


def test_start_stop_and_change_come_in_through_the_upload_page_too(
    client, provider, child, allocation, youth_admin
):
    """The youth administration uploads what a provider without a broker sends: the
    same service, the same outcome (the page says per file what became of it)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    def upload(raw: bytes, name: str) -> str:
        files = [SimpleUploadedFile(name, raw, content_type="text/xml")]
        return client.post(
            "/jeugdadministratie/berichten/ontvangen/", {"files": files}
        ).content.decode()

    header = {"sender": provider.agb_code, "dated_on": D(2026, 12, 4), "child": child_data(child)}
    client.force_login(youth_admin)
    upload(
        samples.jw305(identification=_id(), starts=[delivery(allocation)], **header), "start.xml"
    )
    allocation.refresh_from_db()
    assert allocation.care_started_on == D(2026, 1, 5)
    change = samples.jw317(
        sender=provider.agb_code,
        identification=_id(),
        dated_on=D(2026, 12, 4),
        bsn=child.bsn,
        reference="VOW-P",
        changes=[extend(allocation)],
    )
    upload(change, "change.xml")
    assert AllocationRequest.objects.get(reference="VOW-P").extension is not None
    stop = delivery(allocation, end_on=D(2026, 12, 3), end_reason="34")
    html = upload(samples.jw307(identification=_id(), stops=[stop], **header), "stop.xml")
    assert "stop.xml" in html
    allocation.refresh_from_db()
    assert allocation.status == Indication.Status.STOPPED_EARLY
    assert Task.objects.filter(indication=allocation).exists()
