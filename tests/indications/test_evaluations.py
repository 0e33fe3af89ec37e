"""End-evaluations not received by end - 2 months become overdue: a WIJ task and a
provider notice, once; an evaluation received in time stops it."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from indications import services
from indications.models import Indication, ProviderNotice, Task
from openhouse.models import EndEvaluation
from tests.factories import IndicationFactory, UserFactory

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.mark.parametrize(("today", "overdue"), [(D(2026, 11, 30), False), (D(2026, 12, 1), True)])
def test_overdue_the_day_after_end_minus_two_months(beijum, today, overdue):
    indication = IndicationFactory(client__team=beijum, end_on=D(2027, 1, 31))  # due 30 Nov 2026
    counts = services.indications_check_evaluations(on_date=today)
    assert counts["overdue"] == int(overdue)
    assert Task.objects.filter(indication=indication, kind="evaluation_overdue").exists() is overdue
    assert (
        ProviderNotice.objects.filter(indication=indication, kind="evaluation_overdue").exists()
        is overdue
    )


def test_a_received_evaluation_is_not_overdue_and_reruns_add_nothing(beijum):
    received = IndicationFactory(client__team=beijum, end_on=D(2027, 1, 31))
    missing = IndicationFactory(client__team=beijum, end_on=D(2027, 1, 31))
    EndEvaluation.objects.create(
        indication=received,
        document=SimpleUploadedFile("eval.pdf", b"%PDF-1.4 test"),
        original_name="eval.pdf",
        uploaded_by=UserFactory(role="aanbieder"),
        uploaded_at=timezone.now(),
        on_time=True,
    )
    first = services.indications_check_evaluations(on_date=D(2026, 12, 15))
    assert first == {"overdue": 1, "tasks": 1, "notices": 1, "mails": 1}
    assert list(Indication.objects.evaluation_overdue(D(2026, 12, 15))) == [missing]
    again = services.indications_check_evaluations(on_date=D(2026, 12, 16))
    assert again == {"overdue": 0, "tasks": 0, "notices": 0, "mails": 0}


def test_the_command(beijum, capsys):
    IndicationFactory(client__team=beijum, end_on=D(2027, 1, 31))
    call_command("check_end_evaluations", "--date", "2026-12-15")
    assert "overdue 1, worklist tasks 1, notices 1" in capsys.readouterr().out
