"""The start page per role: the numbers of one's own work, only over what one may see, in a
fixed number of queries, each linking to its list; and Mijn team's filters, counts and
pages, with bad filter values answered in Dutch."""

import datetime
import re

import pytest
import time_machine
from django.utils.html import escape

from audit.models import AccessLogEntry
from indications import services as indication_services
from intake.models import Team, TeamMember, WorkerChangeRequest
from intake.selectors import request_counts, workload_per_worker
from referrals.models import Product
from samen import roles
from tests.factories import (
    IndicationFactory,
    SupportRequestFactory,
    TeamFactory,
    TriageFactory,
    UserFactory,
)
from triage.models import ConversationReport, CorrectionRequest, OpenHouseException

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 12, 10, 10, 0, tzinfo=datetime.UTC)  # a Thursday


def requests_of(team, worker, n):
    """n open requests: a third overdue, a third due this week, a third later."""
    made = []
    for i in range(n):
        days = (14, 0, -10)[i % 3]
        made.append(
            SupportRequestFactory(
                team=team,
                assigned_worker=worker,
                received_at=NOW - datetime.timedelta(days=days),
                contact_deadline=(NOW - datetime.timedelta(days=days - 5)).date()
                if days != 0
                else datetime.date(2026, 12, 12),
            )
        )
    return made


@pytest.fixture
def selwerd_request(db):
    """Another team's overdue, unassigned request: nobody of Beijum counts it."""
    return SupportRequestFactory(team=TeamFactory(name="WIJ Selwerd"), overdue=True)


@time_machine.travel(NOW)
@pytest.mark.parametrize("n", [1, 9])
def test_a_workers_start_page_counts_their_own_work(
    client, intake_worker, team_lead, beijum, selwerd_request, n, django_assert_num_queries
):
    requests_of(beijum, intake_worker, n)
    requests_of(beijum, team_lead, 2)  # a colleague's: not mine
    SupportRequestFactory(team=beijum, assigned_worker=intake_worker, closed=True)
    indication = IndicationFactory(client__team=beijum, end_on=datetime.date(2027, 1, 31))
    # Another team's indication: its tasks are not this worker's.
    IndicationFactory(client__team=selwerd_request.team, end_on=datetime.date(2027, 1, 31))
    # The jobs make the tasks: plan the triage (due at the end), evaluation overdue (today).
    indication_services.indications_flag_expiring(on_date=NOW.date())
    indication_services.indications_check_evaluations(on_date=NOW.date())
    client.force_login(intake_worker)
    client.get("/")  # the session's first request loads what is cached per session
    with django_assert_num_queries(QUERIES_WORKER):
        html = client.get("/").content.decode()
    mine, tasks = html.split('id="tasks-h"')
    overdue = len(range(0, n, 3))
    assert f"<strong>{overdue}</strong> te laat" in mine
    assert f"<strong>{len(range(1, n, 3))}</strong> contact deze week" in mine
    assert f"<strong>{n}</strong> open in totaal" in mine
    assert f"/aanmeldingen/?worker={intake_worker.pk}&amp;overdue=on" in mine
    assert "<strong>1</strong> deze week" in tasks and "<strong>2</strong> open in totaal" in tasks
    assert escape(indication.client.full_name) in tasks and "?terug=start" in tasks
    assert escape(selwerd_request.clients.get().full_name) not in html
    assert AccessLogEntry.objects.filter(part="start page").exists()


# +1 each: the running trajectories coached (worker), the team's waiting list (lead);
# +2 each: whether the user has access tasks (the user's and the groups' permissions).
# +1 (lead): the families' open requests about the children of their teams (rights/).
# +1 (worker): the open tasks' page ids before their rows (indications.selectors.open_tasks).
# The user's groups and teams come with the user (accounts.backends.signed_in_user).
QUERIES_WORKER = 15
QUERIES_LEAD = 12


