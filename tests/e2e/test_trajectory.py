"""The trajectory page in the browser: start the help (with a look first), scale up with one
click and a reason, add a coach, hand over (team lead), end with results (with a look
first); axe-clean at every step."""

import re

from intake.models import TeamMember
from samen import roles
from tests.factories import TriageFactory, UserFactory, make_trajectory
from trajectories.models import Trajectory


def test_a_trajectory_from_waiting_to_ended(visitor, team_lead, intake_worker, beijum):
    triage = TriageFactory(support_request__team=beijum)
    trajectory = make_trajectory(triage=triage, coach=intake_worker)
    colleague = UserFactory(role=roles.WIJ_STAFF, first_name="Cor", last_name="Dijkstra")
    TeamMember.objects.create(user=colleague, team=beijum)
    tom = visitor(team_lead)
    page = tom.visit(f"/trajecten/{trajectory.pk}/")
    assert page.get_by_text("wachtend: hulp niet gestart").first.is_visible()

    page.get_by_role("button", name="Hulp starten").click()
    page.wait_for_load_state("load")
    tom.check("start confirmation")
    page.get_by_role("button", name="Ja, de hulp is gestart").click()
    page.wait_for_url(re.compile(rf"/trajecten/{trajectory.pk}/$"))

    page.fill("#intensity_reason", "Zorgen over schoolverzuim.")
    page.get_by_role("button", name="Opschalen naar specialistisch").click()
    page.wait_for_url(re.compile(rf"/trajecten/{trajectory.pk}/$"))
    assert page.get_by_test_id("current-intensity").inner_text() == "specialistisch"

    page.get_by_text("Een coach toevoegen naast de regisseur").click()
    page.select_option("#add_coach_coach", label="Cor Dijkstra")
    page.get_by_role("button", name="Coach toevoegen").click()
    page.wait_for_url(re.compile(rf"/trajecten/{trajectory.pk}/$"))
    tom.check("active, scaled up, two coaches")

    page.get_by_role("link", name="Traject beëindigen…").click()
    page.wait_for_load_state("load")
    tom.check("end form")
    page.select_option("#end_end_reason", value="31")
    page.select_option("#end_goals_reached", value="fully")
    page.select_option("#end_satisfaction_asked", value="yes")
    page.select_option("#end_satisfaction", value="satisfied")
    page.get_by_role("button", name="Verder: controleren").click()
    page.wait_for_load_state("load")
    tom.check("end confirmation")
    page.get_by_role("button", name="Ja, beëindig het traject").click()
    page.wait_for_url(re.compile(rf"/trajecten/{trajectory.pk}/$"))
    tom.check("ended")
    assert "6 maanden nog niet voorbij" in page.content()
    ended = Trajectory.objects.get(pk=trajectory.pk)
    assert (ended.status, ended.intensity, ended.coaches.count()) == ("ended", "specialist", 2)
