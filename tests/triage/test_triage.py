"""Triage outcomes and their rules on both sides of the relevant dates, the Open House
exception with the municipality's approval, and who may do what."""

import datetime

import pytest
import time_machine
from django.utils.html import escape

from intake.models import SupportRequest
from referrals.models import Product
from tests.factories import ProviderFactory, SupportRequestFactory
from tests.triage.helpers import triage_data
from triage.models import OpenHouseException, Triage

pytestmark = pytest.mark.django_db


def at(day):
    return time_machine.travel(
        datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC)
    )


def triage_form(request, worker, **changes):
    return triage_data(request, worker, **changes)


@pytest.mark.parametrize(
    ("day", "accepted"),
    [
        (datetime.date(2023, 12, 31), False),
        (datetime.date(2024, 1, 1), True),
        (datetime.date(2024, 1, 2), True),
    ],
)
def test_a_basis_product_must_be_in_basis_jeugdhulp_on_the_triage_date(
    client, intake_worker, beijum, day, accepted
):
    with at(day):
        request = SupportRequestFactory(team=beijum, contacted=True)
        product = Product.objects.get(code="45A54")
        client.force_login(intake_worker)
        response = client.post(
            f"/aanmeldingen/{request.pk}/lichte-toets/",
            triage_form(request, intake_worker, held_on=day.isoformat(), products=[product.pk]),
        )
    request.refresh_from_db()
    if accepted:
        assert response.status_code == 302
        triage = Triage.objects.get()
        assert list(triage.products.all()) == [product]
        assert (request.status, request.close_reason) == ("closed", "to_trajectory")
        assert triage.trajectories.get().status == "waiting"
    else:
        assert response.status_code == 400
        assert (
            "45A54 valt pas vanaf 1 januari 2024 onder Basis jeugdhulp."
            in response.content.decode()
        )
        assert not Triage.objects.exists()
        assert request.status == "contacted"


