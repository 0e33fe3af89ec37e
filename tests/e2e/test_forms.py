"""Forms in the browser (docs/accessibility.md, "Forms"): no error look before a submit, a
select that looks like one, and after an empty submit the error summary takes the focus and
its links move the focus to their fields. axe-clean at 1280 and 320 px (conftest.Visitor)."""

from tests.factories import SupportRequestFactory

BORDER = "el => getComputedStyle(el).borderTopColor"
FOCUSED = "() => document.activeElement.id || document.activeElement.dataset.errorSummary"


def test_an_empty_registration_gets_a_summary_that_leads_to_each_field(
    visitor, intake_worker, beijum
):
    ilse = visitor(intake_worker)
    page = ilse.visit("/aanmeldingen/nieuw/")
    question = page.locator("#id_question")  # a required textarea, empty
    normal = page.locator("#id_phone").evaluate(BORDER)
    assert question.evaluate(BORDER) == normal, "red before anything was submitted"
    assert page.locator("[data-error-summary]").count() == 0
    # A select looks like a select: the arrow on the right.
    team = page.locator("#id_team")
    assert "arrow-dropdown" in team.evaluate("el => getComputedStyle(el).backgroundImage")
    assert team.locator("option").first.inner_text() == "Kies een team…"

    page.locator("#id_received_at").fill("")
    page.get_by_role("button", name="Aanmelding inschrijven").click()
    page.wait_for_load_state("load")
    summary = page.locator("[data-error-summary]")
    assert summary.count() == 1
    assert page.evaluate(
        "() => document.activeElement === document.querySelector('[data-error-summary]')"
    )
    ilse.check("registration with errors")

    assert question.evaluate(BORDER) != normal, "no error look after the submit"
    page.keyboard.press("Tab")  # from the summary to its first link
    page.keyboard.press("Enter")
    assert page.evaluate(FOCUSED) == "id_received_at"
    summary.get_by_role("link", name="Vraag: Dit veld is vereist.").click()
    assert page.evaluate(FOCUSED) == "id_question"


def test_a_summary_link_leads_to_the_first_box_of_a_group(visitor, intake_worker, beijum):
    request = SupportRequestFactory(team=beijum, status="contacted")
    ilse = visitor(intake_worker)
    page = ilse.visit(f"/aanmeldingen/{request.pk}/lichte-toets/")
    page.get_by_role("button", name="Volgende: controleer wat er gebeurt").click()
    page.wait_for_load_state("load")
    ilse.check("triage with errors")
    page.locator("[data-error-summary] a[href='#id_life_domains_0']").click()
    assert page.evaluate(FOCUSED) == "id_life_domains_0"
