"""Worklist tasks: ticked off by a worker with a note (a look first, final, in history),
and closed by a job's own condition only: a follow-up closes "plan the triage", an
end-evaluation received closes "end-evaluation overdue", nothing else."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils.html import escape
from weasyprint import HTML

from audit.models import AccessLogEntry
from indications import services, tasks
from indications.models import Task
from intake.models import TeamMember
from samen import roles
from samen.limits import REASON_TEXT
from tests.factories import IndicationFactory, ProviderFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 12, 10, 10, 0, tzinfo=datetime.UTC)
TODAY = NOW.date()
PDF = HTML(string="<p>Eindevaluatie.</p>").write_pdf()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def three_tasks(beijum):
    """One indication with a task of every kind, made by the real jobs: flagged (plan the
    triage), its end-evaluation overdue (due 30-11-2026), and its provider stopping."""
    provider = ProviderFactory(name="Zorg Noord")
    indication = IndicationFactory(
        client__team=beijum, provider=provider, end_on=datetime.date(2027, 1, 31)
    )
    tasks.flag_expiring(TODAY.isoformat())
    tasks.check_evaluations(TODAY.isoformat())
    services.provider_stop(
        provider=provider, stops_on=datetime.date(2027, 1, 15), user=UserFactory()
    )
    by_kind = {task.kind: task for task in Task.objects.filter(indication=indication)}
    # Every kind about an indication (the support plan's kinds are about a trajectory).
    # (The early handover's task is made by its own step.)
    assert set(by_kind) == set(Task.Kind.values) - set(Task.TRAJECTORY_KINDS) - {
        Task.Kind.HANDED_OVER
    }
    return indication, by_kind


def open_kinds(indication) -> set[str]:
    return set(
        Task.objects.filter(indication=indication, done_on__isnull=True).values_list(
            "kind", flat=True
        )
    )


@time_machine.travel(NOW)
def test_a_follow_up_closes_only_plan_the_triage(client, intake_worker, three_tasks):
    """Before: the follow-up marked every open task of the indication done."""
    indication, by_kind = three_tasks
    client.force_login(intake_worker)
    assert client.post(f"/indicaties/{indication.pk}/vervolg/").status_code == 302
    assert open_kinds(indication) == {"evaluation_overdue", "provider_stops"}
    plan = Task.objects.get(pk=by_kind["plan_triage"].pk)
    assert (plan.done_on, plan.done_by, plan.done_how) == (TODAY, intake_worker, "follow_up")
    assert plan.history.first().history_user == intake_worker


@time_machine.travel(NOW)
def test_an_end_evaluation_closes_only_the_overdue_task(client, beijum, three_tasks):
    indication, _by_kind = three_tasks
    provider_user = UserFactory(role=roles.PROVIDER)
    indication.provider.memberships.create(user=provider_user)
    client.force_login(provider_user)
    response = client.post(
        f"/portaal/indicaties/{indication.pk}/",
        {"document": SimpleUploadedFile("e.pdf", PDF, content_type="application/pdf")},
    )
    assert response.status_code == 302
    assert open_kinds(indication) == {"plan_triage", "provider_stops"}
    done = Task.objects.get(indication=indication, kind="evaluation_overdue")
    assert (done.done_how, done.done_by) == ("evaluation", provider_user)


@time_machine.travel(NOW)
def test_a_worker_ticks_a_task_off_with_a_note_after_a_look(client, intake_worker, three_tasks):
    indication, by_kind = three_tasks
    task = by_kind["provider_stops"]
    url = f"/taken/{task.pk}/afronden/?terug=team"
    client.force_login(intake_worker)
    page = client.get("/werk/").content.decode()
    assert f"/taken/{task.pk}/afronden/?terug=werk" in page
    assert "<title>Mijn werk" in page and "<h2" not in page.split("</title>")[0]

    # An empty note: a message on the field, nothing done.
    response = client.post(url, {"note": ""})
    assert response.status_code == 400 and 'id="id_note_error"' in response.content.decode()
    # The look: what will be recorded, and nothing done yet.
    response = client.post(url, {"note": "Gezin gebeld; overdracht gepland."})
    html = response.content.decode()
    assert "kan niet ongedaan worden gemaakt" in html and "Gezin gebeld" in html
    assert Task.objects.get(pk=task.pk).done_on is None
    # Changing the note goes back to the form with it kept.
    html = client.post(url, {"note": "Gezin gebeld.", "edit": "1"}).content.decode()
    assert "Gezin gebeld.</textarea>" in html and "kan niet ongedaan" not in html
    # Confirmed: done, with who, when and the note; back to Mijn team.
    response = client.post(url, {"note": "Gezin gebeld.", "confirm": "1"})
    assert response.status_code == 302 and response["Location"] == "/werk/team/"
    task.refresh_from_db()
    assert (task.done_on, task.done_by, task.done_how, task.done_note) == (
        TODAY,
        intake_worker,
        "by_hand",
        "Gezin gebeld.",
    )
    assert task.history.first().done_note == "Gezin gebeld."
    assert AccessLogEntry.objects.filter(part="task", event="change").exists()
    # Final: a second confirmation is refused, the page shows who did it.
    response = client.post(url, {"note": "Nog eens.", "confirm": "1"})
    assert response.status_code == 200
    assert "Afgerond op 10 december 2026" in response.content.decode()
    assert Task.objects.get(pk=task.pk).done_note == "Gezin gebeld."
    assert open_kinds(indication) == {"plan_triage", "evaluation_overdue"}


@time_machine.travel(NOW)
def test_the_note_has_a_limit(client, intake_worker, three_tasks):
    _indication, by_kind = three_tasks
    client.force_login(intake_worker)
    response = client.post(
        f"/taken/{by_kind['plan_triage'].pk}/afronden/",
        {"note": "x" * (REASON_TEXT + 1), "confirm": "1"},
    )
    assert response.status_code == 400
    assert Task.objects.get(pk=by_kind["plan_triage"].pk).done_on is None


@time_machine.travel(NOW)
def test_another_teams_task_is_out_of_reach(client, three_tasks):
    _indication, by_kind = three_tasks
    other = UserFactory(role=roles.WIJ_STAFF)
    TeamMember.objects.create(user=other, team=TeamFactory(name="WIJ Selwerd"))
    url = f"/taken/{by_kind['plan_triage'].pk}/afronden/"
    client.force_login(other)
    assert client.get(url).status_code == 404
    assert client.post(url, {"note": "x", "confirm": "1"}).status_code == 404
    assert "/taken/" not in client.get("/werk/").content.decode()


@pytest.mark.parametrize("persona", ["official", "provider_user", "outsider"])
@time_machine.travel(NOW)
def test_other_roles_cannot_tick_off(client, request, persona, three_tasks):
    _indication, by_kind = three_tasks
    client.force_login(request.getfixturevalue(persona))
    url = f"/taken/{by_kind['plan_triage'].pk}/afronden/"
    response = client.post(url, {"note": "x", "confirm": "1"})
    assert response.status_code == 403
    assert (
        escape(by_kind["plan_triage"].indication.client.last_name) not in response.content.decode()
    )
    assert Task.objects.get(pk=by_kind["plan_triage"].pk).done_on is None


@time_machine.travel(NOW)
def test_the_database_refuses_a_done_task_without_who(three_tasks):
    _indication, by_kind = three_tasks
    task = by_kind["plan_triage"]
    with pytest.raises(IntegrityError), transaction.atomic():
        Task.objects.filter(pk=task.pk).update(done_on=TODAY, done_how="by_hand")
    with pytest.raises(IntegrityError), transaction.atomic():
        Task.objects.filter(pk=task.pk).update(done_by=UserFactory())
    task.done_on = TODAY
    with pytest.raises(ValidationError) as refused:
        task.full_clean()
    assert {"done_by", "done_how"} <= set(refused.value.message_dict)


@time_machine.travel(NOW)
def test_task_complete_refuses_a_done_task(intake_worker, three_tasks):
    _indication, by_kind = three_tasks
    services.task_complete(task_id=by_kind["plan_triage"].pk, user=intake_worker, note="a")
    with pytest.raises(ValidationError):
        services.task_complete(task_id=by_kind["plan_triage"].pk, user=intake_worker, note="b")
