"""The main flows of every role, in a real browser, as the users work them (in Dutch).
Each page on the way is checked for accessibility and reflow (see conftest.Visitor)."""

import datetime
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from weasyprint import HTML

from indications.models import Task
from intake.models import SupportRequest, TeamMember, WorkerChangeRequest
from openhouse.models import EndEvaluation, HandoverNote
from referrals.models import Product, RoutePhase
from samen import roles
from tests.factories import (
    IndicationFactory,
    ProviderFactory,
    ReferrerOrganisationFactory,
    SupportRequestFactory,
    UserFactory,
    make_trajectory,
)
from triage.models import Triage


def test_login_page(chromium, live_server, clock):
    from .conftest import Visitor

    anonymous = Visitor(chromium, live_server.url, "anonymous")
    anonymous.visit("/login/")
    anonymous.close()


def test_a_worker_registers_a_gp_referral_contacts_and_triages(visitor, intake_worker, beijum):
    gp = ReferrerOrganisationFactory(referrer_type="02", name="Huisartsenpraktijk Beijum")
    ilse = visitor(intake_worker)
    ilse.visit("/werk/")
    page = ilse.visit("/aanmeldingen/nieuw/")
    fill_gp_referral(
        page,
        bsn="111222333",
        first_name="Daan",
        last_name="Huizinga",
        date_of_birth="2016-05-04",
        postcode="9735 AB",
        house_number="12",
        street="Beijumerweg",
        parent_name="Anna Huizinga",
        phone="050-1234567",
        question="Onze zoon slaapt slecht en wil niet naar school.",
        referring_person="dr. Jansen",
    )
    # The organisation is searched (issue 21: no select of every organisation), then chosen.
    page.fill("#id_referrer_search", "Beijum")
    page.wait_for_selector(
        "#id_referrer_organisation option:has-text('Huisartsenpraktijk Beijum')", state="attached"
    )
    page.select_option("#id_referrer_organisation", str(gp.pk))  # "… (its place)"
    page.get_by_role("button", name="Aanmelding inschrijven").click()
    page.wait_for_url(re.compile(r"/aanmeldingen/\d+/$"))
    ilse.check("request registered")
    request = SupportRequest.objects.get()
    assert (request.referrer_type, request.team, request.route_open) == ("02", beijum, True)
    assert request.contact_deadline == datetime.date(2026, 11, 24)

    page.get_by_role("button", name="Eerste contact vastleggen").click()
    page.wait_for_load_state("load")
    request.refresh_from_db()
    assert request.first_contact_on == datetime.date(2026, 11, 17)

    page = ilse.visit(f"/aanmeldingen/{request.pk}/lichte-toets/")
    fill_triage(page, intake_worker)
    page.get_by_role("button", name="Volgende: controleer wat er gebeurt").click()
    page.wait_for_load_state("load")
    ilse.check("triage confirmation")
    assert "Er start één traject bij WIJ" in page.content()
    assert not Triage.objects.exists()  # nothing saved before the confirmation
    page.get_by_role("button", name="Bevestigen en triage vastleggen").click()
    page.wait_for_url(re.compile(rf"/aanmeldingen/{request.pk}/$"))
    ilse.check("request triaged")
    triage = Triage.objects.get()
    assert triage.outcome == "basis_wij"
    assert [p.code for p in triage.products.all()] == ["45A51"]
    assert triage.trajectories.get().status == "waiting"
    request.refresh_from_db()
    assert (request.status, request.close_reason) == ("closed", "to_trajectory")


def fill_gp_referral(page, **fields):
    """The registration form: a new child and family, referred by a GP on 16 November."""
    for name, value in fields.items():
        page.fill(f"#id_{name}", value)
    page.select_option("#id_channel", "zorgdomein")
    page.select_option("#id_referrer_type", "02")
    page.fill("#id_referral_date", "2026-11-16")


