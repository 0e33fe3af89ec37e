"""The demo holds one request of each kind, made through the services, and loads once."""

import datetime

import pytest
import time_machine

from rights.demo import seed_rights_requests
from rights.models import FileCopy, RightsRequest, Tombstone
from samen import roles
from tests.factories import ClientFactory, HouseholdFactory, UserFactory

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2027, 1, 31, 10, 0, tzinfo=datetime.UTC)
TODAY = datetime.date(2027, 1, 31)


@pytest.fixture(autouse=True)
def _pinned():
    with time_machine.travel(NOW, tick=False):
        yield


def test_the_demo_has_one_request_of_each_kind_and_loads_once(beijum, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    UserFactory(username="privacy", role=roles.PRIVACY)
    for age in (4, 9, 13, 14, 16, 17, 19, 20):
        child = ClientFactory(team=beijum, date_of_birth=datetime.date(TODAY.year - age, 1, 1))
        household = HouseholdFactory()
        household.members.create(role="child", client=child)
        household.members.create(role="parent", name="Ouder")
    # Six requests in the privacy officer's worklist, a copy released, a file destroyed, and
    # one file past its retention put up by the job.
    assert seed_rights_requests(today=TODAY) == 9
    requests = RightsRequest.objects.all()
    assert {r.kind for r in requests} == set(RightsRequest.Kind.values)
    states = {(r.kind, r.status, r.decision) for r in requests}
    assert ("copy", "decided", "granted") in states
    assert ("correction", "closed", "granted") in states
    assert ("destruction", "received", "") in states
    assert ("inspection", "closed", "refused") in states
    assert ("copy", "closed", "granted") in states
    released = FileCopy.objects.get(status="released")
    assert released.pdf.name and released.json.name and len(released.withheld) <= 1
    tombstone = Tombstone.objects.get()
    assert (tombstone.cause, tombstone.request.status) == ("request", "closed")
    assert tombstone.client.destroyed_on is not None and tombstone.client.bsn is None
    retention = requests.get(origin="retention")
    assert (retention.kind, retention.status) == ("destruction", "received")
    refused = requests.get(decision="refused")
    assert not refused.entitled
    overdue = [r for r in requests if r.status != "closed" and r.due_on < TODAY]
    assert len(overdue) == 1 and overdue[0].kind == "inspection"
    assert all(r.entitled for r in requests if r.decision != "refused")
    assert seed_rights_requests(today=TODAY) == 0
    assert RightsRequest.objects.count() == 9
