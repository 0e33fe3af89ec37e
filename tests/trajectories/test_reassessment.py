"""Re-assessment (herbeoordeling, seed 004 q7) through its pages: the family's question
by any WIJ worker who sees the trajectory; the investigation, its outcome (after a look),
the sharing and the beschikking by a worker with access tasks only; bad input."""

import datetime

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.template.loader import render_to_string

from audit.models import AccessLogEntry
from intake.models import TeamMember
from samen import roles
from tests.factories import TeamFactory, UserFactory, make_trajectory
from trajectories import services
from trajectories.models import Reassessment
from triage.models import Beschikking

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 20, 10, 0, tzinfo=datetime.UTC)
TODAY = datetime.date(2026, 11, 20)


@pytest.fixture(autouse=True)
def pinned():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def assessor(beijum):
    """A WIJ worker with access tasks: the permission given to this user only."""
    user = UserFactory(role=roles.WIJ_STAFF, username="toegang", first_name="Noor")
    TeamMember.objects.create(user=user, team=beijum)
    user.user_permissions.add(Permission.objects.get(codename="assess_access"))
    return user


@pytest.fixture
def trajectory(intake_worker, beijum):
    return make_trajectory(
        coach=intake_worker,
        status="active",
        support_request__team=beijum,
        support_request__received_at=NOW - datetime.timedelta(days=60),
        held_on=TODAY - datetime.timedelta(days=50),
    )


def ask(client, trajectory, **data):
    return client.post(
        f"/trajecten/{trajectory.pk}/herbeoordeling/",
        {"asked_on": "2026-11-10", "family_concern": "Het past niet meer bij ons.", **data},
    )


def asked(trajectory, user) -> Reassessment:
    return services.reassessment_ask(
        trajectory_id=trajectory.pk,
        asked_on=datetime.date(2026, 11, 10),
        family_concern="Het past niet meer.",
        user=user,
    )


def record(client, reassessment, step, **data):
    return client.post(
        f"/trajecten/herbeoordelingen/{reassessment.pk}/uitkomst/",
        {
            "investigated_on": "2026-11-15",
            "investigation": "Gesprek met gezin en school.",
            "outcome": "basis_again",
            "step": step,
            **data,
        },
    )


def recorded(reassessment, user, outcome="basis_again") -> Reassessment:
    return services.reassessment_record(
        reassessment_id=reassessment.pk,
        investigated_on=datetime.date(2026, 11, 15),
        investigation="Gesprek.",
        outcome=outcome,
        user=user,
    )


def share(client, reassessment, agrees="yes", shared_on="2026-11-18", step="confirm"):
    return client.post(
        f"/trajecten/herbeoordelingen/{reassessment.pk}/gedeeld/",
        {"shared_on": shared_on, "family_agrees": agrees, "step": step},
    )


def test_any_worker_who_sees_the_trajectory_records_the_family_s_question(
    client, intake_worker, trajectory
):
    client.force_login(intake_worker)
    form = client.get(f"/trajecten/{trajectory.pk}/herbeoordeling/")
    assert form.status_code == 200
    assert "De familie vindt dat de hulp niet (meer) past" in form.content.decode()
    response = ask(client, trajectory)
    reassessment = Reassessment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/trajecten/herbeoordelingen/{reassessment.pk}/"
    assert reassessment.asked_on == datetime.date(2026, 11, 10)
    assert reassessment.family_concern == "Het past niet meer bij ons."
    entry = AccessLogEntry.objects.get(event="create", part="reassessment")
    assert entry.client_ids == [trajectory.children.get().client_id]
    # Without access tasks the worker sees the question but no investigation form.
    page = client.get(response["Location"]).content.decode()
    assert "Het past niet meer bij ons." in page
    assert "Nog niet onderzocht" in page
    assert 'name="investigation"' not in page
    assert record(client, reassessment, "confirm").status_code == 403
    reassessment.refresh_from_db()
    assert reassessment.outcome == ""


