"""The trajectory lists and a re-assessment in the browser: Mijn trajecten, the waiting
list, the caseload and a coach's list; the family's question, the outcome after a look,
the sharing and the beschikking prompt. Every page checked with axe at 1280 and 320 px."""

import datetime
import re

from django.contrib.auth.models import Permission

from intake.models import TeamMember
from samen import roles
from tests.factories import ClientFactory, UserFactory, make_trajectory


def _trajectories(beijum, coach, today):
    made = []
    for days, status in ((40, "active"), (12, "waiting"), (25, "paused")):
        made.append(
            make_trajectory(
                coach=coach,
                status=status,
                started_on=today - datetime.timedelta(days=days - 5),
                support_request__team=beijum,
                support_request__received_at=datetime.datetime.combine(
                    today - datetime.timedelta(days=days), datetime.time(9), datetime.UTC
                ),
                support_request__clients=[ClientFactory(team=beijum), ClientFactory(team=beijum)],
                held_on=today - datetime.timedelta(days=days - 3),
            )
        )
    return made


def test_the_lists_for_a_coach_and_a_team_lead(visitor, intake_worker, team_lead, beijum, clock):
    made = _trajectories(beijum, intake_worker, clock.date())
    ilse = visitor(intake_worker)
    page = ilse.visit("/")
    page.get_by_role("link", name="3 lopende trajecten die u begeleidt").click()
    page.wait_for_url(re.compile(r"/trajecten/mijn/$"))
    ilse.check("mijn trajecten")
    assert page.get_by_role("link", name=re.compile(rf"#{made[1].pk} ")).is_visible()
    tom = visitor(team_lead)
    page = tom.visit("/")
    page.get_by_role("link", name="1 op de wachtlijst").click()
    page.wait_for_url(re.compile(r"/trajecten/wachtlijst/$"))
    tom.check("wachtlijst")
    page.get_by_role("link", name="Caseload per coach").first.click()
    page.wait_for_url(re.compile(r"/trajecten/caseload/$"))
    tom.check("caseload")
    page.get_by_role("link", name=intake_worker.get_full_name()).click()
    page.wait_for_url(re.compile(rf"/trajecten/caseload/{intake_worker.pk}/$"))
    tom.check("coach list")


def test_a_re_assessment_from_question_to_the_beschikking_prompt(
    visitor, intake_worker, beijum, clock
):
    trajectory = _trajectories(beijum, intake_worker, clock.date())[0]
    assessor = UserFactory(role=roles.WIJ_STAFF, username="toegang", first_name="Noor")
    TeamMember.objects.create(user=assessor, team=beijum)
    assessor.user_permissions.add(Permission.objects.get(codename="assess_access"))
    ilse = visitor(intake_worker)
    page = ilse.visit(f"/trajecten/{trajectory.pk}/herbeoordeling/")
    page.fill("#id_family_concern", "De begeleiding sluit niet aan bij onze zoon.")
    page.get_by_role("button", name="Vraag van het gezin vastleggen").click()
    page.wait_for_url(re.compile(r"/trajecten/herbeoordelingen/\d+/$"))
    ilse.check("question recorded")
    noor = visitor(assessor)
    page = noor.visit(page.url.removeprefix(noor.base_url))
    page.fill("#id_investigation", "Gesprek met ouders, zoon en school.")
    page.select_option("#id_outcome", "basis_again")
    page.get_by_role("button", name="Uitkomst controleren").click()
    noor.check("outcome look")
    page.get_by_role("button", name="Uitkomst vastleggen").click()
    page.wait_for_url(re.compile(r"/trajecten/herbeoordelingen/\d+/$"))
    page.get_by_label("nee, het gezin is het oneens").check()
    page.get_by_role("button", name="Verder: controleren").click()
    page.wait_for_load_state("load")
    noor.check("sharing look")
    page.get_by_role("button", name="Vastleggen dat de uitkomst is gedeeld").click()
    page.wait_for_url(re.compile(r"/trajecten/herbeoordelingen/\d+/$"))
    noor.check("beschikking prompted")
    assert page.get_by_role("link", name="Beschikking aanvragen").is_visible()
