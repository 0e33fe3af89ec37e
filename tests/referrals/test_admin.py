"""Officials keep the phasing table, products and referrers in the admin."""

import datetime

import pytest
import time_machine

from referrals.models import Product, ReferrerOrganisation, RoutePhase
from tests.factories import ReferrerOrganisationFactory

pytestmark = pytest.mark.django_db


def phase_form(phase, **changes):
    data = {
        "planned_on": phase.planned_on.isoformat(),
        "opened_on": phase.opened_on.isoformat() if phase.opened_on else "",
        "decided_by": phase.decided_by,
        "decided_on": phase.decided_on.isoformat() if phase.decided_on else "",
        "note": phase.note,
        # The version the page showed (optimistic locking, samen/admin_tools.py).
        "seen_version": phase.version,
    }
    data.update(changes)
    return data


def test_the_list_shows_whether_each_route_is_open_today(client, official):
    client.force_login(official)
    with time_machine.travel(datetime.datetime(2023, 10, 1, 10, 0, tzinfo=datetime.UTC)):
        html = client.get("/admin/referrals/routephase/").content.decode()
    assert html.count('alt="True"') == 3  # WIJ, self-registration, GP
    assert html.count('alt="False"') == 4


def test_changing_the_actual_opening_needs_a_note(client, official):
    client.force_login(official)
    phase = RoutePhase.objects.get(referrer_type="05")
    url = f"/admin/referrals/routephase/{phase.pk}/change/"
    response = client.post(url, phase_form(phase, opened_on="2024-03-01"))
    assert response.status_code == 200
    assert "hoort een (nieuwe) toelichting" in response.content.decode()
    phase.refresh_from_db()
    assert phase.opened_on == datetime.date(2024, 1, 1)  # nothing saved


def test_a_change_with_a_note_is_saved_and_kept_in_history(client, official):
    client.force_login(official)
    phase = RoutePhase.objects.get(referrer_type="05")
    url = f"/admin/referrals/routephase/{phase.pk}/change/"
    response = client.post(
        url,
        phase_form(
            phase,
            opened_on="2024-03-01",
            decided_on="2024-02-15",
            note="Stuurgroep: medisch specialisten per 1 maart 2024.",
        ),
    )
    # A date in the past: first the requests it touches, then the confirmation saves.
    assert response.status_code == 200
    assert "Ja, wijziging opslaan" in response.content.decode()
    phase.refresh_from_db()
    assert phase.opened_on == datetime.date(2024, 1, 1)
    response = client.post(
        url,
        {
            **phase_form(
                phase,
                opened_on="2024-03-01",
                decided_on="2024-02-15",
                note="Stuurgroep: medisch specialisten per 1 maart 2024.",
            ),
            "_confirm_opening": "1",
        },
    )
    assert response.status_code == 302
    phase.refresh_from_db()
    assert phase.opened_on == datetime.date(2024, 3, 1)
    latest = phase.history.first()
    assert latest.history_user == official
    assert latest.opened_on == datetime.date(2024, 3, 1)
    assert phase.history.count() == 3  # plan 2022, revision 2023, this change
    history_page = client.get(f"/admin/referrals/routephase/{phase.pk}/history/")
    assert history_page.status_code == 200
    assert "official" in history_page.content.decode()


def test_an_opening_without_who_decided_is_refused(client, official):
    client.force_login(official)
    phase = RoutePhase.objects.get(referrer_type="05")
    response = client.post(
        f"/admin/referrals/routephase/{phase.pk}/change/",
        phase_form(phase, opened_on="2024-03-01", decided_by="", note="Nieuw besluit"),
    )
    assert response.status_code == 200
    assert "horen wie besloot en wanneer" in response.content.decode()


def test_routes_cannot_be_deleted_or_added_twice(client, official):
    client.force_login(official)
    phase = RoutePhase.objects.first()
    assert client.get(f"/admin/referrals/routephase/{phase.pk}/delete/").status_code == 403
    assert client.get("/admin/referrals/routephase/add/").status_code == 403


def product_form(**changes):
    data = {
        "code": "45A99",
        "name": "Testproduct",
        "moves_on": "2024-01-01",
        "open_house_closes_on": "2025-07-01",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"code": "4A551"}, "2 cijfers gevolgd door 3 letters of cijfers"),
        ({"code": "45A5"}, "2 cijfers gevolgd door 3 letters of cijfers"),
        ({"code": "45a5!"}, "2 cijfers gevolgd door 3 letters of cijfers"),
        ({"code": "45A51"}, "bestaat al"),
        ({"open_house_closes_on": "2023-12-31"}, "moet sluiten ná de overgang"),
        ({"open_house_closes_on": "2024-01-01"}, "moet sluiten ná de overgang"),
        ({"moves_on": "31-02-2024"}, "geldige datum"),
    ],
)
def test_invalid_products_are_refused_with_a_clear_message(client, official, changes, message):
    client.force_login(official)
    count = Product.objects.count()
    response = client.post("/admin/referrals/product/add/", product_form(**changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Product.objects.count() == count


def test_a_valid_product_is_added_with_its_category(client, official):
    client.force_login(official)
    response = client.post("/admin/referrals/product/add/", product_form(code="50g99"))
    assert response.status_code == 302
    assert Product.objects.get(code="50G99").category == "50"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"agb_code": "1234567"}, "precies 8 cijfers"),
        ({"agb_code": "1234567a"}, "precies 8 cijfers"),
        ({"referrer_type": "08", "agb_code": "12345678"}, "Alleen huisartsen, jeugdartsen"),
        ({"agb_code": "01990001"}, "Een andere verwijzer heeft deze AGB-code al"),
    ],
)
def test_invalid_referrers_are_refused(client, official, changes, message):
    ReferrerOrganisationFactory(agb_code="01990001")
    client.force_login(official)
    data = {
        "name": "Praktijk Oost",
        "referrer_type": "02",
        "agb_code": "",
        "city": "Groningen",
        "active": "on",
    }
    data.update(changes)
    response = client.post("/admin/referrals/referrerorganisation/add/", data)
    assert response.status_code == 200, response.headers
    assert message in response.content.decode()
    assert ReferrerOrganisation.objects.count() == 1


def test_referrers_are_searched_and_filtered_by_type(client, official):
    ReferrerOrganisationFactory(name="Huisartsen Beijum", referrer_type="02")
    ReferrerOrganisationFactory(name="Jeugdbescherming Noord", referrer_type="04")
    client.force_login(official)
    html = client.get(
        "/admin/referrals/referrerorganisation/?referrer_type__exact=04"
    ).content.decode()
    assert "Jeugdbescherming Noord" in html and "Huisartsen Beijum" not in html
    html = client.get("/admin/referrals/referrerorganisation/?q=beijum").content.decode()
    assert "Huisartsen Beijum" in html and "Jeugdbescherming Noord" not in html


def test_wij_staff_cannot_change_the_table(client, intake_worker):
    intake_worker.is_staff = True
    intake_worker.save()
    client.force_login(intake_worker)
    phase = RoutePhase.objects.first()
    response = client.get(f"/admin/referrals/routephase/{phase.pk}/change/", follow=True)
    assert response.status_code == 403
