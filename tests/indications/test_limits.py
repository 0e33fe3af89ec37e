"""Text limits and the date range in indications: the extension decision, the model's
rules, and the jobs' --date arguments refuse an over-long text or a date outside
1900-2100 with a message naming it, never a 500 and never stored."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction

from audit.services import forget_known_partitions
from indications.models import ExtensionRequest, Indication
from samen import roles
from samen.limits import REASON_TEXT
from tests.factories import IndicationFactory, TriageFactory, UserFactory

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 11, 22, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _fresh_partitions():
    forget_known_partitions()


@pytest.fixture
def extension(beijum):
    return ExtensionRequest.objects.create(
        indication=IndicationFactory(client__team=beijum, end_on=datetime.date(2026, 12, 31)),
        requested_on=datetime.date(2026, 10, 1),
        requested_by=ExtensionRequest.Requester.PROVIDER,
        reasons="De begeleiding is nog niet klaar.",
        # With WIJ's advice: after the Open House closed, "extend" is offered only then.
        triage=TriageFactory(outcome="reindication_extend"),
        wij_advice="WIJ adviseert te verlengen.",
    )


@time_machine.travel(NOW)
@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"weighing": "w" * (REASON_TEXT + 1)}, "weighing"),
        ({"new_end_on": "9999-12-31"}, "new_end_on"),
        ({"new_end_on": "2101-01-01"}, "new_end_on"),
    ],
)
def test_the_extension_decision_names_the_field(client, extension, changes, field):
    client.force_login(UserFactory(role=roles.YOUTH_ADMIN, username="jeugdadmin"))
    values = {"decision": "extend", "weighing": "Zes maanden erbij.", "new_end_on": "2027-06-30"}
    response = client.post(
        f"/jeugdadministratie/verlengingen/{extension.pk}/", {**values, **changes, "confirm": "1"}
    )
    assert response.status_code in (200, 400)
    assert field in response.context["form"].errors
    extension.refresh_from_db()
    assert extension.decision == "pending"
    assert extension.indication.end_on == datetime.date(2026, 12, 31)


def test_the_model_refuses_an_end_in_9999(beijum):
    indication = IndicationFactory.build(
        client=IndicationFactory(client__team=beijum).client, end_on=datetime.date(9999, 12, 31)
    )
    with pytest.raises(ValidationError) as refused:
        indication.full_clean(exclude=["evaluation_due_on"])
    assert "end_on" in refused.value.message_dict


def test_the_database_refuses_what_bypasses_the_model(beijum):
    indication = IndicationFactory(client__team=beijum)
    with pytest.raises(IntegrityError, match="indication_end_on_in_range"), transaction.atomic():
        Indication.objects.filter(pk=indication.pk).update(end_on=datetime.date(9999, 12, 31))
    with pytest.raises(IntegrityError, match="extension_reasons_max_length"), transaction.atomic():
        ExtensionRequest.objects.create(
            indication=indication,
            requested_by=ExtensionRequest.Requester.PROVIDER,
            reasons="r" * (REASON_TEXT + 1),
        )


@pytest.mark.parametrize(
    "command", ["flag_expiring_indications", "end_indications", "check_end_evaluations"]
)
@pytest.mark.parametrize(
    ("value", "message"),
    [("9999-12-31", "outside the accepted range"), ("31-12-2026", "not a date")],
)
def test_the_jobs_refuse_a_date_outside_the_range(command, value, message):
    with pytest.raises(CommandError, match=message):
        call_command(command, "--date", value)


def test_the_council_report_refuses_a_quarter_or_day_outside_the_range(tmp_path):
    with pytest.raises(CommandError, match="outside the accepted range"):
        call_command("council_report", "--quarter", "9999-Q1", "--output", str(tmp_path))
    with pytest.raises(CommandError, match="outside the accepted range"):
        call_command("council_report", "--today", "1850-01-01", "--output", str(tmp_path))
