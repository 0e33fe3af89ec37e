"""`manage.py bench` (make bench): every route measured or left out with a reason, every
section printed, and any answer but 200 fails the command."""

import datetime
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command

from bench import pages as bench_pages
from tests.factories import (
    IndicationFactory,
    PostcodeAreaFactory,
    ProviderFactory,
    RightsRequestFactory,
    SupportRequestFactory,
    TeamFactory,
)

NOW = datetime.datetime(2026, 11, 16, 10, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))
SECTIONS = ("## Machine", "## Data", *(f"## {group} (" for group in bench_pages.GROUPS))


@pytest.fixture
def small_data(db):
    """A few requests in two teams, one provider's indications, a family's request."""
    team = TeamFactory(name="WIJ Beijum")
    PostcodeAreaFactory(digits="9735", team=team)
    requests = [SupportRequestFactory(team=team) for _ in range(3)]
    SupportRequestFactory(team=team, status="in_triage", contacted=True)
    SupportRequestFactory(team=TeamFactory(name="WIJ Selwerd"))
    provider = ProviderFactory(name="Zorg Noord")
    for request in requests:
        IndicationFactory(client=request.clients.get(), provider=provider)
    RightsRequestFactory(client=requests[0].clients.get())
    return team, provider


def _bench(*args, out=None):
    out = out or io.StringIO()
    with time_machine.travel(NOW, tick=True):
        call_command("bench", "--repeat", "1", "--no-load", "--no-jobs", *args, stdout=out)
    return out.getvalue()


def test_every_route_is_measured_or_left_out_with_a_reason(db):
    people = bench_pages.personas()
    measured = {page.route for page in bench_pages.pages(people, bench_pages.objects(people))} - {
        "admin"
    }
    routes = bench_pages.route_names()

    assert not measured - routes, "a measured page names a route that does not exist"
    assert not set(bench_pages.LEFT_OUT) - routes, "LEFT_OUT names a route that is gone"
    assert not measured & set(bench_pages.LEFT_OUT), "a route both measured and left out"
    assert routes - measured - set(bench_pages.LEFT_OUT) == set(), (
        "a new route: measure it in bench/pages.py or leave it out there with a reason"
    )
    assert all(reason for reason in bench_pages.LEFT_OUT.values())


def test_every_admin_changelist_is_measured(db):
    from django.contrib import admin

    paths = {page.path for page in bench_pages.admin_pages()}

    for model in admin.site._registry:
        assert f"/admin/{model._meta.app_label}/{model._meta.model_name}/" in paths


def test_it_measures_every_page_and_prints_every_section(small_data):
    team, provider = small_data

    output = _bench()

    for section in SECTIONS:
        assert section in output
    assert "ERROR" not in output
    assert "## Errors" not in output
    assert "request list vs Django's admin" in output
    assert "trivial view (floor)" in output
    assert "request list, Django admin default (floor)" in output
    # The personas are in the largest team and provider.
    assert team.members.filter(user__username="bench_worker").exists()
    assert provider.memberships.filter(user__username="bench_provider").exists()


def test_a_page_that_does_not_answer_200_fails_the_command(small_data, monkeypatch):
    real = bench_pages.objects

    def with_a_request_that_is_gone(people):
        found = real(people)
        found["request"] = 999_999_999
        return found

    monkeypatch.setattr(bench_pages, "objects", with_a_request_that_is_gone)

    out = io.StringIO()
    with pytest.raises(CommandError, match=r"error\(s\)"):
        _bench(out=out)

    assert (
        "## Errors\n- 404 GET /aanmeldingen/999999999/ (request detail, worker)" in out.getvalue()
    )


def test_only_measures_the_pages_named(small_data):
    output = _bench("--only", "Aflopende", "--only", "openhouse:dashboard")

    assert "Aflopende indicaties" in output
    assert "portal" in output
    assert "request detail" not in output
    assert "team view" not in output
    assert "## Errors" not in output
