"""Indications' pages at national scale (issue 21): Aflopende indicaties and a provider's
families take a fixed number of queries whatever the number of indications; the families
list comes in pages."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from indications import views
from tests.factories import IndicationFactory, ProviderFactory, TeamFactory

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 11, 22, 10, 0, tzinfo=datetime.UTC)


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx), response


@time_machine.travel(NOW)
def test_ending_indications_take_fixed_queries(client, team_lead, beijum):
    client.force_login(team_lead)
    other = TeamFactory(name="WIJ Vinkhuizen")

    def add(n):
        for i in range(n):
            IndicationFactory(
                client__team=beijum if i % 2 else other,
                provider=ProviderFactory(),
                start_on=datetime.date(2025, 1, 1),
                end_on=datetime.date(2026, 12, 1) + datetime.timedelta(days=17 * i),
            )

    add(2)
    few, _response = _queries(client, "/indicaties/aflopend/")
    add(10)
    many, response = _queries(client, "/indicaties/aflopend/")
    assert many == few
    html = response.content.decode()
    assert "WIJ Vinkhuizen" in html and "WIJ Beijum" in html


@time_machine.travel(NOW)
def test_a_providers_families_come_in_pages_with_fixed_queries(
    client, intake_worker, beijum, monkeypatch
):
    monkeypatch.setattr(views, "FAMILIES_PAGE", 3)
    provider = ProviderFactory(name="Zorg Noord")
    client.force_login(intake_worker)
    url = f"/aanbieders/{provider.pk}/gezinnen/"

    def add(n):
        for _ in range(n):
            IndicationFactory(client__team=beijum, provider=provider)

    add(2)
    few, response = _queries(client, url)
    assert 'rel="next"' not in response.content.decode()
    add(6)
    many, response = _queries(client, url)
    assert many == few
    html = response.content.decode()
    assert html.count('<tr class="utrecht-table__row">\n    <td') == 3
    assert 'rel="next"' in html
    _count, response = _queries(client, url + "?page=3")
    html = response.content.decode()
    assert html.count('<tr class="utrecht-table__row">\n    <td') == 2
    assert 'rel="prev"' in html and 'rel="next"' not in html
    for bad in ("0", "abc", "99999999999", "-1"):
        assert client.get(url, {"page": bad}).status_code == 200
