"""The reviewer's findings on the trajectory pages (issue 17), each through the views: a
sibling of another team stays unnamed, adding a coach (who then sees every child) is for
the coordinator or a team lead, a former coach no longer sees the trajectory, sharing a
re-assessment outcome has a look first, the handover is a team lead's in the service too
and takes the open tasks along, and no intensity change before the last one."""

import datetime

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.html import escape

from audit.models import AccessLogEntry
from indications.models import Task
from intake.models import TeamMember
from samen import roles
from tests.factories import (
    ClientFactory,
    TeamFactory,
    TriageFactory,
    UserFactory,
    make_trajectory,
)
from trajectories import selectors, services
from trajectories.models import IntensityChange, Reassessment, Trajectory, TrajectoryCoach

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 20, 10, 0, tzinfo=datetime.UTC)
TODAY = datetime.date(2026, 11, 20)
OTHER_TEAM = "een kind van een ander team"


@pytest.fixture(autouse=True)
def pinned_time():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def selwerd():
    return TeamFactory(name="WIJ Selwerd")


@pytest.fixture
def active(beijum, intake_worker):
    """Active since 10 November, triage on 9 November, coordinated by the intake worker."""
    triage = TriageFactory(
        support_request__team=beijum,
        support_request__received_at=datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC),
        held_on=datetime.date(2026, 11, 9),
    )
    return make_trajectory(
        triage=triage, coach=intake_worker, status="active", started_on=datetime.date(2026, 11, 10)
    )


def _url(name, trajectory, *args):
    return reverse(f"trajectories:{name}", args=[trajectory.pk, *args])


def _fresh(trajectory):
    return Trajectory.objects.get(pk=trajectory.pk)


def _worker(team, role=roles.WIJ_STAFF):
    user = UserFactory(role=role)
    TeamMember.objects.create(user=user, team=team)
    return user


# --- 1. A sibling of another team is not named ---------------------------------------------


@pytest.fixture
def siblings(beijum, selwerd, intake_worker):
    """A trajectory of WIJ Beijum about child A (of Selwerd) and sibling B (of Beijum)."""
    a = ClientFactory(team=selwerd, first_name="Annelies", date_of_birth=datetime.date(2014, 1, 2))
    b = ClientFactory(
        team=beijum, first_name="Bartholomeus", date_of_birth=datetime.date(2016, 7, 8)
    )
    triage = TriageFactory(
        support_request__team=beijum,
        support_request__clients=[a, b],
        support_request__received_at=datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC),
        held_on=datetime.date(2026, 11, 9),
    )
    return make_trajectory(triage=triage, coach=intake_worker, status="active"), a, b


def _assert_only_a_named(body, a, b):
    assert escape(a.full_name) in body
    assert escape(b.full_name) not in body and "Bartholomeus" not in body
    assert "8-7-2016" not in body
    assert reverse("indications:client", args=[b.pk]) not in body
    assert OTHER_TEAM in body


def test_the_page_names_only_the_children_the_user_sees_and_logs_only_those(
    client, siblings, selwerd
):
    trajectory, a, b = siblings
    worker = _worker(selwerd)  # sees the trajectory through child A only
    client.force_login(worker)
    response = client.get(_url("detail", trajectory))
    assert response.status_code == 200
    _assert_only_a_named(response.content.decode(), a, b)
    entry = AccessLogEntry.objects.get(part="trajectory", object_id=trajectory.pk)
    assert entry.client_ids == [a.pk]


def test_the_end_form_and_the_look_before_the_end_name_only_visible_children(
    client, siblings, selwerd
):
    trajectory, a, b = siblings
    client.force_login(_worker(selwerd))
    response = client.get(_url("end", trajectory))
    assert response.status_code == 200
    _assert_only_a_named(response.content.decode(), a, b)
    look = client.post(
        _url("end", trajectory),
        {
            "version": trajectory.version,
            "ended_on": "2026-11-19",
            "end_reason": "31",
            "goals_reached": "fully",
            "satisfaction_asked": "no",
        },
    )
    assert look.status_code == 200
    assert 'name="confirmed"' in look.content.decode()
    _assert_only_a_named(look.content.decode(), a, b)
    assert _fresh(trajectory).is_running
    for entry in AccessLogEntry.objects.filter(part="trajectory"):
        assert entry.client_ids == [a.pk]