def test_the_outcome_is_recorded_only_after_a_look(client, assessor, trajectory):
    reassessment = asked(trajectory, assessor)
    client.force_login(assessor)
    page = client.get(f"/trajecten/herbeoordelingen/{reassessment.pk}/").content.decode()
    assert 'name="investigation"' in page
    preview = record(client, reassessment, "preview", outcome="individual_provision")
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "De uitkomst vastleggen?" in html
    assert "er volgt een beschikking" in html.lower()
    reassessment.refresh_from_db()
    assert reassessment.outcome == ""
    back = record(client, reassessment, "edit", investigation="Aangepast onderzoek.")
    assert "Aangepast onderzoek." in back.content.decode()
    reassessment.refresh_from_db()
    assert reassessment.outcome == ""
    done = record(client, reassessment, "confirm", outcome="individual_provision")
    assert done.status_code == 302
    reassessment.refresh_from_db()
    assert reassessment.outcome == "individual_provision"
    assert reassessment.investigated_by == assessor
    assert reassessment.investigated_on == datetime.date(2026, 11, 15)
    # Recorded once: a second tab is refused, the outcome stays.
    for step in ("preview", "confirm"):
        again = record(client, reassessment, step, outcome="basis_again")
        assert again.status_code == 400
        assert "al vastgelegd" in again.content.decode()
    reassessment.refresh_from_db()
    assert reassessment.outcome == "individual_provision"


@pytest.mark.parametrize(
    ("outcome", "agrees", "prompted"),
    [
        ("individual_provision", "yes", True),
        ("individual_provision", "no", True),
        ("basis_again", "no", True),
        ("basis_again", "yes", False),
    ],
)
def test_the_beschikking_is_prompted_when_one_follows(
    client, assessor, trajectory, outcome, agrees, prompted
):
    reassessment = recorded(asked(trajectory, assessor), assessor, outcome)
    client.force_login(assessor)
    response = share(client, reassessment, agrees)
    assert response.status_code == 302
    reassessment.refresh_from_db()
    assert reassessment.shared_on == datetime.date(2026, 11, 18)
    assert reassessment.family_agrees is (agrees == "yes")
    page = client.get(response["Location"]).content.decode()
    request_id = trajectory.triage.support_request_id
    assert (f'href="/aanmeldingen/{request_id}/beschikking/"' in page) is prompted
    assert ("Beschikking aanvragen" in page) is prompted


def test_the_requested_beschikking_is_linked_to_the_re_assessment(client, assessor, trajectory):
    reassessment = recorded(asked(trajectory, assessor), assessor, "individual_provision")
    client.force_login(assessor)
    share(client, reassessment)
    request_id = trajectory.triage.support_request_id
    # The existing beschikking page of the trajectory's request.
    made = client.post(
        f"/aanmeldingen/{request_id}/beschikking/",
        {
            "requested_on": "2026-11-19",
            "request_reason": "Herbeoordeling: individuele voorziening nodig.",
            "addressee": "Fam. Jansen",
            "address": "Beijumerweg 1\n9735 AB Groningen",
        },
    )
    assert made.status_code == 302
    beschikking = Beschikking.objects.get()
    page = client.get(f"/trajecten/herbeoordelingen/{reassessment.pk}/").content.decode()
    assert f'<option value="{beschikking.pk}"' in page
    other = Beschikking.objects.create(
        support_request=make_trajectory().triage.support_request,
        request_reason="x",
        addressee="x",
        address="x",
    )
    url = f"/trajecten/herbeoordelingen/{reassessment.pk}/beschikking/"
    for bad in (str(other.pk), "", "abc", str(10**20)):
        refused = client.post(url, {"beschikking": bad})
        assert refused.status_code == 400, bad
    reassessment.refresh_from_db()
    assert reassessment.beschikking is None
    assert client.post(url, {"beschikking": beschikking.pk}).status_code == 302
    reassessment.refresh_from_db()
    assert reassessment.beschikking == beschikking
    page = client.get(f"/trajecten/herbeoordelingen/{reassessment.pk}/").content.decode()
    assert f'href="/beschikkingen/{beschikking.pk}/"' in page
    assert client.post(url, {"beschikking": beschikking.pk}).status_code == 400


