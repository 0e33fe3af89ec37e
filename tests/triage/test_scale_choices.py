"""The triage form at national scale (issue 21, decision 125): the workers are the
request's team, the provider selects hold the chosen providers and the matches of the
provider search (found without JavaScript too), never every provider of the country."""

import datetime
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from intake.models import TeamMember
from tests.factories import ProviderFactory, SupportRequestFactory, TeamFactory, UserFactory
from tests.triage.helpers import triage_data
from triage.models import Triage

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 20, 10, 0, tzinfo=datetime.UTC)


def _elsewhere(n: int) -> list:
    """Workers of another team."""
    team = TeamFactory(name="WIJ Vinkhuizen")
    workers = []
    for _ in range(n):
        worker = UserFactory(role="wij_medewerker")
        TeamMember.objects.create(user=worker, team=team)
        workers.append(worker)
    return workers


def _provider_options(html: str) -> list[str]:
    select = re.search(r'<select name="children-0-provider".*?</select>', html, re.DOTALL)
    return re.findall(r'<option value="(\d+)"', select[0])


def _get(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries.captured_queries), response.content.decode()


@time_machine.travel(NOW)
def test_the_form_lists_the_teams_workers_and_no_provider_until_searched(
    client, intake_worker, team_lead, beijum
):
    request = SupportRequestFactory(team=beijum, contacted=True)
    other = _elsewhere(1)[0]
    provider = ProviderFactory(name="Accare Groningen")
    client.force_login(intake_worker)
    html = client.get(f"/aanmeldingen/{request.pk}/lichte-toets/").content.decode()
    assert f'name="workers" value="{team_lead.pk}"' in html
    assert f'name="workers" value="{other.pk}"' not in html
    assert provider.name not in html and _provider_options(html) == []
    assert 'name="_search_provider"' in html


@time_machine.travel(NOW)
def test_a_worker_of_another_team_is_no_choice(client, intake_worker, beijum):
    request = SupportRequestFactory(team=beijum, contacted=True)
    other = _elsewhere(1)[0]
    client.force_login(intake_worker)
    data = triage_data(request, intake_worker, held_on="2026-11-20", workers=[other.pk])
    response = client.post(f"/aanmeldingen/{request.pk}/lichte-toets/", data)
    assert response.status_code == 400
    assert "workers" in response.context["form"].errors
    assert not Triage.objects.exists()


@time_machine.travel(NOW)
def test_the_provider_search_keeps_what_was_typed_and_saves_nothing(client, intake_worker, beijum):
    request = SupportRequestFactory(team=beijum, contacted=True)
    accare = ProviderFactory(name="Accare Groningen")
    ProviderFactory(name="Elker")
    ProviderFactory.create_batch(25, name="Accare locatie")
    client.force_login(intake_worker)
    data = triage_data(
        request,
        intake_worker,
        held_on="2026-11-18",
        confirm=False,
        reasons="Zwaardere hulp nodig.",
        provider_search="accare",
        _search_provider="1",
    )
    response = client.post(f"/aanmeldingen/{request.pk}/lichte-toets/", data)
    html = response.content.decode()
    assert response.status_code == 200
    assert not Triage.objects.exists()
    assert 'value="2026-11-18"' in html and "Zwaardere hulp nodig." in html
    assert "20 aanbieders gevonden" in html or "20 providers found" in html
    assert len(_provider_options(html)) == 20 and "Elker" not in html
    # Chosen, it stays in the list whatever is searched next.
    data.update({"children-0-provider": accare.pk, "provider_search": "elker"})
    html = client.post(f"/aanmeldingen/{request.pk}/lichte-toets/", data).content.decode()
    assert re.search(rf'<option value="{accare.pk}" selected>Accare Groningen', html)
    assert "Elker" in html


@time_machine.travel(NOW)
def test_any_active_provider_is_a_valid_choice(client, intake_worker, beijum):
    request = SupportRequestFactory(team=beijum, contacted=True)
    accare = ProviderFactory(name="Accare Groningen")
    client.force_login(intake_worker)
    data = triage_data(
        request,
        intake_worker,
        held_on="2026-11-20",
        outcome="specialist",
        provider=accare.pk,
        provider_contacted_on="2026-11-20",
        reasons="Specialistische hulp nodig.",
        provider_search="x" * 101,
    )
    response = client.post(f"/aanmeldingen/{request.pk}/lichte-toets/", data)
    assert response.status_code == 400
    assert "provider_search" in response.context["form"].errors
    data["provider_search"] = ""
    response = client.post(f"/aanmeldingen/{request.pk}/lichte-toets/", data)
    assert response.status_code == 302, [
        response.context["form"].errors,
        [form.errors for form in response.context["formset"]],
    ]
    assert Triage.objects.get().child_outcomes.get().provider == accare


@time_machine.travel(NOW)
def test_the_form_does_not_grow_with_the_workers_and_providers_of_the_country(
    client, intake_worker, beijum
):
    request = SupportRequestFactory(team=beijum, contacted=True)
    client.force_login(intake_worker)
    url = f"/aanmeldingen/{request.pk}/lichte-toets/"
    queries, html = _get(client, url)
    _elsewhere(30)
    ProviderFactory.create_batch(40)
    more_queries, more_html = _get(client, url)
    assert more_queries == queries
    for control in ('name="workers"', "<option", "Zorgaanbieder"):
        assert more_html.count(control) == html.count(control)
