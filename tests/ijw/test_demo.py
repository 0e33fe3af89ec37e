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
    assert set(jw301s.values_list("status", flat=True)) == {"confirmed", "sent"}
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


def test_the_delivery_messages_are_valid_messages():
    """seed_delivery_messages is not called by the demo yet (its handlers come with their
    own change): its messages are built and registered, whatever the handlers make of them."""
    from ijw.demo import seed_delivery_messages
    from openhouse.models import Provider

    call_command("seed_demo", families=40)
    seed_delivery_messages(today=NOW.date(), providers=list(Provider.objects.all()))
    delivered = Message.objects.filter(direction="in", message_type__in=["JW305", "JW307", "JW317"])
    assert delivered.count() == 3
    assert not delivered.filter(retour_codes__contains="0001").exists()  # schema-valid