def fill_triage(page, intake_worker):
    page.check(f"input[name=workers][value='{intake_worker.pk}']")
    page.check("input[name=life_domains][value=upbringing]")
    page.check("input[name=life_domains][value=school]")
    page.check("input[name='children-0-outcome'][value=basis_wij]")
    page.select_option("#id_children-0-intensity", "basic")
    page.check(f"input[name=products][value='{Product.objects.get(code='45A51').pk}']")


def test_a_team_lead_sees_an_overdue_request_and_reassigns_it(
    visitor, team_lead, intake_worker, beijum
):
    other = UserFactory(
        role=roles.WIJ_STAFF, username="karin", first_name="Karin", last_name="Smit"
    )
    overdue = SupportRequestFactory(team=beijum, overdue=True, assigned_worker=other)
    tom = visitor(team_lead)
    page = tom.visit("/werk/team/")
    row = page.locator("tr.samen-row--overdue")
    assert row.count() == 1
    row.get_by_role("link").first.click()
    page.wait_for_url(re.compile(rf"/aanmeldingen/{overdue.pk}/$"))
    tom.check("overdue request")
    page.locator("form[action$='/toewijzen/'] select").select_option(str(intake_worker.pk))
    page.get_by_role("button", name="Toewijzen").click()
    page.wait_for_load_state("load")
    overdue.refresh_from_db()
    assert overdue.assigned_worker == intake_worker
    tom.check("reassigned")


def test_a_family_asks_for_another_worker(visitor, team_lead, intake_worker, beijum):
    request = SupportRequestFactory(team=beijum, assigned_worker=intake_worker, contacted=True)
    ilse = visitor(intake_worker)
    page = ilse.visit(f"/aanmeldingen/{request.pk}/")
    page.locator("details:has(form[action$='/andere-medewerker/']) > summary").click()
    form = page.locator("form[action$='/andere-medewerker/']")
    form.locator("select[name=reason]").select_option(index=1)
    form.locator("textarea[name=explanation]").fill("Moeder wil liever een vrouwelijke medewerker.")
    form.get_by_role("button", name="Verzoek vastleggen").click()
    page.wait_for_load_state("load")
    change = WorkerChangeRequest.objects.get()
    assert change.outcome == "pending"
    ilse.check("worker change requested")

    other = UserFactory(
        role=roles.WIJ_STAFF, username="fatima", first_name="Fatima", last_name="El Amrani"
    )
    # The new worker comes from the request's team (issue 21: team-scoped choices).
    TeamMember.objects.create(user=other, team=beijum)
    tom = visitor(team_lead)
    page = tom.visit(f"/aanmeldingen/{request.pk}/")
    form = page.locator("form[action*='/besluit/']")
    form.locator("input[name=grant][value='1']").check()
    form.locator("select[name=new_worker]").select_option(str(other.pk))
    form.get_by_role("button", name="Besluit vastleggen").click()
    page.wait_for_load_state("load")
    change.refresh_from_db()
    request.refresh_from_db()
    assert change.outcome == "granted" and request.assigned_worker == other
    tom.check("worker change decided")