def test_the_trajectory_page_include_lists_the_re_assessments(assessor, trajectory):
    first = recorded(asked(trajectory, assessor), assessor, "basis_again")
    services.reassessment_share(
        reassessment_id=first.pk,
        shared_on=datetime.date(2026, 11, 18),
        family_agrees=False,
        user=assessor,
    )
    second = asked(trajectory, assessor)
    html = render_to_string("trajectories/partials/reassessments.html", {"trajectory": trajectory})
    assert f'href="/trajecten/herbeoordelingen/{first.pk}/"' in html
    assert f'href="/trajecten/herbeoordelingen/{second.pk}/"' in html
    assert "beschikking nodig" in html
    assert "wordt onderzocht" in html
    assert f'href="/trajecten/{trajectory.pk}/herbeoordeling/"' in html


# Bad input: a clear Dutch message, nothing saved, never a 500.


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"asked_on": "2026-11-21"}, "toekomst"),
        ({"asked_on": "9999-12-31"}, ""),
        ({"asked_on": "2026-09-01"}, "vóór de triage"),
        ({"asked_on": ""}, ""),
        ({"family_concern": ""}, ""),
        ({"family_concern": "   "}, ""),
        ({"family_concern": "x" * 20000}, ""),
        ({"family_concern": "a\x00b"}, ""),
        ({"asked_on": "31-02-2026"}, ""),
    ],
)
def test_a_bad_question_is_refused_with_a_message(client, intake_worker, trajectory, data, message):
    client.force_login(intake_worker)
    response = ask(client, trajectory, **data)
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.content.decode() or "errorlist" in (
        response.content.decode()
    )
    if message:
        assert message in response.content.decode()
    assert not Reassessment.objects.exists()


def test_one_open_question_at_a_time_and_none_on_an_ended_trajectory(
    client, intake_worker, trajectory
):
    client.force_login(intake_worker)
    ask(client, trajectory)
    second = ask(client, trajectory, family_concern="Nog een vraag.")
    assert second.status_code == 400
    assert "wordt nog onderzocht" in second.content.decode()
    assert Reassessment.objects.count() == 1
    ended = services.trajectory_end(
        trajectory_id=trajectory.pk,
        expected_version=trajectory.version,
        ended_on=TODAY,
        end_reason="31",
        goals_reached="partly",
        user=intake_worker,
    )
    Reassessment.objects.update(
        outcome="basis_again",
        investigated_by=intake_worker,
        investigated_on=TODAY,
        investigation="x",
    )
    refused = ask(client, ended)
    assert refused.status_code == 400
    assert "Deze hulp is beëindigd" in refused.content.decode()
    shown = client.get(f"/trajecten/{ended.pk}/herbeoordeling/")
    assert shown.status_code == 200
    assert "Deze hulp is beëindigd" in shown.content.decode()
    assert Reassessment.objects.count() == 1


@pytest.mark.parametrize(
    "data",
    [
        {"investigated_on": "2026-11-01"},  # before the family asked
        {"investigated_on": "2026-11-21"},  # in the future
        {"investigated_on": "9999-01-01"},
        {"outcome": "something"},
        {"outcome": ""},
        {"investigation": ""},
        {"investigation": "x\x00"},
    ],
)
def test_a_bad_outcome_is_refused(client, assessor, trajectory, data):
    reassessment = asked(trajectory, assessor)
    client.force_login(assessor)
    for step in ("preview", "confirm"):
        response = record(client, reassessment, step, **data)
        assert response.status_code == 400, (step, data)
    reassessment.refresh_from_db()
    assert reassessment.outcome == ""


def test_a_bad_sharing_is_refused(client, assessor, trajectory):
    reassessment = asked(trajectory, assessor)
    client.force_login(assessor)
    # Before the outcome is recorded.
    assert share(client, reassessment).status_code == 400
    recorded(reassessment, assessor)
    for shared_on, agrees in [
        ("2026-11-14", "yes"),  # before the investigation
        ("2026-11-21", "yes"),  # future
        ("", "yes"),
        ("2026-11-18", "maybe"),
        ("2026-11-18", ""),
    ]:
        assert share(client, reassessment, agrees, shared_on).status_code == 400
    reassessment.refresh_from_db()
    assert reassessment.shared_on is None and reassessment.family_agrees is None


