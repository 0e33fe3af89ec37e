"""Registering into a family in the browser: a sibling added to a family found by the
search, and the warning for a child with an open request with both of its choices. Every
page on the way is checked (axe at 1280 and 320 px, reflow, screenshots in artifacts/)."""

import datetime
import re

from intake.models import Client, FurtherQuestion, Household, SupportRequest
from tests.factories import ClientFactory, HouseholdFactory, SupportRequestFactory


def zijlstra(team):
    household = HouseholdFactory(name="Gezin Zijlstra")
    household.members.create(role="parent", name="Anke Zijlstra")
    sara = ClientFactory(
        team=team,
        first_name="Sara",
        last_name="Zijlstra",
        street="Beijumerweg",
        house_number="12",
        postcode="9735AB",
        date_of_birth=datetime.date(2014, 2, 1),
    )
    household.members.create(role="child", client=sara)
    return household, sara


def search_and_choose_family(page, household, query):
    page.fill("#id_client_search", query)
    # The registration form's own search button (the header has a "Zoeken" too).
    page.locator('button[name="_search"]').click()
    page.locator(f"#found-household-{household.pk}").check()


def test_a_sibling_is_registered_into_the_family_found(visitor, intake_worker, beijum):
    household, sara = zijlstra(beijum)
    ilse = visitor(intake_worker, "family-sibling")
    page = ilse.visit("/aanmeldingen/nieuw/")
    search_and_choose_family(page, household, "Anke Zijlstra")
    ilse.check("family found")
    page.fill("#id_first_name", "Tim")
    page.fill("#id_last_name", "Zijlstra")
    page.fill("#id_date_of_birth", "2018-06-01")
    page.fill("#id_postcode", "9735 AB")
    page.fill("#id_house_number", "12")
    page.select_option("#id_channel", "walk_in")
    page.fill("#id_question", "Tim is veel boos thuis.")
    page.get_by_role("button", name="Aanmelding inschrijven").click()
    page.wait_for_url(re.compile(r"/aanmeldingen/\d+/$"))
    ilse.check("sibling registered")
    request = SupportRequest.objects.get()
    tim = Client.objects.get(first_name="Tim")
    assert request.household == household and list(request.clients.all()) == [tim]
    assert set(household.children()) == {sara, tim} and Household.objects.count() == 1
    assert "Sara Zijlstra" in page.content()


def test_the_duplicate_warning_adds_the_question_or_registers_with_a_reason(
    visitor, intake_worker, beijum
):
    household, sara = zijlstra(beijum)
    open_request = SupportRequestFactory(team=beijum, household=household, clients=[sara])
    ilse = visitor(intake_worker, "family-duplicate")

    def fill(question):
        page = ilse.visit("/aanmeldingen/nieuw/", check=False)
        search_and_choose_family(page, household, "Sara Zijlstra")
        page.locator(f"#found-child-{household.pk}-{sara.pk}").check()
        page.select_option("#id_channel", "phone")
        page.fill("#id_question", question)
        page.get_by_role("button", name="Aanmelding inschrijven").click()
        page.wait_for_load_state("load")
        assert page.locator(f"#add-to-{open_request.pk}").is_visible()
        return page

    # "Add this question to #N": no new request.
    page = fill("Sara slaapt ook slecht.")
    ilse.check("open request warning")
    page.locator(f"#add-to-{open_request.pk}").check()
    page.get_by_role("button", name="Aanmelding inschrijven").click()
    page.wait_for_url(re.compile(rf"/aanmeldingen/{open_request.pk}/$"))
    ilse.check("question added")
    assert SupportRequest.objects.count() == 1
    assert FurtherQuestion.objects.get().question == "Sara slaapt ook slecht."
    assert "Sara slaapt ook slecht." in page.content()

    # "Register anyway", with its reason shown on the new request.
    page = fill("Vraag van school over gedrag.")
    page.locator("#id_register_anyway").check()
    page.fill("#id_duplicate_reason", "Een andere vraag, via school.")
    page.get_by_role("button", name="Aanmelding inschrijven").click()
    page.wait_for_url(re.compile(r"/aanmeldingen/\d+/$"))
    ilse.check("registered anyway")
    new = SupportRequest.objects.exclude(pk=open_request.pk).get()
    assert new.open_request_check == "registered_anyway"
    assert "Een andere vraag, via school." in page.content()