@time_machine.travel(NOW)
@pytest.mark.parametrize("n", [1, 9])
def test_a_team_leads_start_page_shows_the_decisions_waiting(
    client, intake_worker, team_lead, beijum, selwerd_request, n, django_assert_num_queries
):
    made = requests_of(beijum, intake_worker, n)
    requests_of(beijum, None, 2)
    for req in made:
        WorkerChangeRequest.objects.create(
            support_request=req, reason="no_click", previous_worker=intake_worker
        )
    # Selwerd's family also asks for another worker: not this lead's decision.
    WorkerChangeRequest.objects.create(support_request=selwerd_request, reason="gender")
    OpenHouseException.objects.create(
        triage=TriageFactory(support_request=made[0]),
        product=Product.objects.get(code="45A51"),
        approval="pending",
    )
    client.force_login(team_lead)
    client.get("/")
    with django_assert_num_queries(QUERIES_LEAD):
        html = client.get("/").content.decode()
    assert "Beslissingen die wachten" in html
    assert html.count("Beslissen over aanvraag #") == n
    assert f"/aanmeldingen/{made[0].pk}/#worker-h" in html
    assert f"aanvraag #{selwerd_request.pk}" not in html
    assert f"Aanvraag #{made[0].pk}</a> · 45A51" in html  # the exception, read-only
    assert "<strong>2</strong> niet toegewezen" in html
    assert f"/werk/team/?worker={intake_worker.pk}&amp;overdue=on" in html
    # No child's name on the lead's start page.
    assert escape(made[0].clients.get().last_name) not in html


@time_machine.travel(NOW)
def test_counts_and_workload_selectors(beijum, intake_worker, team_lead, django_assert_num_queries):
    requests_of(beijum, intake_worker, 6)
    requests_of(beijum, None, 3)
    from intake.models import SupportRequest

    team = SupportRequest.objects.filter(team=beijum)
    with django_assert_num_queries(1):
        counts = request_counts(team, NOW.date())
    assert counts == {
        "total": 9,
        "overdue": 3,
        "due_this_week": 3,
        "unassigned": 3,
        "in_triage": 0,
    }
    with django_assert_num_queries(1):
        rows = workload_per_worker(team, NOW.date())
    assert [(r["worker_id"], r["open"], r["overdue"]) for r in rows] == [
        (intake_worker.pk, 6, 2),
        (None, 3, 1),
    ]


@time_machine.travel(NOW)
def test_a_worker_sees_their_pending_corrections(client, intake_worker, beijum):
    req = SupportRequestFactory(team=beijum, assigned_worker=intake_worker)
    report = ConversationReport.objects.create(
        support_request=req, author=intake_worker, text="Gesprek."
    )
    CorrectionRequest.objects.create(report=report, kind="correction", family_text="Fout.")
    client.force_login(intake_worker)
    html = client.get("/").content.decode()
    assert "Correcties gevraagd door gezinnen" in html and f"/verslagen/{report.pk}/" in html


@time_machine.travel(NOW)
@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (
            roles.OFFICIAL,
            ["Open House-uitzonderingen", "verlengingsverzoeken", "/indicaties/aflopend/"],
        ),
        (roles.YOUTH_ADMIN, ["verlengingsverzoeken", "/jeugdadministratie/"]),
        (roles.PRIVACY, ["geweigerde pogingen", "/toegangslog/?refused=on&amp;since=2026-12-03"]),
    ],
)
def test_the_back_office_roles_see_counts_without_children(
    client, beijum, selwerd_request, role, expected, django_assert_max_num_queries
):
    user = UserFactory(role=role, is_staff=role == roles.OFFICIAL)
    client.force_login(user)
    client.get("/")
    with django_assert_max_num_queries(12):
        response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    for text in expected:
        assert text in html
    assert escape(selwerd_request.clients.get().last_name) not in html
    assert "Alles wat u kunt doen" in html  # the menu stays


def test_a_provider_starts_in_the_portal_and_an_outsider_sees_no_numbers(
    client, provider_user, outsider, selwerd_request
):
    client.force_login(provider_user)
    assert client.get("/")["Location"] == "/portaal/"
    client.force_login(outsider)
    html = client.get("/").content.decode()
    assert "nog geen rol" in html and "<strong>" not in html


# --- Mijn team ---------------------------------------------------------------------------


