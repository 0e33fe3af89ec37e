"""Following a request: worklists, first contact, assignment, another worker, optimistic
locking, the timeline, search, and a fixed number of queries per page."""

import datetime
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from intake import services
from intake.models import SupportRequest, TeamMember, WorkerChangeRequest
from tests.factories import SupportRequestFactory, UserFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 20, 10, 0, tzinfo=datetime.UTC)


@time_machine.travel(NOW)
def test_my_work_shows_overdue_first_then_by_deadline(client, intake_worker, beijum):
    later = SupportRequestFactory(team=beijum, assigned_worker=intake_worker)
    overdue = SupportRequestFactory(team=beijum, assigned_worker=intake_worker, overdue=True)
    SupportRequestFactory(team=beijum, assigned_worker=intake_worker, closed=True)
    SupportRequestFactory(team=beijum)  # someone else's
    client.force_login(intake_worker)
    html = client.get("/werk/").content.decode()
    assert html.index(f"#{overdue.pk} ") < html.index(f"#{later.pk} ")
    assert html.count("samen-row--overdue") == 1
    assert "te laat" in html
    assert len(set(re.findall(r'href="/aanmeldingen/(\d+)/"', html))) == 2


@time_machine.travel(NOW)
def test_a_team_lead_sees_the_team_and_reassigns_an_overdue_request(
    client, team_lead, intake_worker, beijum
):
    overdue = SupportRequestFactory(team=beijum, assigned_worker=None, overdue=True)
    client.force_login(team_lead)
    html = client.get("/werk/team/").content.decode()
    assert f"#{overdue.pk} " in html and "niemand" in html
    response = client.post(
        f"/aanmeldingen/{overdue.pk}/toewijzen/",
        {"version": overdue.version, "worker": intake_worker.pk},
    )
    assert response.status_code == 302
    overdue.refresh_from_db()
    assert overdue.assigned_worker == intake_worker
    assert overdue.history.first().history_user == team_lead


def test_wij_staff_have_no_team_view(client, intake_worker):
    client.force_login(intake_worker)
    assert client.get("/werk/team/").status_code == 403


