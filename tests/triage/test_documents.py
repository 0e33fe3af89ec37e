"""The beschikking letter (PDF, text extracted) and conversation reports with corrections."""

import datetime
import io
import re

import pytest
from pypdf import PdfReader

from tests.factories import SupportRequestFactory
from triage.models import Beschikking, ConversationReport, CorrectionRequest

pytestmark = pytest.mark.django_db


def test_a_beschikking_is_requested_issued_and_printed(client, intake_worker, beijum):
    request = SupportRequestFactory(team=beijum)
    client.force_login(intake_worker)
    response = client.post(
        f"/aanmeldingen/{request.pk}/beschikking/",
        {
            "requested_on": datetime.date.today().isoformat(),
            "request_reason": "Moeder is het niet eens met de uitkomst.",
            "addressee": "Mevrouw A. Huizinga",
            "address": "Beijumerweg 12\n9735 AB Groningen",
        },
    )
    assert response.status_code == 302
    beschikking = Beschikking.objects.get()
    assert (
        client.get(f"/beschikkingen/{beschikking.pk}/brief.pdf").status_code == 404
    )  # not issued yet
    text = {
        "decision": "U krijgt Basis jeugdhulp van WIJ Groningen: gezinsbegeleiding basis.",
        "grounds": "Uit de lichte toets blijkt dat gezinsbegeleiding basis passend is.",
    }
    preview = client.post(f"/beschikkingen/{beschikking.pk}/", text)
    token = re.search(r'name="previewed" value="([0-9a-f]+)"', preview.content.decode())[1]
    response = client.post(
        f"/beschikkingen/{beschikking.pk}/", {**text, "step": "issue", "previewed": token}
    )
    assert response.status_code == 302
    response = client.get(f"/beschikkingen/{beschikking.pk}/brief.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    # A letter about a child: no browser or proxy cache keeps it.
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    text = " ".join(text.split())
    assert "Beschikking Basis jeugdhulp" in text
    assert "U krijgt Basis jeugdhulp van WIJ Groningen: gezinsbegeleiding basis." in text
    assert "Uit de lichte toets blijkt" in text
    assert "binnen 6 weken" in text and "bezwaar" in text
    assert "Mevrouw A. Huizinga" in text
    # Issued means final.
    response = client.post(
        f"/beschikkingen/{beschikking.pk}/", {"decision": "Anders", "grounds": "Anders"}
    )
    assert response.status_code == 400
    assert "kan niet meer veranderen" in response.content.decode()
    beschikking.refresh_from_db()
    assert beschikking.decision.startswith("U krijgt")


def test_an_accepted_correction_keeps_the_earlier_version(client, intake_worker, beijum):
    request = SupportRequestFactory(team=beijum)
    client.force_login(intake_worker)
    client.post(
        f"/aanmeldingen/{request.pk}/verslagen/",
        {"held_on": "2026-11-02", "text": "Vader werkt in ploegendienst."},
    )
    report = ConversationReport.objects.get()
    client.post(f"/verslagen/{report.pk}/getoond/", {"shown_on": "2026-11-03"})
    client.post(
        f"/verslagen/{report.pk}/correctie/",
        {
            "requested_on": "2026-11-04",
            "kind": "correction",
            "family_text": "Vader werkt niet in ploegendienst maar in de nacht.",
        },
    )
    correction = CorrectionRequest.objects.get()
    response = client.post(
        f"/correcties/{correction.pk}/antwoord/",
        {
            "accept": "1",
            "new_report_text": "Vader werkt 's nachts.",
            "answer_text": "Aangepast, dank u.",
        },
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.text == "Vader werkt 's nachts."
    assert report.shown_to_family_on == datetime.date(2026, 11, 3)
    versions = [h.text for h in report.history.order_by("history_date")]
    assert "Vader werkt in ploegendienst." in versions  # never silently overwritten
    assert versions[-1] == "Vader werkt 's nachts."
    page = client.get(f"/verslagen/{report.pk}/").content.decode()
    assert "Vader werkt in ploegendienst." in page  # the versions are shown


def test_a_declined_correction_adds_the_familys_view(client, intake_worker, beijum):
    request = SupportRequestFactory(team=beijum)
    client.force_login(intake_worker)
    client.post(
        f"/aanmeldingen/{request.pk}/verslagen/",
        {"held_on": "2026-11-02", "text": "Er is veel ruzie thuis."},
    )
    report = ConversationReport.objects.get()
    client.post(
        f"/verslagen/{report.pk}/correctie/",
        {
            "requested_on": "2026-11-04",
            "kind": "addition",
            "family_text": "Het gaat de laatste weken beter.",
        },
    )
    correction = CorrectionRequest.objects.get()
    client.post(
        f"/correcties/{correction.pk}/antwoord/",
        {"accept": "0", "answer_text": "Het verslag beschrijft het gesprek van 2 november."},
    )
    report.refresh_from_db()
    correction.refresh_from_db()
    assert report.text.startswith("Er is veel ruzie thuis.")
    assert "Zienswijze van het gezin (04-11-2026): Het gaat de laatste weken beter." in report.text
    assert correction.answer == "declined" and correction.answered_by == intake_worker


def test_reports_are_for_wij_staff_only(client, intake_worker, provider_user, beijum):
    request = SupportRequestFactory(team=beijum)
    client.force_login(intake_worker)
    client.post(
        f"/aanmeldingen/{request.pk}/verslagen/", {"held_on": "2026-11-02", "text": "Verslag."}
    )
    report = ConversationReport.objects.get()
    client.force_login(provider_user)
    assert client.get(f"/verslagen/{report.pk}/").status_code == 403
