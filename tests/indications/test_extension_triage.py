"""From WIJ's triage to the youth administration's decision and back to the watch: the
outcome "re-indication: extend" asks for the extension with WIJ's advice, another outcome
advises against a request that waits, and an extended indication is flagged again in its
time with a new task."""

import datetime

import pytest
import time_machine

from audit.services import forget_known_partitions
from indications import services, tasks
from indications.models import ExtensionRequest, Indication, Task
from referrals.models import Product
from samen import roles
from tests.factories import IndicationFactory, ProviderFactory, SupportRequestFactory, UserFactory
from tests.triage.helpers import triage_data

pytestmark = pytest.mark.django_db
D = datetime.date
NOW = datetime.datetime(2026, 11, 22, 10, 0, tzinfo=datetime.UTC)


def at(day):
    return datetime.datetime(day.year, day.month, day.day, 4, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _fresh_partitions():
    forget_known_partitions()


@pytest.fixture
def youth_admin(db):
    return UserFactory(role=roles.YOUTH_ADMIN, username="jeugdadmin")


def triage_url(request):
    return f"/aanmeldingen/{request.pk}/lichte-toets/"


def test_triage_extend_to_decision_to_the_next_flag(client, beijum, intake_worker, youth_admin):
    provider = ProviderFactory(name="Zorg Noord")
    with time_machine.travel(NOW):
        indication = IndicationFactory(
            client__team=beijum,
            client__first_name="Lotte",
            provider=provider,
            end_on=D(2027, 1, 31),
        )
        tasks.flag_expiring(D(2026, 11, 22).isoformat())
        follow_up = services.indication_follow_up(indication_id=indication.pk, user=intake_worker)
        client.force_login(intake_worker)
        data = triage_data(
            follow_up,
            intake_worker,
            held_on="2026-11-22",
            outcome="reindication_extend",
            intensity="basic",
            provider=provider.pk,
            reasons="De begeleiding loopt goed; nog drie maanden om af te ronden.",
            confirm=False,
        )
        look = client.post(triage_url(follow_up), data)
        assert look.status_code == 200
        html = look.content.decode()
        assert "Naar de jeugdadministratie: een verzoek om de indicatie 45A51 van Lotte" in html
        assert "De jeugdadministratie besluit en stuurt het gezin de beschikkingsbrief" in html
        assert not ExtensionRequest.objects.exists()

        assert client.post(triage_url(follow_up), {**data, "confirm": "1"}).status_code == 302
        extension = ExtensionRequest.objects.get()
        assert (extension.requested_by, extension.triage.support_request_id) == (
            "wij",
            follow_up.pk,
        )
        assert extension.wij_advice.startswith("WIJ adviseert: verlengen: voorlopig een andere")
        assert "nog drie maanden" in extension.wij_advice and extension.is_pending
        # The advice came with the request: no task asks the team for it.
        assert not Task.objects.filter(kind="extension_advice").exists()

        client.force_login(youth_admin)
        values = {"decision": "extend", "weighing": "Drie maanden.", "new_end_on": "2027-04-30"}
        url = f"/jeugdadministratie/verlengingen/{extension.pk}/"
        assert client.post(url, values).status_code == 200  # the look
        assert client.post(url, {**values, "confirm": "1"}).status_code == 302
    indication.refresh_from_db()
    assert (indication.status, indication.end_on, indication.flagged_on) == (
        "extended",
        D(2027, 4, 30),
        None,
    )
    assert indication.follow_up_request is None
    assert set(indication.history.values_list("end_on", flat=True)) == {
        D(2027, 1, 31),
        D(2027, 4, 30),
    }

    # Not flagged before 3 months before the new end; flagged from then on, with a task of
    # its own for the new end.
    with time_machine.travel(at(D(2027, 1, 29))):
        tasks.flag_expiring(D(2027, 1, 29).isoformat())
    assert Indication.objects.get().status == "extended"
    with time_machine.travel(at(D(2027, 1, 30))):
        tasks.flag_expiring(D(2027, 1, 30).isoformat())
    indication.refresh_from_db()
    assert (indication.status, indication.flagged_on) == ("ending_soon", D(2027, 1, 30))
    plan_tasks = Task.objects.filter(indication=indication, kind="plan_triage").order_by("pk")
    assert [(t.for_end_on, t.done_how) for t in plan_tasks] == [
        (D(2027, 1, 31), "follow_up"),
        (D(2027, 4, 30), ""),
    ]


@time_machine.travel(NOW)
def test_extend_without_a_fitting_indication_is_refused_before_the_look(
    client, beijum, intake_worker
):
    request = SupportRequestFactory(team=beijum, contacted=True)
    IndicationFactory(client=request.clients.get(), end_on=D(2027, 1, 31))  # another provider
    client.force_login(intake_worker)
    data = triage_data(
        request,
        intake_worker,
        held_on="2026-11-22",
        outcome="reindication_extend",
        provider=ProviderFactory(name="Andere Zorg").pk,
        reasons="Verlengen.",
        confirm=False,
    )
    response = client.post(triage_url(request), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "heeft geen lopende indicatie bij Andere Zorg" in html
    assert "Bevestigen" not in html and not ExtensionRequest.objects.exists()


@time_machine.travel(NOW)
def test_extend_refuses_an_indication_past_its_end(client, beijum, intake_worker):
    request = SupportRequestFactory(team=beijum, contacted=True)
    indication = IndicationFactory(client=request.clients.get(), end_on=D(2026, 11, 21))
    client.force_login(intake_worker)
    data = triage_data(
        request,
        intake_worker,
        held_on="2026-11-22",
        outcome="reindication_extend",
        provider=indication.provider.pk,
        reasons="Verlengen.",
    )
    response = client.post(triage_url(request), data)
    assert response.status_code == 400
    assert "De einddatum is verstreken" in response.content.decode()


@time_machine.travel(NOW)
@pytest.mark.parametrize(
    ("outcome", "advice"),
    [
        ("reindication_wij", "WIJ adviseert niet te verlengen"),
        ("reindication_extend", "WIJ adviseert: verlengen"),
    ],
)
def test_a_triage_advises_on_the_request_that_waits(client, beijum, intake_worker, outcome, advice):
    """A provider's request waits; WIJ's triage of the child records its advice on it (no
    second request), and the team's advice task closes by itself."""
    request = SupportRequestFactory(team=beijum, contacted=True)
    indication = IndicationFactory(client=request.clients.get(), end_on=D(2027, 1, 31))
    extension = services.extension_request_create(
        indication_id=indication.pk,
        requested_by=ExtensionRequest.Requester.FAMILY,
        reasons="Het gezin wil graag doorgaan.",
        user=UserFactory(),
    )
    assert Task.objects.get(kind="extension_advice").done_on is None
    client.force_login(intake_worker)
    changes = {
        "outcome": outcome,
        "intensity": "basic",
        "reasons": "Besproken met het gezin.",
    }
    if outcome == "reindication_extend":
        changes["provider"] = indication.provider.pk
    else:
        changes["products"] = [Product.objects.get(code="45A51").pk]
    data = triage_data(request, intake_worker, held_on="2026-11-22", **changes)
    response = client.post(triage_url(request), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    extension.refresh_from_db()
    assert ExtensionRequest.objects.count() == 1 and extension.is_pending
    assert (
        extension.wij_advice.startswith(advice)
        and "Besproken met het gezin." in extension.wij_advice
    )
    assert extension.triage.support_request_id == request.pk
    task = Task.objects.get(kind="extension_advice")
    assert (task.done_how, task.done_by) == ("advice_given", intake_worker)
