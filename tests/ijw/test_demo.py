"""The demo's messages: made by the real services, in every state, and seeded once (the
demo runs twice without error or duplicates)."""

import datetime

import pytest
import time_machine
from django.core.management import call_command

from ijw.models import AllocationRequest, Message

pytestmark = pytest.mark.django_db

# A Monday: the request moved back 5 working days was received before the weekend.
NOW = datetime.datetime(2026, 12, 7, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def pinned_time():
    with time_machine.travel(NOW, tick=False):
        yield


def test_the_demo_has_messages_in_every_state():
    call_command("seed_demo", families=40)
    count = Message.objects.count()
    requests = AllocationRequest.objects.all()
    proposed = requests.filter(status="proposed")
    assert proposed.filter(proposed_route="wij", client__isnull=False).exists()
    assert proposed.filter(proposed_route="allocate").exists()
    assert proposed.filter(client__isnull=True).exists()  # a child to place in a team
    assert requests.filter(route="wij", support_request__isnull=False).exists()
    assert requests.filter(route="reject", reject_reason="4").exists()
    assert requests.filter(route="out_of_scope", status="own_handling").exists()
    assert requests.filter(status="in_onderzoek").exists()
    allocated = requests.filter(route="allocate", indication__isnull=False)
    assert allocated.count() == 2
    jw301s = Message.objects.filter(message_type="JW301")
    # Ours (confirmed, and one whose retour is overdue; the JW301 after the early stop is
    # ready), and the old system's (imported).
    assert set(jw301s.values_list("status", flat=True)) == {
        "confirmed",
        "sent",
        "ready",
        "imported",
    }
    waiting = jw301s.get(status="sent")
    assert waiting.retour_overdue(NOW.date())
    rejected = Message.objects.filter(direction="in", status="rejected")
    assert set(rejected.values_list("retour_codes", flat=True)) == {"9056", "0001"}
    assert rejected.filter(provider__isnull=True, retour_codes="0001").exists()  # unknown AGB
    assert rejected.filter(provider__isnull=False, retour_codes="0001").exists()  # schema
    assert rejected.filter(duplicate_of__isnull=False).count() == 1
    statuses = set(Message.objects.values_list("direction", "status"))
    assert {("in", s) for s in ("processed", "rejected", "awaiting_answer", "answered")} <= statuses
    assert {("out", s) for s in ("ready", "sent", "confirmed", "returned")} <= statuses
    # Every message the project wrote is in the register with its retour.
    assert not Message.objects.filter(direction="in", message_type="JW315", replies=None).exists()

    call_command("seed_demo", families=40)
    assert Message.objects.count() == count


def test_the_demo_has_a_start_an_early_stop_and_an_extension_by_message():
    from indications.models import ExtensionRequest, Indication

    call_command("seed_demo", families=40)
    delivered = Message.objects.filter(direction="in", message_type__in=["JW305", "JW307", "JW317"])
    assert dict(delivered.values_list("message_type", "status")) == {
        "JW305": "processed",
        "JW307": "processed",
        "JW317": "awaiting_answer",
    }, list(delivered.values_list("message_type", "retour_codes", "errors"))
    stopped = delivered.get(message_type="JW307").indication
    assert stopped.status == Indication.Status.STOPPED_EARLY and stopped.care_stopped_on
    change = AllocationRequest.objects.get(kind="change")
    assert change.status == "waiting"
    assert ExtensionRequest.objects.pending().filter(pk=change.extension_id).exists()
