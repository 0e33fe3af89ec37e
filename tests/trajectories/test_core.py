"""The trajectory's core rules, through its services."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from intake.models import Client, TeamMember
from tests.factories import TriageFactory, UserFactory, make_trajectory
from trajectories import services
from trajectories.models import Trajectory, TrajectoryChild

pytestmark = pytest.mark.django_db


def test_a_second_running_trajectory_for_a_child_is_refused_naming_the_first():
    first = make_trajectory()
    triage = first.triage
    with pytest.raises(ValidationError) as refused:
        services.trajectory_start(
            triage=triage,
            clients=triage.support_request.clients.all(),
            coach=first.coaches.get().coach,
            intensity="light",
            user=first.coaches.get().coach,
        )
    assert f"trajectory {first.pk}" in str(refused.value) or f"traject {first.pk}" in str(
        refused.value
    )
    # The database holds the same rule.
    child = triage.support_request.clients.first()
    other = make_trajectory()
    with pytest.raises(IntegrityError), transaction.atomic():
        TrajectoryChild.objects.create(trajectory=other, client=child)


def test_after_the_end_a_child_can_start_again_and_the_coach_sees_the_child():
    trajectory = make_trajectory(status="active")
    coach = trajectory.coaches.get().coach
    child = trajectory.children.get().client
    assert Client.objects.visible_to(coach).filter(pk=child.pk).exists()
    ended = services.trajectory_end(
        trajectory_id=trajectory.pk,
        expected_version=trajectory.version,
        ended_on=trajectory.started_on,
        end_reason="31",
        goals_reached="fully",
        satisfaction_asked=True,
        satisfaction="satisfied",
        user=coach,
    )
    assert ended.status == Trajectory.Status.ENDED
    assert not ended.children.filter(current=True).exists()
    assert ended.coaches.get().until_on == ended.ended_on
    again = make_trajectory(triage=TriageFactory(support_request__clients=[child]))
    assert again.children.get().client == child


def test_intensity_changes_are_dated_records_within_the_trajectory():
    trajectory = make_trajectory(status="active")
    coach = trajectory.coaches.get().coach
    change = services.intensity_change(
        trajectory_id=trajectory.pk,
        expected_version=trajectory.version,
        to_intensity="specialist",
        reason="Meer nodig na de zomer.",
        user=coach,
    )
    assert change.is_up
    trajectory.refresh_from_db()
    assert trajectory.intensity == "specialist"
    with pytest.raises(ValidationError):
        services.intensity_change(
            trajectory_id=trajectory.pk,
            expected_version=trajectory.version,
            to_intensity="light",
            reason="Te vroeg.",
            changed_on=trajectory.triage.held_on - datetime.timedelta(days=1),
            user=coach,
        )


def test_the_end_cannot_lie_before_the_start():
    trajectory = make_trajectory(status="active")
    with pytest.raises(ValidationError) as refused:
        services.trajectory_end(
            trajectory_id=trajectory.pk,
            expected_version=trajectory.version,
            ended_on=trajectory.started_on - datetime.timedelta(days=1),
            end_reason="31",
            goals_reached="fully",
            user=trajectory.coaches.get().coach,
        )
    assert "ended_on" in refused.value.message_dict


def test_a_handover_keeps_the_history_of_coaches():
    trajectory = make_trajectory(status="active")
    lead = UserFactory(role="wij_teamleider")
    TeamMember.objects.create(user=lead, team=trajectory.team)
    new_coach = UserFactory(role="wij_medewerker")
    services.coach_handover(
        trajectory_id=trajectory.pk,
        expected_version=trajectory.version,
        new_coach=new_coach,
        reason="handover",
        user=lead,
    )
    rows = list(trajectory.coaches.order_by("id"))
    assert len(rows) == 2
    assert rows[0].until_on is not None and rows[1].coach == new_coach and rows[1].coordinator


def test_six_months_after_the_end_is_computed_from_the_data(settings):
    from django.utils import timezone

    from tests.factories import SupportRequestFactory
    from trajectories.selectors import after_six_months

    today = timezone.localdate()
    ended = []
    for _n in range(3):
        triage = TriageFactory(
            support_request__received_at=timezone.now() - datetime.timedelta(days=60),
            held_on=today - datetime.timedelta(days=50),
        )
        trajectory = make_trajectory(triage=triage, status="active")
        ended.append(
            services.trajectory_end(
                trajectory_id=trajectory.pk,
                expected_version=trajectory.version,
                ended_on=today - datetime.timedelta(days=40),
                end_reason="31",
                goals_reached="fully",
                user=trajectory.coaches.get().coach,
            )
        )
    back_child = ended[0].children.get().client
    SupportRequestFactory(clients=[back_child])  # today: within 6 months of the end
    rows = {t.pk: t for t in after_six_months(Trajectory.objects.all(), today)}
    assert rows[ended[0].pk].back_at_wij and not rows[ended[1].pk].back_at_wij
    assert not rows[ended[0].pk].six_months_passed
    later = today + datetime.timedelta(days=200)
    assert all(t.six_months_passed for t in after_six_months(Trajectory.objects.all(), later))


def test_the_help_starts_on_or_after_the_triage():
    from django.utils import timezone

    today = timezone.localdate()
    triage = TriageFactory(
        support_request__received_at=timezone.now() - datetime.timedelta(days=20),
        held_on=today - datetime.timedelta(days=5),
    )
    trajectory = make_trajectory(triage=triage)
    with pytest.raises(ValidationError) as refused:
        services.trajectory_begin(
            trajectory_id=trajectory.pk,
            expected_version=trajectory.version,
            started_on=today - datetime.timedelta(days=10),  # after registration, before triage
            user=trajectory.coaches.get().coach,
        )
    assert "started_on" in refused.value.message_dict


def test_the_end_names_the_start_before_a_later_change_of_intensity():
    trajectory = make_trajectory(status="active")
    coach = trajectory.coaches.get().coach
    end = {
        "trajectory_id": trajectory.pk,
        "expected_version": trajectory.version,
        "end_reason": "31",
        "goals_reached": "fully",
        "user": coach,
    }
    services.intensity_change(
        trajectory_id=trajectory.pk,
        expected_version=trajectory.version,
        to_intensity="light",
        reason="Minder nodig.",
        user=coach,
    )
    trajectory.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        services.trajectory_end(
            **{**end, "expected_version": trajectory.version},
            ended_on=trajectory.started_on - datetime.timedelta(days=1),
        )
    # The start is named, not the later change of intensity.
    assert "vóór de start van de hulp" in " ".join(refused.value.message_dict["ended_on"])


def test_ending_the_help_closes_its_open_tasks():
    from indications.models import Task

    trajectory = make_trajectory(status="active")
    coach = trajectory.coaches.get().coach
    task = Task.objects.create(
        team=trajectory.team,
        trajectory=trajectory,
        kind=Task.Kind.PLAN_NO_SAFETY,
        due_on=trajectory.started_on,
        assigned_to=coach,
    )
    services.trajectory_end(
        trajectory_id=trajectory.pk,
        expected_version=trajectory.version,
        ended_on=trajectory.started_on,
        end_reason="34",
        end_note="Samen besloten.",
        goals_reached="partly",
        user=coach,
    )
    task.refresh_from_db()
    assert (task.done_how, task.done_by) == ("trajectory_ended", coach)
    assert not Task.objects.filter(trajectory=trajectory, done_on__isnull=True).exists()
