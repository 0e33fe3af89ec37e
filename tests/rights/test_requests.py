"""The family's requests as records (rights/services.py): who may ask by the age rules
and the parental authority on the family file, the deadlines, the one extension, the
decision, the closing, and a correction of the child's person data."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from intake.models import HouseholdMember
from rights import services
from rights.models import RightsRequest
from tests.factories import ClientFactory, HouseholdFactory, RightsRequestFactory

pytestmark = pytest.mark.django_db
D = datetime.date
NOW = datetime.datetime(2027, 1, 31, 10, 0, tzinfo=datetime.UTC)
TODAY = D(2027, 1, 31)
Kind = RightsRequest.Kind
Requester = RightsRequest.Requester


@pytest.fixture(autouse=True)
def _pinned():
    with time_machine.travel(NOW, tick=False):
        yield


def born_years_before(years: int, *, days: int = 0) -> datetime.date:
    """Born so that the child turns `years` on TODAY (`days` later: still younger)."""
    return TODAY.replace(year=TODAY.year - years) + datetime.timedelta(days=days)


def family(child, *, authority="yes", role="parent"):
    household = HouseholdFactory()
    household.members.create(role="child", client=child)
    return household.members.create(role=role, name="Anna Ouder", parental_authority=authority)


def entitled(child, requester, member=None):
    return services.requester_entitled(child, requester, member, TODAY)[0]


# --- The age rules ------------------------------------------------------------------------


def test_a_child_asks_from_the_day_it_turns_12_not_the_day_before(beijum):
    eleven = ClientFactory(team=beijum, date_of_birth=born_years_before(12, days=1))
    twelve = ClientFactory(team=beijum, date_of_birth=born_years_before(12))
    assert eleven.age_on(TODAY) == 11 and twelve.age_on(TODAY) == 12
    assert not entitled(eleven, Requester.CHILD)
    assert entitled(twelve, Requester.CHILD)


def test_parents_with_authority_ask_until_the_child_turns_16(beijum):
    fifteen = ClientFactory(team=beijum, date_of_birth=born_years_before(16, days=1))
    sixteen = ClientFactory(team=beijum, date_of_birth=born_years_before(16))
    assert entitled(fifteen, Requester.PARENT, family(fifteen))
    assert entitled(fifteen, Requester.CHILD)
    ok, note = services.requester_entitled(sixteen, Requester.PARENT, family(sixteen), TODAY)
    assert not ok and "16" in note
    assert entitled(sixteen, Requester.CHILD)


def test_under_12_the_parent_with_authority_asks(beijum):
    child = ClientFactory(team=beijum, date_of_birth=born_years_before(11))
    assert entitled(child, Requester.PARENT, family(child))


@pytest.mark.parametrize("authority", ["unknown", "no"])
def test_a_parent_without_recorded_authority_may_not_ask(beijum, authority):
    child = ClientFactory(team=beijum, date_of_birth=born_years_before(8))
    ok, note = services.requester_entitled(
        child, Requester.PARENT, family(child, authority=authority), TODAY
    )
    assert not ok and note


def test_an_adult_of_another_family_may_not_ask(beijum):
    child = ClientFactory(team=beijum, date_of_birth=born_years_before(8))
    family(child)
    other_child = ClientFactory(team=beijum)
    stranger = family(other_child)  # holds authority, over another child
    assert not entitled(child, Requester.PARENT, stranger)
    assert not entitled(child, Requester.PARENT, None)


def test_someone_else_may_never_ask(beijum):
    child = ClientFactory(team=beijum, date_of_birth=born_years_before(14))
    assert not entitled(child, Requester.OTHER)


# --- Deadlines ----------------------------------------------------------------------------


def test_a_month_from_31_january_is_the_last_day_of_february():
    assert services.deadline_for(Kind.INSPECTION, D(2027, 1, 31)) == D(2027, 2, 28)
    assert services.deadline_for(Kind.COPY, D(2028, 1, 31)) == D(2028, 2, 29)
    assert services.deadline_for(Kind.CORRECTION, D(2027, 3, 15)) == D(2027, 4, 15)


def test_destruction_is_three_months():
    assert services.deadline_for(Kind.DESTRUCTION, D(2027, 1, 31)) == D(2027, 4, 30)


# --- Registering ----------------------------------------------------------------------------


def test_a_request_is_registered_with_its_rule_and_deadline(beijum, privacy_officer):
    child = ClientFactory(team=beijum, date_of_birth=born_years_before(9))
    parent = family(child)
    request = services.rights_request_register(
        client=child,
        kind=Kind.COPY,
        requester=Requester.PARENT,
        requester_member=parent,
        received_on=TODAY,
        user=privacy_officer,
    )
    assert request.entitled and request.entitlement_note
    assert request.requester_name == "Anna Ouder"
    assert request.team == beijum
    assert request.deadline == D(2027, 2, 28)
    assert request.status == RightsRequest.Status.RECEIVED


def test_a_request_of_someone_not_entitled_is_recorded_and_can_only_be_refused(
    beijum, privacy_officer
):
    child = ClientFactory(team=beijum, date_of_birth=born_years_before(9))
    request = services.rights_request_register(
        client=child,
        kind=Kind.INSPECTION,
        requester=Requester.OTHER,
        requester_name="Oom Henk",
        received_on=TODAY,
        user=privacy_officer,
    )
    assert not request.entitled
    with pytest.raises(ValidationError):
        services.rights_request_decide(
            request, decision="granted", reason="Toch maar.", user=privacy_officer, today=TODAY
        )
    request.refresh_from_db()
    assert request.status == RightsRequest.Status.RECEIVED
    services.rights_request_decide(
        request, decision="refused", reason="Geen recht.", user=privacy_officer, today=TODAY
    )
    request.refresh_from_db()
    assert request.status == RightsRequest.Status.CLOSED and request.closed_on == TODAY


# --- Extension, decision, closing -------------------------------------------------------------


def test_the_deadline_is_extended_once_by_two_months(beijum):
    request = RightsRequestFactory(
        client__team=beijum, kind=Kind.COPY, received_on=TODAY, deadline=D(2027, 2, 28)
    )
    services.rights_request_extend(request, reason="Veel stukken.", today=TODAY)
    request.refresh_from_db()
    assert request.deadline_extended_to == D(2027, 4, 30)
    assert request.due_on == D(2027, 4, 30)
    with pytest.raises(ValidationError):
        services.rights_request_extend(request, reason="Nog eens.", today=TODAY)


def test_destruction_and_a_passed_deadline_cannot_be_extended(beijum):
    destruction = RightsRequestFactory(client__team=beijum, kind=Kind.DESTRUCTION)
    with pytest.raises(ValidationError):
        services.rights_request_extend(destruction, reason="Druk.", today=TODAY)
    late = RightsRequestFactory(
        client__team=beijum, received_on=D(2026, 12, 1), deadline=D(2027, 1, 1)
    )
    with pytest.raises(ValidationError):
        services.rights_request_extend(late, reason="Te laat.", today=TODAY)
    assert not RightsRequest.objects.filter(deadline_extended_to__isnull=False).exists()


def test_a_grant_waits_to_be_carried_out_and_closes_with_what_was_done(beijum, privacy_officer):
    request = RightsRequestFactory(client__team=beijum, kind=Kind.CORRECTION)
    with pytest.raises(ValidationError):
        services.rights_request_close(request, note="Te vroeg.", today=TODAY)
    services.rights_request_decide(
        request, decision="partly", reason="Deels juist.", user=privacy_officer, today=TODAY
    )
    request.refresh_from_db()
    assert request.status == RightsRequest.Status.DECIDED and request.closed_on is None
    with pytest.raises(ValidationError):
        services.rights_request_decide(
            request, decision="refused", reason="Toch niet.", user=privacy_officer, today=TODAY
        )
    services.rights_request_close(request, note="Verslag van 3-1 aangepast.", today=TODAY)
    request.refresh_from_db()
    assert request.status == RightsRequest.Status.CLOSED
    assert request.decision == "partly"
    assert request.outcome_note == "Verslag van 3-1 aangepast."


# --- Correcting the person data --------------------------------------------------------------


def granted_correction(child, officer):
    request = RightsRequestFactory(client=child, team=child.team, kind=Kind.CORRECTION)
    services.rights_request_decide(
        request, decision="granted", reason="Klopt.", user=officer, today=TODAY
    )
    return request


def test_a_correction_changes_the_child_keeps_the_old_values_and_closes(beijum, privacy_officer):
    child = ClientFactory(team=beijum, last_name="Jansen", date_of_birth=D(2015, 3, 14))
    request = granted_correction(child, privacy_officer)
    services.correction_apply(
        request,
        changes={"last_name": "Janssen", "date_of_birth": D(2015, 4, 14)},
        user=privacy_officer,
        today=TODAY,
    )
    child.refresh_from_db()
    assert child.last_name == "Janssen" and child.date_of_birth == D(2015, 4, 14)
    assert child.search_name.endswith("janssen")
    latest, before = child.history.order_by("-history_date", "-history_id")[:2]
    assert str(request.pk) in latest.history_change_reason
    assert latest.history_user == privacy_officer
    assert before.last_name == "Jansen" and before.date_of_birth == D(2015, 3, 14)
    request.refresh_from_db()
    assert request.status == RightsRequest.Status.CLOSED
    assert request.outcome_note and "Jansen" not in request.outcome_note


def test_a_correction_is_validated_like_any_change(beijum, privacy_officer):
    other = ClientFactory(team=beijum)
    child = ClientFactory(team=beijum)
    request = granted_correction(child, privacy_officer)
    with pytest.raises(ValidationError) as exc:
        services.correction_apply(
            request, changes={"bsn": other.bsn}, user=privacy_officer, today=TODAY
        )
    assert "bsn" in exc.value.error_dict
    with pytest.raises(ValidationError):
        services.correction_apply(
            request, changes={"last_name": child.last_name}, user=privacy_officer, today=TODAY
        )
    with pytest.raises(ValidationError):
        services.correction_apply(
            request, changes={"team_id": other.team_id}, user=privacy_officer, today=TODAY
        )
    request.refresh_from_db()
    assert request.status == RightsRequest.Status.DECIDED


def test_only_a_granted_correction_request_corrects(beijum, privacy_officer):
    child = ClientFactory(team=beijum)
    copy = RightsRequestFactory(client=child, team=beijum, kind=Kind.COPY)
    services.rights_request_decide(
        copy, decision="granted", reason="Ja.", user=privacy_officer, today=TODAY
    )
    received = RightsRequestFactory(client=child, team=beijum, kind=Kind.CORRECTION)
    for request in (copy, received):
        with pytest.raises(ValidationError):
            services.correction_apply(
                request, changes={"first_name": "Anders"}, user=privacy_officer, today=TODAY
            )
    child.refresh_from_db()
    assert child.first_name != "Anders"
    assert HouseholdMember.objects.count() == 0


def test_no_request_is_registered_for_a_destroyed_files_anonymous_client(beijum, privacy_officer):
    anonymous = ClientFactory(team=beijum, bsn=None, destroyed_on=TODAY)
    with pytest.raises(ValidationError, match=r"vernietigd|destroyed"):
        services.rights_request_register(
            client=anonymous,
            kind=Kind.INSPECTION,
            requester=RightsRequest.Requester.CHILD,
            received_on=TODAY,
            user=privacy_officer,
        )
    assert not RightsRequest.objects.exists()