# Who may


def test_a_worker_of_another_team_gets_404_and_the_attempt_is_logged(client, trajectory):
    stranger = UserFactory(role=roles.WIJ_STAFF)
    TeamMember.objects.create(user=stranger, team=TeamFactory(name="WIJ Haren"))
    stranger.user_permissions.add(Permission.objects.get(codename="assess_access"))
    reassessment = asked(trajectory, trajectory.coaches.get().coach)
    client.force_login(stranger)
    assert ask(client, trajectory).status_code == 404
    assert client.get(f"/trajecten/herbeoordelingen/{reassessment.pk}/").status_code == 404
    assert record(client, reassessment, "confirm").status_code == 404
    assert AccessLogEntry.objects.filter(outcome="refused").count() >= 2
    assert Reassessment.objects.get().outcome == ""


@pytest.mark.parametrize("pk", ["0", str(2**31), str(10**20)])
def test_unknown_ids_are_404(client, intake_worker, pk):
    client.force_login(intake_worker)
    assert client.get(f"/trajecten/{pk}/herbeoordeling/").status_code == 404
    assert client.get(f"/trajecten/herbeoordelingen/{pk}/").status_code == 404


def test_other_roles_are_refused(client, trajectory, official, provider_user, outsider):
    reassessment = asked(trajectory, trajectory.coaches.get().coach)
    # An official with the permission still is no WIJ worker.
    official.user_permissions.add(Permission.objects.get(codename="assess_access"))
    for user in (official, provider_user, outsider):
        client.force_login(user)
        assert client.get(f"/trajecten/{trajectory.pk}/herbeoordeling/").status_code == 403
        assert client.get(f"/trajecten/herbeoordelingen/{reassessment.pk}/").status_code == 403
        assert record(client, reassessment, "confirm").status_code == 403
    assert Reassessment.objects.get().outcome == ""


def test_a_superuser_grants_the_permission_per_user_in_the_admin(client, intake_worker):
    superuser = UserFactory(username="beheer", is_staff=True, is_superuser=True)
    permission = Permission.objects.get(codename="assess_access")
    client.force_login(superuser)
    page = client.get(f"/admin/auth/user/{intake_worker.pk}/change/")
    assert page.status_code == 200
    assert f'<option value="{permission.pk}"' in page.content.decode()
    response = client.post(
        f"/admin/auth/user/{intake_worker.pk}/change/",
        {
            "username": intake_worker.username,
            "first_name": intake_worker.first_name,
            "last_name": intake_worker.last_name,
            "email": intake_worker.email,
            "is_active": "on",
            "groups": [g.pk for g in intake_worker.groups.all()],
            "user_permissions": [permission.pk],
            "date_joined_0": "2026-01-01",
            "date_joined_1": "09:00:00",
            "initial-date_joined_0": "2026-01-01",
            "initial-date_joined_1": "09:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    intake_worker.refresh_from_db()
    assert services.may_assess(type(intake_worker).objects.get(pk=intake_worker.pk))


def test_a_read_is_logged_only_for_the_children_the_reader_may_see(client, assessor, beijum):
    from tests.factories import ClientFactory, SupportRequestFactory, TeamFactory, TriageFactory

    seen = ClientFactory(team=beijum)
    elsewhere = ClientFactory(team=TeamFactory(name="WIJ Selwerd"))
    request = SupportRequestFactory(
        team=TeamFactory(name="WIJ Selwerd"),
        clients=[seen, elsewhere],
        received_at=NOW - datetime.timedelta(days=60),
    )
    trajectory = make_trajectory(
        triage=TriageFactory(support_request=request, held_on=TODAY - datetime.timedelta(days=50)),
        status="active",
    )
    reassessment = asked(trajectory, assessor)
    client.force_login(assessor)
    assert client.get(f"/trajecten/herbeoordelingen/{reassessment.pk}/").status_code == 200
    entry = AccessLogEntry.objects.filter(event="read", part="reassessment").latest("pk")
    assert entry.client_ids == [seen.pk]