def test_the_form_shows_each_products_phasing_status(client, intake_worker, beijum):
    with at(datetime.date(2023, 6, 1)):
        request = SupportRequestFactory(team=beijum)
        client.force_login(intake_worker)
        html = client.get(f"/aanmeldingen/{request.pk}/lichte-toets/").content.decode()
    assert (
        "45A51 Gezinsbegeleiding basis: 45A51 valt sinds 1 januari 2023 onder Basis jeugdhulp."
        in html
    )
    assert "45A54 valt pas vanaf 1 januari 2024 onder Basis jeugdhulp." in html


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"outcome": "basis_wij"}, "products", "Kies het product"),
        ({"outcome": "other_route"}, "other_route", "welke route"),
        (
            {"outcome": "specialist", "reasons": "Ernstige angst"},
            "provider",
            "Kies de aanbieder",
        ),
        (
            {"outcome": "specialist", "provider": "PROVIDER", "reasons": "Angst"},
            "provider_contacted_on",
            "neemt direct contact op",
        ),
        (
            {"outcome": "open_house_exception", "provider": "PROVIDER", "reasons": "Wachtlijst"},
            "exception_product",
            "Kies het Open House-product",
        ),
        (
            {"outcome": "reindication_extend", "provider": "PROVIDER"},
            "reasons",
            "Geef de redenen",
        ),
        (
            {"outcome": "other_route", "other_route": "school", "intensity": ""},
            "intensity",
            "intensiteit",
        ),
        (
            {"outcome": "other_route", "other_route": "school", "safety_concerns": "on"},
            "__all__",
            "veiligheid",
        ),
        (
            {"outcome": "other_route", "other_route": "school", "child_heard": ""},
            "__all__",
            "niet gehoord",
        ),
    ],
)
def test_each_outcome_needs_what_it_needs(client, intake_worker, beijum, changes, field, message):
    request = SupportRequestFactory(team=beijum, contacted=True)
    client.force_login(intake_worker)
    if changes.get("provider") == "PROVIDER":
        changes = {**changes, "provider": ProviderFactory().pk}
    data = triage_form(request, intake_worker, held_on=datetime.date.today().isoformat(), **changes)
    if changes.get("child_heard") == "":
        del data["child_heard"]
    response = client.post(f"/aanmeldingen/{request.pk}/lichte-toets/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Triage.objects.exists()


def test_other_route_and_specialist_referral(client, intake_worker, beijum):
    request = SupportRequestFactory(team=beijum, contacted=True)
    client.force_login(intake_worker)
    today = datetime.date.today().isoformat()
    response = client.post(
        f"/aanmeldingen/{request.pk}/lichte-toets/",
        triage_form(
            request,
            intake_worker,
            held_on=today,
            outcome="specialist",
            provider=ProviderFactory(name="Accare").pk,
            reasons="Ernstige angststoornis",
            provider_contacted_on=today,
            intensity="specialist",
        ),
    )
    assert response.status_code == 302
    triage = Triage.objects.get()
    assert triage.outcome == "specialist" and triage.provider_name == "Accare"
    assert not triage.helped_at_wij
    request.refresh_from_db()
    assert request.close_reason == "triage_done"
    assert not triage.trajectories.exists()


@pytest.mark.parametrize(
    ("day", "approval", "status"),
    [
        (datetime.date(2025, 6, 30), "not_needed", "closed"),
        (datetime.date(2025, 7, 1), "pending", "in_triage"),
        (datetime.date(2025, 7, 2), "pending", "in_triage"),
    ],
)
def test_an_open_house_exception_before_and_after_the_closing_date(
    client, intake_worker, beijum, day, approval, status
):
    with at(day):
        request = SupportRequestFactory(team=beijum, contacted=True)
        client.force_login(intake_worker)
        response = client.post(
            f"/aanmeldingen/{request.pk}/lichte-toets/",
            triage_form(
                request,
                intake_worker,
                held_on=day.isoformat(),
                outcome="open_house_exception",
                exception_product=Product.objects.get(code="45A56").pk,
                provider=ProviderFactory(name="Zorg BV").pk,
                reasons="Specialistische gezinsbegeleiding die WIJ niet kan bieden.",
                intensity="specialist",
            ),
        )
    assert response.status_code == 302
    assert OpenHouseException.objects.get().approval == approval
    request.refresh_from_db()
    assert request.status == status


def _pending_exception(client, worker, beijum):
    with at(datetime.date(2025, 9, 1)):
        request = SupportRequestFactory(team=beijum, contacted=True)
        client.force_login(worker)
        client.post(
            f"/aanmeldingen/{request.pk}/lichte-toets/",
            triage_form(
                request,
                worker,
                held_on="2025-09-01",
                outcome="open_house_exception",
                exception_product=Product.objects.get(code="45A56").pk,
                provider=ProviderFactory(name="Zorg BV").pk,
                reasons="Zeer specifieke hulp.",
                intensity="specialist",
            ),
        )
    return request, OpenHouseException.objects.get()


def test_an_official_approves_an_exception_after_closing(client, intake_worker, official, beijum):
    request, exception = _pending_exception(client, intake_worker, beijum)
    client.force_login(official)
    page = client.get("/uitzonderingen/").content.decode()
    assert "Zeer specifieke hulp." in page
    assert escape(request.household.name) not in page  # no names for the municipality
    response = client.post(
        f"/uitzonderingen/{exception.pk}/",
        {"approve": "1", "reasons": "Individueel gewogen: akkoord."},
    )
    assert response.status_code == 302
    exception.refresh_from_db()
    request.refresh_from_db()
    assert exception.approval == "approved" and exception.decided_by == official
    assert exception.decision_reasons == "Individueel gewogen: akkoord."
    assert request.status == "closed"


def test_a_refused_exception_keeps_the_request_in_triage(client, intake_worker, official, beijum):
    request, exception = _pending_exception(client, intake_worker, beijum)
    client.force_login(official)
    client.post(
        f"/uitzonderingen/{exception.pk}/", {"approve": "0", "reasons": "WIJ kan dit bieden."}
    )
    exception.refresh_from_db()
    request.refresh_from_db()
    assert exception.approval == "refused"
    assert request.status == "in_triage"
    # Without reasons, nothing is decided.
    other_request, other = None, None
    response = client.post(f"/uitzonderingen/{exception.pk}/", {"approve": "1", "reasons": ""})
    assert response.status_code == 302
    exception.refresh_from_db()
    assert exception.approval == "refused"
    assert other_request is None and other is None


def test_only_officials_weigh_exceptions(client, intake_worker, team_lead, beijum):
    _request, exception = _pending_exception(client, intake_worker, beijum)
    for user in (intake_worker, team_lead):
        client.force_login(user)
        assert client.get("/uitzonderingen/").status_code == 403
        assert (
            client.post(
                f"/uitzonderingen/{exception.pk}/", {"approve": "1", "reasons": "x"}
            ).status_code
            == 403
        )
    exception.refresh_from_db()
    assert exception.approval == "pending"


@pytest.mark.parametrize("persona", ["provider_user", "official", "outsider"])
def test_triage_pages_are_for_wij_staff_only(client, request, persona, beijum):
    support_request = SupportRequestFactory(team=beijum)
    client.force_login(request.getfixturevalue(persona))
    assert client.get(f"/aanmeldingen/{support_request.pk}/lichte-toets/").status_code == 403
    assert client.get(f"/aanmeldingen/{support_request.pk}/beschikking/").status_code == 403


def test_the_team_lead_sees_outcomes_and_waiting_requests(client, intake_worker, team_lead, beijum):
    waiting = SupportRequestFactory(team=beijum, contacted=True)
    done = SupportRequestFactory(team=beijum, contacted=True)
    client.force_login(intake_worker)
    client.post(
        f"/aanmeldingen/{done.pk}/lichte-toets/",
        triage_form(
            done,
            intake_worker,
            held_on=datetime.date.today().isoformat(),
            outcome="other_route",
            other_route="school",
        ),
    )
    client.force_login(team_lead)
    html = client.get("/werk/triage/").content.decode()
    assert f"#{waiting.pk} " in html and f"#{done.pk} " not in html
    assert "Geen jeugdhulp nodig / een andere route" in html
    assert SupportRequest.objects.get(pk=done.pk).status == "closed"


@pytest.mark.parametrize(
    "reasons",
    ["{first} heeft specialistische hulp nodig.", "BSN {bsn}, zeer specifiek.", "Geboren {born}."],
)
def test_exception_reasons_that_officials_read_hold_no_family_data(
    client, intake_worker, beijum, reasons
):
    with at(datetime.date(2025, 9, 1)):
        request = SupportRequestFactory(team=beijum, contacted=True)
        child = request.clients.get()
        text = reasons.format(
            first=child.first_name, bsn=child.bsn, born=f"{child.date_of_birth:%d-%m-%Y}"
        )
        client.force_login(intake_worker)
        response = client.post(
            f"/aanmeldingen/{request.pk}/lichte-toets/",
            triage_form(
                request,
                intake_worker,
                held_on="2025-09-01",
                outcome="open_house_exception",
                exception_product=Product.objects.get(code="45A56").pk,
                provider=ProviderFactory(name="Zorg BV").pk,
                reasons=text,
                intensity="specialist",
            ),
        )
    assert response.status_code == 400
    assert "Ambtenaren lezen deze redenen" in response.content.decode()
    assert text in response.content.decode()  # nothing typed is lost
    assert not OpenHouseException.objects.exists()
