"""Outcomes per child (issue 17 §1): the summary rule, the form for one child and for three
siblings, the confirmation step, trajectories that follow, closing, the beschikking prompt,
safety first, and bad input."""

import datetime

import pytest
import time_machine
from django.utils.html import escape

from intake.models import SupportRequest
from referrals.models import Product
from tests.factories import (
    ClientFactory,
    ProviderFactory,
    SupportRequestFactory,
    UserFactory,
    make_trajectory,
)
from tests.triage.helpers import triage_data
from trajectories.models import Trajectory
from triage.models import ChildOutcome, Triage
from triage.services import ChildOutcomeData, triage_summary

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 11, 20)


@pytest.fixture(autouse=True)
def pinned():
    with time_machine.travel(datetime.datetime(2026, 11, 20, 12, tzinfo=datetime.UTC)):
        yield


def url(request):
    return f"/aanmeldingen/{request.pk}/lichte-toets/"


def basis_product():
    return Product.objects.get(code="45A51")


def family(beijum, n=3, **kwargs):
    children = [
        ClientFactory(team=beijum, date_of_birth=datetime.date(2012 + i, 1, 1)) for i in range(n)
    ]
    return SupportRequestFactory(team=beijum, contacted=True, clients=children, **kwargs)


# --- the summary rule -------------------------------------------------------------------


def item(outcome, intensity="basic", provider=None, **kwargs):
    return ChildOutcomeData(
        client=None, outcome=outcome, intensity=intensity, provider=provider, **kwargs
    )


@pytest.mark.parametrize(
    ("outcomes", "summary"),
    [
        (["specialist", "specialist"], "specialist"),
        (["other_route", "specialist"], "specialist"),
        (["specialist", "basis_wij"], "basis_wij"),
        (["reindication_extend", "open_house_exception"], "open_house_exception"),
        (["reindication_specialist", "reindication_wij", "other_route"], "reindication_wij"),
        (["other_route", "reindication_extend"], "reindication_extend"),
    ],
)
def test_the_summary_outcome_is_the_shared_one_or_the_first_in_the_order(outcomes, summary):
    items = [item(o, other_route="school" if o == "other_route" else "") for o in outcomes]
    assert triage_summary(items)["outcome"] == summary


def test_the_summary_intensity_is_the_highest_among_wij_outcomes_only():
    summary = triage_summary(
        [
            item("basis_wij", "light"),
            item("reindication_wij", "basic"),
            item("specialist", "specialist"),
        ]
    )
    assert summary["intensity"] == "basic"
    assert triage_summary([item("specialist", "specialist")])["intensity"] == ""


def test_the_summary_names_each_provider_once_and_the_first_contact():
    a, b = ProviderFactory.build(name="Accare"), ProviderFactory.build(name="Elker")
    summary = triage_summary(
        [
            item("specialist", provider=a, provider_contacted_on=DAY),
            item("basis_wij", provider=b, provider_contacted_on=DAY - datetime.timedelta(1)),
            item("specialist", provider=a, provider_contacted_on=DAY),
            item("other_route", other_route="school", provider=b),  # dropped: no provider here
        ]
    )
    assert summary["provider_name"] == "Accare, Elker"
    assert summary["provider_contacted_on"] == DAY - datetime.timedelta(1)
    assert summary["other_route"] == ""
    assert triage_summary([item("other_route", other_route="school")])["other_route"] == "school"


# --- one child: form, confirmation, back, confirm -----------------------------------------


