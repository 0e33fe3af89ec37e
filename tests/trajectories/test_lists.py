"""The trajectory lists through their pages: Mijn trajecten, the waiting list and the
caseload per coach; per role, with a fixed number of queries, pages and bad input."""

import datetime

import pytest
import time_machine
from django.utils.html import escape

from audit.models import AccessLogEntry
from intake.models import TeamMember
from samen import roles
from tests.factories import ClientFactory, TeamFactory, UserFactory, make_trajectory
from trajectories import list_views, services

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 20, 10, 0, tzinfo=datetime.UTC)
TODAY = datetime.date(2026, 11, 20)
MINE = "/trajecten/mijn/"
WAITING = "/trajecten/wachtlijst/"
CASELOAD = "/trajecten/caseload/"


@pytest.fixture(autouse=True)
def pinned():
    with time_machine.travel(NOW, tick=False):
        yield


def days_ago(days: int) -> datetime.datetime:
    return NOW - datetime.timedelta(days=days)


def trajectory(team, coach, *, registered=30, triaged=20, status="waiting", **kwargs):
    return make_trajectory(
        coach=coach,
        status=status,
        started_on=TODAY - datetime.timedelta(days=kwargs.pop("started", 10)),
        support_request__team=team,
        support_request__received_at=days_ago(registered),
        held_on=TODAY - datetime.timedelta(days=triaged),
        **kwargs,
    )


def two(team):
    return [ClientFactory(team=team), ClientFactory(team=team)]


def end(t, user):
    return services.trajectory_end(
        trajectory_id=t.pk,
        expected_version=t.version,
        ended_on=TODAY,
        end_reason="31",
        goals_reached="fully",
        user=user,
    )


# Mijn trajecten


def test_a_coach_sees_their_running_trajectories_by_status_then_longest_first(
    client, intake_worker, beijum
):
    active_short = trajectory(beijum, intake_worker, status="active", started=5)
    active_long = trajectory(
        beijum, intake_worker, status="active", started=40, registered=60, triaged=45
    )
    paused = trajectory(beijum, intake_worker, status="paused")
    waiting = trajectory(beijum, intake_worker, registered=12)
    ended = end(trajectory(beijum, intake_worker, status="active"), intake_worker)
    colleague = UserFactory(role=roles.WIJ_STAFF)
    TeamMember.objects.create(user=colleague, team=beijum)
    not_mine = trajectory(beijum, colleague)
    client.force_login(intake_worker)
    response = client.get(MINE)
    assert response.status_code == 200
    html = response.content.decode()
    order = [f'href="/trajecten/{t.pk}/"' for t in (waiting, active_long, active_short, paused)]
    positions = [html.index(link) for link in order]
    assert positions == sorted(positions)
    assert f'href="/trajecten/{ended.pk}/"' not in html
    assert f'href="/trajecten/{not_mine.pk}/"' not in html
    child = waiting.children.get().client
    assert escape(child.first_name) in html
    assert escape(waiting.household.name) in html
    assert "12 dagen wachtend" in html
    assert "40 dagen lopend" in html
    # The children named on the page are in the access log.
    entry = AccessLogEntry.objects.get(part="trajectories")
    assert child.pk in entry.client_ids


def test_a_handed_over_trajectory_leaves_the_former_coach_s_list(
    client, intake_worker, beijum, team_lead
):
    t = trajectory(beijum, intake_worker, status="active")
    successor = UserFactory(role=roles.WIJ_STAFF)
    TeamMember.objects.create(user=successor, team=beijum)
    services.coach_handover(
        trajectory_id=t.pk,
        expected_version=t.version,
        new_coach=successor,
        reason="handover",
        user=team_lead,
    )
    client.force_login(intake_worker)
    assert f'href="/trajecten/{t.pk}/"' not in client.get(MINE).content.decode()
    client.force_login(successor)
    assert f'href="/trajecten/{t.pk}/"' in client.get(MINE).content.decode()


def test_the_plan_columns_come_from_plan_status_for(client, intake_worker, beijum, monkeypatch):
    t = trajectory(beijum, intake_worker, status="active")
    monkeypatch.setattr(
        list_views,
        "plan_status_for",
        lambda rows: {
            row.pk: ("Afgesproken met gezin", datetime.date(2026, 12, 3)) for row in rows
        },
    )
    client.force_login(intake_worker)
    html = client.get(MINE).content.decode()
    assert "Afgesproken met gezin" in html and "3-12-2026" in html
    assert f'href="/trajecten/{t.pk}/"' in html


