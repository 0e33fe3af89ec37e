"""The trajectory page and every step on it, through the views: who sees and does what,
the look before the irreversible steps, and bad input (a Dutch message, nothing lost)."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from audit.models import AccessLogEntry
from intake.models import TeamMember, WorkerChangeRequest
from samen import roles
from tests.factories import (
    ClientFactory,
    SupportRequestFactory,
    TeamFactory,
    TriageFactory,
    UserFactory,
    make_trajectory,
)
from trajectories import selectors, services
from trajectories.models import Trajectory, TrajectoryCoach

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 20, 10, 0, tzinfo=datetime.UTC)
TODAY = datetime.date(2026, 11, 20)


@pytest.fixture(autouse=True)
def pinned_time():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def trajectory(beijum, intake_worker):
    """Waiting since a registration on 2 November, triage on 9 November, coached by the
    intake worker of WIJ Beijum."""
    triage = TriageFactory(
        support_request__team=beijum,
        support_request__received_at=datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC),
        held_on=datetime.date(2026, 11, 9),
    )
    return make_trajectory(triage=triage, coach=intake_worker)


@pytest.fixture
def active(trajectory, intake_worker):
    return services.trajectory_begin(
        trajectory_id=trajectory.pk,
        expected_version=trajectory.version,
        started_on=datetime.date(2026, 11, 10),
        user=intake_worker,
    )


def _child(trajectory):
    return trajectory.children.get().client


def _url(name, trajectory, *args):
    return reverse(f"trajectories:{name}", args=[trajectory.pk, *args])


def _fresh(trajectory):
    return Trajectory.objects.get(pk=trajectory.pk)


# --- The page ------------------------------------------------------------------------------


def test_the_page_shows_the_trajectory_and_logs_the_read(
    client, trajectory, intake_worker, django_assert_max_num_queries
):
    client.force_login(intake_worker)
    child = _child(trajectory)
    # 17: the children the user may see by name cost two (their teams and the children).
    with django_assert_max_num_queries(17):
        response = client.get(_url("detail", trajectory))
    assert response.status_code == 200
    body = response.content.decode()
    assert escape(child.full_name) in body
    assert reverse("indications:client", args=[child.pk]) in body
    assert reverse("intake:household", args=[trajectory.household_id]) in body
    assert reverse("intake:detail", args=[trajectory.triage.support_request_id]) in body
    assert "basis" in body.lower()  # the current intensity: basis
    assert "18 dagen" in body  # 2 → 20 November, still waiting
    assert "(regisseur)" in body or "coördinator" in body
    entry = AccessLogEntry.objects.filter(part="trajectory", object_id=trajectory.pk).get()
    assert entry.client_ids == [child.pk]


def test_the_page_costs_the_same_queries_with_more_children_coaches_and_changes(
    client, beijum, intake_worker, django_assert_max_num_queries
):
    children = [ClientFactory(team=beijum) for _ in range(4)]
    triage = TriageFactory(
        support_request__team=beijum,
        support_request__clients=children,
        support_request__received_at=datetime.datetime(2026, 10, 28, 9, tzinfo=datetime.UTC),
        held_on=datetime.date(2026, 11, 1),
    )
    trajectory = make_trajectory(triage=triage, coach=intake_worker, status="active")
    for n in range(3):
        colleague = UserFactory(role=roles.WIJ_STAFF)
        TeamMember.objects.create(user=colleague, team=beijum)
        services.coach_add(
            trajectory_id=trajectory.pk,
            expected_version=_fresh(trajectory).version,
            coach=colleague,
            user=intake_worker,
        )
        services.intensity_change(
            trajectory_id=trajectory.pk,
            expected_version=_fresh(trajectory).version,
            to_intensity=["specialist", "light", "basic"][n],
            reason=f"Reden {n}",
            user=intake_worker,
        )
    client.force_login(intake_worker)
    # 17: the children the user may see by name cost two (their teams and the children).
    with django_assert_max_num_queries(17):
        response = client.get(_url("detail", trajectory))
    assert response.status_code == 200
    body = response.content.decode()
    assert all(f"Reden {n}" in body for n in range(3))


@pytest.mark.parametrize(
    "role", [roles.OFFICIAL, roles.PROVIDER, roles.PRIVACY, roles.YOUTH_ADMIN, None]
)
def test_other_roles_get_403_on_every_page_and_step_and_see_no_child(client, trajectory, role):
    user = UserFactory(role=role) if role else UserFactory()
    client.force_login(user)
    child = _child(trajectory)
    pages = [("get", _url("detail", trajectory)), ("get", _url("end", trajectory))]
    steps = ["begin", "pause", "resume", "intensity", "handover", "add_coach", "end"]
    pages += [("post", _url(step, trajectory)) for step in steps]
    pages.append(("post", _url("end_coach", trajectory, trajectory.coaches.get().pk)))
    for method, url in pages:
        response = getattr(client, method)(url, {"version": trajectory.version})
        assert response.status_code == 403, url
        assert escape(child.full_name) not in response.content.decode()
        assert child.last_name not in response.content.decode()
    assert _fresh(trajectory).version == trajectory.version


def test_a_wij_worker_of_another_team_gets_404(client, trajectory):
    other = UserFactory(role=roles.WIJ_STAFF)
    TeamMember.objects.create(user=other, team=TeamFactory(name="WIJ Selwerd"))
    client.force_login(other)
    response = client.get(_url("detail", trajectory))
    assert response.status_code == 404
    assert escape(_child(trajectory).full_name) not in response.content.decode()
    response = client.post(_url("pause", trajectory), {"version": trajectory.version})
    assert response.status_code == 404


def test_a_coach_from_another_team_sees_the_trajectory_it_coaches(
    client, trajectory, intake_worker
):
    coach = UserFactory(role=roles.WIJ_STAFF)
    TeamMember.objects.create(user=coach, team=TeamFactory(name="WIJ Selwerd"))
    services.coach_add(
        trajectory_id=trajectory.pk,
        expected_version=trajectory.version,
        coach=coach,
        user=intake_worker,
    )
    client.force_login(coach)
    assert client.get(_url("detail", trajectory)).status_code == 200


@pytest.mark.parametrize("pk", ["0", "99999999999999999999", "2147483648"])
def test_unknown_ids_are_404(client, intake_worker, pk):
    client.force_login(intake_worker)
    assert client.get(f"/trajecten/{pk}/").status_code == 404
    assert client.post(f"/trajecten/{pk}/pauzeren/", {"version": "1"}).status_code == 404


def test_who_may_do_what_for_every_role(trajectory, intake_worker, team_lead):
    selwerd_lead = UserFactory(role=roles.TEAM_LEAD)
    TeamMember.objects.create(user=selwerd_lead, team=TeamFactory(name="WIJ Selwerd"))
    for step in selectors.COACH_STEPS:
        assert selectors.may_do(intake_worker, trajectory, step)
        assert selectors.may_do(team_lead, trajectory, step)
    assert not selectors.may_do(intake_worker, trajectory, "handover")
    assert selectors.may_do(team_lead, trajectory, "handover")
    assert not selectors.may_do(selwerd_lead, trajectory, "handover")
    for role in (roles.OFFICIAL, roles.PROVIDER, roles.PRIVACY, roles.YOUTH_ADMIN):
        user = UserFactory(role=role)
        assert not Trajectory.objects.visible_to(user).exists()
        assert not any(selectors.may_do(user, trajectory, s) for s in selectors.ALL_STEPS)
    assert not selectors.may_do(intake_worker, trajectory, "no such step")


# --- The start of the help ------------------------------------------------------------------


def test_the_start_shows_what_it_means_then_starts(client, trajectory, intake_worker):
    client.force_login(intake_worker)
    data = {"version": trajectory.version, "started_on": "2026-11-12"}
    response = client.post(_url("begin", trajectory), data)
    assert response.status_code == 200
    assert "Ja, de hulp is gestart" in response.content.decode()
    assert _fresh(trajectory).status == "waiting"
    response = client.post(_url("begin", trajectory), {**data, "confirmed": "1"})
    assert response.status_code == 302
    started = _fresh(trajectory)
    assert (started.status, started.started_on) == ("active", datetime.date(2026, 11, 12))
    assert AccessLogEntry.objects.filter(part="trajectory: begin").exists()


@pytest.mark.parametrize(
    ("started_on", "message"),
    [
        ("2026-11-01", "niet starten vóór"),  # before the registration on 2 November
        ("2026-11-21", "toekomst"),
        ("9999-12-31", "Vul een datum in tussen"),
        ("12-11-2026\x00", "geldige datum"),
        ("", "verplicht"),
    ],
)
def test_a_bad_start_date_is_refused_in_dutch(
    client, trajectory, intake_worker, started_on, message
):
    client.force_login(intake_worker)
    response = client.post(
        _url("begin", trajectory),
        {"version": trajectory.version, "started_on": started_on, "confirmed": "1"},
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert _fresh(trajectory).status == "waiting"


def test_a_stale_version_is_refused_and_nothing_changes(client, active, intake_worker):
    client.force_login(intake_worker)
    response = client.post(_url("pause", active), {"version": active.version - 1})
    assert response.status_code == 400
    assert "heeft iemand anders" in response.content.decode() or "intussen" in (
        response.content.decode()
    )
    assert _fresh(active).status == "active"


def test_a_start_from_a_second_tab_says_why_nothing_happened(client, trajectory, intake_worker):
    client.force_login(intake_worker)
    data = {"version": trajectory.version, "started_on": "2026-11-12", "confirmed": "1"}
    assert client.post(_url("begin", trajectory), data).status_code == 302
    # The second tab still holds the old version and another date.
    response = client.post(_url("begin", trajectory), {**data, "started_on": "2026-11-13"})
    assert response.status_code == 400
    assert "intussen gewijzigd" in response.content.decode()
    assert _fresh(trajectory).started_on == datetime.date(2026, 11, 12)


def test_pause_and_resume(client, active, intake_worker):
    client.force_login(intake_worker)
    assert client.post(_url("pause", active), {"version": active.version}).status_code == 302
    paused = _fresh(active)
    assert paused.status == "paused"
    response = client.post(_url("pause", active), {"version": paused.version})
    assert response.status_code == 400  # only active help can be paused
    assert client.post(_url("resume", active), {"version": paused.version}).status_code == 302
    assert _fresh(active).status == "active"


def test_a_version_with_a_nul_byte_is_bad_input(client, active, intake_worker):
    client.force_login(intake_worker)
    response = client.post(_url("pause", active), {"version": "1\x00"})
    assert response.status_code == 400
    assert _fresh(active).status == "active"


# --- Scaling up and down --------------------------------------------------------------------


def test_scaling_up_is_one_click_with_a_reason(client, active, intake_worker):
    client.force_login(intake_worker)
    page = client.get(_url("detail", active)).content.decode()
    assert "Opschalen naar specialistisch" in page
    assert "Afschalen naar licht" in page
    response = client.post(
        _url("intensity", active),
        {"version": active.version, "to_intensity": "specialist", "reason": "Crisis thuis."},
    )
    assert response.status_code == 302
    assert _fresh(active).intensity == "specialist"
    change = active.intensity_changes.get()
    assert (change.from_intensity, change.changed_on, change.changed_by) == (
        "basic",
        TODAY,
        intake_worker,
    )
    page = client.get(_url("detail", active)).content.decode()
    assert "Crisis thuis." in page
    assert "Afschalen naar basis" in page


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"reason": ""}, "verplicht"),
        ({"changed_on": "2026-11-01"}, "vóór de triage"),  # before the triage (9 November)
        ({"changed_on": "2026-12-01"}, "toekomst"),
        ({"changed_on": "9999-01-01"}, "Vul een datum in tussen"),
        ({"reason": "Nul\x00byte"}, "Null-tekens"),
        ({"to_intensity": "enormous"}, "geen beschikbare keuze"),
    ],
)
def test_bad_scaling_is_refused_with_the_input_kept(client, active, intake_worker, extra, message):
    client.force_login(intake_worker)
    data = {
        "version": active.version,
        "to_intensity": "light",
        "reason": "Het gaat beter op school.",
        **extra,
    }
    response = client.post(_url("intensity", active), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body, body[:3000]
    if "\x00" not in data["reason"] and data["reason"]:
        assert data["reason"] in body  # what was typed is still there
    assert _fresh(active).intensity == "basic"
    assert not active.intensity_changes.exists()


# --- Coaches --------------------------------------------------------------------------------


def test_only_the_team_lead_of_the_team_hands_over(client, active, intake_worker, team_lead):
    colleague = UserFactory(role=roles.WIJ_STAFF, first_name="Cor")
    TeamMember.objects.create(user=colleague, team=active.team)
    data = {"version": active.version, "new_coach": colleague.pk, "reason": "handover"}
    client.force_login(intake_worker)
    assert "Overdragen" not in client.get(_url("detail", active)).content.decode()
    assert client.post(_url("handover", active), data).status_code == 403
    client.force_login(team_lead)
    response = client.post(_url("handover", active), {**data, "note": "Verlof."})
    assert response.status_code == 302
    coordinator = active.coaches.get(coordinator=True, until_on__isnull=True)
    assert coordinator.coach == colleague
    assert active.coaches.get(coach=intake_worker).until_on == TODAY
    page = client.get(_url("detail", active)).content.decode()
    assert "Verlof." in page


def test_a_handover_because_the_family_asked_names_their_request(client, active, team_lead):
    change = WorkerChangeRequest.objects.create(
        support_request=active.triage.support_request, reason="no_click"
    )
    colleague = UserFactory(role=roles.WIJ_STAFF)
    TeamMember.objects.create(user=colleague, team=active.team)
    client.force_login(team_lead)
    data = {"version": active.version, "new_coach": colleague.pk, "reason": "family_asked"}
    response = client.post(_url("handover", active), data)
    assert response.status_code == 400
    assert "verzoek van het gezin" in response.content.decode()
    response = client.post(_url("handover", active), {**data, "worker_change": change.pk})
    assert response.status_code == 302
    assert active.coaches.get(coach=colleague).worker_change == change


@pytest.mark.parametrize("new_coach", ["99999999999999999999", "\x00", ""])
def test_a_handover_to_an_unknown_coach_is_refused(client, active, team_lead, new_coach):
    client.force_login(team_lead)
    response = client.post(
        _url("handover", active),
        {"version": active.version, "new_coach": new_coach, "reason": "handover"},
    )
    assert response.status_code == 400
    assert active.coaches.count() == 1


def test_a_coach_is_added_beside_the_coordinator_and_stops_again(client, active, intake_worker):
    colleague = UserFactory(role=roles.WIJ_STAFF, first_name="Cor")
    TeamMember.objects.create(user=colleague, team=active.team)
    client.force_login(intake_worker)
    response = client.post(
        _url("add_coach", active), {"version": active.version, "coach": colleague.pk}
    )
    assert response.status_code == 302
    row = active.coaches.get(coach=colleague)
    assert (row.coordinator, row.reason) == (False, TrajectoryCoach.Reason.ADDED)
    # Adding the same worker twice is refused.
    response = client.post(
        _url("add_coach", active), {"version": _fresh(active).version, "coach": colleague.pk}
    )
    assert response.status_code == 400
    # The coordinator stops only by a handover.
    coordinator = active.coaches.get(coordinator=True)
    response = client.post(
        _url("end_coach", active, coordinator.pk), {"version": _fresh(active).version}
    )
    assert response.status_code == 400
    assert "overdracht" in response.content.decode()
    response = client.post(_url("end_coach", active, row.pk), {"version": _fresh(active).version})
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.until_on == TODAY
    response = client.post(
        _url("end_coach", active, 99999999999), {"version": _fresh(active).version}
    )
    assert response.status_code == 400


def test_a_user_who_is_no_wij_worker_cannot_be_added(client, active, intake_worker):
    official = UserFactory(role=roles.OFFICIAL)
    client.force_login(intake_worker)
    response = client.post(
        _url("add_coach", active), {"version": active.version, "coach": official.pk}
    )
    assert response.status_code == 400
    assert active.coaches.count() == 1


# --- The end --------------------------------------------------------------------------------


def _end_data(trajectory, **extra):
    return {
        "version": trajectory.version,
        "ended_on": "2026-11-18",
        "end_reason": "31",
        "goals_reached": "fully",
        "satisfaction_asked": "yes",
        "satisfaction": "satisfied",
        **extra,
    }


def test_the_end_shows_what_ending_means_then_ends(client, active, intake_worker):
    client.force_login(intake_worker)
    assert client.get(_url("end", active)).status_code == 200
    response = client.post(_url("end", active), _end_data(active))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Ja, beëindig het traject" in body
    assert "nieuw traject" in body
    assert _fresh(active).status == "active"
    response = client.post(_url("end", active), {**_end_data(active), "confirmed": "1"})
    assert response.status_code == 302
    ended = _fresh(active)
    assert (ended.status, ended.ended_on, ended.end_reason) == (
        "ended",
        datetime.date(2026, 11, 18),
        "31",
    )
    assert not ended.children.filter(current=True).exists()
    assert not ended.coaches.filter(until_on__isnull=True).exists()
    page = client.get(_url("detail", active)).content.decode()
    assert "6 maanden nog niet voorbij" in page
    assert "Opschalen" not in page
    # A step on an ended trajectory: the page with the message, nothing changes.
    response = client.post(
        _url("intensity", active),
        {"version": ended.version, "to_intensity": "light", "reason": "Toch nog even."},
    )
    assert response.status_code == 400
    assert "Dit traject is beëindigd." in response.content.decode()
    assert not ended.intensity_changes.exists()
    response = client.post(_url("pause", active), {"version": ended.version})
    assert "Alleen lopende hulp" in response.content.decode()
    # Ending again: a message, no 500.
    response = client.post(_url("end", active), {**_end_data(ended), "confirmed": "1"})
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"ended_on": "2026-11-05"}, "vóór de start"),  # help started 10 November
        ({"ended_on": "2026-11-25"}, "toekomst"),
        ({"ended_on": "9999-12-31"}, "Vul een datum in tussen"),
        ({"end_reason": "32"}, "vroegtijdig"),  # early, without saying why
        ({"end_reason": "20"}, "geen beschikbare keuze"),  # a pause is no end
        ({"end_note": "\x00"}, "Null-tekens"),
        ({"satisfaction_asked": "no"}, "Alleen een uitkomst"),
        ({"goals_reached": ""}, "verplicht"),
    ],
)
def test_a_bad_end_is_refused_with_the_input_kept(client, active, intake_worker, extra, message):
    client.force_login(intake_worker)
    for confirmed in ("", "1"):
        response = client.post(
            _url("end", active), {**_end_data(active, **extra), "confirmed": confirmed}
        )
        assert response.status_code == 400
        body = response.content.decode()
        assert message in body, body[:3000]
    assert _fresh(active).status == "active"


def test_an_early_end_with_its_reason_is_kept(client, active, intake_worker):
    client.force_login(intake_worker)
    data = _end_data(active, end_reason="32", end_note="Gezin verhuisd.", confirmed="1")
    assert client.post(_url("end", active), data).status_code == 302
    assert _fresh(active).end_note == "Gezin verhuisd."


def test_six_months_after_the_end_the_page_says_whether_the_family_came_back(
    client, beijum, intake_worker
):
    child = ClientFactory(team=beijum)
    triage = TriageFactory(
        support_request__team=beijum,
        support_request__clients=[child],
        support_request__received_at=datetime.datetime(2025, 12, 1, 9, tzinfo=datetime.UTC),
        held_on=datetime.date(2025, 12, 5),
    )
    trajectory = make_trajectory(triage=triage, coach=intake_worker, status="active")
    services.trajectory_end(
        trajectory_id=trajectory.pk,
        expected_version=trajectory.version,
        ended_on=datetime.date(2026, 1, 31),
        end_reason="31",
        goals_reached="partly",
        user=intake_worker,
    )
    SupportRequestFactory(
        team=beijum,
        clients=[child],
        received_at=timezone.make_aware(datetime.datetime(2026, 4, 1, 9)),
    )
    client.force_login(intake_worker)
    page = client.get(_url("detail", trajectory)).content.decode()
    assert "6 maanden nog niet voorbij" not in page
    assert "Terug bij WIJ" in page
    back = page.split("Terug bij WIJ")[1].split("</li>")[0]
    assert "<strong>ja</strong>" in back
    specialist = page.split("Verwezen naar specialistische zorg")[1].split("</li>")[0]
    assert "<strong>nee</strong>" in specialist
