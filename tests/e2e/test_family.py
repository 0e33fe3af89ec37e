"""The family file in the browser: from a child's page to the family file, the timeline
per child, the print view; a team lead merges two households after the preview."""

import re

from intake.models import Household
from tests.factories import HouseholdFactory
from tests.intake.test_family import make_family


def test_a_worker_opens_the_family_file_filters_the_timeline_and_prints(
    visitor, intake_worker, beijum
):
    household, (first, second) = make_family(beijum, children=2, worker=intake_worker)
    father = HouseholdFactory(name="Gezin Zijlstra (vader)")
    father.members.create(role="child", client=first)
    father.members.create(role="parent", name="Mark Zijlstra", parental_authority="yes")
    ilse = visitor(intake_worker)
    page = ilse.visit(f"/jeugdigen/{first.pk}/")
    assert page.get_by_role("link", name="Gezin Zijlstra (vader)").count() == 1
    page.get_by_role("link", name="Gezin Zijlstra", exact=True).click()
    page.wait_for_url(re.compile(rf"/gezinnen/{household.pk}/$"))
    ilse.check("family file")
    timeline = page.locator(".samen-family-timeline")
    assert "Triage door" in timeline.inner_text()
    page.select_option("#kind", str(second.pk))
    page.get_by_role("button", name="Toon").click()
    page.wait_for_url(re.compile(rf"\?kind={second.pk}$"))
    ilse.check("family file one child")
    assert first.full_name not in page.locator(".samen-family-timeline").inner_text()
    page.get_by_role("link", name="Afdrukversie").click()
    page.wait_for_url(re.compile(rf"/gezinnen/{household.pk}/afdrukken/\?kind={second.pk}$"))
    ilse.check("family file print")
    page.emulate_media(media="print")
    assert not page.locator(".samen-nav").is_visible()
    page.emulate_media(media="screen")


def test_a_team_lead_merges_two_households_after_the_preview(visitor, team_lead, beijum):
    keep, _ = make_family(beijum, children=1)
    other, (kid,) = make_family(
        beijum, children=1, household=HouseholdFactory(name="Gezin Zijlstra 2")
    )
    tom = visitor(team_lead)
    page = tom.visit(f"/gezinnen/{keep.pk}/")
    page.get_by_role("link", name="Samenvoegen met een ander gezin").click()
    page.wait_for_url(re.compile(r"/samenvoegen/$"))
    tom.check("merge choose")
    page.select_option("#id_other", str(other.pk))
    page.get_by_role("button", name="Laat zien wat er verhuist").click()
    page.wait_for_load_state("load")
    tom.check("merge preview")
    assert kid.full_name in page.locator("#preview-h + h3 + ul").inner_text()
    assert Household.objects.get(pk=other.pk).merged_into is None
    page.get_by_role("button", name="Gezinnen samenvoegen").click()
    page.wait_for_url(re.compile(rf"/gezinnen/{keep.pk}/$"))
    tom.check("merged")
    assert (
        "Gezin samengevoegd met Gezin Zijlstra 2"
        in page.locator(".samen-family-timeline").inner_text()
    )
    assert Household.objects.get(pk=other.pk).merged_into_id == keep.pk