@pytest.mark.parametrize("count", [1, 6])
def test_mine_takes_the_same_queries_for_1_or_6_trajectories(
    client, intake_worker, beijum, count, django_assert_max_num_queries
):
    for _ in range(count):
        trajectory(beijum, intake_worker, status="active", support_request__clients=two(beijum))
    client.force_login(intake_worker)
    # Session, user, device, role, teams; the page of trajectories with household, triage
    # and request; children; coaches; which children the user sees; the log (partition
    # check and entry): none per trajectory.
    with django_assert_max_num_queries(13):  # + the plans of the households
        response = client.get(MINE)
    assert response.content.decode().count('href="/trajecten/') >= count


def test_mine_pages(client, intake_worker, beijum, monkeypatch):
    monkeypatch.setattr(list_views, "PAGE_SIZE", 2)
    made = [trajectory(beijum, intake_worker, registered=30 + i) for i in range(3)]
    client.force_login(intake_worker)
    first = client.get(MINE).content.decode()
    assert 'rel="next"' in first and 'rel="prev"' not in first
    second = client.get(MINE, {"page": "2"}).content.decode()
    assert f'href="/trajecten/{made[0].pk}/"' in second
    assert 'rel="next"' not in second
    for odd in ("0", "abc", "²", "9" * 30, "-1"):
        assert client.get(MINE, {"page": odd}).status_code == 200


# The waiting list


def test_the_waiting_list_shows_the_team_s_waiting_trajectories_oldest_first(
    client, team_lead, intake_worker, beijum
):
    newer = trajectory(beijum, intake_worker, registered=10, triaged=3)
    older = trajectory(beijum, intake_worker, registered=25, triaged=15)
    started = trajectory(beijum, intake_worker, status="active")
    elsewhere = trajectory(TeamFactory(name="WIJ Lewenborg"), None)
    client.force_login(team_lead)
    response = client.get(WAITING)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index(f'href="/trajecten/{older.pk}/"') < html.index(
        f'href="/trajecten/{newer.pk}/"'
    )
    assert f'href="/trajecten/{started.pk}/"' not in html
    assert f'href="/trajecten/{elsewhere.pk}/"' not in html
    # Days since registration and since triage; the coordinator.
    assert ">25<" in html and ">15<" in html
    assert escape(intake_worker.get_full_name()) in html


def test_a_child_of_another_team_is_not_named_on_the_waiting_list(
    client, team_lead, intake_worker, beijum
):
    other_child = ClientFactory(team=TeamFactory(name="WIJ Selwerd"), first_name="Zoë")
    t = trajectory(beijum, intake_worker, support_request__clients=[other_child])
    client.force_login(team_lead)
    html = client.get(WAITING).content.decode()
    assert f'href="/trajecten/{t.pk}/"' in html
    assert "Zoë" not in html
    assert "een kind van een ander team" in html
    assert not AccessLogEntry.objects.filter(part="trajectories").exists()


def test_a_lead_of_two_teams_filters_by_team_and_a_bad_team_shows_all(
    client, team_lead, intake_worker, beijum
):
    lewenborg = TeamFactory(name="WIJ Lewenborg")
    TeamMember.objects.create(user=team_lead, team=lewenborg)
    ours = trajectory(beijum, intake_worker)
    theirs = trajectory(lewenborg, None)
    not_ours = trajectory(TeamFactory(name="WIJ Vinkhuizen"), None)
    client.force_login(team_lead)
    html = client.get(WAITING).content.decode()
    assert f'href="/trajecten/{ours.pk}/"' in html and f'href="/trajecten/{theirs.pk}/"' in html
    html = client.get(WAITING, {"team": lewenborg.pk}).content.decode()
    assert f'href="/trajecten/{theirs.pk}/"' in html
    assert f'href="/trajecten/{ours.pk}/"' not in html
    # A NUL byte is refused before the view (400, samen.middleware), never a 500.
    assert client.get(WAITING, {"team": "\x00"}).status_code == 400
    for bad in (str(not_ours.team_id), "abc", "9" * 30, "-1"):
        response = client.get(WAITING, {"team": bad})
        assert response.status_code == 200
        html = response.content.decode()
        assert "Dat team is niet een van de uwe" in html
        assert f'href="/trajecten/{ours.pk}/"' in html
        assert f'href="/trajecten/{not_ours.pk}/"' not in html


