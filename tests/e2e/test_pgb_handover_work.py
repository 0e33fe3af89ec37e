"""A PGB indication and a family handed over early, in the browser: the worker's start
page and Mijn werk, the task page, and the team lead's start page (no child) and Mijn
team; every page checked with axe at 1280 and 320 px (conftest.Visitor)."""

import datetime
import re

from indications import services as indication_services
from indications.models import Task
from openhouse.models import ProviderMembership
from samen import roles
from tests.factories import IndicationFactory, ProviderFactory, UserFactory


def test_pgb_and_a_handover_show_on_the_worklists(visitor, intake_worker, team_lead, beijum, clock):
    IndicationFactory(pgb=True, client__team=beijum, end_on=datetime.date(2027, 1, 31))
    indication_services.indications_flag_expiring(on_date=clock.date())
    provider = ProviderFactory(name="Zorg Noord")
    provider_user = UserFactory(role=roles.PROVIDER)
    ProviderMembership.objects.create(user=provider_user, provider=provider)
    handed = IndicationFactory(provider=provider, client__team=beijum)
    indication_services.indication_end_early(
        indication_id=handed.pk,
        ends_on=datetime.date(2026, 12, 1),
        end_reason="34",
        message="Wij ronden af in overleg met het gezin.",
        user=provider_user,
    )
    ilse = visitor(intake_worker)
    page = ilse.visit("/")
    assert page.get_by_text(
        "aanbieder draagt het gezin voortijdig over: pak het nu op"
    ).is_visible()
    page = ilse.visit("/werk/")
    assert page.get_by_text("PGB (budgethouder: J. de Budgethouder)").is_visible()
    assert page.get_by_text("zorg eindigt 1-12-2026", exact=False).is_visible()
    task = Task.objects.get(kind="handed_over")
    page.locator(f"a[href^='/taken/{task.pk}/afronden/']").click()
    page.wait_for_url(re.compile(rf"/taken/{task.pk}/afronden/"))
    ilse.check("handed over task")
    assert page.get_by_text("Zorg Noord", exact=False).first.is_visible()

    tom = visitor(team_lead)
    page = tom.visit("/")
    link = page.get_by_role("link", name=re.compile("gezin voortijdig overgedragen"))
    assert link.is_visible()
    assert handed.client.last_name not in page.content()
    link.click()
    page.wait_for_url(re.compile(r"/werk/team/#taken$"))
    tom.check("team with handover")
