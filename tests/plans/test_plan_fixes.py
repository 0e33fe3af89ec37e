"""Issue 17 §3, the reviewer's findings on the support plan: goals about a child of another
team, the plan's trajectory derived when needed, the portal naming only the children the
agreement is about. Through the pages where a user meets them."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessLogEntry
from indications.models import Task
from intake.models import TeamMember
from openhouse.models import ProviderMembership
from plans import services
from plans.models import Goal, SupportPlan
from samen import roles
from tests.factories import (
    ChildOutcomeFactory,
    ClientFactory,
    IndicationFactory,
    ProviderFactory,
    TeamFactory,
    TriageFactory,
    UserFactory,
    make_trajectory,
)
from tests.plans.test_plans import NOW, START, _active, _agreement, _goal
from trajectories.models import Trajectory
from trajectories.services import trajectory_end

pytestmark = pytest.mark.django_db

OTHER_TEAM = "over een kind van een ander team"


def _edit_post(rows, version):
    data = {
        "version": version,
        "goal-TOTAL_FORMS": str(len(rows)),
        "goal-INITIAL_FORMS": str(sum(1 for r in rows if r.get("id"))),
        "agreement-TOTAL_FORMS": "0",
        "agreement-INITIAL_FORMS": "0",
    }
    for i, row in enumerate(rows):
        data.update({f"goal-{i}-{k}": v for k, v in row.items()})
    return data


@time_machine.travel(NOW)
def test_a_goal_about_a_child_of_another_team_is_shown_without_its_text_and_a_save_leaves_it(
    client,
):
    trajectory, coach = _active()
    household = trajectory.household
    anna = trajectory.children.get().client
    bettina = ClientFactory(
        first_name="Bettina", last_name="Verborgen", team=TeamFactory(name="WIJ Vinkhuizen")
    )
    household.members.create(role="child", client=bettina)
    other_worker = UserFactory(role=roles.WIJ_STAFF)
    TeamMember.objects.create(user=other_worker, team=bettina.team)
    services.plan_save(
        household=household,
        goals=[_goal("Rust in huis", child_id=anna.pk)],
        agreements=[],
        user=coach,
        expected_version=None,
    )
    plan = SupportPlan.objects.get()
    services.plan_save(
        household=household,
        goals=[_goal("Naar judo", domain="social", child_id=bettina.pk, child_view="Ik wil judo")],
        agreements=[],
        user=other_worker,
        expected_version=plan.version,
    )
    hidden_goal = Goal.objects.get(child=bettina)
    client.force_login(coach)
    # The plan page, the version page: the goal is there, its text, own words and child not.
    for url in (
        reverse("plans:detail", args=[household.pk]),
        reverse("plans:version", args=[household.pk, 2]),
    ):
        content = client.get(url).content.decode()
        assert "Naar judo" not in content and "Ik wil judo" not in content, url
        assert "Bettina" not in content and OTHER_TEAM in content.lower(), url
        assert "Rust in huis" in content
    # Neither in the edit form, and a save of the form as shown leaves it as it was.
    edit = reverse("plans:edit", args=[household.pk])
    assert "Naar judo" not in client.get(edit).content.decode()
    plan.refresh_from_db()
    own_goal = Goal.objects.get(child=anna)
    response = client.post(
        edit,
        _edit_post(
            [{"id": own_goal.pk, "domain": "upbringing", "text": "Rust in huis", "child": ""}],
            plan.version,
        ),
    )
    assert response.status_code == 302
    hidden_goal.refresh_from_db()
    assert hidden_goal.child_id == bettina.pk and hidden_goal.text == "Naar judo"
    # The change of child is recorded, with the child's first name.
    version = plan.versions.get(number=3)
    assert f"({anna.first_name})" in version.changes and "Naar judo" not in version.changes
    # A forged row about the hidden goal is refused; nothing changes.
    plan.refresh_from_db()
    response = client.post(
        edit,
        _edit_post(
            [
                {"id": own_goal.pk, "domain": "upbringing", "text": "Rust in huis"},
                {"id": hidden_goal.pk, "domain": "school", "text": "Overschreven"},
            ],
            plan.version,
        ),
    )
    assert response.status_code == 400
    hidden_goal.refresh_from_db()
    assert hidden_goal.text == "Naar judo"
    # The worker of the other team sees it in full.
    client.force_login(other_worker)
    content = client.get(reverse("plans:detail", args=[household.pk])).content.decode()
    assert "Naar judo" in content and "Ik wil judo" in content


@time_machine.travel(NOW, tick=False)
def test_the_plans_trajectory_is_the_households_running_one_when_it_is_needed(client):
    first, coach = _active()
    household = first.household
    anna = first.children.get().client
    services.plan_save(
        household=household,
        goals=[_goal()],
        agreements=[],
        user=coach,
        expected_version=None,
    )
    plan = SupportPlan.objects.get()
    assert plan.trajectory == first
    trajectory_end(
        trajectory_id=first.pk,
        expected_version=Trajectory.objects.get(pk=first.pk).version,
        ended_on=datetime.date(2026, 11, 2),
        end_reason="31",
        goals_reached="partly",
        user=coach,
    )
    later = datetime.datetime(2026, 11, 20, 10, tzinfo=datetime.UTC)
    with time_machine.travel(later, tick=False):
        triage = TriageFactory(
            held_on=datetime.date(2026, 11, 16),
            support_request__household=household,
            support_request__clients=[anna],
            support_request__team=first.team,
            support_request__received_at=datetime.datetime(2026, 11, 10, 10, tzinfo=datetime.UTC),
        )
        second = make_trajectory(
            triage=triage, coach=coach, status="active", started_on=datetime.date(2026, 11, 16)
        )
        client.force_login(coach)
        page = client.get(reverse("plans:detail", args=[household.pk]))
        assert page.context["trajectory"] == second
        # The daily job makes "evaluation due" on the running trajectory.
        SupportPlan.objects.update(next_evaluation_on=datetime.date(2026, 11, 19))
        assert services.plans_evaluations_due(on_date=datetime.date(2026, 11, 20)) == {"tasks": 1}
        task = Task.objects.get(kind=Task.Kind.PLAN_EVALUATION_DUE)
        assert task.trajectory == second
        # Evaluating works (it was refused: "after the end of the help") and closes it.
        plan.refresh_from_db()
        goal = plan.goals.get()
        response = client.post(
            reverse("plans:evaluate", args=[household.pk]),
            {
                "version": plan.version,
                "evaluated_on": "2026-11-20",
                f"progress_{goal.pk}": "some",
                f"note_{goal.pk}": "",
            },
        )
        assert response.status_code == 302
        task.refresh_from_db()
        assert task.done_how == Task.DoneHow.PLAN_EVALUATED
        plan.refresh_from_db()
        assert plan.trajectory == second  # the last one known
        # A split moves the trajectory to another household: this plan has none running.
        moved_to = TriageFactory().support_request.household
        Trajectory.objects.filter(pk=second.pk).update(household=moved_to)
        SupportPlan.objects.update(next_evaluation_on=datetime.date(2026, 11, 20))
        assert services.plans_evaluations_due(on_date=datetime.date(2026, 11, 20)) == {"tasks": 0}
        page = client.get(reverse("plans:detail", args=[household.pk]))
        assert page.context["trajectory"] is None


@time_machine.travel(NOW)
def test_the_portal_names_only_the_children_in_the_providers_help(client):
    provider = ProviderFactory()
    user = UserFactory(role=roles.PROVIDER)
    ProviderMembership.objects.create(user=user, provider=provider)
    anna, bram, sibling = (
        ClientFactory(first_name=name, last_name="Portaal") for name in ("Anna", "Bram", "Cees")
    )
    triage = TriageFactory(
        held_on=START - datetime.timedelta(days=3),
        support_request__clients=[anna, bram, sibling],
        support_request__received_at=datetime.datetime(2026, 9, 20, 10, tzinfo=datetime.UTC),
    )
    ChildOutcomeFactory(triage=triage, client=anna)
    ChildOutcomeFactory(triage=triage, client=bram, provider=provider, provider_contacted_on=START)
    ChildOutcomeFactory(triage=triage, client=sibling)
    trajectory = make_trajectory(triage=triage, status="active", started_on=START)
    coach = trajectory.coaches.get().coach
    IndicationFactory(client=anna, provider=provider)
    IndicationFactory(client=sibling)  # another provider's
    # After a merge: another family's child in the household.
    merged_in = ClientFactory(first_name="Dirk", last_name="Anders")
    trajectory.household.members.create(role="child", client=merged_in)
    IndicationFactory(client=merged_in, provider=provider)
    version = services.plan_save(
        household=trajectory.household,
        goals=[_goal()],
        agreements=[_agreement("Gezinstherapie", "provider", provider, shared_with_provider=True)],
        user=coach,
        expected_version=None,
    )
    today = timezone.localdate()
    services.plan_version_agree(version_id=version.pk, shown_on=today, agreed_on=today, user=coach)
    client.force_login(user)
    url = reverse("plans:portal_agreements")
    content = client.get(url).content.decode()
    assert "Gezinstherapie" in content
    assert anna.full_name in content and bram.full_name in content
    assert sibling.full_name not in content and merged_in.full_name not in content
    entry = AccessLogEntry.objects.filter(part="support plan agreements (portal)").get()
    assert sorted(entry.client_ids) == sorted([anna.pk, bram.pk])
    # When it cannot be known (no running trajectory): the household's name only.
    trajectory_end(
        trajectory_id=trajectory.pk,
        expected_version=Trajectory.objects.get(pk=trajectory.pk).version,
        ended_on=datetime.date(2026, 11, 2),
        end_reason="31",
        goals_reached="partly",
        user=coach,
    )
    content = client.get(url).content.decode()
    assert "Gezinstherapie" in content and trajectory.household.name in content
    assert anna.full_name not in content and "Portaal" not in content