@time_machine.travel(NOW)
def test_mijn_team_filters_counts_and_pages(client, intake_worker, team_lead, beijum, settings):
    from intake import views

    made = requests_of(beijum, intake_worker, 6)
    requests_of(beijum, None, 3)
    client.force_login(team_lead)
    html = client.get("/werk/team/").content.decode()
    assert "<title>Mijn team" in html and "<strong>9</strong> open" in html
    assert f'<option value="{intake_worker.pk}">Ilse' in html and "(6)" in html
    html = client.get(f"/werk/team/?worker={intake_worker.pk}&overdue=on").content.decode()
    assert html.count("samen-row--overdue") == 2
    assert f"#{made[0].pk} " in html and f"#{made[1].pk} " not in html
    html = client.get("/werk/team/?worker=geen").content.decode()
    assert len(re.findall(r'href="/aanmeldingen/\d+/"', html)) == 3
    # Pages keep the filter.
    views.PAGE_SIZE = 2
    try:
        html = client.get(f"/werk/team/?worker={intake_worker.pk}").content.decode()
        assert f'href="?worker={intake_worker.pk}&amp;page=2"' in html
        html = client.get(f"/werk/team/?worker={intake_worker.pk}&page=3").content.decode()
        assert "Vorige pagina" in html and "Volgende pagina" not in html
    finally:
        views.PAGE_SIZE = 50


@time_machine.travel(NOW)
@pytest.mark.parametrize(
    "query",
    [
        "worker=999999",
        "worker=abc",
        "worker=1%00",
        "worker=99999999999999999999999999",
        "status=closed",
        "status=%00",
        "page=99999999999999999",
        "overdue=%00",
    ],
)
def test_mijn_team_answers_bad_filters_in_dutch(client, team_lead, intake_worker, beijum, query):
    requests_of(beijum, intake_worker, 2)
    client.force_login(team_lead)
    response = client.get(f"/werk/team/?{query}")
    html = response.content.decode()
    if "%00" in query:  # a NUL byte: the project's Dutch 400 page, before any view
        assert response.status_code == 400 and "Er klopt iets niet in het verzoek" in html
        return
    assert response.status_code == 200
    if query.startswith(("worker", "status=")):
        assert "Een filter klopt niet" in html
    assert "<strong>2</strong> open" in html


@time_machine.travel(NOW)
@pytest.mark.parametrize("n", [1, 12])
def test_mijn_team_runs_a_fixed_number_of_queries(
    client, team_lead, intake_worker, beijum, n, django_assert_num_queries
):
    requests_of(beijum, intake_worker, n)
    client.force_login(team_lead)
    client.get("/werk/team/")
    with django_assert_num_queries(QUERIES_TEAM):
        client.get(f"/werk/team/?worker={intake_worker.pk}&status=registered")


# The user's groups and teams come with the user (accounts.backends.signed_in_user).
QUERIES_TEAM = 12


@pytest.mark.parametrize("persona", ["intake_worker", "official", "provider_user", "outsider"])
def test_only_team_leads_open_mijn_team(client, request, persona, beijum):
    req = SupportRequestFactory(team=beijum)
    client.force_login(request.getfixturevalue(persona))
    response = client.get("/werk/team/?overdue=on")
    assert response.status_code == 403
    assert escape(req.clients.get().last_name) not in response.content.decode()


def test_a_lead_of_two_teams_sees_both_and_nothing_else(client, beijum):
    lead = UserFactory(role=roles.TEAM_LEAD)
    other = Team.objects.create(name="WIJ Lewenborg")
    for team in (beijum, other):
        TeamMember.objects.create(user=lead, team=team)
    a = SupportRequestFactory(team=beijum)
    b = SupportRequestFactory(team=other)
    c = SupportRequestFactory(team=TeamFactory(name="WIJ Hoogkerk"))
    client.force_login(lead)
    html = client.get("/werk/team/").content.decode()
    assert f"#{a.pk} " in html and f"#{b.pk} " in html and f"#{c.pk} " not in html


def test_a_worker_with_access_tasks_sees_the_re_assessments_to_investigate(
    client, intake_worker, beijum
):
    from django.contrib.auth.models import Permission

    from tests.factories import make_trajectory
    from trajectories import services

    trajectory = make_trajectory(status="active", support_request__team=beijum)
    services.reassessment_ask(
        trajectory_id=trajectory.pk,
        asked_on=trajectory.started_on,
        family_concern="Het gezin vindt de hulp te licht.",
        user=intake_worker,
    )
    client.force_login(intake_worker)
    assert "Herbeoordelingen om te onderzoeken" not in client.get("/").content.decode()
    intake_worker.user_permissions.add(Permission.objects.get(codename="assess_access"))
    page = client.get("/").content.decode()
    assert "Herbeoordelingen om te onderzoeken" in page
    assert f"Traject {trajectory.pk}: het gezin vroeg op" in page
