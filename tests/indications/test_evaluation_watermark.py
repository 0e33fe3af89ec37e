"""The overdue end-evaluations job is incremental (a watermark and the database's own
queue of changed indications), and still misses nothing: an indication imported late with
a past due date, an end moved back, an evaluation taken away, a run for a past day."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from indications import services, tasks
from indications.importer import import_indications_csv
from indications.models import EvaluationRecheck, Indication, Task
from tests.factories import EndEvaluationFactory, IndicationFactory, ProviderFactory

pytestmark = pytest.mark.django_db
D = datetime.date
HEADER = "bsn,first_name,last_name,date_of_birth,postcode,house_number,product_code,provider_agb,referrer_type,start,end\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def check(day: datetime.date) -> dict:
    return services.indications_check_evaluations(on_date=day)


def candidates() -> int:
    """How many indications the last run looked at (its temporary table lives until the
    test's transaction ends)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM job_candidate")
        return cursor.fetchone()[0]


def overdue_task(indication) -> bool:
    return Task.objects.filter(
        indication=indication, kind="evaluation_overdue", for_end_on=indication.end_on
    ).exists()


def test_the_day_after_looks_only_at_the_day_s_due_dates_and_changes(beijum):
    for _ in range(6):
        IndicationFactory(client__team=beijum, end_on=D(2027, 1, 31))  # due 30-11-2026
    tomorrow = IndicationFactory(client__team=beijum, end_on=D(2027, 2, 15))  # due 15-12
    assert check(D(2026, 12, 15))["overdue"] == 6
    assert check(D(2026, 12, 16)) == {"overdue": 1, "tasks": 1, "notices": 1, "mails": 1}
    assert candidates() == 1  # the day's one due date, not the seven overdue
    assert overdue_task(tomorrow)
    assert check(D(2026, 12, 16))["overdue"] == 0 and candidates() == 0


def test_an_indication_imported_late_with_a_past_due_date_is_still_checked(beijum, tmp_path):
    ProviderFactory(agb_code="73990001")
    check(D(2026, 12, 15))  # the watermark is now past 30-11-2026
    line = "111222333,Daan,Huizinga,2015-03-01,9735 AB,12,45A51,73990001,02,2025-01-01,2027-01-31\n"
    assert import_indications_csv(HEADER + line, today=D(2026, 12, 15)).created == 1
    imported = Indication.objects.get(client__bsn="111222333")
    assert imported.evaluation_due_on == D(2026, 11, 30)
    counts = tasks.check_evaluations("2026-12-16")
    assert counts["overdue"] == 1 and candidates() == 1
    assert overdue_task(imported)
    assert not EvaluationRecheck.objects.exists()  # the queue is read and emptied


def test_an_end_moved_back_and_an_evaluation_taken_away_are_checked_again(beijum):
    moved = IndicationFactory(client__team=beijum, end_on=D(2027, 6, 30))
    evaluated = IndicationFactory(client__team=beijum, end_on=D(2027, 1, 31))
    evaluation = EndEvaluationFactory(indication=evaluated)
    assert check(D(2026, 12, 15))["overdue"] == 0
    # A correction back-dates the end (saved through the model: its due date follows).
    moved.end_on = D(2027, 1, 15)
    moved.save()
    assert moved.evaluation_due_on < D(2026, 12, 15)
    evaluation.delete()
    assert check(D(2026, 12, 16))["overdue"] == 2
    assert overdue_task(moved) and overdue_task(evaluated)


def test_the_flag_job_s_status_change_queues_nothing(beijum):
    IndicationFactory(client__team=beijum, end_on=D(2027, 1, 31))
    EvaluationRecheck.objects.all().delete()
    assert services.indications_flag_expiring(on_date=D(2026, 11, 22))["flagged"] == 1
    assert not EvaluationRecheck.objects.exists()


def test_a_run_for_a_day_before_the_watermark_looks_at_everything_and_keeps_the_queue(beijum):
    check(D(2026, 12, 20))
    late = IndicationFactory(client__team=beijum, end_on=D(2027, 1, 31))  # due 30-11-2026
    assert EvaluationRecheck.objects.filter(indication_id=late.pk).exists()
    assert check(D(2026, 12, 10))["overdue"] == 1  # the past again: found all the same
    assert EvaluationRecheck.objects.filter(indication_id=late.pk).exists()
    assert check(D(2026, 12, 21))["overdue"] == 0  # told already; the queue is emptied
    assert not EvaluationRecheck.objects.exists()


def test_the_queries_do_not_grow_with_providers_or_notices(beijum):
    def run(count: int, end: datetime.date, day: datetime.date) -> int:
        for _ in range(count):
            IndicationFactory(client__team=beijum, provider=ProviderFactory(), end_on=end)
        with CaptureQueriesContext(connection) as queries:
            counts = check(day)
        assert counts["mails"] == count
        return len(queries)

    check(D(2026, 11, 1))  # the first run reads everything; the next ones are compared
    assert run(1, D(2027, 1, 31), D(2026, 12, 15)) == run(6, D(2027, 2, 28), D(2026, 12, 31))
