"""What every signed-in page costs before its own work (issue 21, decision 136): the session,
the user with their role and teams in one query, the second factor's device; and that the
one query still follows every change at once: role, teams, deactivation."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.backends import signed_in_user
from audit.models import AccessLogEntry
from intake.models import TeamMember, user_team_ids
from samen import roles
from samen.navigation import navigation_for
from tests.factories import SupportRequestFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

# The session, the user with groups and teams (accounts.backends.signed_in_user), the device
# of the second factor (django-otp).
BEFORE_THE_PAGE = 3


def test_the_user_comes_with_role_and_teams_by_name(intake_worker, beijum):
    TeamMember.objects.create(user=intake_worker, team=TeamFactory(name="WIJ Akkerkwartier"))

    with CaptureQueriesContext(connection) as queries:
        user = signed_in_user(intake_worker.pk)
        role = roles.user_role(user)
        team_ids = user_team_ids(user)

    assert len(queries) == 1
    assert role == roles.WIJ_STAFF
    assert user.username == "intake"
    akkerkwartier = TeamMember.objects.get(user=intake_worker, team__name="WIJ Akkerkwartier")
    assert team_ids == [akkerkwartier.team_id, beijum.pk]
    assert user._samen_team_names == ["WIJ Akkerkwartier", "WIJ Beijum"]


def test_a_user_in_two_groups_gets_the_first_role_of_the_priority(db):
    user = UserFactory(role=roles.WIJ_STAFF)
    user.groups.add(Group.objects.get(name=roles.TEAM_LEAD))

    assert roles.user_role(signed_in_user(user.pk)) == roles.TEAM_LEAD


def test_no_user_for_a_deactivated_a_missing_or_an_odd_id(intake_worker):
    assert signed_in_user(intake_worker.pk + 1000) is None
    assert signed_in_user("not a number") is None
    assert signed_in_user(None) is None
    intake_worker.is_active = False
    intake_worker.save()
    assert signed_in_user(intake_worker.pk) is None


def test_a_light_page_asks_only_the_session_user_and_device(client, intake_worker):
    client.force_login(intake_worker)
    client.get("/password/")  # the session's "last seen" is written at most once a minute

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/password/")

    assert response.status_code == 200
    assert len(queries) == BEFORE_THE_PAGE, [q["sql"][:80] for q in queries]


def test_the_cost_before_the_page_does_not_grow_with_the_users_teams_and_groups(
    client, intake_worker
):
    client.force_login(intake_worker)
    client.get("/password/")
    with CaptureQueriesContext(connection) as one_team:
        client.get("/password/")
    for number in range(5):
        TeamMember.objects.create(user=intake_worker, team=TeamFactory(name=f"WIJ {number}"))
    intake_worker.groups.add(Group.objects.get(name=roles.PRIVACY))

    with CaptureQueriesContext(connection) as six_teams:
        client.get("/password/")

    assert len(six_teams) == len(one_team) == BEFORE_THE_PAGE


def test_a_child_page_writes_its_log_entry_without_asking_the_team_names_again(
    client, intake_worker, beijum
):
    request = SupportRequestFactory(team=beijum)
    client.force_login(intake_worker)
    client.get("/password/")

    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/aanmeldingen/{request.pk}/")

    assert response.status_code == 200
    entry = AccessLogEntry.objects.filter(user_id=intake_worker.pk).latest("at")
    assert entry.on_behalf_of == "WIJ Beijum"
    assert entry.role == roles.WIJ_STAFF
    team_queries = [q["sql"] for q in queries if q["sql"].startswith('SELECT "intake_team"')]
    assert team_queries == []
    group_queries = [q["sql"] for q in queries if 'FROM "auth_group"' in q["sql"]]
    assert group_queries == []


def test_a_role_taken_away_counts_from_the_next_request(client, intake_worker):
    client.force_login(intake_worker)
    assert client.get("/werk/").status_code == 200

    intake_worker.groups.clear()

    assert client.get("/werk/").status_code == 403


def test_a_team_taken_away_counts_from_the_next_request(client, intake_worker, beijum):
    request = SupportRequestFactory(team=beijum)
    client.force_login(intake_worker)
    assert client.get(f"/aanmeldingen/{request.pk}/").status_code == 200

    TeamMember.objects.filter(user=intake_worker).delete()

    assert client.get(f"/aanmeldingen/{request.pk}/").status_code in (403, 404)


def test_a_deactivated_user_is_signed_out_at_the_next_request(client, intake_worker):
    client.force_login(intake_worker)
    assert client.get("/password/").status_code == 200

    intake_worker.is_active = False
    intake_worker.save()

    response = client.get("/password/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_the_navigation_is_each_roles_own_with_the_current_page_marked(
    intake_worker, team_lead, official
):
    worker_items = navigation_for(signed_in_user(intake_worker.pk), "/werk/")
    lead_items = navigation_for(signed_in_user(team_lead.pk), "/werk/team/")

    assert [i["url"] for i in worker_items if i["current"]] == ["/werk/"]
    assert [i["url"] for i in lead_items if i["current"]] == ["/werk/team/"]
    assert "intake:team_work" not in {i["url_name"] for i in worker_items}
    assert "intake:team_work" in {i["url_name"] for i in lead_items}
    assert "admin:index" in {i["url_name"] for i in navigation_for(official, "/")}
    # A fresh list each time: marking the current page never leaks into the next request.
    assert not any(i["current"] for i in navigation_for(signed_in_user(intake_worker.pk), "/x"))


def test_the_second_factor_holds_only_for_the_users_own_confirmed_device(client, intake_worker):
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.force_login(intake_worker)
    assert client.get("/password/").status_code == 200
    device = TOTPDevice.objects.get(user=intake_worker)

    someone_else = UserFactory(role=roles.WIJ_STAFF)
    other = TOTPDevice.objects.create(user=someone_else, name="theirs", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = other.persistent_id
    session.save()
    assert client.get("/password/")["Location"] == "/account/tweede-factor/controle/"

    for odd in ("otp_totp.totpdevice/x", "nope.nothing/1", "auth.user/1", "no-slash"):
        client.force_login(intake_worker)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = odd
        session.save()
        assert client.get("/password/").status_code == 302, odd

    client.force_login(intake_worker)
    device.confirmed = False
    device.save()
    assert client.get("/password/").status_code == 302
