"""One case from triage to end, in the browser, as the worker goes through it: the triage
with its look first, the trajectory that follows, the help started, one scale-up, one plan
version, one evaluation, and the end with its results. axe-clean at every page."""

import datetime
import re

from plans.models import SupportPlan
from referrals.models import Product
from tests.factories import ClientFactory, SupportRequestFactory
from trajectories.models import Trajectory


def test_one_case_from_triage_to_the_end_of_the_help(visitor, intake_worker, beijum, clock):
    today = clock.date()
    child = ClientFactory(team=beijum, first_name="Noor", date_of_birth=datetime.date(2014, 3, 7))
    request = SupportRequestFactory(
        team=beijum,
        contacted=True,
        clients=[child],
        assigned_worker=intake_worker,
        received_at=clock - datetime.timedelta(days=10),
    )
    me = visitor(intake_worker, "case")

    # 1. The triage: Basis jeugdhulp, basic; a look at what will happen, then confirm.
    page = me.visit(f"/aanmeldingen/{request.pk}/lichte-toets/")
    page.check(f"input[name=workers][value='{intake_worker.pk}']")
    page.check("input[name=life_domains][value=upbringing]")
    page.check("input[name='children-0-outcome'][value=basis_wij]")
    page.select_option("#id_children-0-intensity", "basic")
    page.check(f"input[name=products][value='{Product.objects.get(code='45A51').pk}']")
    page.get_by_role("button", name="Volgende: controleer wat er gebeurt").click()
    page.wait_for_load_state("load")
    me.check("triage confirmation")
    assert "overgegaan in traject" in page.content()
    page.get_by_role("button", name="Bevestigen en triage vastleggen").click()
    page.wait_for_url(re.compile(rf"/aanmeldingen/{request.pk}/$"))
    me.check("request after triage")
    trajectory = Trajectory.objects.get()
    assert trajectory.status == "waiting"

    # 2. The trajectory follows on from the triage: start the help (a look first).
    page.get_by_role("link", name=f"Traject {trajectory.pk}").click()
    page.wait_for_url(re.compile(rf"/trajecten/{trajectory.pk}/$"))
    me.check("trajectory waiting")
    page.get_by_role("button", name="Hulp starten").click()
    page.wait_for_load_state("load")
    page.get_by_role("button", name="Ja, de hulp is gestart").click()
    page.wait_for_url(re.compile(rf"/trajecten/{trajectory.pk}/$"))

    # 3. One scale-up: one click and a short reason.
    page.fill("#intensity_reason", "Meer spanning thuis.")
    page.get_by_role("button", name="Opschalen naar specialistisch").click()
    page.wait_for_url(re.compile(rf"/trajecten/{trajectory.pk}/$"))
    assert page.get_by_test_id("current-intensity").inner_text() == "specialistisch"
    me.check("trajectory active, scaled up")

    # 4. One plan version, from the family file.
    household = trajectory.household_id
    page = me.visit(f"/gezinnen/{household}/plan/")
    page.get_by_role("link", name="Plan maken").click()
    page.select_option("#id_goal-0-domain", "upbringing")
    page.fill("#id_goal-0-text", "Rustiger ochtenden thuis.")
    page.fill("#id_goal-0-child_view", "Ik wil niet meer te laat komen.")
    page.select_option("#id_agreement-0-party", "wij")
    page.fill("#id_agreement-0-text", "Coach komt elke week langs.")
    page.get_by_role("button", name="Opslaan als nieuwe versie").click()
    page.wait_for_url(f"**/gezinnen/{household}/plan/")
    me.check("plan version 1")

    # 5. One evaluation.
    page.get_by_role("link", name="Evalueren").click()
    goal = SupportPlan.objects.get().goals.get()
    page.select_option(f"#id_progress_{goal.pk}", "much")
    page.fill("#id_next_evaluation_on", (today + datetime.timedelta(days=60)).isoformat())
    page.get_by_role("button", name="Evaluatie vastleggen").click()
    page.wait_for_url(f"**/gezinnen/{household}/plan/")
    me.check("plan evaluated")

    # 6. The end, with its results (a look first).
    page = me.visit(f"/trajecten/{trajectory.pk}/")
    page.get_by_role("link", name="Traject beëindigen…").click()
    page.wait_for_load_state("load")
    page.select_option("#end_end_reason", value="31")
    page.select_option("#end_goals_reached", value="fully")
    page.select_option("#end_satisfaction_asked", value="yes")
    page.select_option("#end_satisfaction", value="satisfied")
    page.get_by_role("button", name="Verder: controleren").click()
    page.wait_for_load_state("load")
    me.check("end confirmation")
    page.get_by_role("button", name="Ja, beëindig het traject").click()
    page.wait_for_url(re.compile(rf"/trajecten/{trajectory.pk}/$"))
    me.check("trajectory ended")

    ended = Trajectory.objects.get(pk=trajectory.pk)
    assert (ended.status, ended.end_reason, ended.goals_reached, ended.satisfaction) == (
        "ended",
        "31",
        "fully",
        "satisfied",
    )
    assert ended.intensity_changes.get().to_intensity == "specialist"
    assert SupportPlan.objects.get().versions.count() == 1
    request.refresh_from_db()
    assert request.close_reason == "to_trajectory"
