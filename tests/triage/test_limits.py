"""Text limits and the date range in triage: conversation reports, corrections and the
beschikking refuse an over-long text or a date outside 1900-2100 with a message naming
the field, never a 500 and never stored."""

import datetime

import pytest
from django.contrib.messages import get_messages

from samen.limits import ADDRESS_TEXT, LONG_TEXT, REASON_TEXT
from tests.factories import SupportRequestFactory
from triage.models import Beschikking, ConversationReport, CorrectionRequest

pytestmark = pytest.mark.django_db


def shown_messages(response):
    return " ".join(str(message) for message in get_messages(response.wsgi_request))


@pytest.fixture
def request_(beijum):
    return SupportRequestFactory(team=beijum)


@pytest.mark.parametrize(
    ("data", "label"),
    [
        ({"held_on": "2026-11-02", "text": "t" * (LONG_TEXT + 1)}, "Verslag:"),
        ({"held_on": "9999-12-31", "text": "Er is veel ruzie thuis."}, "Gesprek op:"),
        ({"held_on": "1899-12-31", "text": "Er is veel ruzie thuis."}, "Gesprek op:"),
    ],
)
def test_a_report_over_the_limits_is_refused_naming_the_field(
    client, intake_worker, request_, data, label
):
    client.force_login(intake_worker)
    response = client.post(f"/aanmeldingen/{request_.pk}/verslagen/", data)
    assert response.status_code == 302
    assert label.lower() in shown_messages(response).lower()
    assert not ConversationReport.objects.exists()


def test_a_report_of_exactly_the_maximum_is_saved(client, intake_worker, request_):
    client.force_login(intake_worker)
    client.post(
        f"/aanmeldingen/{request_.pk}/verslagen/",
        {"held_on": "2026-11-02", "text": "t" * LONG_TEXT},
    )
    assert len(ConversationReport.objects.get().text) == LONG_TEXT


@pytest.fixture
def report(client, intake_worker, request_):
    client.force_login(intake_worker)
    client.post(
        f"/aanmeldingen/{request_.pk}/verslagen/",
        {"held_on": "2026-11-02", "text": "Er is veel ruzie thuis."},
    )
    return ConversationReport.objects.get()


@pytest.mark.parametrize(
    ("data", "label"),
    [
        (
            {
                "requested_on": "2026-11-04",
                "kind": "addition",
                "family_text": "f" * (LONG_TEXT + 1),
            },
            "wat het gezin vraagt:",
        ),
        (
            {"requested_on": "2101-01-01", "kind": "addition", "family_text": "Beter."},
            "gevraagd op:",
        ),
    ],
)
def test_a_correction_over_the_limits_is_refused_naming_the_field(client, report, data, label):
    response = client.post(f"/verslagen/{report.pk}/correctie/", data)
    assert response.status_code == 302
    assert label.lower() in shown_messages(response).lower()
    assert not CorrectionRequest.objects.exists()


def test_the_date_shown_to_the_family_in_9999_is_refused(client, report):
    response = client.post(f"/verslagen/{report.pk}/getoond/", {"shown_on": "9999-12-31"})
    assert response.status_code == 302
    assert "1-1-1900" in shown_messages(response)
    report.refresh_from_db()
    assert report.shown_to_family_on is None


def test_a_declined_correction_that_would_make_the_report_too_long_is_refused(client, report):
    report.text = "t" * (LONG_TEXT - 10)
    report.save()
    client.post(
        f"/verslagen/{report.pk}/correctie/",
        {
            "requested_on": "2026-11-04",
            "kind": "addition",
            "family_text": "Het gaat de laatste weken beter.",
        },
    )
    correction = CorrectionRequest.objects.get()
    response = client.post(
        f"/correcties/{correction.pk}/antwoord/",
        {"accept": "0", "answer_text": "Het verslag beschrijft het gesprek."},
    )
    assert response.status_code == 302
    assert f"langer dan {LONG_TEXT} tekens" in shown_messages(response)
    report.refresh_from_db()
    correction.refresh_from_db()
    assert len(report.text) == LONG_TEXT - 10 and correction.answer == "pending"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"address": "a" * (ADDRESS_TEXT + 1)}, "address"),
        ({"request_reason": "r" * (REASON_TEXT + 1)}, "request_reason"),
        ({"requested_on": "9999-12-31"}, "requested_on"),
    ],
)
def test_a_beschikking_request_over_the_limits_names_the_field(
    client, intake_worker, request_, changes, field
):
    client.force_login(intake_worker)
    data = {
        "requested_on": datetime.date.today().isoformat(),
        "request_reason": "Moeder is het niet eens met de uitkomst.",
        "addressee": "Mevrouw A. Huizinga",
        "address": "Beijumerweg 12\n9735 AB Groningen",
        **changes,
    }
    response = client.post(f"/aanmeldingen/{request_.pk}/beschikking/", data)
    assert response.status_code in (200, 400)
    assert field in response.context["form"].errors
    assert not Beschikking.objects.exists()
