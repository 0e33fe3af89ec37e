"""The provider portal in a real browser: a provider pages through its running indications
with a filter, and makes a new API key through the confirmation (the old key keeps working
for its grace period). Every page is checked with axe at 1280 and 320 px (conftest.Visitor)."""

import datetime

from accounts.models import ApiToken
from tests.factories import IndicationFactory, ProviderFactory


def test_a_provider_pages_through_the_indications_with_a_filter(visitor, beijum, provider_user):
    provider = ProviderFactory(name="Zorg Noord Jeugd", agb_code="73990211")
    provider.memberships.create(user=provider_user)
    months = [("Maart", datetime.date(2027, 3, 31))] * 27 + [
        ("April", datetime.date(2027, 4, 30))
    ] * 3
    for n, (name, end_on) in enumerate(months):
        IndicationFactory(
            client__team=beijum,
            client__first_name=f"{name}{n:02d}",
            provider=provider,
            end_on=end_on,
        )
    paula = visitor(provider_user, "aanbieder")
    page = paula.visit("/portaal/")
    page.get_by_role("link", name="Alle lopende indicaties (30)").click()
    page.wait_for_load_state("load")
    paula.check("all running indications")
    assert "30 lopende indicaties" in page.locator("main").inner_text()
    page.fill("#id_end_month", "2027-03")
    page.select_option("#id_status", "active")
    page.get_by_role("button", name="Filteren").click()
    page.wait_for_load_state("load")
    paula.check("indications ending in March")
    main = page.locator("main").inner_text()
    assert "27 lopende indicaties" in main and "pagina 1 van 2" in main
    assert "April" not in main and "WIJ Beijum" in main
    page.get_by_role("link", name="Volgende pagina").click()
    page.wait_for_load_state("load")
    paula.check("indications ending in March page 2")
    assert "end_month=2027-03" in page.url and "pagina=2" in page.url
    main = page.locator("main").inner_text()
    assert "pagina 2 van 2" in main and main.count("Maart") == 2


def test_a_provider_rotates_the_api_key_through_the_confirmation(visitor, beijum, provider_user):
    provider = ProviderFactory(name="Zorg Noord Jeugd", agb_code="73990212")
    provider.memberships.create(user=provider_user)
    _old, _old_key = ApiToken.objects.create(user=provider_user)
    paula = visitor(provider_user, "aanbieder")
    page = paula.visit("/portaal/api-sleutel/")
    assert "Authorization: Token <uw sleutel van 64 tekens>" in page.locator("main").inner_text()
    page.get_by_role("button", name="Nieuwe sleutel maken").click()
    page.wait_for_load_state("load")
    paula.check("new api key confirmation")
    assert "stopt met werken op" in page.locator("main").inner_text()
    page.get_by_role("button", name="Ja, maak een nieuwe sleutel").click()
    page.wait_for_load_state("load")
    paula.check("new api key made")
    main = page.locator("main").inner_text()
    assert "De vorige sleutel blijft werken tot" in main
    header = page.locator("#api-header").inner_text()
    assert header.startswith("Authorization: Token ") and len(header.split()[-1]) == 64
    copy = page.get_by_role("button", name="Kopiëren")
    copy.click()
    page.locator(".samen-copy__status").filter(has_text="e").wait_for()
    assert ApiToken.objects.filter(user=provider_user).count() == 2
