"""'Who viewed this file' at national scale (issue 21): the user filter lists the users
who appear in this child's log, not every account of the country; the page's queries do
not grow with the users or the log."""

import datetime
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.services import access_log_record
from samen import roles
from tests.factories import ClientFactory, UserFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 20, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture
def privacy_officer(db):
    return UserFactory(role=roles.PRIVACY, username="privacy")


def _user_options(html: str) -> set[int]:
    select = re.search(r'<select name="user".*?</select>', html, re.DOTALL)
    return {int(pk) for pk in re.findall(r'<option value="(\d+)"', select[0])}


def _looked(user, child, n=1):
    for _ in range(n):
        access_log_record(user=user, event="read", part="request", clients=[child], channel="job")


@time_machine.travel(NOW)
def test_the_user_filter_lists_those_in_this_childs_log(client, team_lead, intake_worker, beijum):
    child = ClientFactory(team=beijum)
    other_child = ClientFactory(team=beijum)
    stranger = UserFactory(role=roles.WIJ_STAFF)
    _looked(intake_worker, child)
    _looked(stranger, other_child)
    client.force_login(team_lead)
    html = client.get(f"/jeugdigen/{child.pk}/inzage/").content.decode()
    # The worker who looked, and the lead who reads the log now (that is logged too).
    assert _user_options(html) == {intake_worker.pk, team_lead.pk}
    # A user not in this child's log is no filter: everything, with a message.
    response = client.get(f"/jeugdigen/{child.pk}/inzage/", {"user": stranger.pk})
    assert response.status_code == 200
    assert "Het filter kon niet worden gebruikt" in response.content.decode() or (
        "The filter could not be used" in response.content.decode()
    )


@time_machine.travel(NOW)
def test_the_file_log_runs_the_same_queries_for_more_users_and_entries(
    client, team_lead, intake_worker, beijum
):
    child = ClientFactory(team=beijum)
    _looked(intake_worker, child)
    client.force_login(team_lead)

    def measured():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/jeugdigen/{child.pk}/inzage/").status_code == 200
        return len(queries.captured_queries)

    before = measured()
    for _ in range(20):
        UserFactory(role=roles.WIJ_STAFF)
    _looked(intake_worker, child, n=60)
    assert measured() == before


@time_machine.travel(NOW)
def test_the_privacy_officer_filters_the_whole_log_by_username(
    client, privacy_officer, intake_worker, team_lead, beijum
):
    child = ClientFactory(team=beijum)
    _looked(intake_worker, child)
    _looked(team_lead, child)
    client.force_login(privacy_officer)
    html = client.get("/toegangslog/").content.decode()
    assert '<select name="user"' not in html and 'name="user"' in html
    rows = client.get("/toegangslog/", {"user": intake_worker.username}).content.decode()
    body = rows.split("<tbody")[1]
    assert intake_worker.get_full_name() in body and team_lead.get_full_name() not in body
    unknown = client.get("/toegangslog/", {"user": "niemand"}).content.decode()
    assert "Het filter kon niet worden gebruikt" in unknown
