"""Text limits and the date range in the Open House part: the handover thread, "Wij
stoppen" and the provider admin refuse an over-long text or a date outside 1900-2100
naming the field, never a 500 and never stored."""

import datetime

import pytest
import time_machine
from django.contrib.messages import get_messages

from openhouse.models import HandoverNote
from samen.limits import LONG_TEXT
from tests.factories import IndicationFactory, ProviderFactory, UserFactory

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 11, 22, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture
def provider_a(beijum):
    provider = ProviderFactory(name="Aanbieder A", agb_code="73990101")
    user = UserFactory(role="aanbieder", username="user-a")
    provider.memberships.create(user=user)
    indication = IndicationFactory(
        client__team=beijum, provider=provider, end_on=datetime.date(2027, 3, 31)
    )
    return provider, user, indication


def test_a_handover_message_over_the_maximum_is_refused_naming_the_field(client, provider_a):
    _provider, user, indication = provider_a
    client.force_login(user)
    response = client.post(
        f"/indicaties/{indication.pk}/overdracht/", {"text": "m" * (LONG_TEXT + 1)}
    )
    assert response.status_code == 302
    shown = " ".join(str(m) for m in get_messages(response.wsgi_request))
    assert "Bericht over de overdracht:" in shown and str(LONG_TEXT) in shown
    assert not HandoverNote.objects.exists()
    client.post(f"/indicaties/{indication.pk}/overdracht/", {"text": "m" * LONG_TEXT})
    assert len(HandoverNote.objects.get().text) == LONG_TEXT


@time_machine.travel(NOW)
@pytest.mark.parametrize("day", ["9999-12-31", "2101-01-01"])
def test_we_stop_in_9999_is_refused_naming_the_field(client, provider_a, day):
    provider, user, _indication = provider_a
    client.force_login(user)
    response = client.post("/portaal/we-stoppen/", {"stops_on": day, "confirm": "on"})
    assert response.status_code in (200, 400)
    assert "stops_on" in response.context["form"].errors
    provider.refresh_from_db()
    assert provider.stops_on is None


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"stops_on": "9999-12-31", "status": "stopping"}, "stops_on"), ({"name": "N" * 201}, "name")],
)
def test_the_provider_admin_names_the_field(client, official, provider_a, changes, field):
    provider, _user, _indication = provider_a
    client.force_login(official)
    data = {
        "name": provider.name,
        "agb_code": provider.agb_code,
        "contact_email": "",
        "status": "active",
        "stops_on": "",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        **changes,
    }
    response = client.post(f"/admin/openhouse/provider/{provider.pk}/change/", data)
    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    provider.refresh_from_db()
    assert provider.stops_on is None and provider.name == "Aanbieder A"
