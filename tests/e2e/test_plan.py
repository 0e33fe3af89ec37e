"""The support plan in the browser: a coordinator makes the plan without JavaScript-only
controls, saves it, records the family's agreement after a look, and evaluates it."""

import datetime

from django.utils import timezone

from plans.models import SupportPlan
from tests.factories import TriageFactory, make_trajectory


def test_a_coordinator_makes_agrees_and_evaluates_the_plan(visitor, clock):
    today = timezone.localdate()
    triage = TriageFactory(
        held_on=today - datetime.timedelta(days=20),
        support_request__received_at=timezone.now() - datetime.timedelta(days=30),
        safety_concerns=True,
        safety_actions="Veilig Thuis geraadpleegd.",
    )
    trajectory = make_trajectory(
        triage=triage, status="active", started_on=today - datetime.timedelta(days=14)
    )
    coach = trajectory.coaches.get().coach
    me = visitor(coach, "coordinator")
    household = trajectory.household_id

    page = me.visit(f"/gezinnen/{household}/")
    page.get_by_role("link", name="Ondersteuningsplan").click()
    me.check("plan-empty")
    page.get_by_role("link", name="Plan maken").click()
    me.check("plan-edit")
    page.select_option("#id_goal-0-domain", "school")
    page.fill("#id_goal-0-text", "Elke dag naar school, ook op maandag.")
    page.fill("#id_goal-0-child_view", "Ik wil wel, maar 's ochtends is het druk.")
    page.select_option("#id_agreement-0-party", "family")
    page.fill("#id_agreement-0-text", "Bij ruzie gaat moeder met de kinderen naar oma.")
    page.check("#id_agreement-0-is_safety")
    page.get_by_role("button", name="Opslaan als nieuwe versie").click()
    page.wait_for_url(f"**/gezinnen/{household}/plan/")
    me.check("plan-version-1")
    assert "Doel toegevoegd" in page.content()

    page.get_by_role("link", name="Akkoord van het gezin vastleggen").click()
    day = today.isoformat()
    page.fill("#id_shown_on", day)
    page.fill("#id_agreed_on", day)
    page.get_by_role("button", name="Verder: controleren").click()
    me.check("plan-agree-confirm")
    page.get_by_role("button", name="Ja, akkoord vastleggen").click()
    page.wait_for_url(f"**/gezinnen/{household}/plan/")

    page.get_by_role("link", name="Evalueren").click()
    me.check("plan-evaluate")
    goal = SupportPlan.objects.get().goals.get()
    page.select_option(f"#id_progress_{goal.pk}", "some")
    page.fill("#id_next_evaluation_on", (today + datetime.timedelta(days=90)).isoformat())
    page.get_by_role("button", name="Evaluatie vastleggen").click()
    page.wait_for_url(f"**/gezinnen/{household}/plan/")
    me.check("plan-evaluated")
    assert "enige vooruitgang" in page.content()
    assert SupportPlan.objects.get().versions.get().agreed_on == today
    # The safety task was closed by the safety agreement.
    assert not trajectory.tasks.filter(done_on__isnull=True).exists()
