"""The support plan (ondersteuningsplan): through its pages and its services."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessLogEntry
from indications.models import Task
from openhouse.models import ProviderMembership
from plans import services
from plans.models import Agreement, PlanVersion, SupportPlan
from plans.selectors import plan_status_for
from plans.services import Item
from samen import roles
from samen.workdays import add_working_days
from tests.factories import (
    IndicationFactory,
    ProviderFactory,
    TriageFactory,
    UserFactory,
    make_trajectory,
)
from trajectories.services import trajectory_end

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 2, 10, 0, tzinfo=datetime.UTC)  # a Monday
START = datetime.date(2026, 10, 1)


def _goal(text="Rust in huis", domain="upbringing", pk=None, delete=False, **extra):
    values = {"domain": domain, "text": text, "child_id": None, "child_view": ""}
    values.update(extra)
    return Item(pk=pk, values=values, delete=delete)


def _agreement(text="Wij bellen wekelijks", party="wij", provider=None, pk=None, **extra):
    values = {
        "party": party,
        "provider_id": provider.pk if provider else None,
        "text": text,
        "is_safety": False,
        "shared_with_provider": False,
    }
    values.update(extra)
    return Item(pk=pk, values=values)


def _active(**triage_kwargs):
    triage = TriageFactory(
        held_on=START - datetime.timedelta(days=3),
        support_request__received_at=datetime.datetime(2026, 9, 20, 10, tzinfo=datetime.UTC),
        **triage_kwargs,
    )
    trajectory = make_trajectory(triage=triage, status="active", started_on=START)
    coach = trajectory.coaches.get().coach
    return trajectory, coach


def _formset_post(goals, agreements, version=""):
    """The edit form as a browser posts it (management forms and rows)."""
    data = {
        "version": version,
        "goal-TOTAL_FORMS": str(len(goals)),
        "goal-INITIAL_FORMS": "0",
        "agreement-TOTAL_FORMS": str(len(agreements)),
        "agreement-INITIAL_FORMS": "0",
    }
    for i, row in enumerate(goals):
        data.update({f"goal-{i}-{k}": v for k, v in row.items()})
    for i, row in enumerate(agreements):
        data.update({f"agreement-{i}-{k}": v for k, v in row.items()})
    return data


@time_machine.travel(NOW)
def test_a_plan_without_goals_is_refused_with_a_dutch_message_and_nothing_typed_is_lost(client):
    trajectory, coach = _active()
    client.force_login(coach)
    url = reverse("plans:edit", args=[trajectory.household_id])
    data = _formset_post(
        goals=[{"domain": "", "text": ""}],
        agreements=[{"party": "family", "text": "Moeder belt school"}],
    )
    response = client.post(url, data)
    assert response.status_code == 400
    content = response.content.decode()
    assert "minstens één doel" in content
    assert "Moeder belt school" in content  # what was typed comes back
    assert not SupportPlan.objects.exists()


@time_machine.travel(NOW)
def test_saving_through_the_page_makes_version_one_and_the_page_shows_it(
    client, django_assert_max_num_queries
):
    trajectory, coach = _active()
    client.force_login(coach)
    url = reverse("plans:edit", args=[trajectory.household_id])
    data = _formset_post(
        goals=[{"domain": "school", "text": "Elke dag naar school", "child_view": "Ik wil wel"}],
        agreements=[{"party": "family", "text": "Vader brengt hem"}],
    )
    response = client.post(url, data)
    assert response.status_code == 302
    plan = SupportPlan.objects.get()
    assert plan.trajectory == trajectory
    version = plan.versions.get()
    assert version.number == 1
    assert "Doel toegevoegd" in version.changes and "Elke dag naar school" in version.changes
    # More goals and versions do not make more queries.
    for n in range(3):
        services.plan_save(
            household=plan.household,
            goals=[_goal(f"Doel {n}")],
            agreements=[],
            user=coach,
            expected_version=SupportPlan.objects.get().version,
        )
    with django_assert_max_num_queries(20):
        response = client.get(reverse("plans:detail", args=[trajectory.household_id]))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Elke dag naar school" in content and "Ik wil wel" in content
    assert AccessLogEntry.objects.filter(part="support plan").exists()


@time_machine.travel(NOW)
def test_the_plan_sets_its_first_evaluation_date_and_a_change_of_it_is_a_version(client):
    trajectory, coach = _active()
    client.force_login(coach)
    url = reverse("plans:edit", args=[trajectory.household_id])
    data = _formset_post(
        goals=[{"domain": "school", "text": "Elke dag naar school", "child_view": ""}],
        agreements=[],
    )
    past = (NOW.date() - datetime.timedelta(days=1)).isoformat()
    response = client.post(url, {**data, "next_evaluation_on": past})
    assert response.status_code == 400 or "verleden" in response.content.decode()
    assert not SupportPlan.objects.exists()
    planned = NOW.date() + datetime.timedelta(days=42)
    assert client.post(url, {**data, "next_evaluation_on": planned.isoformat()}).status_code == 302
    plan = SupportPlan.objects.get()
    assert plan.next_evaluation_on == planned
    assert f"Volgende evaluatie: {planned:%d-%m-%Y}" in plan.versions.get().changes
    # Only the date changed: a new version saying so.
    later = planned + datetime.timedelta(days=14)
    form = client.get(url).content.decode()
    assert planned.isoformat() in form  # the form shows the planned date
    goal = plan.goals.get()
    again = _formset_post(
        goals=[{"id": goal.pk, "domain": "school", "text": "Elke dag naar school"}],
        agreements=[],
    )
    again["goal-INITIAL_FORMS"] = "1"
    response = client.post(
        url, {**again, "version": plan.version, "next_evaluation_on": later.isoformat()}
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.next_evaluation_on == later and plan.versions.count() == 2


@time_machine.travel(NOW)
def test_versions_say_in_words_what_was_added_changed_and_removed():
    trajectory, coach = _active()
    household = trajectory.household
    services.plan_save(
        household=household,
        goals=[_goal("Rust in huis"), _goal("Naar school", domain="school")],
        agreements=[_agreement("WIJ belt wekelijks")],
        user=coach,
        expected_version=None,
    )
    plan = SupportPlan.objects.get()
    rest, school = plan.goals.order_by("id")
    call = plan.agreements.get()
    v2 = services.plan_save(
        household=household,
        goals=[
            _goal("Rust in huis, ook 's avonds", pk=rest.pk),
            _goal("Naar school", domain="school", pk=school.pk, delete=True),
        ],
        agreements=[
            _agreement("WIJ belt wekelijks", pk=call.pk),
            _agreement("Oma past op", "network"),
        ],
        user=coach,
        expected_version=plan.version,
    )
    assert v2.number == 2
    assert "Doel gewijzigd" in v2.changes and "ook 's avonds" in v2.changes
    assert "Doel verwijderd" in v2.changes and "Naar school" in v2.changes
    assert "Afspraak toegevoegd" in v2.changes and "Oma past op" in v2.changes
    assert "WIJ belt" not in v2.changes  # unchanged: not mentioned
    # The older version keeps the plan as it was.
    v1 = plan.versions.get(number=1)
    assert sorted(g["text"] for g in v1.snapshot["goals"]) == ["Naar school", "Rust in huis"]
    # A save over someone else's is refused.
    with pytest.raises(ValidationError):
        services.plan_save(
            household=household,
            goals=[_goal("x")],
            agreements=[],
            user=coach,
            expected_version=plan.version,
        )


@time_machine.travel(NOW)
def test_a_version_is_agreed_once_after_a_look(client):
    trajectory, coach = _active()
    version = services.plan_save(
        household=trajectory.household,
        goals=[_goal()],
        agreements=[],
        user=coach,
        expected_version=None,
    )
    client.force_login(coach)
    url = reverse("plans:agree", args=[trajectory.household_id, version.number])
    dates = {"shown_on": "2026-11-02", "agreed_on": "2026-11-02"}
    response = client.post(url, dates)
    assert response.status_code == 200
    assert "kan niet worden gewijzigd" in response.content.decode()
    version.refresh_from_db()
    assert version.agreed_on is None  # the look first
    response = client.post(url, {**dates, "confirm": "1"})
    assert response.status_code == 302
    version.refresh_from_db()
    assert version.agreed_on == datetime.date(2026, 11, 2)
    assert version.agreed_recorded_by == coach
    with pytest.raises(ValidationError):
        services.plan_version_agree(
            version_id=version.pk,
            shown_on=datetime.date(2026, 11, 2),
            agreed_on=datetime.date(2026, 11, 2),
            user=coach,
        )
    # A date in the future is a message, not an error page.
    response = client.post(
        reverse("plans:agree", args=[trajectory.household_id, 1]),
        {"shown_on": "9999-12-31", "agreed_on": "x"},
    )
    assert response.status_code in (200, 400)


@time_machine.travel(NOW)
def test_impossible_agreement_dates_are_refused_before_the_look_and_only_the_latest_version(
    client,
):
    trajectory, coach = _active()
    first = services.plan_save(
        household=trajectory.household,
        goals=[_goal()],
        agreements=[],
        user=coach,
        expected_version=None,
    )
    client.force_login(coach)
    url = reverse("plans:agree", args=[trajectory.household_id, first.number])
    tomorrow = (NOW.date() + datetime.timedelta(days=1)).isoformat()
    for dates, message in [
        ({"shown_on": tomorrow, "agreed_on": tomorrow}, "toekomst"),
        ({"shown_on": "2026-11-02", "agreed_on": "2026-11-01"}, "op of na de dag"),
    ]:
        html = client.post(url, dates).content.decode()
        assert message in html, message
        assert "kan niet worden gewijzigd" not in html  # no look at what would be refused
    first.plan.refresh_from_db()
    services.plan_save(
        household=trajectory.household,
        goals=[_goal("Een ander doel")],
        agreements=[],
        user=coach,
        expected_version=first.plan.version,
    )
    html = client.post(url, {"shown_on": "2026-11-02", "agreed_on": "2026-11-02"}).content
    assert "Er is een nieuwere versie van het plan" in html.decode()
    first.refresh_from_db()
    assert first.agreed_on is None


@time_machine.travel(NOW)
def test_an_evaluation_outside_the_trajectory_is_refused_and_one_inside_closes_the_task(client):
    trajectory, coach = _active()
    services.plan_save(
        household=trajectory.household,
        goals=[_goal()],
        agreements=[],
        user=coach,
        expected_version=None,
    )
    plan = SupportPlan.objects.get()
    goal = plan.goals.get()
    client.force_login(coach)
    url = reverse("plans:evaluate", args=[trajectory.household_id])
    base = {"version": plan.version, f"progress_{goal.pk}": "some", f"note_{goal.pk}": "Beter"}
    for day, message in (
        ("2026-09-30", "voor het begin"),
        ("2026-11-03", "toekomst"),
    ):
        response = client.post(url, {**base, "evaluated_on": day})
        assert response.status_code == 400
        assert message in response.content.decode()
    assert not plan.evaluations.exists()
    # The job puts "evaluation due" on the worklist once per date.
    plan.next_evaluation_on = datetime.date(2026, 11, 1)
    plan.save()
    assert services.plans_evaluations_due(on_date=datetime.date(2026, 11, 2)) == {"tasks": 1}
    call_command("plan_evaluations_due", "--date", "2026-11-02")
    task = Task.objects.get(kind=Task.Kind.PLAN_EVALUATION_DUE)
    assert task.trajectory == trajectory and task.assigned_to == coach
    assert task.due_on == datetime.date(2026, 11, 1)
    plan.refresh_from_db()
    response = client.post(
        url,
        {
            **base,
            "version": plan.version,
            "evaluated_on": "2026-11-02",
            "next_evaluation_on": "2027-02-01",
        },
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.next_evaluation_on == datetime.date(2027, 2, 1)
    task.refresh_from_db()
    assert task.done_how == Task.DoneHow.PLAN_EVALUATED and task.done_by == coach
    # One dated before the last evaluation would overwrite the plan's next date: refused.
    plan.refresh_from_db()
    response = client.post(
        url,
        {
            **base,
            "version": plan.version,
            "evaluated_on": "2026-11-01",
            "next_evaluation_on": "2026-11-20",
        },
    )
    assert response.status_code == 400
    assert "vóór de laatste" in response.content.decode()
    plan.refresh_from_db()
    assert plan.next_evaluation_on == datetime.date(2027, 2, 1)
    # After the end: refused.
    ended = trajectory_end(
        trajectory_id=trajectory.pk,
        expected_version=trajectory.__class__.objects.get(pk=trajectory.pk).version,
        ended_on=datetime.date(2026, 11, 2),
        end_reason="31",
        goals_reached="partly",
        user=coach,
    )
    later = datetime.datetime(2026, 11, 10, 10, tzinfo=datetime.UTC)
    with pytest.raises(ValidationError, match="na het einde"), time_machine.travel(later):
        services.plan_evaluate(
            plan_id=plan.pk,
            evaluated_on=datetime.date(2026, 11, 9),
            progress={goal.pk: ("same", "")},
            next_evaluation_on=None,
            user=coach,
            expected_version=plan.version,
        )
    assert ended.status == "ended"


@time_machine.travel(NOW)
def test_the_evaluation_due_job_makes_one_task_per_date():
    trajectory, coach = _active()
    services.plan_save(
        household=trajectory.household,
        goals=[_goal()],
        agreements=[],
        user=coach,
        expected_version=None,
    )
    SupportPlan.objects.update(next_evaluation_on=datetime.date(2026, 10, 30))
    assert services.plans_evaluations_due(on_date=datetime.date(2026, 10, 29))["tasks"] == 0
    assert services.plans_evaluations_due(on_date=datetime.date(2026, 10, 30))["tasks"] == 1
    assert services.plans_evaluations_due(on_date=datetime.date(2026, 10, 31))["tasks"] == 0
    # A new date is a new task.
    SupportPlan.objects.update(next_evaluation_on=datetime.date(2026, 11, 1))
    assert services.plans_evaluations_due(on_date=datetime.date(2026, 11, 2))["tasks"] == 1


@time_machine.travel(NOW)
def test_safety_concerns_put_a_task_on_the_worklist_until_the_plan_has_a_safety_agreement(
    client, team_lead, beijum
):
    triage = TriageFactory(
        safety_concerns=True,
        safety_actions="Veilig Thuis geraadpleegd.",
        support_request__team=beijum,
    )
    trajectory = make_trajectory(triage=triage)
    coach = trajectory.coaches.get().coach
    task = Task.objects.get(trajectory=trajectory, kind=Task.Kind.PLAN_NO_SAFETY)
    assert task.due_on == add_working_days(timezone.localdate(), 5)
    assert task.assigned_to == coach and task.team_id == trajectory.team_id
    # On the coordinator's worklist and the team lead's start page.
    client.force_login(coach)
    response = client.get(reverse("intake:my_work"))
    assert "zonder veiligheidsafspraken" in response.content.decode()
    client.force_login(team_lead)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert response.context["task_counts"]["plan_no_safety"] == 1
    assert "veiligheidsafspraken" in response.content.decode()
    # A plan without a safety agreement leaves it open; one with closes it.
    services.plan_save(
        household=trajectory.household,
        goals=[_goal()],
        agreements=[_agreement()],
        user=coach,
        expected_version=None,
    )
    task.refresh_from_db()
    assert task.done_on is None
    agreement = Agreement.objects.get()
    services.plan_save(
        household=trajectory.household,
        goals=[_goal(pk=SupportPlan.objects.get().goals.get().pk)],
        agreements=[
            _agreement(
                "Vader slaat niet; bij ruzie belt moeder oma", pk=agreement.pk, is_safety=True
            )
        ],
        user=coach,
        expected_version=SupportPlan.objects.get().version,
    )
    task.refresh_from_db()
    assert task.done_how == Task.DoneHow.SAFETY_AGREEMENT
    # The task's own page works for a trajectory task (already done).
    client.force_login(coach)
    assert client.get(reverse("indications:task_complete", args=[task.pk])).status_code == 200


@time_machine.travel(NOW)
def test_no_safety_task_without_safety_concerns_and_ticking_off_a_trajectory_task(client):
    trajectory, coach = _active()
    assert not Task.objects.exists()
    task = Task.objects.create(
        team_id=trajectory.team_id,
        trajectory=trajectory,
        kind=Task.Kind.PLAN_EVALUATION_DUE,
        due_on=datetime.date(2026, 11, 2),
        assigned_to=coach,
    )
    client.force_login(coach)
    url = reverse("indications:task_complete", args=[task.pk])
    response = client.post(url, {"note": "Besproken", "confirm": "1"})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.done_how == Task.DoneHow.BY_HAND
    # An outsider of the team does not see it.
    other = UserFactory(role=roles.WIJ_STAFF)
    assert not Task.objects.visible_to(other).exists()


@time_machine.travel(NOW)
def test_the_portal_shows_a_provider_only_its_own_shared_agreements(client):
    trajectory, coach = _active()
    provider_a, provider_b = ProviderFactory(), ProviderFactory()
    user_a = UserFactory(role=roles.PROVIDER)
    user_b = UserFactory(role=roles.PROVIDER)
    ProviderMembership.objects.create(user=user_a, provider=provider_a)
    ProviderMembership.objects.create(user=user_b, provider=provider_b)
    version = services.plan_save(
        household=trajectory.household,
        goals=[_goal("Geheim doel van het gezin")],
        agreements=[
            _agreement("A geeft gezinstherapie", "provider", provider_a, shared_with_provider=True),
            _agreement("A mag dit niet zien", "provider", provider_a),
            _agreement("WIJ-afspraak", "wij"),
        ],
        user=coach,
        expected_version=None,
    )
    url = reverse("plans:portal_agreements")
    client.force_login(user_a)
    # Not before the family agreed with the version that holds it.
    assert "A geeft gezinstherapie" not in client.get(url).content.decode()
    services.plan_version_agree(
        version_id=version.pk, shown_on=NOW.date(), agreed_on=NOW.date(), user=coach
    )
    content = client.get(url).content.decode()
    assert "A geeft gezinstherapie" in content
    assert "A mag dit niet zien" not in content
    assert "WIJ-afspraak" not in content and "Geheim doel" not in content
    client.force_login(user_b)
    content = client.get(url).content.decode()
    assert "A geeft gezinstherapie" not in content
    assert "Geen afspraken" in content
    # Nor the plan page itself.
    assert client.get(reverse("plans:detail", args=[trajectory.household_id])).status_code in (
        302,
        403,
    )
    IndicationFactory  # noqa: B018 - factories imported for the provider personas


@time_machine.travel(NOW)
def test_plan_status_for_trajectories_and_the_summary_partial():
    trajectory, coach = _active()
    other, _coach = _active()
    assert plan_status_for([trajectory, other]) == {
        trajectory.pk: ("nog geen plan", None),
        other.pk: ("nog geen plan", None),
    }
    version = services.plan_save(
        household=trajectory.household,
        goals=[_goal()],
        agreements=[],
        user=coach,
        expected_version=None,
    )
    services.plan_version_agree(
        version_id=version.pk,
        shown_on=datetime.date(2026, 11, 2),
        agreed_on=datetime.date(2026, 11, 2),
        user=coach,
    )
    status, next_on = plan_status_for([trajectory.pk])[trajectory.pk]
    assert "versie 1" in status and "02-11-2026" in status and next_on is None
    from django.template.loader import render_to_string

    html = render_to_string("trajectories/partials/plan_summary.html", {"trajectory": trajectory})
    assert reverse("plans:detail", args=[trajectory.household_id]) in html
    assert PlanVersion.objects.count() == 1


@time_machine.travel(NOW)
def test_odd_input_gives_no_error_page(client):
    trajectory, coach = _active()
    client.force_login(coach)
    household = trajectory.household_id
    assert client.get(reverse("plans:version", args=[household, 99999999999])).status_code == 404
    assert client.get(f"/gezinnen/{household}/plan/versies/1/").status_code == 404
    response = client.post(
        reverse("plans:edit", args=[household]),
        _formset_post(goals=[{"domain": "school", "text": "a\x00b"}], agreements=[]),
    )
    assert response.status_code == 400
    response = client.post(reverse("plans:edit", args=[household]), {"goal-TOTAL_FORMS": "x"})
    assert response.status_code == 400
    outsider = UserFactory(role=roles.WIJ_STAFF)
    client.force_login(outsider)
    assert client.get(reverse("plans:detail", args=[household])).status_code in (302, 403)


@time_machine.travel(NOW)
def test_the_edit_page_changes_and_removes_rows_and_skips_a_new_row_ticked_delete(client):
    trajectory, coach = _active()
    services.plan_save(
        household=trajectory.household,
        goals=[_goal("Rust in huis"), _goal("Naar school", domain="school")],
        agreements=[_agreement("WIJ belt wekelijks")],
        user=coach,
        expected_version=None,
    )
    plan = SupportPlan.objects.get()
    rest, school = plan.goals.order_by("id")
    call = plan.agreements.get()
    client.force_login(coach)
    url = reverse("plans:edit", args=[trajectory.household_id])
    form = client.get(url)
    assert form.status_code == 200 and "Rust in huis" in form.content.decode()
    data = {
        "version": plan.version,
        "goal-TOTAL_FORMS": "3",
        "goal-INITIAL_FORMS": "2",
        "goal-0-id": rest.pk,
        "goal-0-domain": "upbringing",
        "goal-0-text": "Rust in huis",
        "goal-1-id": school.pk,
        "goal-1-domain": "school",
        "goal-1-text": "Naar school",
        "goal-1-DELETE": "on",
        "goal-2-domain": "",
        "goal-2-text": "half getypt",
        "goal-2-DELETE": "on",
        "agreement-TOTAL_FORMS": "1",
        "agreement-INITIAL_FORMS": "1",
        "agreement-0-id": call.pk,
        "agreement-0-party": "wij",
        "agreement-0-text": "WIJ belt om de week",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    version = plan.versions.get(number=2)
    assert "Doel verwijderd" in version.changes and "Naar school" in version.changes
    assert "Afspraak gewijzigd" in version.changes and "om de week" in version.changes
    assert "half getypt" not in version.changes
    assert list(plan.goals.values_list("text", flat=True)) == ["Rust in huis"]
    # The same form again (a stale version) is refused with a message, nothing changes.
    response = client.post(url, data)
    assert response.status_code == 400
    assert "Iemand anders" in response.content.decode()
    assert plan.versions.count() == 2


@time_machine.travel(NOW)
def test_a_version_prints_as_a_pdf_letter_and_the_family_file_links_to_the_plan(client):
    trajectory, coach = _active()
    services.plan_save(
        household=trajectory.household,
        goals=[_goal("Rust in huis")],
        agreements=[],
        user=coach,
        expected_version=None,
    )
    client.force_login(coach)
    response = client.get(reverse("plans:pdf", args=[trajectory.household_id, 1]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert AccessLogEntry.objects.filter(part="support plan (PDF)").exists()
    family = client.get(reverse("intake:household", args=[trajectory.household_id]))
    assert reverse("plans:detail", args=[trajectory.household_id]) in family.content.decode()


@time_machine.travel(NOW)
def test_a_merged_households_plan_moves_to_the_household_kept(team_lead, beijum):
    from intake.services import household_merge
    from tests.factories import HouseholdFactory

    trajectory, coach = _active(support_request__team=beijum)
    services.plan_save(
        household=trajectory.household,
        goals=[_goal()],
        agreements=[],
        user=coach,
        expected_version=None,
    )
    keep = HouseholdFactory()
    keep.members.create(role="child", client=trajectory.children.get().client)
    household_merge(keep_id=keep.pk, other_id=trajectory.household_id, user=team_lead)
    assert SupportPlan.objects.get().household == keep