def test_an_official_changes_a_route_opening_and_the_intake_follows(
    visitor, official, intake_worker, beijum
):
    gp = RoutePhase.objects.get(referrer_type="02")
    anouk = visitor(official)
    page = anouk.visit(f"/admin/referrals/routephase/{gp.pk}/change/")
    page.fill("#id_opened_on", "2027-03-01")
    page.fill("#id_decided_by", "Stuurgroep SAMEN.")
    page.fill("#id_decided_on", "2026-11-17")
    page.fill("#id_note", "Huisartsenroute later open: eerst de praktijkondersteuners inwerken.")
    page.get_by_role("button", name=re.compile("^Opslaan$")).click()
    # The old date lies in the past: first the requests it touches, then the confirmation.
    page.wait_for_load_state("load")
    anouk.check("opening date confirmation")
    assert "Opslaan verandert deze aanmeldingen niet." in page.content()
    gp.refresh_from_db()
    assert gp.opened_on == datetime.date(2023, 1, 1)
    page.get_by_role("button", name="Ja, wijziging opslaan").click()
    page.wait_for_url(re.compile(r"/admin/referrals/routephase/$"))
    gp.refresh_from_db()
    assert gp.opened_on == datetime.date(2027, 3, 1)

    page = anouk.visit("/fasering/")
    assert "1 maart 2027" in page.locator("main").inner_text()

    ilse = visitor(intake_worker)
    page = ilse.visit("/aanmeldingen/nieuw/")
    fill_gp_referral(
        page,
        first_name="Noor",
        last_name="Bakker",
        date_of_birth="2014-02-03",
        postcode="9735AC",
        house_number="3",
        question="Huisarts verwijst voor begeleiding bij angst.",
    )
    page.get_by_role("button", name="Aanmelding inschrijven").click()
    page.wait_for_load_state("load")
    assert "1 maart 2027" in page.locator("main").inner_text()
    assert page.locator("[name=route_decision]").count() > 0
    assert not SupportRequest.objects.exists()
    ilse.check("route not open yet")


def test_the_flag_job_shows_in_the_worklist_and_the_portal(
    visitor, intake_worker, beijum, provider_user
):
    provider = ProviderFactory(name="Zorg Noord Jeugd", agb_code="73990201")
    provider.memberships.create(user=provider_user)
    indication = IndicationFactory(
        client__team=beijum,
        client__first_name="Lotte",
        provider=provider,
        start_on=datetime.date(2026, 1, 5),
        end_on=datetime.date(2027, 1, 31),
    )
    call_command("flag_expiring_indications", date=datetime.date(2026, 11, 17))
    indication.refresh_from_db()
    assert indication.status == "ending_soon"
    assert Task.objects.filter(indication=indication, kind="plan_triage").exists()

    page = visitor(intake_worker).visit("/werk/")
    assert "Lotte" in page.locator("main").inner_text()
    paula = visitor(provider_user, "aanbieder")
    page = paula.visit("/portaal/")
    portal = page.locator("main").inner_text()
    assert "Lotte" in portal and "45A51" in portal


def test_a_provider_uploads_an_end_evaluation_and_posts_a_handover_note(
    visitor, beijum, provider_user, media, tmp_path
):
    provider = ProviderFactory(name="Zorg Noord Jeugd", agb_code="73990202")
    provider.memberships.create(user=provider_user)
    indication = IndicationFactory(
        client__team=beijum, provider=provider, end_on=datetime.date(2027, 3, 31)
    )
    pdf = tmp_path / "eindevaluatie.pdf"
    pdf.write_bytes(HTML(string="<p>Eindevaluatie: doelen behaald.</p>").write_pdf())
    paula = visitor(provider_user, "aanbieder")
    page = paula.visit(f"/portaal/indicaties/{indication.pk}/")
    page.set_input_files("input[type=file]", str(pdf))
    page.get_by_role("button", name="Uploaden").click()
    page.wait_for_load_state("load")
    evaluation = EndEvaluation.objects.get()
    assert evaluation.on_time and evaluation.original_name == "eindevaluatie.pdf"
    page.fill(f"#note-{indication.pk}", "Lotte heeft nog twee gesprekken; overdracht in januari.")
    page.get_by_role("button", name="Versturen").click()
    page.wait_for_load_state("load")
    assert HandoverNote.objects.get().side == "provider"
    paula.check("evaluation and note")


