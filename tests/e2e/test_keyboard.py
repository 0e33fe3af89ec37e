"""The registration and triage forms, completed with the keyboard alone: Tab to move,
typing, arrow keys in selects and radio groups, Space for checkboxes, Enter to submit."""

import datetime
import re

from intake.models import SupportRequest
from referrals.models import Product
from tests.factories import SupportRequestFactory
from triage.models import Triage

MAX_TABS = 150


def tab_to(page, selector):
    """Press Tab until the element has the focus (the way a keyboard user gets there)."""
    target = page.locator(selector).first
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if target.evaluate("el => el === document.activeElement"):
            return
    raise AssertionError(f"{selector} cannot be reached with Tab")


def type_into(page, selector, text):
    tab_to(page, selector)
    page.keyboard.type(text)


def choose(page, selector, value):
    """A select (or a radio group): arrow down until the value is chosen."""
    tab_to(page, selector)
    for _ in range(40):
        if page.locator(selector).first.evaluate("el => el.value") == value:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"{value} not reachable with the arrow keys in {selector}")


def tick(page, selector):
    """Tick a checkbox (left alone when the form already ticked it)."""
    tab_to(page, selector)
    if not page.locator(selector).is_checked():
        page.keyboard.press("Space")
    assert page.locator(selector).is_checked()


def test_register_with_the_keyboard_only(visitor, intake_worker, beijum):
    ilse = visitor(intake_worker)
    page = ilse.visit("/aanmeldingen/nieuw/", check=False)
    type_into(page, "#id_first_name", "Mila")
    type_into(page, "#id_last_name", "de Boer")
    # Day and month alike: headless Chromium orders date fields by its own locale.
    type_into(page, "#id_date_of_birth", "04042015")
    type_into(page, "#id_postcode", "9735AB")
    type_into(page, "#id_house_number", "7")
    type_into(page, "#id_parent_name", "Eva de Boer")
    choose(page, "#id_channel", "walk_in")
    type_into(page, "#id_question", "Mila is veel boos thuis; wij willen hulp bij opvoeden.")
    tab_to(page, "button.utrecht-button--primary-action >> text=Aanmelding inschrijven")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/aanmeldingen/\d+/$"))
    request = SupportRequest.objects.get()
    child = request.clients.get()
    assert (child.first_name, child.date_of_birth) == ("Mila", datetime.date(2015, 4, 4))
    assert request.channel == "walk_in" and request.team == beijum


def test_triage_with_the_keyboard_only(visitor, intake_worker, beijum):
    request = SupportRequestFactory(team=beijum, contacted=True, assigned_worker=intake_worker)
    product = Product.objects.get(code="45A51")
    ilse = visitor(intake_worker)
    page = ilse.visit(f"/aanmeldingen/{request.pk}/lichte-toets/", check=False)
    tick(page, f"input[name=workers][value='{intake_worker.pk}']")
    tick(page, "input[name=life_domains][value=upbringing]")
    tab_to(page, "input[name='children-0-outcome']")
    page.keyboard.press("Space")
    assert page.locator("input[name='children-0-outcome'][value=basis_wij]").is_checked()
    choose(page, "#id_children-0-intensity", "light")
    tick(page, f"input[name=products][value='{product.pk}']")
    tab_to(
        page, "button.utrecht-button--primary-action >> text=Volgende: controleer wat er gebeurt"
    )
    page.keyboard.press("Enter")
    page.wait_for_load_state("load")
    tab_to(page, "button.utrecht-button--primary-action >> text=Bevestigen en triage vastleggen")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/aanmeldingen/{request.pk}/$"))
    triage = Triage.objects.get()
    assert (triage.outcome, triage.intensity) == ("basis_wij", "light")
    assert list(triage.products.all()) == [product]
