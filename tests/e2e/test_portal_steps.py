"""The provider's four steps in a real browser, each through its look (the confirmation
page): an extension request with the end-evaluation attached, an early handover to WIJ, a
handover to another provider, and a GP referral passed on to WIJ. Every page is checked
with axe at 1280 and 320 px (conftest.Visitor); screenshots under artifacts/."""

import datetime

from django.utils import timezone, translation
from django.utils.formats import date_format
from weasyprint import HTML

from indications.models import ExtensionRequest, Indication, Task
from intake.models import SupportRequest
from openhouse.models import PassedOnReferral
from referrals.models import Product
from tests.factories import IndicationFactory, ProviderFactory


def _own_provider(provider_user, agb="73990501"):
    provider = ProviderFactory(name="Zorg Noord Jeugd", agb_code=agb)
    provider.products.set(Product.objects.filter(code="45A51"))
    provider.memberships.create(user=provider_user)
    return provider


def _submit(page, name):
    page.get_by_role("button", name=name).click()
    page.wait_for_load_state("load")


def test_a_provider_asks_for_an_extension_with_the_evaluation_attached(
    visitor, beijum, provider_user, media, tmp_path
):
    provider = _own_provider(provider_user)
    ind = IndicationFactory(
        client__team=beijum,
        client__first_name="Femke",
        provider=provider,
        end_on=datetime.date(2027, 3, 31),
    )
    pdf = tmp_path / "eindevaluatie.pdf"
    pdf.write_bytes(HTML(string="<p>Eindevaluatie: twee doelen open.</p>").write_pdf())
    paula = visitor(provider_user, "aanbieder")
    page = paula.visit(f"/portaal/indicaties/{ind.pk}/")
    page.get_by_role("link", name="Verlenging aanvragen").click()
    paula.check("extension form")
    page.fill("#id_reasons", "Twee doelen staan nog open; het gezin wil doorgaan.")
    page.fill("#id_proposed_end_on", "2027-09-30")
    page.set_input_files("#id_document", str(pdf))
    _submit(page, "Controleren en verder")
    paula.check("extension look")
    assert "Dit verlengingsverzoek versturen?" in page.locator("main").inner_text()
    assert not ExtensionRequest.objects.exists()
    _submit(page, "Ja, verstuur het verzoek")
    paula.check("extension sent")
    main = page.locator("main").inner_text()
    assert "nog niet besloten" in main and "besluit uiterlijk op 12 januari 2027" in main
    assert ExtensionRequest.objects.get().end_evaluation is not None


def test_a_provider_hands_a_family_over_to_wij_early(visitor, beijum, provider_user):
    provider = _own_provider(provider_user, "73990502")
    today = timezone.localdate()
    ind = IndicationFactory(
        client__team=beijum, provider=provider, end_on=today + datetime.timedelta(days=120)
    )
    # The last day of care lies ahead, whenever this runs: the page says it "ends".
    last_day = today + datetime.timedelta(days=10)
    with translation.override("nl"):
        last_day_text = date_format(last_day, "j F Y")
    paula = visitor(provider_user, "aanbieder")
    page = paula.visit(f"/portaal/indicaties/{ind.pk}/")
    page.get_by_role("link", name="Onze zorg eindigt eerder, of wij dragen nu over aan WIJ").click()
    paula.check("end early form")
    page.get_by_label("Wij dragen het gezin over aan WIJ").check()
    page.fill("#id_ends_on", last_day.isoformat())
    page.select_option("#id_end_reason", "34")
    page.fill(
        "#id_message", "Het gezin weet dat WIJ belt; moeder is het beste 's ochtends bereikbaar."
    )
    _submit(page, "Controleren en verder")
    paula.check("end early look")
    assert "WIJ Beijum" in page.locator("main").inner_text()
    _submit(page, "Ja, beëindig onze zorg")
    paula.check("ended early")
    main = page.locator("main").inner_text()
    assert f"Uw zorg eindigt op {last_day_text}, reden 34" in main
    assert "'s ochtends bereikbaar" in main
    assert Task.objects.filter(indication=ind, kind="handed_over").exists()


def test_a_provider_hands_a_family_over_to_another_provider(visitor, beijum, provider_user):
    provider = _own_provider(provider_user, "73990503")
    other = ProviderFactory(name="Jeugdzorg Stad", agb_code="73990504")
    other.products.set(Product.objects.filter(code="45A51"))
    ind = IndicationFactory(
        client__team=beijum, provider=provider, end_on=datetime.date(2027, 3, 31)
    )
    paula = visitor(provider_user, "aanbieder")
    page = paula.visit(f"/portaal/indicaties/{ind.pk}/")
    page.get_by_role("link", name="Overdragen aan een andere aanbieder").click()
    paula.check("hand over form")
    page.select_option("#id_provider", str(other.pk))
    page.fill("#id_starts_on", "2027-01-01")
    _submit(page, "Controleren en verder")
    paula.check("hand over look")
    assert "31-12-2026" in page.locator("main").inner_text()
    _submit(page, "Ja, draag over")
    paula.check("handed over")
    main = page.locator("main").inner_text()
    assert "reden 38" in main and "Jeugdzorg Stad" in main and "1 januari 2027" in main
    assert Indication.objects.get(preceded_by=ind).provider == other


def test_a_provider_passes_a_gp_referral_on_to_wij(visitor, beijum, provider_user):
    _own_provider(provider_user, "73990505")
    paula = visitor(provider_user, "aanbieder")
    page = paula.visit("/portaal/")
    page.get_by_role("link", name="Een verwijzing van de huisarts doorgeven aan WIJ").first.click()
    paula.check("pass on form")
    for field, value in (
        ("#id_bsn", "111222333"),
        ("#id_first_name", "Sanne"),
        ("#id_last_name", "de Vries"),
        ("#id_date_of_birth", "2016-05-04"),
        ("#id_postcode", "9735 AB"),
        ("#id_house_number", "12"),
        ("#id_referral_date", "2026-11-16"),
        ("#id_gp_name", "Huisartsenpraktijk Beijum"),
        ("#id_gp_agb_code", "01234567"),
        ("#id_note", "Moeder wil graag snel contact."),
    ):
        page.fill(field, value)
    page.select_option("#id_product", str(Product.objects.get(code="45A51").pk))
    _submit(page, "Controleren en verder")
    paula.check("pass on look")
    assert not SupportRequest.objects.exists()
    _submit(page, "Ja, geef door aan WIJ")
    paula.check("passed on list")
    main = page.locator("main").inner_text()
    assert "Sanne de Vries" in main and "doorgegeven aan WIJ op" in main
    assert PassedOnReferral.objects.get().support_request.team.name == "WIJ Beijum"
