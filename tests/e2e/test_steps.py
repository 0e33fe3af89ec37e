"""A look before every irreversible step, in the browser: the beschikking letter before it
is issued, and the confirmation before a request is closed (and reopening it)."""

import re

from intake.models import SupportRequest
from tests.factories import SupportRequestFactory
from triage.models import Beschikking

DECISION = "U krijgt Basis jeugdhulp van WIJ Groningen: gezinsbegeleiding basis."
GROUNDS = "Uit de lichte toets blijkt dat gezinsbegeleiding basis passend is."


def test_the_beschikking_letter_is_seen_before_it_is_issued(visitor, intake_worker, beijum):
    beschikking = Beschikking.objects.create(
        support_request=SupportRequestFactory(team=beijum),
        request_reason="Moeder is het niet eens met de uitkomst.",
        addressee="Mevrouw A. Huizinga",
        address="Beijumerweg 12\n9735 AB Groningen",
    )
    ilse = visitor(intake_worker)
    page = ilse.visit(f"/beschikkingen/{beschikking.pk}/")
    page.fill("#id_decision", DECISION)
    page.fill("#id_grounds", GROUNDS)
    page.get_by_role("button", name="Bekijk de brief").click()
    page.wait_for_load_state("load")
    ilse.check("beschikking preview")
    letter = page.get_by_role("region", name="De brief (concept)")
    assert "CONCEPT" in letter.inner_text() and DECISION in letter.inner_text()
    beschikking.refresh_from_db()
    assert beschikking.issued_on is None

    # Back to the text: what was typed is still there.
    page.get_by_role("button", name="Terug: tekst aanpassen").click()
    page.wait_for_load_state("load")
    assert page.input_value("#id_grounds") == GROUNDS
    page.get_by_role("button", name="Bekijk de brief").click()
    page.wait_for_load_state("load")
    page.get_by_role("button", name="Afgeven").click()
    page.wait_for_url(re.compile(rf"/beschikkingen/{beschikking.pk}/$"))
    ilse.check("beschikking issued")
    assert page.get_by_role("link", name="Download de brief (PDF)").is_visible()
    beschikking.refresh_from_db()
    assert (beschikking.issued_on is not None, beschikking.decision) == (True, DECISION)


def test_closing_asks_for_a_reason_and_a_confirmation(visitor, intake_worker, beijum):
    request = SupportRequestFactory(team=beijum, assigned_worker=intake_worker)
    ilse = visitor(intake_worker)
    page = ilse.visit(f"/aanmeldingen/{request.pk}/")
    assert page.input_value("#id_close_reason") == ""  # "Kies een reden…": nothing chosen
    page.get_by_role("button", name="Aanmelding sluiten…").click()
    page.wait_for_load_state("load")
    assert "Kies waarom de aanmelding wordt gesloten." in page.content()
    page.select_option("#id_close_reason", label="ingetrokken door het gezin")
    page.get_by_role("button", name="Aanmelding sluiten…").click()
    page.wait_for_load_state("load")
    ilse.check("close confirmation")
    assert page.get_by_role("heading", name="Wat sluiten betekent").is_visible()
    request.refresh_from_db()
    assert request.status == "registered"
    page.get_by_role("button", name="Ja, aanmelding sluiten").click()
    page.wait_for_url(re.compile(rf"/aanmeldingen/{request.pk}/$"))
    request.refresh_from_db()
    assert (request.status, request.close_reason) == ("closed", "withdrawn")

    page.get_by_role("link", name="Aanmelding heropenen").click()
    page.wait_for_load_state("load")
    ilse.check("reopen")
    page.fill("#id_reason", "Moeder belde terug: de vraag speelt nog.")
    page.get_by_role("button", name="Aanmelding heropenen").click()
    page.wait_for_url(re.compile(rf"/aanmeldingen/{request.pk}/$"))
    ilse.check("request reopened")
    assert "Heropend (was gesloten: ingetrokken door het gezin)" in page.content()
    assert SupportRequest.objects.get(pk=request.pk).status == "registered"
