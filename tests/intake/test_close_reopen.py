"""Closing a request takes a chosen reason and a confirmation; a closed request can be
reopened with a reason, by the assigned worker or a team lead of its team."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from intake import services
from intake.models import RequestReopening, SupportRequest, TeamMember
from reporting.periods import Period
from reporting.selectors import Filters, deadlines
from samen import roles
from tests.factories import SupportRequestFactory, TeamFactory, TriageFactory, UserFactory

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 11, 20, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture
def colleague(beijum):
    """A WIJ worker of the same team, not assigned to the request."""
    user = UserFactory(role=roles.WIJ_STAFF, username="collega")
    TeamMember.objects.create(user=user, team=beijum)
    return user


@pytest.fixture
def lewenborg_lead(db):
    user = UserFactory(role=roles.TEAM_LEAD, username="lewenborg_lead")
    TeamMember.objects.create(user=user, team=TeamFactory(name="WIJ Lewenborg"))
    return user


def _close(client, request, **data):
    return client.post(
        f"/aanmeldingen/{request.pk}/afsluiten/", {"version": request.version, **data}
    )


def test_no_reason_is_preselected(client, intake_worker, beijum):
    request = SupportRequestFactory(team=beijum)
    client.force_login(intake_worker)
    html = client.get(f"/aanmeldingen/{request.pk}/").content.decode()
    assert '<option value="" selected>Kies een reden…</option>' in html
    assert "selected>triage gedaan" not in html


def test_closing_without_a_reason_is_refused_in_dutch(client, intake_worker, beijum):
    request = SupportRequestFactory(team=beijum)
    client.force_login(intake_worker)
    response = _close(client, request, confirmed="1")
    assert response.status_code == 400
    assert "Kies waarom de aanmelding wordt gesloten." in response.content.decode()
    request.refresh_from_db()
    assert request.status == "registered"


def test_closing_shows_what_it_means_and_needs_the_confirmation(client, intake_worker, beijum):
    request = SupportRequestFactory(team=beijum)
    client.force_login(intake_worker)
    response = _close(client, request, reason="withdrawn")
    html = response.content.decode()
    assert response.status_code == 200
    assert f"<title>Aanmelding #{request.pk} sluiten?" in html
    assert "Wat sluiten betekent" in html and "ingetrokken door het gezin" in html
    assert "heropenen" in html
    request.refresh_from_db()
    assert request.status == "registered"  # the first post closes nothing
    response = _close(client, request, reason="withdrawn", confirmed="1")
    assert response.status_code == 302
    request.refresh_from_db()
    assert (request.status, request.close_reason) == ("closed", "withdrawn")


def test_help_arranged_needs_a_recorded_triage(client, intake_worker, beijum):
    request = SupportRequestFactory(team=beijum)
    client.force_login(intake_worker)
    response = _close(client, request, reason="triage_done")
    assert response.status_code == 400
    assert "Er is geen triage vastgelegd" in response.content.decode()
    for reason in ("triage_done", "route_not_open"):  # "route not open" is never chosen
        with pytest.raises(ValidationError):
            _close_directly(request, intake_worker, reason)


def test_continued_as_a_trajectory_is_never_chosen_by_hand(client, intake_worker, beijum):
    """Only the triage closes a request so (it starts the trajectory): the figure means it."""
    request = SupportRequestFactory(team=beijum)
    client.force_login(intake_worker)
    page = client.get(f"/aanmeldingen/{request.pk}/").content.decode()
    assert 'value="to_trajectory"' not in page
    response = _close(client, request, reason="to_trajectory", confirmed="1")
    assert response.status_code == 400
    with pytest.raises(ValidationError):
        _close_directly(request, intake_worker, "to_trajectory")
    request.refresh_from_db()
    assert request.status == "registered"


def _close_directly(request, user, reason):
    return services.support_request_close(
        support_request_id=request.pk, expected_version=request.version, user=user, reason=reason
    )


def test_a_closed_request_cannot_be_closed_again(intake_worker, beijum):
    request = SupportRequestFactory(team=beijum, closed=True)
    with pytest.raises(ValidationError):
        _close_directly(request, intake_worker, "withdrawn")


# --- reopening: the service -------------------------------------------------------


def test_reopen_returns_to_where_the_request_was(intake_worker, beijum):
    plain = SupportRequestFactory(team=beijum, closed=True, assigned_worker=intake_worker)
    contacted = SupportRequestFactory(
        team=beijum,
        status="closed",
        close_reason="withdrawn",
        first_contact_on=datetime.date.today(),
        assigned_worker=intake_worker,
    )
    triaged = TriageFactory(support_request__team=beijum).support_request
    triaged.status, triaged.close_reason = "closed", "triage_done"
    triaged.assigned_worker = intake_worker
    triaged.save()
    expected = {plain: "registered", contacted: "contacted", triaged: "in_triage"}
    for request, status in expected.items():
        reopening = services.support_request_reopen(
            support_request_id=request.pk,
            expected_version=request.version,
            user=intake_worker,
            reason="Per ongeluk gesloten.",
        )
        request.refresh_from_db()
        assert (request.status, request.close_reason) == (status, "")
        assert request.version == 2
        assert reopening.previous_close_reason in ("no_help_needed", "withdrawn", "triage_done")
        assert reopening.reopened_by == intake_worker
        assert reopening.history.count() == 1


def test_reopen_rules(intake_worker, colleague, team_lead, lewenborg_lead, beijum):
    request = SupportRequestFactory(team=beijum, closed=True, assigned_worker=intake_worker)

    def reopen(user, version=request.version, reason="Gezin kwam terug."):
        return services.support_request_reopen(
            support_request_id=request.pk, expected_version=version, user=user, reason=reason
        )

    with pytest.raises(services.ConflictError):
        reopen(intake_worker, version=99)
    with pytest.raises(ValidationError) as error:
        reopen(intake_worker, reason="   ")
    assert "reason" in error.value.message_dict
    for user in (colleague, lewenborg_lead):
        with pytest.raises(PermissionDenied):
            reopen(user)
    reopen(team_lead)
    with pytest.raises(ValidationError):
        reopen(team_lead, version=2)  # open now: nothing to reopen
    assert RequestReopening.objects.count() == 1
    request.refresh_from_db()
    assert request.status == "registered"


# --- reopening: the page, as each role ---------------------------------------------


def test_the_assigned_worker_reopens_with_a_reason_shown_in_the_timeline(
    client, intake_worker, beijum
):
    request = SupportRequestFactory(team=beijum, assigned_worker=intake_worker)
    client.force_login(intake_worker)
    _close(client, request, reason="no_help_needed", confirmed="1")
    request.refresh_from_db()
    detail = client.get(f"/aanmeldingen/{request.pk}/").content.decode()
    assert f'href="/aanmeldingen/{request.pk}/heropenen/"' in detail
    page = client.get(f"/aanmeldingen/{request.pk}/heropenen/")
    assert page.status_code == 200
    assert f"<title>Aanmelding #{request.pk} heropenen" in page.content.decode()
    url = f"/aanmeldingen/{request.pk}/heropenen/"
    response = client.post(url, {"version": request.version, "reason": ""})
    assert response.status_code == 400
    assert "Geef de reden voor het heropenen van de aanmelding." in response.content.decode()
    response = client.post(
        url, {"version": request.version, "reason": "Moeder belde: de vraag speelt nog."}
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == "registered"
    detail = client.get(f"/aanmeldingen/{request.pk}/").content.decode()
    assert (
        "Heropend (was gesloten: geen hulp nodig). Reden: Moeder belde: de vraag speelt nog."
        in detail
    )
    # Open again: the page offers closing, not reopening.
    assert client.get(url).status_code == 302


def test_the_team_lead_may_reopen_a_colleague_may_not(client, colleague, team_lead, beijum):
    request = SupportRequestFactory(team=beijum, closed=True)
    url = f"/aanmeldingen/{request.pk}/heropenen/"
    client.force_login(colleague)
    assert client.get(url).status_code == 403
    detail = client.get(f"/aanmeldingen/{request.pk}/").content.decode()
    assert "Alleen de toegewezen medewerker of een teamleider" in detail
    assert client.post(url, {"version": 1, "reason": "x"}).status_code == 403
    client.force_login(team_lead)
    assert client.get(url).status_code == 200
    assert client.post(url, {"version": 1, "reason": "Per ongeluk."}).status_code == 302


@pytest.mark.parametrize("who", ["official", "provider_user", "outsider", "lewenborg_lead"])
def test_outsiders_cannot_reopen_and_see_nothing(client, request, who, beijum):
    support_request = SupportRequestFactory(team=beijum, closed=True)
    client.force_login(request.getfixturevalue(who))
    url = f"/aanmeldingen/{support_request.pk}/heropenen/"
    for response in (client.get(url), client.post(url, {"version": 1, "reason": "x"})):
        assert response.status_code == 403
        assert support_request.question not in response.content.decode()
    support_request.refresh_from_db()
    assert support_request.status == "closed"


# --- the reports --------------------------------------------------------------------


@time_machine.travel(NOW)
def test_a_reopened_request_counts_as_open_in_the_reports(intake_worker, beijum):
    requests = [
        SupportRequestFactory(team=beijum, overdue=True, assigned_worker=intake_worker)
        for _ in range(5)
    ]
    period = Period(datetime.date(2026, 11, 1), datetime.date(2026, 11, 30))

    def overdue():
        contact = deadlines(Filters(period, None, datetime.date(2026, 11, 20)))[0]
        return contact.rows[-1].cells[5].n

    assert overdue() == 5
    for request in requests:
        services.support_request_close(
            support_request_id=request.pk,
            expected_version=1,
            user=intake_worker,
            reason="not_reached",
        )
    assert overdue() == 0
    for request in requests:
        services.support_request_reopen(
            support_request_id=request.pk,
            expected_version=2,
            user=intake_worker,
            reason="Toch bereikt.",
        )
    assert overdue() == 5
    assert SupportRequest.objects.open().count() == 5


def test_a_request_whose_help_goes_on_in_a_trajectory_is_not_reopened(client, team_lead, beijum):
    from tests.factories import TriageFactory, make_trajectory
    from trajectories import services as trajectory_services

    support_request = SupportRequestFactory(team=beijum, closed=True)
    trajectory = make_trajectory(triage=TriageFactory(support_request=support_request))
    client.force_login(team_lead)
    detail = client.get(f"/aanmeldingen/{support_request.pk}/").content.decode()
    assert "De hulp loopt door in een traject" in detail
    url = f"/aanmeldingen/{support_request.pk}/heropenen/"
    assert client.post(url, {"version": 1, "reason": "Per ongeluk."}).status_code == 403
    support_request.refresh_from_db()
    assert support_request.status == "closed"
    # Once the trajectory has ended, the request can be reopened again.
    trajectory_services.trajectory_end(
        trajectory_id=trajectory.pk,
        expected_version=trajectory.version,
        ended_on=trajectory.triage.held_on,
        end_reason="31",
        goals_reached="fully",
        user=team_lead,
    )
    assert client.post(url, {"version": 1, "reason": "Vraag speelt weer."}).status_code == 302
