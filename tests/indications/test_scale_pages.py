"""Indications' pages at national scale (issue 21): Aflopende indicaties and a provider's
families take a fixed number of queries whatever the number of indications; Aflopende
indicaties reads figures counted ahead, its providers and the families list come in
pages."""

import datetime

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from indications import tasks, views
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
    """Counted by the beat's task, the page reads the figures: the same queries for 2 and
    for 12 indications, and fewer than counting them."""
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
    live, _response = _queries(client, "/indicaties/aflopend/")
    tasks.count_ending()
    few, _response = _queries(client, "/indicaties/aflopend/")
    add(10)
    tasks.count_ending()
    many, response = _queries(client, "/indicaties/aflopend/")
    assert many == few
    assert few == live - 4  # the two aggregates and their names, counted by the task
    html = response.content.decode()
    assert "WIJ Vinkhuizen" in html and "WIJ Beijum" in html
    assert "11:00" in html  # counted at 10:00 UTC, shown in Groningen time


@time_machine.travel(NOW)
def test_ending_indications_show_what_was_counted_until_counted_again(client, official, beijum):
    """The figures are at most a quarter of an hour old: a new indication shows once the
    beat counts again, and without counted figures the page counts them itself."""
    client.force_login(official)
    provider = ProviderFactory(name="Zorg Noord")

    def total():
        html = client.get("/indicaties/aflopend/").content.decode()
        row = html[html.index("Zorg Noord") :]
        return row.split("<strong>")[1].split("<")[0]

    def add():
        IndicationFactory(
            client__team=beijum,
            provider=provider,
            start_on=datetime.date(2025, 1, 1),
            end_on=datetime.date(2027, 1, 15),
        )

    add()
    assert total() == "1"  # nothing counted yet: counted now
    add()
    assert total() == "1"
    tasks.count_ending()
    assert total() == "2"
    cache.delete(f"indications:ending:{NOW.date().isoformat()}")
    add()
    assert total() == "3"


@time_machine.travel(NOW)
def test_ending_indications_list_the_providers_in_pages(client, official, beijum, monkeypatch):
    monkeypatch.setattr(views, "ENDING_PROVIDERS", 2)
    client.force_login(official)
    for name in ("Aanbieder A", "Aanbieder B", "Aanbieder C"):
        IndicationFactory(
            client__team=beijum,
            provider__name=name,
            start_on=datetime.date(2025, 1, 1),
            end_on=datetime.date(2027, 1, 15),
        )
    IndicationFactory(
        pgb=True,
        client__team=beijum,
        start_on=datetime.date(2025, 1, 1),
        end_on=datetime.date(2027, 1, 15),
    )
    first = client.get("/indicaties/aflopend/").content.decode()
    assert "Aanbieder A" in first and "Aanbieder B" in first and "Aanbieder C" not in first
    assert 'rel="next"' in first and 'rel="prev"' not in first
    second = client.get("/indicaties/aflopend/", {"page": "2"}).content.decode()
    assert "Aanbieder C" in second and "PGB (persoonsgebonden budget)" in second
    assert "Aanbieder A" not in second
    assert 'rel="prev"' in second and 'rel="next"' not in second
    assert "WIJ Beijum" in first and "WIJ Beijum" in second  # the teams on every page
    # Past the last page: the last page; nonsense: the first.
    assert "Aanbieder C" in client.get("/indicaties/aflopend/?page=99").content.decode()
    for bad in ("0", "abc", "99999999999", "-1", "²"):
        response = client.get("/indicaties/aflopend/", {"page": bad})
        assert response.status_code == 200
        assert "Aanbieder A" in response.content.decode()
    assert client.get("/indicaties/aflopend/", {"page": "1\x00"}).status_code == 400


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
