"""The plan's edit page at national scale (issue 21, decision 125): the agreements'
provider selects hold the chosen providers and the matches of the provider search, not
every provider of the country; the search keeps what was typed and saves nothing."""

import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plans.models import SupportPlan
from tests.factories import ProviderFactory
from tests.plans.test_plans import NOW, _active, _formset_post

pytestmark = pytest.mark.django_db


def _options(html: str, row: int) -> list[str]:
    select = re.search(rf'<select name="agreement-{row}-provider".*?</select>', html, re.DOTALL)
    return re.findall(r'<option value="(\d+)"', select[0])


@time_machine.travel(NOW)
def test_the_provider_search_offers_matches_and_keeps_what_was_typed(client):
    trajectory, coach = _active()
    elker = ProviderFactory(name="Elker Jeugdhulp")
    ProviderFactory.create_batch(25, name="Accare locatie")
    client.force_login(coach)
    url = reverse("plans:edit", args=[trajectory.household_id])
    html = client.get(url).content.decode()
    assert _options(html, 0) == [] and "Accare" not in html
    data = _formset_post(
        goals=[{"domain": "upbringing", "text": "Rust in huis"}],
        agreements=[{"party": "provider", "text": "Elker begeleidt", "provider": elker.pk}],
    )
    data.update(provider_search="accare", _search_provider="1")
    response = client.post(url, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert not SupportPlan.objects.filter(household_id=trajectory.household_id).exists()
    assert "Rust in huis" in html and "Elker begeleidt" in html
    options = _options(html, 0)
    assert len(options) == 21 and str(elker.pk) in options
    assert re.search(rf'<option value="{elker.pk}" selected>Elker Jeugdhulp', html)
    # Saved, any provider of the list or not is a valid choice.
    del data["_search_provider"]
    assert client.post(url, data).status_code == 302
    plan = SupportPlan.objects.get(household_id=trajectory.household_id)
    assert plan.agreements.get().provider == elker


@time_machine.travel(NOW)
def test_the_edit_page_does_not_grow_with_the_providers_of_the_country(client):
    trajectory, coach = _active()
    client.force_login(coach)
    url = reverse("plans:edit", args=[trajectory.household_id])

    def measured():
        with CaptureQueriesContext(connection) as queries:
            html = client.get(url).content.decode()
        return len(queries.captured_queries), html.count("<option")

    before = measured()
    ProviderFactory.create_batch(40)
    assert measured() == before