@time_machine.travel(NOW)
def test_recording_first_contact_ends_the_overdue_state(client, intake_worker, beijum):
    request = SupportRequestFactory(team=beijum, assigned_worker=intake_worker, overdue=True)
    client.force_login(intake_worker)
    response = client.post(
        f"/aanmeldingen/{request.pk}/contact/",
        {"version": request.version, "contacted_on": "2026-11-20"},
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.first_contact_on == datetime.date(2026, 11, 20)
    assert request.status == "contacted"
    assert not SupportRequest.objects.overdue(datetime.date(2026, 11, 20)).exists()
    timeline = client.get(f"/aanmeldingen/{request.pk}/").content.decode()
    assert "eerste contact op gewijzigd" in timeline.lower() or "Eerste contact op" in timeline


@time_machine.travel(NOW)
def test_a_contact_date_in_the_future_is_refused(client, intake_worker, beijum):
    request = SupportRequestFactory(team=beijum)
    client.force_login(intake_worker)
    response = client.post(
        f"/aanmeldingen/{request.pk}/contact/",
        {"version": request.version, "contacted_on": "2026-11-25"},
    )
    assert response.status_code == 400
    assert "kan niet in de toekomst liggen" in response.content.decode()
    request.refresh_from_db()
    assert request.first_contact_on is None


@time_machine.travel(NOW)
def test_two_staff_saving_at_once_the_second_is_told_and_loses_nothing(
    client, intake_worker, beijum
):
    request = SupportRequestFactory(team=beijum, question="Oorspronkelijke vraag")
    colleague = UserFactory(role="wij_medewerker")
    # Both open the edit form at version 1; the colleague saves first.
    services.support_request_update(
        support_request_id=request.pk,
        expected_version=1,
        user=colleague,
        changes={"question": "Vraag aangevuld door collega"},
    )
    client.force_login(intake_worker)
    response = client.post(
        f"/aanmeldingen/{request.pk}/bewerken/",
        {"version": 1, "question": "Mijn eigen aanvulling", "channel": "phone", "team": beijum.pk},
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "Iemand anders heeft deze aanmelding" in html
    assert "Mijn eigen aanvulling" in html  # what I typed is still in the form
    assert "Vraag aangevuld door collega" in html  # and the saved version is shown
    request.refresh_from_db()
    assert request.question == "Vraag aangevuld door collega"
    assert request.version == 2
    # Saving again from the re-shown form (which now carries version 2) works.
    response = client.post(
        f"/aanmeldingen/{request.pk}/bewerken/",
        {"version": 2, "question": "Mijn eigen aanvulling", "channel": "phone", "team": beijum.pk},
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.question == "Mijn eigen aanvulling"


def test_a_stale_action_is_refused_too(client, intake_worker, beijum):
    request = SupportRequestFactory(team=beijum)
    client.force_login(intake_worker)
    response = client.post(
        f"/aanmeldingen/{request.pk}/afsluiten/", {"version": 99, "reason": "withdrawn"}
    )
    assert response.status_code == 400
    assert "Iemand anders heeft deze aanmelding" in response.content.decode()
    request.refresh_from_db()
    assert request.status == "registered"


@time_machine.travel(NOW)
def test_a_family_asks_for_another_worker_and_the_team_lead_decides(
    client, intake_worker, team_lead, beijum
):
    request = SupportRequestFactory(team=beijum, assigned_worker=intake_worker)
    other = UserFactory(role="wij_medewerker", username="other")
    # The new worker is chosen among the request's team (issue 21: team-scoped choices).
    TeamMember.objects.create(user=other, team=beijum)
    client.force_login(intake_worker)
    response = client.post(
        f"/aanmeldingen/{request.pk}/andere-medewerker/",
        {
            "requested_on": "2026-11-20",
            "reason": "gender",
            "explanation": "Moeder wil liever een vrouw.",
        },
    )
    assert response.status_code == 302
    change = WorkerChangeRequest.objects.get()
    assert change.previous_worker == intake_worker and change.outcome == "pending"
    # Only the team lead decides.
    assert (
        client.post(
            f"/aanmeldingen/{request.pk}/andere-medewerker/{change.pk}/besluit/",
            {"grant": "1", "new_worker": other.pk},
        ).status_code
        == 403
    )
    client.force_login(team_lead)
    response = client.post(
        f"/aanmeldingen/{request.pk}/andere-medewerker/{change.pk}/besluit/",
        {"grant": "1", "new_worker": other.pk},
    )
    assert response.status_code == 302
    change.refresh_from_db()
    request.refresh_from_db()
    assert change.outcome == "granted" and change.decided_by == team_lead
    assert request.assigned_worker == other
    assert change.history.count() == 2  # requested, decided
    html = client.get(f"/aanmeldingen/{request.pk}/").content.decode()
    assert "wens over gender" in html


def test_declining_needs_an_explanation(client, intake_worker, team_lead, beijum):
    request = SupportRequestFactory(team=beijum, assigned_worker=intake_worker)
    change = services.worker_change_request(
        support_request=request,
        reason="no_click",
        explanation="",
        requested_on=datetime.date(2026, 11, 1),
        user=intake_worker,
    )
    client.force_login(team_lead)
    response = client.post(
        f"/aanmeldingen/{request.pk}/andere-medewerker/{change.pk}/besluit/", {"grant": "0"}
    )
    assert response.status_code == 400
    assert "Leg het gezin uit waarom niet" in response.content.decode()


@time_machine.travel(NOW)
def test_search_and_filters(client, intake_worker, beijum):
    from tests.factories import TeamFactory

    lewenborg = TeamFactory(name="WIJ Lewenborg")
    gp = SupportRequestFactory(team=beijum, referrer_type="02")
    # Another team's request, visible because it is assigned to this worker.
    overdue = SupportRequestFactory(team=lewenborg, overdue=True, assigned_worker=intake_worker)
    closed = SupportRequestFactory(team=beijum, closed=True)
    client.force_login(intake_worker)

    def shown(**params):
        html = client.get("/aanmeldingen/", params).content.decode()
        return {r.pk for r in (gp, overdue, closed) if f"#{r.pk} " in html}

    assert shown() == {gp.pk, overdue.pk, closed.pk}
    assert shown(referrer_type="02") == {gp.pk}
    assert shown(team=lewenborg.pk) == {overdue.pk}
    assert shown(overdue="on") == {overdue.pk}
    assert shown(status="closed") == {closed.pk}
    assert shown(received_from="2026-11-19") == {gp.pk, closed.pk}


def _ids_and_links(response):
    html = response.content.decode()
    ids = [int(pk) for pk in re.findall(r'href="/aanmeldingen/(\d+)/"', html)]
    ids = list(dict.fromkeys(ids))
    older = re.search(r'rel="next" href="\?([^"]*)"', html)
    newer = re.search(r'rel="prev" href="\?([^"]*)"', html)
    return (
        ids,
        (older[1].replace("&amp;", "&") if older else None),
        (newer[1].replace("&amp;", "&") if newer else None),
    )


def test_the_list_pages_by_keyset_without_counting(client, intake_worker, beijum):
    """Older and newer pages follow the rows shown (?na= / ?voor=, a moment and an id, no
    person data); requests received at the same moment are neither skipped nor repeated."""
    same_moment = NOW - datetime.timedelta(days=3)
    requests = [
        SupportRequestFactory(
            team=beijum,
            received_at=same_moment if n % 3 == 0 else NOW - datetime.timedelta(hours=n),
        )
        for n in range(120)
    ]
    newest_first = [
        r.pk for r in sorted(requests, key=lambda r: (r.received_at, r.pk), reverse=True)
    ]
    client.force_login(intake_worker)
    pages, link, back = [], "", None
    while link is not None:
        ids, link, back = _ids_and_links(client.get(f"/aanmeldingen/?{link}"))
        assert (back is None) == (not pages)
        pages.append(ids)
    assert [len(ids) for ids in pages] == [50, 50, 20]
    assert [pk for ids in pages for pk in ids] == newest_first
    # Back from the last page: the middle page again, then the first (without a way back).
    ids, _older, back = _ids_and_links(client.get(f"/aanmeldingen/?{back}"))
    assert ids == pages[1]
    ids, _older, back = _ids_and_links(client.get(f"/aanmeldingen/?{back}"))
    assert ids == pages[0] and back is None
    with CaptureQueriesContext(connection) as queries:
        client.get("/aanmeldingen/")
    assert not any("COUNT(" in q["sql"].upper() for q in queries.captured_queries)


@pytest.mark.parametrize(
    "cursor",
    ["abc", "99999999999999999999.1", "1.99999999999999999999", "-1.%2500", "1.2&voor=x", "²"],
)
def test_a_cursor_that_cannot_be_read_shows_the_first_page_with_a_message(
    client, intake_worker, beijum, cursor
):
    request = SupportRequestFactory(team=beijum)
    client.force_login(intake_worker)
    response = client.get(f"/aanmeldingen/?na={cursor}")
    html = response.content.decode()
    assert response.status_code == 200
    assert f'href="/aanmeldingen/{request.pk}/"' in html
    assert "first page is shown" in html or "eerste pagina" in html


def test_an_older_page_runs_the_same_queries_for_more_requests(client, intake_worker, beijum):
    def older_page_queries() -> int:
        _ids, older, _newer = _ids_and_links(client.get("/aanmeldingen/"))
        assert older
        return _queries(client, f"/aanmeldingen/?{older}")

    client.force_login(intake_worker)
    for _ in range(60):
        SupportRequestFactory(team=beijum)
    small = older_page_queries()
    for _ in range(100):
        SupportRequestFactory(team=beijum)
    assert older_page_queries() == small


def _queries(client, url, data=None):
    with CaptureQueriesContext(connection) as captured:
        response = client.post(url, data) if data else client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize(
    "url", ["/werk/", "/werk/team/", "/aanmeldingen/", "/aanmeldingen/?overdue=on&team=1"]
)
def test_list_pages_run_a_fixed_number_of_queries(client, team_lead, beijum, url):
    client.force_login(team_lead)
    SupportRequestFactory(team=beijum, assigned_worker=team_lead, overdue=True)
    with_one = _queries(client, url)
    for _ in range(49):
        SupportRequestFactory(team=beijum, assigned_worker=team_lead, overdue=True)
    assert SupportRequest.objects.count() == 50
    assert _queries(client, url) == with_one


def test_the_detail_page_runs_a_fixed_number_of_queries(client, intake_worker, beijum):
    request = SupportRequestFactory(team=beijum, assigned_worker=intake_worker)
    client.force_login(intake_worker)
    url = f"/aanmeldingen/{request.pk}/"
    with_one = _queries(client, url)
    from tests.factories import ClientFactory

    children = [ClientFactory(team=beijum) for _ in range(49)]
    for child in children:
        request.household.members.create(role="child", client=child)
    request.clients.add(*children)
    for n in range(20):
        services.support_request_assign(
            support_request_id=request.pk,
            expected_version=request.version + n,
            user=intake_worker,
            worker=intake_worker,
        )
    assert _queries(client, url) == with_one


@pytest.mark.parametrize(
    ("url", "data"),
    [("/aanmeldingen/nieuw/", None), ("/aanmeldingen/zoek-jeugdige/", {"client_search": "Jansen"})],
)
def test_the_registration_pages_run_a_fixed_number_of_queries(
    client, intake_worker, beijum, url, data
):
    from tests.factories import ClientFactory, TeamFactory

    client.force_login(intake_worker)
    ClientFactory(team=beijum, last_name="Jansen")
    with_one = _queries(client, url, data)
    other_team = TeamFactory()
    for index in range(19):
        ClientFactory(team=beijum if index % 2 else other_team, last_name="Jansen")
    assert _queries(client, url, data) == with_one


def test_the_own_teams_and_assigned_requests_are_visible_ones_without_the_union(
    team_lead, official, beijum
):
    """Mijn team and Mijn werk read the team's or the assigned requests by their own index:
    always within visible_to."""
    from tests.factories import TeamFactory

    own = SupportRequestFactory(team=beijum)
    SupportRequestFactory(team=TeamFactory(name="WIJ Lewenborg"), assigned_worker=team_lead)
    SupportRequestFactory(team=beijum, destroyed_on=datetime.date(2026, 1, 1))
    mine = set(SupportRequest.objects.of_own_teams(team_lead))
    assert mine == {own}
    assert mine <= set(SupportRequest.objects.visible_to(team_lead))
    assert not SupportRequest.objects.of_own_teams(official).exists()
    other_team = set(SupportRequest.objects.assigned_to(team_lead))
    assert len(other_team) == 1 and other_team <= set(SupportRequest.objects.visible_to(team_lead))
    assert not SupportRequest.objects.assigned_to(official).exists()