def test_the_coordinator_still_sees_every_child_by_name(client, siblings, intake_worker):
    trajectory, a, b = siblings
    client.force_login(intake_worker)
    body = client.get(_url("detail", trajectory)).content.decode()
    assert escape(a.full_name) in body and escape(b.full_name) in body
    assert OTHER_TEAM not in body


# --- 2. Adding a coach: coordinator or team lead; a former coach loses sight ---------------


def test_a_worker_who_sees_the_trajectory_cannot_add_themselves(client, siblings, selwerd):
    trajectory = siblings[0]
    worker = _worker(selwerd)
    client.force_login(worker)
    response = client.post(
        _url("add_coach", trajectory), {"version": trajectory.version, "coach": worker.pk}
    )
    assert response.status_code == 403
    assert not trajectory.coaches.filter(coach=worker).exists()
    with pytest.raises(PermissionDenied):
        services.coach_add(
            trajectory_id=trajectory.pk,
            expected_version=trajectory.version,
            coach=worker,
            user=worker,
        )
    assert "add_coach" not in [
        step for step in selectors.ALL_STEPS if selectors.may_do(worker, trajectory, step)
    ]


def test_a_worker_of_the_team_who_does_not_coordinate_adds_nobody(client, active, beijum):
    colleague, other = _worker(beijum), _worker(beijum)
    client.force_login(colleague)
    response = client.post(
        _url("add_coach", active), {"version": active.version, "coach": other.pk}
    )
    assert response.status_code == 403
    assert active.coaches.count() == 1
    assert "Coach toevoegen" not in client.get(_url("detail", active)).content.decode()


def test_the_coordinator_adds_a_colleague_but_only_a_team_lead_adds_themselves(
    client, active, beijum, intake_worker, team_lead
):
    colleague = _worker(beijum)
    client.force_login(intake_worker)
    data = {"version": active.version, "coach": colleague.pk}
    assert client.post(_url("add_coach", active), data).status_code == 302
    client.force_login(team_lead)
    data = {"version": _fresh(active).version, "coach": team_lead.pk}
    assert client.post(_url("add_coach", active), data).status_code == 302
    assert set(active.coaches.filter(until_on__isnull=True).values_list("coach_id", flat=True)) == {
        intake_worker.pk,
        colleague.pk,
        team_lead.pk,
    }


def test_a_former_coach_of_another_team_no_longer_sees_the_trajectory(
    client, active, intake_worker, selwerd
):
    former = _worker(selwerd)
    row = services.coach_add(
        trajectory_id=active.pk, expected_version=active.version, coach=former, user=intake_worker
    )
    client.force_login(former)
    assert client.get(_url("detail", active)).status_code == 200
    services.coach_end(
        trajectory_id=active.pk,
        expected_version=_fresh(active).version,
        coach_row_id=row.pk,
        user=intake_worker,
    )
    assert client.get(_url("detail", active)).status_code == 404
    assert not Trajectory.objects.visible_to(former).filter(pk=active.pk).exists()


# --- 4 and 6. The handover: a team lead's, in the service too; open tasks move along -------


def test_the_handover_service_refuses_who_is_no_team_lead_of_the_team(
    active, intake_worker, beijum, selwerd
):
    successor = _worker(beijum)
    for user in (intake_worker, _worker(selwerd, roles.TEAM_LEAD)):
        with pytest.raises(PermissionDenied):
            services.coach_handover(
                trajectory_id=active.pk,
                expected_version=active.version,
                new_coach=successor,
                reason="handover",
                user=user,
            )
    assert active.coaches.count() == 1


