"""`seed_demo` (the demo command) loads every role and a Groningen-like data set, twice
without duplicates, and refuses production."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from indications.models import Indication, Task
from intake.models import Client, SupportRequest, Team
from referrals.models import ReferrerOrganisation
from triage.models import Triage

pytestmark = pytest.mark.django_db


def test_it_loads_the_demo_and_can_run_again(capsys):
    call_command("seed_demo", families=25)
    out = capsys.readouterr().out
    for username, password in [
        ("medewerker", "demo-medewerker"),
        ("gemeente", "demo-gemeente"),
        ("teamleider", "demo-teamleider"),
        ("aanbieder", "demo-aanbieder"),
    ]:
        assert username in out and password in out
    # One request per family, and one more for a family that already had one, registered
    # anyway with a reason (the duplicate warning's second outcome).
    assert SupportRequest.objects.count() == 26
    assert SupportRequest.objects.filter(open_request_check="registered_anyway").count() == 1
    assert Team.objects.filter(name="WIJ Ten Boer").exists()
    assert ReferrerOrganisation.objects.filter(referrer_type="04").count() == 3
    assert set(SupportRequest.objects.values_list("status", flat=True)) >= {
        "registered",
        "contacted",
    }
    assert Indication.objects.count() == 12
    # The demo provider account sees its own clients in the portal.
    provider_user = get_user_model().objects.get(username="aanbieder")
    assert provider_user.provider_membership.provider.name == "Zorg Noord Jeugd"
    assert (
        Task.objects.filter(kind="plan_triage").count()
        == Indication.objects.filter(status="ending_soon").count()
    )
    counts = (
        Client.objects.count(),
        SupportRequest.objects.count(),
        Triage.objects.count(),
        Indication.objects.count(),
    )
    call_command("seed_demo", families=25)
    assert (
        Client.objects.count(),
        SupportRequest.objects.count(),
        Triage.objects.count(),
        Indication.objects.count(),
    ) == counts


def test_it_refuses_production(settings):
    settings.IS_PRODUCTION = True
    with pytest.raises(CommandError):
        call_command("seed_demo")


def test_the_demo_has_trajectories_in_every_state():
    from trajectories.models import IntensityChange, Trajectory
    from triage.models import ChildOutcome

    call_command("seed_demo", families=300)
    states = set(Trajectory.objects.values_list("status", flat=True))
    assert states == {"waiting", "active", "paused", "ended"}
    assert Trajectory.objects.filter(end_reason="31").exists()
    assert Trajectory.objects.filter(end_reason__in=["32", "34"]).exists()
    assert IntensityChange.objects.exists()
    # Every demo triage has its outcome per child; combined help occurs.
    assert not Triage.objects.filter(child_outcomes__isnull=True).exists()
    assert ChildOutcome.objects.exclude(wij_role="").filter(provider__isnull=False).exists()
    # A request whose help continues at WIJ closed as such.
    assert SupportRequest.objects.filter(close_reason="to_trajectory").count() == (
        Trajectory.objects.values("triage__support_request").distinct().count()
    )
    # The demo worker coaches trajectories in more than one state.
    mine = Trajectory.objects.filter(coaches__coach__username="medewerker")
    assert mine.values("status").distinct().count() >= 3
    # Support plans, agreed and evaluated; one agreement shared with the demo provider.
    from plans.models import Agreement, Evaluation, SupportPlan

    assert SupportPlan.objects.filter(versions__agreed_on__isnull=False).exists()
    assert Evaluation.objects.exists()
    shared = Agreement.objects.filter(shared_with_provider=True).get()
    assert shared.provider.agb_code == "73990001"
