"""The triage of three siblings in the browser: one form per child, combined help, the
confirmation, the request page after it (axe clean, no sideways scroll at 320px)."""

import datetime
import re

from referrals.models import Product
from tests.factories import ClientFactory, ProviderFactory, SupportRequestFactory
from trajectories.models import Trajectory
from triage.models import ChildOutcome


def test_three_siblings_triaged_with_combined_help(visitor, intake_worker, beijum):
    children = [
        ClientFactory(team=beijum, date_of_birth=datetime.date(2012 + i, 1, 1)) for i in range(3)
    ]
    request = SupportRequestFactory(
        team=beijum, contacted=True, clients=children, assigned_worker=intake_worker
    )
    accare = ProviderFactory(name="Accare")
    ilse = visitor(intake_worker)
    page = ilse.visit(f"/aanmeldingen/{request.pk}/lichte-toets/")
    page.check(f"input[name=workers][value='{intake_worker.pk}']")
    page.check("input[name=life_domains][value=upbringing]")
    # The provider is searched first (not every provider of the country is listed); the
    # page comes back with what was ticked.
    page.fill("#id_provider_search", "Accare")
    page.click("button[name=_search_provider]")
    page.wait_for_load_state("load")
    assert page.is_checked("input[name=life_domains][value=upbringing]")
    page.check("input[name='children-0-outcome'][value=basis_wij]")
    page.select_option("#id_children-0-intensity", "basic")
    page.check("input[name='children-1-outcome'][value=specialist]")
    page.select_option("#id_children-1-intensity", "specialist")
    page.select_option("#id_children-1-provider", str(accare.pk))
    page.fill("#id_children-1-provider_contacted_on", "2026-11-17")
    page.check("input[name='children-1-wij_role'][value=coordination]")
    page.check("input[name='children-2-outcome'][value=other_route]")
    page.select_option("#id_children-2-intensity", "light")
    page.select_option("#id_children-2-other_route", "school")
    page.check(f"input[name=products][value='{Product.objects.get(code='45A51').pk}']")
    page.fill("#id_reasons", "Zware angstklachten.")
    page.get_by_role("button", name="Volgende: controleer wat er gebeurt").click()
    page.wait_for_load_state("load")
    ilse.check("triage of three siblings, confirmation")
    assert "WIJ houdt de regie" in page.content()
    page.get_by_role("button", name="Bevestigen en triage vastleggen").click()
    page.wait_for_url(re.compile(rf"/aanmeldingen/{request.pk}/$"))
    ilse.check("request of three siblings triaged")
    assert ChildOutcome.objects.count() == 3
    assert Trajectory.objects.get().children.count() == 2