def test_a_handover_moves_the_open_tasks_to_the_new_coordinator(
    client, active, intake_worker, beijum, team_lead
):
    successor = _worker(beijum)

    def task(due_on, **extra):
        return Task.objects.create(
            team=beijum,
            trajectory=active,
            assigned_to=intake_worker,
            kind=Task.Kind.PLAN_EVALUATION_DUE,
            due_on=due_on,
            **extra,
        )

    open_task = task(TODAY)
    done_task = task(
        datetime.date(2026, 11, 12),
        done_on=datetime.date(2026, 11, 13),
        done_by=intake_worker,
        done_how=Task.DoneHow.BY_HAND,
    )
    client.force_login(team_lead)
    response = client.post(
        _url("handover", active),
        {"version": active.version, "new_coach": successor.pk, "reason": "handover"},
    )
    assert response.status_code == 302
    open_task.refresh_from_db()
    done_task.refresh_from_db()
    assert open_task.assigned_to == successor
    assert done_task.assigned_to == intake_worker
    assert TrajectoryCoach.objects.get(trajectory=active, until_on__isnull=True).coach == successor


# --- 5. No intensity change before the last one ---------------------------------------------


def test_a_change_of_intensity_before_the_last_change_is_refused(client, active, intake_worker):
    client.force_login(intake_worker)
    first = {"version": active.version, "to_intensity": "specialist", "reason": "Zorgen."}
    response = client.post(_url("intensity", active), {**first, "changed_on": "2026-11-15"})
    assert response.status_code == 302
    earlier = {
        "version": _fresh(active).version,
        "to_intensity": "light",
        "reason": "Gaat beter.",
        "changed_on": "2026-11-12",
    }
    response = client.post(_url("intensity", active), earlier)
    assert response.status_code == 400
    body = response.content.decode()
    assert "mag niet vóór de laatste wijziging liggen, van 15-11-2026" in body
    assert 'value="Gaat beter."' in body or "Gaat beter." in body
    assert IntensityChange.objects.filter(trajectory=active).count() == 1
    # On the day of the last change it is fine.
    response = client.post(_url("intensity", active), {**earlier, "changed_on": "2026-11-15"})
    assert response.status_code == 302
    assert _fresh(active).intensity == "light"


# --- 3. Sharing a re-assessment outcome: a look first --------------------------------------


@pytest.fixture
def assessor(beijum):
    user = _worker(beijum)
    user.user_permissions.add(Permission.objects.get(codename="assess_access"))
    return user


def test_sharing_the_outcome_shows_a_look_first_then_records_it(client, active, assessor):
    reassessment = services.reassessment_ask(
        trajectory_id=active.pk,
        asked_on=datetime.date(2026, 11, 12),
        family_concern="Het past niet.",
        user=assessor,
    )
    services.reassessment_record(
        reassessment_id=reassessment.pk,
        investigated_on=datetime.date(2026, 11, 15),
        investigation="Gesprek.",
        outcome="basis_again",
        user=assessor,
    )
    client.force_login(assessor)
    url = reverse("trajectories:reassessment_share", args=[reassessment.pk])
    data = {"shared_on": "2026-11-18", "family_agrees": "no"}
    look = client.post(url, data)
    assert look.status_code == 200
    body = look.content.decode()
    assert "18 november 2026" in body
    assert 'name="step" value="confirm"' in body
    assert "beschikking" in body.lower()
    assert Reassessment.objects.get().shared_on is None
    back = client.post(url, {**data, "step": "edit"})
    assert back.status_code == 200
    assert Reassessment.objects.get().shared_on is None
    done = client.post(url, {**data, "step": "confirm"})
    assert done.status_code == 302
    reassessment.refresh_from_db()
    assert reassessment.shared_on == datetime.date(2026, 11, 18)
    assert reassessment.family_agrees is False