@pytest.mark.parametrize("count", [1, 6])
def test_the_waiting_list_takes_the_same_queries_for_1_or_6(
    client, team_lead, intake_worker, beijum, count, django_assert_max_num_queries
):
    for _ in range(count):
        trajectory(beijum, intake_worker)
    client.force_login(team_lead)
    with django_assert_max_num_queries(14):  # + the plans of the households
        response = client.get(WAITING)
    assert response.content.decode().count('href="/trajecten/') >= count


# The caseload per coach


def test_the_caseload_counts_per_coach_by_status_and_intensity_with_children(
    client, team_lead, intake_worker, beijum
):
    trajectory(
        beijum,
        intake_worker,
        status="active",
        intensity="light",
        support_request__clients=two(beijum),
    )
    trajectory(beijum, intake_worker, status="paused", intensity="specialist")
    trajectory(beijum, intake_worker)
    end(trajectory(beijum, intake_worker, status="active"), intake_worker)
    idle = UserFactory(role=roles.WIJ_STAFF, first_name="Ineke", last_name="Idle")
    TeamMember.objects.create(user=idle, team=beijum)
    client.force_login(team_lead)
    response = client.get(CASELOAD)
    assert response.status_code == 200
    html = response.content.decode()
    row = html[html.index(f'href="/trajecten/caseload/{intake_worker.pk}/"') :]
    row = row[: row.index("</tr>")]
    cells = [c.split("<")[0] for c in row.split('numeric">')[1:]]
    # running, as coordinator; waiting, active, paused; light, basic, specialist; children
    assert cells == ["3", "3", "1", "1", "1", "1", "1", "1", "4"]
    assert f'href="/trajecten/caseload/{idle.pk}/"' in html


@pytest.mark.parametrize("count", [1, 5])
def test_the_caseload_takes_the_same_queries_for_1_or_5_coaches(
    client, team_lead, beijum, count, django_assert_max_num_queries
):
    for _ in range(count):
        coach = UserFactory(role=roles.WIJ_STAFF)
        TeamMember.objects.create(user=coach, team=beijum)
        trajectory(beijum, coach, status="active")
    client.force_login(team_lead)
    with django_assert_max_num_queries(8):
        response = client.get(CASELOAD)
    assert response.content.decode().count('href="/trajecten/caseload/') >= count


def test_a_coach_s_list_from_the_caseload(client, team_lead, intake_worker, beijum):
    t = trajectory(beijum, intake_worker, status="active")
    client.force_login(team_lead)
    response = client.get(f"/trajecten/caseload/{intake_worker.pk}/")
    assert response.status_code == 200
    assert f'href="/trajecten/{t.pk}/"' in response.content.decode()
    stranger = UserFactory(role=roles.WIJ_STAFF)
    TeamMember.objects.create(user=stranger, team=TeamFactory(name="WIJ Haren"))
    for coach_id in (stranger.pk, 0, 2**31, 10**20):
        assert client.get(f"/trajecten/caseload/{coach_id}/").status_code == 404


# Roles


@pytest.mark.parametrize("path", [MINE, WAITING, CASELOAD, "/trajecten/caseload/1/"])
def test_other_roles_are_refused(client, path, official, provider_user, outsider):
    for user in (official, provider_user, outsider, UserFactory(role=roles.PRIVACY)):
        client.force_login(user)
        assert client.get(path).status_code == 403, (user, path)
    client.logout()
    assert client.get(path).status_code == 302


def test_a_worker_has_no_team_lists(client, intake_worker):
    client.force_login(intake_worker)
    assert client.get(WAITING).status_code == 403
    assert client.get(CASELOAD).status_code == 403
    assert client.get(MINE).status_code == 200


# The start page and the navigation


def test_the_start_pages_count_and_link(client, team_lead, intake_worker, beijum):
    trajectory(beijum, intake_worker, status="active")
    trajectory(beijum, intake_worker)
    client.force_login(intake_worker)
    html = client.get("/").content.decode()
    assert f'href="{MINE}"><strong>2</strong>' in html
    client.force_login(team_lead)
    html = client.get("/").content.decode()
    assert f'href="{WAITING}"><strong>1</strong>' in html
    assert f'href="{CASELOAD}"' in html
