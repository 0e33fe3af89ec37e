"""The jobs that watch indications: exact boundaries, idempotency, missed days, a real
worker on the real Redis broker, and a run that fails halfway followed by a rerun."""

import datetime

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.core.management import call_command
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from indications import services, tasks
from indications.models import Indication, ProviderNotice, Task
from outbox.models import OutboxMessage
from outbox.services import messages_send_due
from samen.celery import app
from samen.models import JobRun
from tests.factories import IndicationFactory, ProviderFactory, UserFactory
from tests.waiting import wait_for

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.mark.parametrize(
    ("today", "end", "flagged"),
    [
        (D(2026, 11, 22), D(2027, 2, 22), True),  # end = D + 3 months
        (D(2026, 11, 22), D(2027, 2, 23), False),  # a day more
        (D(2026, 5, 31), D(2026, 8, 31), True),  # 31 May -> 31 August
        (D(2026, 5, 31), D(2026, 9, 1), False),
        (D(2026, 11, 30), D(2027, 2, 28), True),  # 30 November -> 28 February
        (D(2026, 11, 30), D(2027, 3, 1), False),
        (D(2027, 11, 30), D(2028, 2, 29), True),  # leap year: 29 February
        (D(2027, 11, 30), D(2028, 3, 1), False),
    ],
)
def test_flagging_on_exact_boundaries(beijum, today, end, flagged):
    indication = IndicationFactory(client__team=beijum, start_on=D(2025, 1, 1), end_on=end)
    services.indications_flag_expiring(on_date=today)
    indication.refresh_from_db()
    assert (indication.status == "ending_soon") is flagged
    assert (indication.flagged_on == today) is flagged
    assert Task.objects.filter(indication=indication).exists() is flagged


def test_each_flag_makes_a_team_task_and_a_provider_notice_with_the_evaluation_date(beijum):
    indication = IndicationFactory(client__team=beijum, end_on=D(2027, 1, 31))
    counts = services.indications_flag_expiring(on_date=D(2026, 11, 22))
    assert counts == {"flagged": 1, "tasks": 1, "notices": 1, "mails": 1}
    task = Task.objects.get()
    assert (task.team, task.kind, task.due_on) == (beijum, "plan_triage", D(2027, 1, 31))
    notice = ProviderNotice.objects.get()
    assert notice.provider == indication.provider
    assert notice.due_on == D(2026, 11, 30)  # 31 January - 2 months (month end)


def test_running_twice_changes_nothing_more(beijum):
    IndicationFactory(client__team=beijum, end_on=D(2027, 1, 15))
    first = services.indications_flag_expiring(on_date=D(2026, 11, 22))
    second = services.indications_flag_expiring(on_date=D(2026, 11, 22))
    assert first["flagged"] == 1
    assert second == {"flagged": 0, "tasks": 0, "notices": 0, "mails": 0}
    assert Task.objects.count() == 1 and ProviderNotice.objects.count() == 1
    assert OutboxMessage.objects.count() == 1


def test_a_run_for_two_missed_days_catches_up(beijum):
    day_one = IndicationFactory(client__team=beijum, end_on=D(2027, 2, 22))
    day_two = IndicationFactory(client__team=beijum, end_on=D(2027, 2, 23), product=day_one.product)
    day_two.client = day_one.client
    services.indications_flag_expiring(on_date=D(2026, 11, 23))  # the job missed the 22nd
    assert set(Indication.objects.values_list("status", flat=True)) == {"ending_soon"}
    assert Task.objects.count() == 2


def test_ended_indications_and_niet_in_beeld(beijum, team_lead, client):
    followed = IndicationFactory(client__team=beijum, end_on=D(2026, 11, 20))
    forgotten = IndicationFactory(client__team=beijum, end_on=D(2026, 11, 21))
    running = IndicationFactory(client__team=beijum, end_on=D(2026, 11, 22))
    from tests.factories import SupportRequestFactory

    followed.follow_up_request = SupportRequestFactory(team=beijum)
    followed.save()
    counts = services.indications_end(on_date=D(2026, 11, 22))
    assert counts == {"ended": 2, "out_of_sight": 1}
    assert list(Indication.objects.out_of_sight()) == [forgotten]
    running.refresh_from_db()
    assert running.status == "active"  # ends today: still running
    assert services.indications_end(on_date=D(2026, 11, 22))["ended"] == 0
    client.force_login(team_lead)
    html = client.get("/werk/team/").content.decode()
    assert escape(forgotten.client.full_name) in html and "niet in beeld" in html.lower()


