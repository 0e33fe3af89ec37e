"""A change of a route's actual opening date in the past shows first which requests it
touches (counts per team, request numbers; never a child's data) and asks to confirm."""

import datetime

import pytest
from django.utils.html import escape

from referrals.models import RoutePhase
from tests.factories import SupportRequestFactory, TeamFactory
from tests.referrals.test_admin import phase_form

pytestmark = pytest.mark.django_db

NOTE = "Stuurgroep: medisch specialisten per 1 maart 2024."


def _requests(team, day, n=1, referrer_type="05"):
    return [
        SupportRequestFactory(team=team, referrer_type=referrer_type, referral_date=day)
        for _ in range(n)
    ]


def test_the_official_sees_counts_and_numbers_and_confirms(client, official, beijum):
    selwerd = TeamFactory(name="WIJ Selwerd")
    touched = _requests(beijum, datetime.date(2024, 2, 1), 2) + _requests(
        selwerd, datetime.date(2024, 1, 1)
    )
    later = _requests(beijum, datetime.date(2024, 3, 1))[0]  # open by both dates
    other_route = _requests(beijum, datetime.date(2024, 2, 1), referrer_type="02")[0]
    phase = RoutePhase.objects.get(referrer_type="05")
    url = f"/admin/referrals/routephase/{phase.pk}/change/"
    data = phase_form(phase, opened_on="2024-03-01", decided_on="2024-02-15", note=NOTE)
    client.force_login(official)

    response = client.post(url, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "3 aanmeldingen zijn geregistreerd" in html
    assert "<td>WIJ Beijum</td><td>2</td>" in html and "<td>WIJ Selwerd</td><td>1</td>" in html
    for request in touched:
        assert f"#{request.pk}" in html
    for request in (later, other_route):
        assert f"#{request.pk}," not in html and not html.count(f"#{request.pk}<")
    assert "Opslaan verandert deze aanmeldingen niet." in html
    for request in touched:  # no child's data for officials
        for child in request.clients.all():
            assert escape(child.last_name) not in html and child.bsn not in html
    phase.refresh_from_db()
    assert phase.opened_on == datetime.date(2024, 1, 1)  # nothing saved yet

    response = client.post(url, {**data, "_confirm_opening": "1"})
    assert response.status_code == 302
    phase.refresh_from_db()
    assert phase.opened_on == datetime.date(2024, 3, 1)
    for request in touched:  # decided by the table of their day: unchanged
        request.refresh_from_db()
        assert (request.route_open, request.route_outcome) == (True, "open")


def test_a_change_wholly_in_the_future_saves_at_once(client, official):
    phase = RoutePhase.objects.get(referrer_type="05")
    phase.opened_on, phase.decided_by, phase.decided_on = None, "", None
    phase.note = ""
    phase.save()
    client.force_login(official)
    response = client.post(
        f"/admin/referrals/routephase/{phase.pk}/change/",
        phase_form(
            phase,
            opened_on="2099-01-01",
            decided_by="Stuurgroep",
            decided_on="2024-01-01",
            note=NOTE,
        ),
    )
    assert response.status_code == 302


def test_an_invalid_change_shows_the_form_errors_not_the_confirmation(client, official):
    phase = RoutePhase.objects.get(referrer_type="05")
    client.force_login(official)
    response = client.post(
        f"/admin/referrals/routephase/{phase.pk}/change/",
        phase_form(phase, opened_on="2024-03-01"),  # no new note
    )
    assert "hoort een (nieuwe) toelichting" in response.content.decode()
    assert "_confirm_opening" not in response.content.decode()
