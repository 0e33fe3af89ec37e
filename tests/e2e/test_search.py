"""Search from every page, in the browser: as you type in the header, the child's file, and
another team's child through the break-the-glass reason (each page checked by the visitor:
axe at 1280 and 320 px, reflow, screenshots in artifacts/)."""

import datetime
import re

from audit.models import AccessGrant, AccessLogEntry
from tests.factories import ClientFactory, HouseholdFactory, TeamFactory


def test_a_worker_finds_a_child_as_she_types_and_opens_the_file(visitor, intake_worker, beijum):
    sara = ClientFactory(
        first_name="Sara", last_name="Jansen", date_of_birth=datetime.date(2015, 3, 7), team=beijum
    )
    family = HouseholdFactory(name="Gezin Jansen")
    family.members.create(role="child", client=sara)
    family.members.create(
        role="child", client=ClientFactory(first_name="Daan", last_name="Jansen", team=beijum)
    )
    ilse = visitor(intake_worker, "search")
    page = ilse.visit("/werk/")
    page.fill("#header-search", "Sarah Janssen")
    results = page.locator("#header-search-results")
    results.get_by_role("link", name="Sara Jansen").wait_for()
    assert "1 jeugdige gevonden" in results.inner_text()
    assert results.get_attribute("aria-live") == "polite"
    ilse.check("search as you type")
    # The terms went in the body: the page's address is unchanged.
    assert page.url.endswith("/werk/")
    results.get_by_role("link", name="Sara Jansen").click()
    page.wait_for_url(re.compile(rf"/jeugdigen/{sara.pk}/$"))
    ilse.check("child file from the search")
    assert AccessLogEntry.objects.filter(event="search", client_ids=[sara.pk]).exists()
    # On from the child's file to the family's: the sibling is there.
    page.get_by_role("link", name="Gezin Jansen").click()
    page.wait_for_url(re.compile(rf"/gezinnen/{family.pk}/$"))
    assert "Daan Jansen" in page.locator("main").inner_text()
    ilse.check("family file from the search")


def test_without_waiting_for_htmx_enter_shows_the_results_page(visitor, intake_worker, beijum):
    ClientFactory(first_name="Zoë", last_name="Dijkstra", team=beijum)
    ilse = visitor(intake_worker, "search-page")
    page = ilse.visit("/zoeken/")
    page.fill("#search-page-term", "zoe dijkstra")
    page.get_by_role("button", name="Zoeken").click()
    page.wait_for_load_state("load")
    assert page.url.endswith("/zoeken/")
    page.get_by_role("link", name="Zoë Dijkstra").wait_for()
    ilse.check("search results page")


def test_a_child_of_another_team_opens_only_through_the_reason(visitor, intake_worker, beijum):
    sem = ClientFactory(
        first_name="Sem",
        last_name="Huizinga",
        date_of_birth=datetime.date(2018, 1, 2),
        team=TeamFactory(name="WIJ Lewenborg"),
    )
    ilse = visitor(intake_worker, "search-other-team")
    page = ilse.visit("/werk/")
    page.fill("#header-search", "huizinga")
    results = page.locator("#header-search-results")
    link = results.get_by_role("link", name="Het dossier van Sem Huizinga openen met een reden")
    link.wait_for()
    text = results.inner_text()
    assert "2-1-2018" in text and "WIJ Lewenborg" in text and "niet in uw teams" in text
    ilse.check("search other team")
    link.click()
    page.wait_for_url(re.compile(rf"/jeugdigen/{sem.pk}/toegang/$"))
    ilse.check("break the glass from the search")
    page.locator("input[name=reason][value=joint_case]").check()
    page.get_by_role("button", name="Dossier openen").click()
    page.wait_for_url(re.compile(rf"/jeugdigen/{sem.pk}/$"))
    assert AccessGrant.objects.filter(user=intake_worker, client=sem).exists()
    ilse.check("child file after the reason")
