"""The privacy officer handles a family's requests in the browser: a mother with parental
authority asks for a copy of her son's file (found by BSN, decided after a look, reviewed
with a conversation report withheld, released and downloaded as a PDF), and a young adult
asks for the destruction of his file (decided, carried out after the number is typed);
the team lead is told on the start page, and the destroyed child is gone from WIJ's
pages."""

import datetime
import json
import re
from pathlib import Path

from intake.models import Client
from rights.models import FileCopy, RightsRequest, Tombstone
from samen import roles
from tests.factories import (
    ClientFactory,
    SupportRequestFactory,
    UserFactory,
)
from triage.models import ConversationReport

SAFETY_NOTE = "De buurvrouw Jansen deed de melding bij Veilig Thuis."


def _choose_the_child(page):
    """One child found goes straight on to the request; more give a choice."""
    choice = page.get_by_role("button", name="Deze jeugdige")
    if choice.count():
        choice.first.click()
        page.wait_for_load_state("load")


def _officer():
    return UserFactory(role=roles.PRIVACY, username="privacy", first_name="Pim")


def test_a_mother_gets_a_copy_with_a_part_withheld(visitor, beijum, team_lead, media):
    child = ClientFactory(
        team=beijum,
        first_name="Daan",
        last_name="Wierenga",
        date_of_birth=datetime.date(2017, 5, 2),
    )
    request = SupportRequestFactory(team=beijum, clients=[child], closed=True)
    request.household.members.create(role="parent", name="Ineke Wierenga", parental_authority="yes")
    ConversationReport.objects.create(
        support_request=request,
        author=UserFactory(role=roles.WIJ_STAFF),
        held_on=datetime.date(2026, 10, 1),
        text=SAFETY_NOTE,
    )
    pim = visitor(_officer())
    page = pim.visit("/privacy/verzoeken/nieuw/")
    page.fill("#id_bsn", child.bsn)
    page.get_by_role("button", name="Zoek het kind").click()
    page.wait_for_load_state("load")
    pim.check("rights register found")
    assert "Daan Wierenga" in page.content()
    _choose_the_child(page)
    page.check("input[name=kind][value=copy]")
    page.check("input[name=requester][value=parent]")
    page.get_by_label(re.compile("Ineke Wierenga")).check()
    page.fill("#id_received_on", "2026-11-10")
    page.fill("#id_description", "Een afschrift van het dossier van onze zoon.")
    pim.check("rights register request")
    page.get_by_role("button", name="Verzoek vastleggen").click()
    page.wait_for_url(re.compile(r"/privacy/verzoeken/\d+/$"))
    pim.check("rights request registered")
    rq = RightsRequest.objects.get()
    assert (rq.entitled, rq.deadline) == (True, datetime.date(2026, 12, 10))

    # The team lead is told of the open request on the start page.
    tom = visitor(team_lead)
    tom_page = tom.visit("/")
    assert "Daan Wierenga" in tom_page.content()

    page.get_by_role("link", name="Besluiten").click()
    page.wait_for_load_state("load")
    page.check("input[name=decision][value=granted]")
    page.fill("#id_reason", "Ouder met gezag van een kind onder de 12.")
    page.get_by_role("button", name="Besluit controleren").click()
    page.wait_for_load_state("load")
    pim.check("rights decision look")
    rq.refresh_from_db()
    assert rq.status == "received"
    page.get_by_role("button", name="Bevestigen").click()
    page.wait_for_url(re.compile(rf"/privacy/verzoeken/{rq.pk}/$"))
    rq.refresh_from_db()
    assert (rq.status, rq.decision) == ("decided", "granted")

    page.get_by_role("link", name="Afschrift controleren en verstrekken").click()
    page.wait_for_load_state("load")
    pim.check("rights copy review")
    assert SAFETY_NOTE in page.content()
    report = page.locator("article.samen-copy-item", has_text=SAFETY_NOTE)
    report.get_by_label("Dit onderdeel niet verstrekken").check()
    report.locator("select").select_option(index=1)
    page.get_by_role("button", name="Opslaan en controleren wat wordt verstrekt").click()
    page.wait_for_load_state("load")
    pim.check("rights copy confirm")
    assert SAFETY_NOTE not in page.content()
    page.get_by_role("button", name="Afschrift verstrekken").click()
    page.wait_for_load_state("load")
    pim.check("rights copy released")
    copy = FileCopy.objects.get()
    assert copy.status == "released" and len(copy.withheld) == 1
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("pdf", re.I)).first.click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
    data = json.loads(Path(copy.json.path).read_text())
    assert SAFETY_NOTE not in json.dumps(data, ensure_ascii=False)
    rq.refresh_from_db()
    assert rq.status == "closed"
    pim.assert_no_csp_violations()


def test_a_young_adult_has_his_file_destroyed(visitor, beijum, intake_worker, media):
    child = ClientFactory(
        team=beijum,
        first_name="Joris",
        last_name="Veldkamp",
        date_of_birth=datetime.date(2006, 1, 9),
    )
    SupportRequestFactory(team=beijum, clients=[child], closed=True)
    pim = visitor(_officer())
    page = pim.visit("/privacy/verzoeken/nieuw/")
    page.fill("#id_last_name", "Veldkamp")
    page.fill("#id_date_of_birth", "2006-01-09")
    page.get_by_role("button", name="Zoek het kind").click()
    page.wait_for_load_state("load")
    _choose_the_child(page)
    page.check("input[name=kind][value=destruction]")
    page.check("input[name=requester][value=child]")
    page.fill("#id_received_on", "2026-11-12")
    page.get_by_role("button", name="Verzoek vastleggen").click()
    page.wait_for_url(re.compile(r"/privacy/verzoeken/\d+/$"))
    rq = RightsRequest.objects.get()
    assert rq.deadline == datetime.date(2027, 2, 12)
    page.get_by_role("link", name="Besluiten").click()
    page.check("input[name=decision][value=granted]")
    page.fill("#id_reason", "De hulp is afgerond; niemand anders heeft een aanmerkelijk belang.")
    page.get_by_role("button", name="Besluit controleren").click()
    page.get_by_role("button", name="Bevestigen").click()
    page.wait_for_url(re.compile(rf"/privacy/verzoeken/{rq.pk}/$"))

    page.get_by_role("link", name="Vernietiging uitvoeren").click()
    page.wait_for_load_state("load")
    pim.check("rights destruction look")
    page.get_by_role("button", name="Dossier definitief vernietigen").click()
    page.wait_for_load_state("load")
    # Without the number typed and the box ticked nothing happens.
    assert Client.objects.filter(pk=child.pk).exists()
    page.fill("#id_number", str(rq.pk))
    page.check("#id_understood")
    page.get_by_role("button", name="Dossier definitief vernietigen").click()
    page.wait_for_url(re.compile(rf"/privacy/verzoeken/{rq.pk}/$"))
    pim.check("rights destroyed")
    assert not Client.objects.filter(pk=child.pk).exists()
    tombstone = Tombstone.objects.get()
    page = pim.visit("/privacy/vernietigd/")
    assert tombstone.reference in page.content()

    # WIJ's worker no longer finds the child anywhere.
    wendy = visitor(intake_worker)
    page = wendy.visit("/zoeken/?q=Veldkamp", check=False)
    assert "Joris" not in page.content()
    page = wendy.visit("/aanmeldingen/", check=False)
    assert "Veldkamp" not in page.content()