def test_providers_are_emailed_once_through_the_outbox(beijum):
    provider = ProviderFactory(contact_email="zorg@example.invalid")
    user = UserFactory(role="aanbieder", email="medewerker@zorg.example.invalid")
    provider.memberships.create(user=user)
    IndicationFactory(client__team=beijum, provider=provider, end_on=D(2027, 1, 31))
    # The job queues the e-mail in its own transaction, with the notices it made.
    assert services.indications_flag_expiring(on_date=D(2026, 11, 22))["mails"] == 1
    queued = OutboxMessage.objects.get()
    assert (queued.kind, queued.status) == ("provider_notices", "pending")
    assert ProviderNotice.objects.get().emailed_at is not None
    assert services.notices_email_queue() == {"mails": 0}
    assert messages_send_due() == {"sent": 1, "retry": 0, "failed": 0, "skipped": 0}
    assert messages_send_due()["sent"] == 0
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert set(message.to) == {"zorg@example.invalid", "medewerker@zorg.example.invalid"}
    assert message.extra_headers["Message-ID"] == queued.message_id
    assert "30-11-2026" in message.body  # at the latest 2 months before the end
    assert "31-10-2026" in message.body  # preferably 3 months before


def test_queueing_the_mails_costs_as_many_queries_for_five_providers_as_for_one(beijum):
    def flag_queries(providers: int, day) -> int:
        for _ in range(providers):
            IndicationFactory(
                client__team=beijum, provider=ProviderFactory(), end_on=D(2027, 1, 31)
            )
        with CaptureQueriesContext(connections["default"]) as queries:
            counts = services.indications_flag_expiring(on_date=day)
        assert counts["mails"] == providers
        return len(queries)

    one = flag_queries(1, D(2026, 11, 22))
    five = flag_queries(5, D(2026, 11, 23))
    assert five == one  # one INSERT ... SELECT of all providers' e-mails


def test_a_failed_flag_run_queues_no_mail(beijum, monkeypatch):
    IndicationFactory(client__team=beijum, end_on=D(2027, 1, 31))

    def crash(**kwargs):
        raise ConnectionError("database went away")

    monkeypatch.setattr(services, "notices_email_queue", crash)
    with pytest.raises(ConnectionError):
        tasks.flag_expiring("2026-11-22")
    assert JobRun.objects.get().outcome == "failed"
    assert "database went away" in JobRun.objects.get().error
    assert not OutboxMessage.objects.exists() and not ProviderNotice.objects.exists()
    assert Indication.objects.get().status == "active"


def test_the_command_records_its_run(beijum, capsys):
    IndicationFactory(client__team=beijum, end_on=D(2027, 1, 31))
    call_command("flag_expiring_indications", "--date", "2026-11-22")
    assert "flagged 1" in capsys.readouterr().out
    run = JobRun.objects.get(job="indications.flag_expiring")
    assert run.outcome == "succeeded" and run.counts["flagged"] == 1
    assert run.run_date == D(2026, 11, 22)


def test_a_run_that_fails_halfway_leaves_nothing_and_the_rerun_does_it_all(beijum, monkeypatch):
    IndicationFactory(client__team=beijum, end_on=D(2027, 1, 31))
    real_insert = services._insert_tasks

    def crash(**kwargs):
        raise ConnectionError("worker lost mid-run")

    monkeypatch.setattr(services, "_insert_tasks", crash)
    with pytest.raises(ConnectionError):
        tasks.flag_expiring("2026-11-22")
    # The status update was rolled back with the rest: nothing half done.
    assert Indication.objects.get().status == "active"
    assert not Task.objects.exists()
    assert JobRun.objects.get().outcome == "failed"
    monkeypatch.setattr(services, "_insert_tasks", real_insert)
    tasks.flag_expiring("2026-11-22")
    assert Indication.objects.get().status == "ending_soon"
    assert Task.objects.count() == 1 and ProviderNotice.objects.count() == 1
    assert OutboxMessage.objects.count() == 1
    assert app.conf.task_acks_late and app.conf.task_reject_on_worker_lost


@pytest.mark.broker
@pytest.mark.django_db(transaction=True)
def test_the_job_runs_through_the_real_broker_and_a_real_worker(beijum, empty_queue):
    IndicationFactory(client__team=beijum, end_on=D(2027, 1, 31))
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        result = tasks.flag_expiring.delay("2026-11-22")
        counts = result.get(timeout=30)
        # The outbox's send task, enqueued after the job's commit, runs on the same worker.
        wait_for(lambda: OutboxMessage.objects.filter(status="sent").exists(), seconds=20)
    assert counts == {"flagged": 1, "tasks": 1, "notices": 1, "mails": 1}
    assert len(mail.outbox) == 1
    assert Indication.objects.get().status == "ending_soon"
    assert JobRun.objects.filter(job="indications.flag_expiring", outcome="succeeded").exists()
