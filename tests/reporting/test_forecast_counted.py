"""The forecast's re-triages ahead, counted ahead by the beat (reporting.count_forecast)
and read by the report: a quarter of an hour old at most, counted live when nothing is
counted, the same queries whatever the number of indications."""

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reporting import tasks
from samen.health import FREQUENT_TASKS
from tests.factories import IndicationFactory

from .conftest import TODAY, day


def _ending(team, n=1):
    for _ in range(n):
        IndicationFactory(client__team=team, start_on=day("2026-01-05"), end_on=day("2027-01-20"))


def _page(client, team=None):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/rapportages/prognose/", {"team": team.pk} if team else {})
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def _january(html, team_name):
    """The team's re-triages in January 2027 (the third month from November 2026)."""
    row = html[html.index(f'scope="row">{team_name}</th>') :].split("</tr>")[0]
    return [cell.split("<")[0] for cell in row.split('numeric">')[1:]][2]


def test_the_report_shows_what_was_counted_until_counted_again(client, official, today, beijum):
    client.force_login(official)
    _ending(beijum, 5)  # fewer than 5 would show as "<5"

    html, _ = _page(client)
    assert _january(html, "WIJ Beijum") == "5"  # nothing counted yet: counted now
    assert "Geteld om 13:00" in html  # 12:00 UTC, shown in Groningen time

    _ending(beijum)
    assert _january(_page(client)[0], "WIJ Beijum") == "5"
    tasks.count_forecast()
    assert _january(_page(client)[0], "WIJ Beijum") == "6"

    cache.delete(f"reporting:forecast:{TODAY.isoformat()}")
    _ending(beijum)
    assert _january(_page(client)[0], "WIJ Beijum") == "7"


def test_one_team_reads_its_own_counts_from_the_all_teams_count(
    client, official, today, beijum, selwerd
):
    client.force_login(official)
    _ending(beijum, 5)
    _ending(selwerd, 6)
    tasks.count_forecast()

    html, _ = _page(client, selwerd)

    assert 'scope="row">WIJ Beijum</th>' not in html
    assert _january(html, "WIJ Selwerd") == "6"


def test_counted_ahead_the_report_asks_the_same_queries_for_more_indications(
    client, official, today, beijum, selwerd
):
    client.force_login(official)
    _ending(beijum)
    _, live = _page(client)
    tasks.count_forecast()
    _, few = _page(client)
    _ending(beijum, 5)
    _ending(selwerd, 5)
    tasks.count_forecast()
    html, many = _page(client)

    assert many == few == live - 1  # the running indications' aggregate, counted by the task
    assert _january(html, "WIJ Selwerd") == "5"


def test_the_count_is_frequent_not_a_job_run(settings):
    schedule = {entry["task"]: entry for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert schedule["reporting.count_forecast"]["schedule"] == 900.0
    assert "reporting.count_forecast" in FREQUENT_TASKS
