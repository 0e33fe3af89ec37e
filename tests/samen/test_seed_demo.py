"""`seed_demo` (the demo command) loads every role and a Groningen-like data set, twice
without duplicates, and refuses production."""

import datetime

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
    # 12 for 25 families, and the demo's indications at their real end (some need a
    # child with a triage: enough of those with 300 families, see below).
    assert Indication.objects.count() >= 12
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


def test_the_demo_has_indications_at_their_real_end():
    """Extended (flagged again), pending requests (advised, and needing WIJ's advice), PGB,
    an open end, handed over early to WIJ and to another provider: made by the services."""
    from indications.models import ExtensionRequest, ProviderNotice
    from indications.services import extension_needs_wij_advice
    from openhouse.models import HandoverNote

    call_command("seed_demo", families=300)
    extended = ExtensionRequest.objects.filter(decision="extend").select_related("indication")
    assert extended.count() == 2
    assert {e.indication.status for e in extended} == {"ending_soon", "extended"}
    again = next(e.indication for e in extended if e.indication.status == "ending_soon")
    assert again.flagged_on is not None
    # Flagged for the old end (done by the extension) and again for the new one.
    plan = Task.objects.filter(indication=again, kind="plan_triage")
    assert sorted(plan.values_list("done_how", flat=True)) == ["", "extended"]
    assert plan.get(done_how="").for_end_on == again.end_on
    assert ProviderNotice.objects.filter(indication=again, kind="extension_decided").exists()
    assert all(e.triage_id and e.end_evaluation_id for e in extended)
    # Asked in the portal, with the end-evaluation (the one a JW317 asked is ijw's demo).
    pending = (
        ExtensionRequest.objects.pending()
        .filter(ijw_request__isnull=True)
        .select_related("indication__product")
    )
    assert pending.count() == 2
    assert all(p.requested_by == "provider" and p.end_evaluation_id for p in pending)
    today = again.flagged_on
    assert sorted(extension_needs_wij_advice(p, on_date=today) for p in pending) == [False, True]
    # PGB: a budget holder, no provider; the one ending soon flagged with a task to WIJ only.
    pgb = Indication.objects.filter(financing="pgb")
    assert pgb.count() == 2 and not pgb.filter(provider__isnull=False).exists()
    flagged_pgb = pgb.get(flagged_on__isnull=False)
    assert flagged_pgb.tasks.filter(kind="plan_triage", team__isnull=False).exists()
    assert not flagged_pgb.notices.exists()
    open_end = Indication.objects.get(end_on__isnull=True)
    assert open_end.flagged_on is None and not open_end.tasks.exists()
    to_wij = Indication.objects.get(status="transferred")
    assert to_wij.end_reason == "33"
    assert to_wij.tasks.filter(kind="handed_over", done_on__isnull=True).exists()
    assert set(HandoverNote.objects.filter(indication=to_wij).values_list("side", flat=True)) == {
        "provider",
        "wij",
    }
    first = Indication.objects.get(status="other_provider")
    assert first.end_reason == "38"
    assert first.succeeded_by.provider != first.provider
    assert first.succeeded_by.start_on == first.end_on + datetime.timedelta(days=1)
    # Running again creates nothing new.
    counts = (Indication.objects.count(), ExtensionRequest.objects.count())
    call_command("seed_demo", families=300)
    assert (Indication.objects.count(), ExtensionRequest.objects.count()) == counts
