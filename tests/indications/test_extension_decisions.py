"""Extension decisions by the youth administration beyond the back-office basics
(test_backoffice.py): WIJ's advice as a task on the team's worklist, "extend" only with that
advice after the Open House closed, the family's beschikking letter, the decision on the WIJ
child page, and the overdue count on the start page."""

import datetime

import pytest
import time_machine
from django.template.loader import render_to_string

from audit.models import AccessLogEntry
from audit.services import forget_known_partitions
from indications import services
from indications.letter import letter_addressees, letter_context
from indications.models import ExtensionRequest, Task
from indications.selectors import back_office_counts
from intake.models import HouseholdMember
from referrals.models import Product
from samen import roles
from tests.factories import (
    ClientFactory,
    HouseholdFactory,
    IndicationFactory,
    TriageFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
D = datetime.date
NOW = datetime.datetime(2026, 11, 22, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _fresh_partitions():
    forget_known_partitions()


@pytest.fixture
def youth_admin(db):
    return UserFactory(role=roles.YOUTH_ADMIN, username="jeugdadmin", first_name="Jet")


def provider_request(beijum, **indication):
    indication.setdefault("end_on", D(2026, 12, 31))
    ind = IndicationFactory(client__team=beijum, **indication)
    return services.extension_request_create(
        indication_id=ind.pk,
        requested_by=ExtensionRequest.Requester.WIJ,
        reasons="De begeleiding is nog niet klaar.",
        user=UserFactory(),
    )


def decide_url(extension):
    return f"/jeugdadministratie/verlengingen/{extension.pk}/"


# WIJ's advice: a task for the team, closed by the advice


@time_machine.travel(NOW)
def test_a_request_after_the_closing_date_asks_the_wij_team_for_advice(beijum, intake_worker):
    extension = provider_request(beijum)
    assert extension.decide_by == D(2026, 12, 31)  # 8 weeks would pass the end
    [task] = Task.objects.filter(indication=extension.indication)
    assert (task.kind, task.team, task.due_on, task.for_end_on, task.done_on) == (
        "extension_advice",
        beijum,
        D(2026, 12, 31),
        D(2026, 12, 31),
        None,
    )
    # On the team's worklist.
    assert task in Task.objects.visible_to(intake_worker)

    services.extension_advice_record(
        extension_id=extension.pk,
        triage=TriageFactory(outcome="reindication_extend"),
        advice="WIJ adviseert te verlengen.",
        user=intake_worker,
    )
    task.refresh_from_db()
    assert (task.done_on, task.done_by, task.done_how) == (
        D(2026, 11, 22),
        intake_worker,
        "advice_given",
    )


@time_machine.travel(datetime.datetime(2025, 5, 1, 10, 0, tzinfo=datetime.UTC))
def test_before_the_closing_date_no_advice_is_needed(beijum):
    extension = provider_request(beijum, end_on=D(2025, 12, 31))
    assert not Task.objects.exists()
    assert not services.extension_needs_wij_advice(extension, on_date=D(2025, 5, 1))


@time_machine.travel(NOW)
def test_not_extended_without_advice_closes_the_advice_task(beijum, youth_admin):
    extension = provider_request(beijum)
    services.extension_decide(
        request_id=extension.pk,
        decision="wij",
        weighing="Basis jeugdhulp bij WIJ past.",
        new_end_on=None,
        user=youth_admin,
    )
    task = Task.objects.get(kind="extension_advice")
    assert (task.done_how, task.done_by) == ("extension_decided", youth_admin)


@time_machine.travel(NOW)
def test_a_new_request_for_the_same_end_asks_the_team_again(beijum, youth_admin):
    first = provider_request(beijum)
    services.extension_decide(
        request_id=first.pk,
        decision="wij",
        weighing="Basis jeugdhulp bij WIJ past.",
        new_end_on=None,
        user=youth_admin,
    )
    second = services.extension_request_create(
        indication_id=first.indication_id,
        requested_by=ExtensionRequest.Requester.WIJ,
        reasons="Het gezin vraagt opnieuw.",
        user=UserFactory(),
    )
    task = Task.objects.get(kind="extension_advice")
    assert (task.done_on, task.done_how, task.due_on) == (None, "", second.decide_by)
    assert task.history.filter(done_how="extension_decided").exists()


def test_advice_needs_a_triage_and_text(beijum):
    extension = ExtensionRequest.objects.create(
        indication=IndicationFactory(client__team=beijum),
        requested_by="provider",
        reasons="Nog niet klaar.",
    )
    with pytest.raises(Exception, match="triage"):
        services.extension_advice_record(
            extension_id=extension.pk, triage=None, advice=" ", user=UserFactory()
        )


# "Extend" only with WIJ's advice after the closing date: the page says why


@time_machine.travel(NOW)
def test_without_advice_extend_is_not_offered_and_the_page_says_why(client, beijum, youth_admin):
    extension = provider_request(beijum)
    client.force_login(youth_admin)
    html = client.get(decide_url(extension)).content.decode()
    assert 'value="extend"' not in html and 'value="wij"' in html
    assert "Het Open House is voor dit product gesloten op 1 juli 2025" in html
    assert "Het WIJ-team is gevraagd" in html
    values = {"decision": "extend", "weighing": "Toch.", "new_end_on": "2027-06-30", "confirm": "1"}
    response = client.post(decide_url(extension), values)
    assert response.status_code == 400
    extension.refresh_from_db()
    assert extension.is_pending and extension.indication.end_on == D(2026, 12, 31)


@time_machine.travel(NOW)
def test_the_decision_page_shows_the_request_the_history_of_ends_and_the_advice(
    client, beijum, youth_admin
):
    indication = IndicationFactory(client__team=beijum, end_on=D(2026, 6, 30))
    first = ExtensionRequest.objects.create(
        indication=indication, requested_by="provider", reasons="Eerste keer."
    )
    with time_machine.travel(datetime.datetime(2026, 5, 1, 10, 0, tzinfo=datetime.UTC)):
        services.extension_advice_record(
            extension_id=first.pk,
            triage=TriageFactory(outcome="reindication_extend"),
            advice="Verlengen.",
            user=youth_admin,
        )
        services.extension_decide(
            request_id=first.pk,
            decision="extend",
            weighing="Een half jaar.",
            new_end_on=D(2026, 12, 31),
            user=youth_admin,
        )
    second = ExtensionRequest.objects.create(
        indication=indication,
        requested_by="wij",
        reasons="Nog een paar maanden.",
        proposed_end_on=D(2027, 3, 31),
        decide_by=D(2026, 11, 20),
        triage=TriageFactory(outcome="reindication_extend", held_on=D(2026, 11, 2)),
        wij_advice="WIJ adviseert: verlengen.",
    )
    client.force_login(youth_admin)
    html = client.get(decide_url(second)).content.decode()
    assert "30 juni 2026" in html and "31 december 2026" in html  # every end so far
    assert "Besluiten vóór 20 november 2026." in html and "De termijn is verstreken." in html
    assert "Voorgestelde einddatum: 31 maart 2027" in html
    assert "WIJ adviseert: verlengen." in html and "Uit de triage van 2 november 2026." in html
    assert "Eerdere verlengingsverzoeken" in html and 'value="extend"' in html


# The letter


def test_the_letter_goes_to_the_parents_with_authority_or_the_young_person_from_16(beijum):
    child = ClientFactory(team=beijum, date_of_birth=D(2015, 3, 14))
    household = HouseholdFactory()
    household.members.create(role="child", client=child)
    household.members.create(role="parent", name="Anna de Vries", parental_authority="yes")
    household.members.create(role="step_parent", name="Bert Smit", parental_authority="no")
    household.members.create(role="parent", name="Carla Bos", parental_authority="yes")
    assert letter_addressees(child, on_date=D(2026, 11, 22)) == ["Anna de Vries", "Carla Bos"]
    # From 16 the young person.
    assert letter_addressees(child, on_date=D(2031, 3, 14)) == [child.full_name]
    # Nobody with authority recorded: the letter names the parents of the child.
    alone = ClientFactory(team=beijum)
    assert letter_addressees(alone, on_date=D(2026, 11, 22)) == []
    assert HouseholdMember.objects.count() == 4


@time_machine.travel(NOW)
def test_the_letter_states_decision_grounds_new_end_and_objection(beijum, youth_admin):
    extension = provider_request(beijum, client__first_name="Sara")
    services.extension_advice_record(
        extension_id=extension.pk,
        triage=TriageFactory(outcome="reindication_extend"),
        advice="Verlengen.",
        user=youth_admin,
    )
    services.extension_decide(
        request_id=extension.pk,
        decision="extend",
        weighing="De begeleiding rondt de doelen af.",
        new_end_on=D(2027, 6, 30),
        user=youth_admin,
    )
    extension.refresh_from_db()
    html = render_to_string(
        "indications/partials/extension_letter_body.html", letter_context(extension)
    )
    assert "CONCEPT" not in html
    assert "Aan de ouder(s) of verzorger(s) van Sara" in html
    assert "tot en met <strong>30 juni 2027</strong>" in html
    assert "De begeleiding rondt de doelen af." in html
    assert "advies van WIJ Groningen uit de triage" in html
    assert "binnen 6 weken" in html and "6:7" in html and "3 januari 2027" in html


@time_machine.travel(NOW)
def test_the_letter_is_printed_once_decided_and_the_print_is_recorded(client, beijum, youth_admin):
    extension = provider_request(beijum)
    client.force_login(youth_admin)
    refused = client.post(f"{decide_url(extension)}brief/", follow=True)
    assert "De brief volgt op het besluit" in refused.content.decode()
    services.extension_decide(
        request_id=extension.pk,
        decision="wij",
        weighing="WIJ neemt het over.",
        new_end_on=None,
        user=youth_admin,
    )
    response = client.post(f"{decide_url(extension)}brief/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    extension.refresh_from_db()
    assert (extension.letter_printed_on, extension.letter_printed_by) == (
        D(2026, 11, 22),
        youth_admin,
    )
    [entry] = AccessLogEntry.objects.filter(event="export", part="extension letter")
    assert entry.client_ids == [extension.indication.client_id]
    with time_machine.travel(datetime.datetime(2026, 11, 25, 10, 0, tzinfo=datetime.UTC)):
        client.force_login(youth_admin)  # the session of three days ago has expired
        assert client.post(f"{decide_url(extension)}brief/").status_code == 200
        page = client.get(decide_url(extension)).content.decode()
    extension.refresh_from_db()
    assert extension.letter_printed_on == D(2026, 11, 22)  # a reprint keeps the date
    assert "Afgedrukt op 22 november 2026 door Jet" in page


def test_the_letter_print_refuses_a_get(client, beijum, youth_admin):
    extension = provider_request(beijum, end_on=D(2099, 12, 31))
    client.force_login(youth_admin)
    assert client.get(f"{decide_url(extension)}brief/").status_code == 405


# The WIJ child page


@time_machine.travel(NOW)
def test_the_wij_child_page_shows_the_decision_its_weighing_advice_and_new_end(
    client, beijum, intake_worker, youth_admin
):
    extension = provider_request(beijum)
    child = extension.indication.client
    services.extension_advice_record(
        extension_id=extension.pk,
        triage=TriageFactory(outcome="reindication_extend"),
        advice="WIJ adviseert: verlengen.",
        user=intake_worker,
    )
    services.extension_decide(
        request_id=extension.pk,
        decision="extend",
        weighing="Doelen bijna bereikt.",
        new_end_on=D(2027, 3, 31),
        user=youth_admin,
    )
    # An open end and a personal budget on the same page.
    IndicationFactory(
        client=child, product=extension.indication.product, start_on=D(2027, 4, 1), end_on=None
    )
    IndicationFactory(
        client=child,
        product=Product.objects.get(code="45A04"),
        financing="pgb",
        provider=None,
        budget_holder="Moeder",
    )
    client.force_login(intake_worker)
    response = client.get(f"/jeugdigen/{child.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Verlengingsverzoeken voor 45A51" in html
    assert "verlengen: voorlopig een andere oplossing dan Basis jeugdhulp bij WIJ" in html
    assert "nieuwe einddatum 31 maart 2027" in html and "Doelen bijna bereikt." in html
    assert "WIJ adviseert: verlengen." in html
    assert "open einde" in html and "persoonsgebonden budget (PGB)" in html


# The start page


@time_machine.travel(NOW)
def test_the_start_page_counts_requests_past_their_deadline(client, beijum, youth_admin):
    late = provider_request(beijum)
    ExtensionRequest.objects.filter(pk=late.pk).update(decide_by=D(2026, 11, 21))
    provider_request(beijum)
    assert back_office_counts(today=D(2026, 11, 22))["extensions_overdue"] == 1
    client.force_login(youth_admin)
    html = client.get("/").content.decode()
    assert "<strong>2</strong> verlengingsverzoeken" in html and "1 over de termijn" in html


@time_machine.travel(NOW)
@pytest.mark.parametrize("count", [1, 20])
def test_the_worklist_takes_the_same_queries_with_advice_and_evaluations(
    client, beijum, youth_admin, count, django_assert_max_num_queries
):
    for index in range(count):
        extension = provider_request(beijum)
        if index % 2:
            services.extension_advice_record(
                extension_id=extension.pk,
                triage=TriageFactory(outcome="reindication_extend"),
                advice="Verlengen.",
                user=youth_admin,
            )
    client.force_login(youth_admin)
    # 7, and 2 for the counts of the message traffic (requests to review, late retours).
    with django_assert_max_num_queries(9):
        response = client.get("/jeugdadministratie/")
    assert response.content.decode().count("/jeugdadministratie/verlengingen/") == count
