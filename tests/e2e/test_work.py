"""Daily work that shows itself, in the browser: the team lead's start page with the
decisions waiting, Mijn team's filters, and a worker ticking a task off with a note. Every
page on the way is checked with axe at 1280 and 320 px (conftest.Visitor)."""

import datetime
import re

from indications import services as indication_services
from indications.models import Task
from intake.models import WorkerChangeRequest
from tests.factories import IndicationFactory, SupportRequestFactory


def test_a_team_leads_start_page_shows_the_decision_waiting_and_opens_it(
    visitor, team_lead, intake_worker, beijum
):
    request = SupportRequestFactory(team=beijum, assigned_worker=intake_worker)
    SupportRequestFactory(team=beijum, overdue=True)  # unassigned and overdue
    WorkerChangeRequest.objects.create(
        support_request=request, reason="no_click", previous_worker=intake_worker
    )
    tom = visitor(team_lead)
    page = tom.visit("/")
    assert page.get_by_role("heading", name="Beslissingen die wachten").is_visible()
    assert page.get_by_text("1 aanvraag zonder medewerker").is_visible()
    page.get_by_role("link", name=f"Beslissen over aanvraag #{request.pk}").click()
    page.wait_for_url(re.compile(rf"/aanmeldingen/{request.pk}/#worker-h$"))
    tom.check("decision opened")
    assert page.get_by_role("heading", name="Andere medewerker").is_visible()
    # The team's list, filtered on unassigned from the start page's count.
    page = tom.visit("/")
    page.get_by_role("link", name="1 niet toegewezen").click()
    page.wait_for_url(re.compile(r"/werk/team/\?worker=geen$"))
    tom.check("team unassigned")
    assert page.locator("#id_worker").input_value() == "geen"


def test_a_worker_ticks_off_a_task_with_a_note(visitor, intake_worker, beijum, clock):
    IndicationFactory(client__team=beijum, end_on=datetime.date(2027, 1, 31))
    indication_services.indications_flag_expiring(on_date=clock.date())
    task = Task.objects.get()
    ilse = visitor(intake_worker)
    page = ilse.visit("/")
    assert page.get_by_role("heading", name="Taken deze week").is_visible()
    page = ilse.visit("/werk/")
    page.get_by_role("link", name=re.compile("^Afvinken")).click()
    page.wait_for_url(re.compile(rf"/taken/{task.pk}/afronden/\?terug=werk$"))
    ilse.check("task form")
    page.fill("#id_note", "Triage gepland op 3 december met moeder.")
    page.get_by_role("button", name="Verder: controleren").click()
    page.get_by_text("Dit kan niet ongedaan worden gemaakt").wait_for()
    ilse.check("task confirm")
    task.refresh_from_db()
    assert task.done_on is None  # nothing done before the confirmation
    page.get_by_role("button", name="Ja, de taak is afgerond").click()
    page.wait_for_url(re.compile(r"/werk/$"))
    assert page.get_by_text("Taak afgerond.").is_visible()
    ilse.check("task done")
    task.refresh_from_db()
    assert (task.done_by, task.done_how, task.done_note) == (
        intake_worker,
        "by_hand",
        "Triage gepland op 3 december met moeder.",
    )