def test_an_official_downloads_the_quarterly_report(
    visitor, official, beijum, settings, tmp_path, monkeypatch
):
    # The PDF is made by a Celery task (issue 21); here on the eager path, in the server.
    from samen.celery import app

    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setitem(app.conf, "task_always_eager", True)
    SupportRequestFactory(team=beijum, contacted=True)
    for _ in range(6):  # the help itself has rows to show
        make_trajectory(
            support_request__team=beijum,
            support_request__received_at=datetime.datetime(2026, 9, 1, 9, tzinfo=datetime.UTC),
            held_on=datetime.date(2026, 9, 10),
            status="active",
            started_on=datetime.date(2026, 10, 1),
        )
    anouk = visitor(official)
    page = anouk.visit("/rapportages/")
    slugs = ("instroom", "basis-jeugdhulp", "matched-care", "prognose", "termijnen", "transitie")
    for slug in slugs:
        anouk.visit(f"/rapportages/{slug}/")
    page = anouk.visit("/rapportages/")
    page.select_option("#id_quarter", "2026-Q3")
    page.get_by_role("button", name="Maak de rapportage").click()
    page.wait_for_load_state("load")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download de raadsrapportage (pdf)").first.click()
    assert download.value.suggested_filename == "raadsrapportage-basis-jeugdhulp-2026-K3.pdf"
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")


@pytest.fixture
def world(beijum, intake_worker, provider_user):
    """A little of everything, so the pages have rows to show."""
    provider = ProviderFactory(name="Zorg Noord Jeugd", agb_code="73990203")
    provider.memberships.create(user=provider_user)
    indication = IndicationFactory(
        client__team=beijum, provider=provider, end_on=datetime.date(2027, 1, 31)
    )
    call_command("flag_expiring_indications", date=datetime.date(2026, 11, 17))
    request = SupportRequestFactory(team=beijum, assigned_worker=intake_worker, overdue=True)
    return {"indication": indication, "request": request}


def test_every_main_page_of_every_role(
    visitor, world, intake_worker, team_lead, official, provider_user
):
    """Each role's main pages: axe, reflow and a screenshot (see conftest.Visitor)."""
    from tests.factories import ClientFactory, TeamFactory, UserFactory

    child = world["indication"].client_id
    elsewhere = ClientFactory(team=TeamFactory(name="WIJ Lewenborg"))
    youth_admin = UserFactory(role="jeugdadministratie", username="jeugdadministratie")
    privacy = UserFactory(role="privacy", username="privacy")
    pages = {
        intake_worker: [
            "/",
            "/werk/",
            "/aanmeldingen/",
            f"/aanmeldingen/{world['request'].pk}/",
            f"/aanmeldingen/{world['request'].pk}/bewerken/",
            f"/jeugdigen/{child}/",
            "/indicaties/aflopend/",
            "/fasering/",
            "/password/",
            f"/jeugdigen/{elsewhere.pk}/toegang/",
        ],
        team_lead: ["/werk/team/", "/werk/triage/", "/rapportages/", f"/jeugdigen/{child}/inzage/"],
        youth_admin: ["/jeugdadministratie/", "/jeugdadministratie/import/"],
        privacy: ["/toegangslog/"],
        official: ["/uitzonderingen/", "/admin/", "/admin/indications/indication/"],
        provider_user: [
            "/portaal/",
            f"/portaal/indicaties/{world['indication'].pk}/",
            "/portaal/we-stoppen/",
            "/portaal/api-sleutel/",
        ],
    }
    for user, paths in pages.items():
        person = visitor(user)
        for path in paths:
            person.visit(path)
        assert person.checked == paths


def test_the_checks_can_fail(chromium, live_server, clock):
    """axe and the reflow check do find a missing label and a page too wide."""
    from .conftest import Visitor, axe_violations

    visitor = Visitor(chromium, live_server.url, "selftest")
    page = visitor.page
    page.set_content('<html lang="nl"><body><main><input type="text"></main></body></html>')
    assert any("label" in line for line in axe_violations(page))
    with pytest.raises(AssertionError, match="axe on"):
        visitor.check("broken")
    page.set_content(
        '<html lang="nl"><head><title>Breed</title></head><body><main><h1>Breed</h1>'
        '<div style="width: 900px">Een te brede kolom</div></main></body></html>'
    )
    with pytest.raises(AssertionError, match="scrolls sideways"):
        visitor.check("too wide")
    visitor.close()