def test_saving_shows_what_will_happen_first_and_back_keeps_everything(
    client, intake_worker, beijum
):
    request = SupportRequestFactory(team=beijum, contacted=True, assigned_worker=intake_worker)
    child = request.clients.get()
    client.force_login(intake_worker)
    data = triage_data(
        request,
        intake_worker,
        held_on=DAY.isoformat(),
        products=[basis_product().pk],
        intensity="light",
        confirm=False,
    )
    response = client.post(url(request), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Controleer wat de triage" in html
    assert escape(child.full_name) in html
    assert "Er start één traject bij WIJ" in html and "Ilse" in html
    assert "overgegaan in traject bij WIJ" in html
    assert "Het traject wacht tot de hulp start" in html
    assert not Triage.objects.exists() and not Trajectory.objects.exists()
    # Back: the form again, everything kept.
    back = client.post(url(request), {**data, "back": "1"})
    assert back.status_code == 200
    assert 'value="light" selected' in back.content.decode()
    assert not Triage.objects.exists()
    # Confirm: saved, one trajectory, closed as continued as a trajectory.
    response = client.post(url(request), {**data, "confirm": "1"})
    assert response.status_code == 302
    triage = Triage.objects.get()
    row = ChildOutcome.objects.get()
    assert (row.client, row.outcome, row.intensity, row.wij_role) == (
        child,
        "basis_wij",
        "light",
        "basis",
    )
    trajectory = Trajectory.objects.get()
    assert trajectory.triage == triage and trajectory.status == "waiting"
    assert trajectory.product == basis_product() and trajectory.intensity == "light"
    assert trajectory.coaches.get().coach == intake_worker
    request.refresh_from_db()
    assert (request.status, request.close_reason) == ("closed", "to_trajectory")
    page = client.get(f"/aanmeldingen/{request.pk}/").content.decode()
    assert "Uitkomst per kind" in page and f"Traject {trajectory.pk}" in page


# --- three siblings ---------------------------------------------------------------------


def test_three_siblings_combined_help_one_trajectory_for_those_at_wij(
    client, intake_worker, team_lead, beijum
):
    coach = UserFactory(role="wij_medewerker", first_name="Coco")
    request = family(beijum, assigned_worker=coach)
    accare, elker = ProviderFactory(name="Accare"), ProviderFactory(name="Elker")
    client.force_login(intake_worker)
    children = [
        {
            "outcome": "basis_wij",
            "intensity": "light",
            "provider": elker.pk,
            "provider_contacted_on": DAY.isoformat(),
        },
        {
            "outcome": "specialist",
            "intensity": "specialist",
            "provider": accare.pk,
            "provider_contacted_on": DAY.isoformat(),
            "wij_role": "coordination",
        },
        {"outcome": "other_route", "intensity": "light", "other_route": "school"},
    ]
    data = triage_data(
        request,
        intake_worker,
        held_on=DAY.isoformat(),
        children=children,
        products=[basis_product().pk],
        reasons="Zware angstklachten.",
        confirm=False,
    )
    html = client.post(url(request), data).content.decode()
    assert "met specialistische hulp erbij" in html and "WIJ houdt de regie" in html
    assert "Coco" in html
    assert "beschikking" in html  # an individual provision: the prompt
    assert client.post(url(request), {**data, "confirm": "1"}).status_code == 302

    triage = Triage.objects.get()
    assert (triage.outcome, triage.intensity, triage.provider_name) == (
        "basis_wij",
        "light",
        "Elker, Accare",
    )
    clients = list(request.clients.order_by("date_of_birth"))
    rows = {row.client: row for row in triage.child_outcomes.all()}
    assert rows[clients[0]].is_combined and rows[clients[0]].provider == elker
    assert rows[clients[1]].wij_role == "coordination"
    assert rows[clients[2]].wij_role == "" and rows[clients[2]].provider is None
    trajectory = Trajectory.objects.get()
    assert set(trajectory.children.values_list("client", flat=True)) == {
        clients[0].pk,
        clients[1].pk,
    }
    # WIJ's own help is the Basis child's (light), as the triage's summary says; the child
    # whose specialist help WIJ coordinates needs the provider's intensity, not WIJ's.
    assert trajectory.role == "basis" and trajectory.intensity == "light" == triage.intensity
    assert trajectory.coaches.get(coordinator=True).coach == coach
    request.refresh_from_db()
    assert request.close_reason == "to_trajectory"
    page = client.get(f"/aanmeldingen/{request.pk}/").content.decode()
    assert "Verzoek om een beschikking vastleggen" in page
    assert f"/aanmeldingen/{request.pk}/beschikking/" in page


def test_specialist_help_with_wij_coordinating_starts_a_coordination_trajectory(
    client, intake_worker, beijum
):
    request = SupportRequestFactory(team=beijum, contacted=True)
    client.force_login(intake_worker)
    data = triage_data(
        request,
        intake_worker,
        held_on=DAY.isoformat(),
        outcome="specialist",
        intensity="specialist",
        provider=ProviderFactory().pk,
        provider_contacted_on=DAY.isoformat(),
        wij_role="coordination",
        reasons="Specialistische hulp nodig.",
    )
    assert client.post(url(request), data).status_code == 302
    trajectory = Trajectory.objects.get()
    assert trajectory.role == "coordination" and trajectory.product is None
    assert trajectory.coaches.get().coach == intake_worker  # no assigned worker: the user
    request.refresh_from_db()
    assert request.close_reason == "to_trajectory"


def test_safety_concerns_start_the_help_at_once(client, intake_worker, beijum):
    request = SupportRequestFactory(team=beijum, contacted=True)
    client.force_login(intake_worker)
    data = triage_data(
        request,
        intake_worker,
        held_on=DAY.isoformat(),
        products=[basis_product().pk],
        safety_concerns="on",
        safety_actions="Veilig Thuis geraadpleegd.",
        confirm=False,
    )
    html = client.post(url(request), data).content.decode()
    assert "Veiligheid eerst: de hulp start direct" in html
    client.post(url(request), {**data, "confirm": "1"})
    trajectory = Trajectory.objects.get()
    assert (trajectory.status, trajectory.started_on) == ("active", DAY)


# --- revisions and running trajectories --------------------------------------------------


def test_a_revision_replaces_the_outcomes_and_starts_no_second_trajectory(
    client, intake_worker, beijum
):
    request = SupportRequestFactory(team=beijum, contacted=True)
    client.force_login(intake_worker)
    first = triage_data(
        request, intake_worker, held_on=DAY.isoformat(), products=[basis_product().pk]
    )
    assert client.post(url(request), first).status_code == 302
    request.refresh_from_db()
    form = client.get(url(request)).content.decode()
    assert "Deze triage heeft al een traject gestart" in form
    revised = triage_data(
        request,
        intake_worker,
        held_on=DAY.isoformat(),
        products=[basis_product().pk],
        intensity="specialist",
        confirm=False,
    )
    html = client.post(url(request), revised).content.decode()
    assert "de herziening start geen tweede" in html
    assert client.post(url(request), {**revised, "confirm": "1"}).status_code == 302
    assert Trajectory.objects.count() == 1
    assert Trajectory.objects.get().intensity == "basic"  # what started is not changed
    row = ChildOutcome.objects.get()
    assert row.intensity == "specialist"
    assert list(row.history.values_list("intensity", flat=True)) == ["specialist", "basic"]


def test_a_revision_after_the_trajectory_ended_says_it_only_corrects_the_record(
    client, intake_worker, beijum
):
    from trajectories import services as trajectory_services

    request = SupportRequestFactory(team=beijum, contacted=True)
    client.force_login(intake_worker)
    first = triage_data(
        request, intake_worker, held_on=DAY.isoformat(), products=[basis_product().pk]
    )
    assert client.post(url(request), first).status_code == 302
    trajectory = Trajectory.objects.get()
    trajectory_services.trajectory_end(
        trajectory_id=trajectory.pk,
        expected_version=trajectory.version,
        ended_on=DAY,
        end_reason="31",
        goals_reached="fully",
        user=intake_worker,
    )
    request.refresh_from_db()
    revised = triage_data(
        request,
        intake_worker,
        held_on=DAY.isoformat(),
        products=[basis_product().pk],
        intensity="specialist",
        confirm=False,
    )
    html = client.post(url(request), revised).content.decode()
    assert "Dat traject is beëindigd: deze herziening corrigeert alleen het dossier" in html
    assert client.post(url(request), {**revised, "confirm": "1"}).status_code == 302
    assert Trajectory.objects.count() == 1


def test_a_child_with_a_running_trajectory_is_refused_by_name(client, intake_worker, beijum):
    earlier = make_trajectory(
        support_request=SupportRequestFactory(team=beijum, contacted=True), status="active"
    )
    child = earlier.children.get().client
    request = SupportRequestFactory(team=beijum, contacted=True, clients=[child])
    client.force_login(intake_worker)
    data = triage_data(
        request, intake_worker, held_on=DAY.isoformat(), products=[basis_product().pk]
    )
    response = client.post(url(request), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert escape(f"{child.full_name} heeft al een lopend traject: traject {earlier.pk}.") in html
    assert not Triage.objects.filter(support_request=request).exists()


# --- bad input ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("child", "message"),
    [
        ({"outcome": "specialist", "provider": None}, "Kies de aanbieder."),
        ({"outcome": "basis_wij", "intensity": ""}, "Kies de intensiteit van de hulpvraag"),
        ({"outcome": "specialist", "provider": "99999999999999999999"}, "Kies een aanbieder"),
        ({"client": "99999999999999999999"}, "Dit kind hoort niet bij deze aanmelding."),
        ({"client": "1\x00"}, "Null-tekens zijn niet toegestaan."),
        (
            {"outcome": "basis_wij", "provider_contacted_on": "9999-12-31"},
            "Vul een datum in tussen",
        ),
    ],
)
def test_bad_input_is_a_message_and_nothing_is_lost(client, intake_worker, beijum, child, message):
    request = SupportRequestFactory(team=beijum, contacted=True)
    client.force_login(intake_worker)
    data = triage_data(
        request,
        intake_worker,
        held_on=DAY.isoformat(),
        children=[{"provider_contacted_on": None, **child}],
        products=[basis_product().pk],
        reasons="Een reden die blijft staan.",
    )
    data = {k: v for k, v in data.items() if v is not None}
    response = client.post(url(request), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert "Een reden die blijft staan." in html
    assert not Triage.objects.exists()


def test_a_child_of_another_request_is_refused(client, intake_worker, beijum):
    request = SupportRequestFactory(team=beijum, contacted=True)
    other = SupportRequestFactory(team=beijum, contacted=True).clients.get()
    client.force_login(intake_worker)
    data = triage_data(
        request,
        intake_worker,
        held_on=DAY.isoformat(),
        children=[{"client": other.pk}],
        products=[basis_product().pk],
    )
    response = client.post(url(request), data)
    assert response.status_code == 400
    assert "Dit kind hoort niet bij deze aanmelding." in response.content.decode()
    assert not Triage.objects.exists()


def test_a_child_left_out_is_refused(client, intake_worker, beijum):
    request = family(beijum, n=2)
    client.force_login(intake_worker)
    data = triage_data(
        request, intake_worker, held_on=DAY.isoformat(), products=[basis_product().pk]
    )
    data["children-TOTAL_FORMS"] = data["children-INITIAL_FORMS"] = 1
    response = client.post(url(request), data)
    assert response.status_code == 400
    assert "Leg voor elk kind van de aanmelding één keer een uitkomst vast." in (
        response.content.decode()
    )
    assert not Triage.objects.exists()
    assert SupportRequest.objects.get(pk=request.pk).status == "contacted"


def test_an_exception_with_wij_coordinating_closes_as_a_trajectory_and_stays_so(
    client, intake_worker, official, beijum
):
    request = SupportRequestFactory(team=beijum, contacted=True)
    client.force_login(intake_worker)
    data = triage_data(
        request,
        intake_worker,
        held_on=DAY.isoformat(),
        outcome="open_house_exception",
        intensity="specialist",
        provider=ProviderFactory().pk,
        wij_role="coordination",
        exception_product=Product.objects.get(code="45A56").pk,
        reasons="Hulp die WIJ niet kan bieden.",
        confirm=False,
    )
    html = client.post(url(request), data).content.decode()
    assert "overgegaan in traject bij WIJ" in html
    assert "Verzoek om een beschikking vastleggen" in html
    assert client.post(url(request), {**data, "confirm": "1"}).status_code == 302
    request.refresh_from_db()
    assert (request.status, request.close_reason) == ("closed", "to_trajectory")
    exception = Triage.objects.get().exception
    assert exception.approval == "pending"  # after the closing date: the municipality weighs
    client.force_login(official)
    client.post(f"/uitzonderingen/{exception.pk}/", {"approve": "1", "reasons": "Akkoord."})
    request.refresh_from_db()
    assert request.close_reason == "to_trajectory"


def test_a_refused_exception_puts_a_task_on_the_coordinators_worklist(
    client, intake_worker, official, beijum
):
    from intake.models import TeamMember
    from tests.factories import ClientFactory, TeamFactory, UserFactory

    # The child lives in Lewenborg; the request (and so the trajectory) is Beijum's.
    lewenborg = TeamFactory(name="WIJ Lewenborg")
    child = ClientFactory(team=lewenborg)
    request = SupportRequestFactory(
        team=beijum, contacted=True, assigned_worker=intake_worker, clients=[child]
    )
    client.force_login(intake_worker)
    data = triage_data(
        request,
        intake_worker,
        held_on=DAY.isoformat(),
        outcome="open_house_exception",
        intensity="specialist",
        provider=ProviderFactory().pk,
        wij_role="coordination",
        exception_product=Product.objects.get(code="45A56").pk,
        reasons="Hulp die WIJ niet kan bieden.",
    )
    assert client.post(url(request), data).status_code == 302
    exception = Triage.objects.get().exception
    client.force_login(official)
    client.post(f"/uitzonderingen/{exception.pk}/", {"approve": "0", "reasons": "Past in Basis."})
    exception.refresh_from_db()
    assert exception.approval == "refused"
    from indications.models import Task

    task = Task.objects.get(kind="exception_refused")
    trajectory = Trajectory.objects.get()
    assert (task.trajectory, task.assigned_to, task.team) == (trajectory, intake_worker, beijum)
    client.force_login(intake_worker)
    work = client.get("/werk/").content.decode()
    assert "Open House-uitzondering geweigerd" in work
    assert f'href="/trajecten/{trajectory.pk}/"' in work
    # A worker of another team does not see the task (Task.visible_to keeps to the team).
    from tests.factories import TeamFactory

    other = UserFactory(username="elders", role="wij_medewerker")
    TeamMember.objects.create(user=other, team=TeamFactory(name="WIJ Lewenborg"))
    assert not Task.objects.visible_to(other).exists()


def test_without_a_role_for_wij_an_exception_waits_in_triage(client, intake_worker, beijum):
    request = SupportRequestFactory(team=beijum, contacted=True)
    client.force_login(intake_worker)
    data = triage_data(
        request,
        intake_worker,
        held_on=DAY.isoformat(),
        outcome="open_house_exception",
        intensity="specialist",
        provider=ProviderFactory().pk,
        exception_product=Product.objects.get(code="45A56").pk,
        reasons="Hulp die WIJ niet kan bieden.",
        confirm=False,
    )
    html = client.post(url(request), data).content.decode()
    assert "wacht op goedkeuring van de gemeente" in html
    assert "Er start geen traject bij WIJ" in html
    client.post(url(request), {**data, "confirm": "1"})
    request.refresh_from_db()
    assert request.status == "in_triage" and not Trajectory.objects.exists()
