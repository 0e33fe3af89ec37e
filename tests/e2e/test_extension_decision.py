"""The youth administration decides an extension in the browser: the worklist by deadline,
the request with WIJ's advice and the ends so far, a look at the decision and the family's
letter (CONCEPT), the decision, and the letter printed as a PDF."""

import datetime
import re
from pathlib import Path

from indications.models import ExtensionRequest
from samen import roles
from tests.factories import HouseholdFactory, IndicationFactory, TriageFactory, UserFactory

WEIGHING = "De begeleiding rondt de laatste doelen af; WIJ adviseert drie maanden."


def test_the_youth_admin_decides_an_extension_and_prints_the_letter(visitor, beijum):
    indication = IndicationFactory(
        client__team=beijum,
        client__first_name="Lotte",
        client__last_name="Huizinga",
        end_on=datetime.date(2027, 1, 31),
    )
    household = HouseholdFactory()
    household.members.create(role="child", client=indication.client)
    household.members.create(role="parent", name="Anna Huizinga", parental_authority="yes")
    extension = ExtensionRequest.objects.create(
        indication=indication,
        requested_on=datetime.date(2026, 11, 10),
        requested_by=ExtensionRequest.Requester.WIJ,
        reasons="Nog drie maanden om de begeleiding af te ronden.",
        decide_by=datetime.date(2027, 1, 5),
        triage=TriageFactory(outcome="reindication_extend", held_on=datetime.date(2026, 11, 10)),
        wij_advice="WIJ adviseert: verlengen tot eind april.",
    )
    jet = visitor(UserFactory(role=roles.YOUTH_ADMIN, username="jeugdadmin", first_name="Jet"))
    page = jet.visit("/jeugdadministratie/")
    assert "5-1-2027" in page.content()
    page.get_by_role("link", name="Lotte Huizinga").click()
    page.wait_for_load_state("load")
    jet.check("extension request")
    assert "WIJ adviseert: verlengen tot eind april." in page.content()

    page.get_by_label(re.compile("verlengen: voorlopig een andere oplossing")).check()
    page.fill("#id_weighing", WEIGHING)
    page.fill("#id_new_end_on", "2027-04-30")
    page.get_by_role("button", name="Besluit controleren").click()
    page.wait_for_load_state("load")
    jet.check("extension decision look")
    letter = page.get_by_role("region", name="De brief (concept)")
    text = letter.inner_text()
    assert "CONCEPT" in text and "Anna Huizinga" in text and "30 april 2027" in text
    extension.refresh_from_db()
    assert extension.is_pending

    page.get_by_role("button", name="Bevestigen").click()
    page.wait_for_url(re.compile(rf"/jeugdadministratie/verlengingen/{extension.pk}/$"))
    jet.check("extension decided")
    extension.refresh_from_db()
    assert (extension.decision, extension.new_end_on) == ("extend", datetime.date(2027, 4, 30))
    with page.expect_download() as download:
        page.get_by_role("button", name="Brief afdrukken (pdf)").click()
    assert download.value.suggested_filename == f"besluit-verlenging-{extension.pk}.pdf"
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
    extension.refresh_from_db()
    assert extension.letter_printed_on is not None
    page.reload()
    jet.check("extension letter printed")
    assert "Afgedrukt op" in page.content()
    jet.assert_no_csp_violations()
