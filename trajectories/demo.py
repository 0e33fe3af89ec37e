"""Demo outcomes per child and trajectories (invented): for every demo triage its outcome
per child, and for the children helped at WIJ a trajectory in every state — waiting,
active (some scaled up or down), paused, ended as planned and early, with results."""

import datetime
import random

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from intake import services as intake_services
from intake.models import SupportRequest
from openhouse.models import Provider
from triage.models import ChildOutcome, Triage

from . import services
from .models import Trajectory

# Specialist providers a triage refers to (records, not free text).
SPECIALISTS = [
    ("Accare Kinder- en Jeugdpsychiatrie", "73990011"),
    ("Elker Jeugdhulp", "73990012"),
    ("Lentis Jeugd", "73990013"),
]
REASONS_UP = ["Meer spanning thuis na de zomer.", "School meldt terugval.", "Moeder overbelast."]
REASONS_DOWN = ["Het gaat beter, minder contact nodig.", "Netwerk neemt taken over."]


def seed_trajectories(today: datetime.date | None = None) -> int:
    """Outcomes per child for the demo triages that lack them, and their trajectories."""
    if Trajectory.objects.exists():
        return 0
    today = today or timezone.localdate()
    rng = random.Random(17)  # noqa: S311 - demo data
    specialists = [
        Provider.objects.get_or_create(agb_code=agb, defaults={"name": name})[0]
        for name, agb in SPECIALISTS
    ]
    fallback = get_user_model().objects.filter(username="medewerker").first()
    created = 0
    triages = (
        Triage.objects.filter(child_outcomes__isnull=True)
        .select_related("support_request__assigned_worker", "support_request__registered_by")
        .prefetch_related("support_request__clients")
        .order_by("held_on", "pk")
    )
    for triage in triages:
        request = triage.support_request
        children = list(request.clients.all())
        coach = request.assigned_worker or fallback
        with transaction.atomic():
            wij = _outcomes(triage, children, rng, specialists)
            if not wij or coach is None:
                continue
            trajectory = services.trajectory_start(
                triage=triage,
                clients=wij,
                coach=coach,
                intensity=triage.intensity or "basic",
                user=coach,
                role=Trajectory.Role.BASIS,
                product=triage.products.first(),
            )
            # Made on the day of the demo; dated as if started at the triage.
            trajectory.coaches.update(from_on=triage.held_on)
            Trajectory.objects.filter(pk=trajectory.pk).update(
                created_at=timezone.make_aware(
                    datetime.datetime.combine(triage.held_on, datetime.time(12))
                )
            )
            _move_on(trajectory, triage, today, rng, coach)
            _close_as_trajectory(request, coach)
            created += 1
    return created


def _outcomes(triage, children, rng, specialists) -> list:
    """The triage's outcome for each child; some Basis outcomes get specialist help added.
    Returns the children helped at WIJ."""
    wij = []
    for child in children:
        fields = {"outcome": triage.outcome, "intensity": triage.intensity or "basic"}
        if triage.helped_at_wij:
            fields["wij_role"] = ChildOutcome.WijRole.BASIS
            if rng.random() < 0.15:
                fields["provider"] = rng.choice(specialists)
                fields["provider_contacted_on"] = triage.held_on
            wij.append(child)
        elif triage.outcome == Triage.Outcome.OTHER_ROUTE:
            fields["other_route"] = triage.other_route
            fields["intensity"] = "light"
        else:
            fields["provider"] = rng.choice(specialists)
            fields["provider_contacted_on"] = triage.provider_contacted_on or triage.held_on
            fields["intensity"] = "specialist"
            if rng.random() < 0.4:
                fields["wij_role"] = ChildOutcome.WijRole.COORDINATION
                wij.append(child)
        ChildOutcome.objects.create(triage=triage, client=child, **fields)
    return wij


def _move_on(trajectory, triage, today, rng, coach) -> None:
    """Waiting when recent; otherwise started a few days after the triage, then scaled,
    paused or ended by its age."""
    age = (today - triage.held_on).days
    if age < 10 or rng.random() < 0.12:
        return
    started = min(triage.held_on + datetime.timedelta(days=rng.randint(2, 12)), today)
    trajectory = services.trajectory_begin(
        trajectory_id=trajectory.pk,
        expected_version=trajectory.version,
        started_on=started,
        user=coach,
    )
    if age > 40 and rng.random() < 0.4:
        up = trajectory.intensity != "specialist" and (
            trajectory.intensity == "light" or rng.random() < 0.5
        )
        target = {"light": "basic", "basic": "specialist"} if up else {"specialist": "basic"}
        to = target.get(trajectory.intensity, "light")
        services.intensity_change(
            trajectory_id=trajectory.pk,
            expected_version=trajectory.version,
            to_intensity=to,
            reason=rng.choice(REASONS_UP if up else REASONS_DOWN),
            changed_on=min(started + datetime.timedelta(days=rng.randint(7, 30)), today),
            user=coach,
        )
        trajectory.refresh_from_db()
    if age > 150 and rng.random() < 0.7:
        early = rng.random() < 0.25
        ended_on = min(started + datetime.timedelta(days=rng.randint(90, 140)), today)
        last = trajectory.intensity_changes.order_by("-changed_on").first()
        if last is not None:
            ended_on = max(ended_on, last.changed_on)
        asked = rng.random() < 0.7
        services.trajectory_end(
            trajectory_id=trajectory.pk,
            expected_version=trajectory.version,
            ended_on=ended_on,
            end_reason=rng.choice(["32", "34"]) if early else "31",
            end_note="Gezin wilde niet verder; afgesproken dat ze zich weer melden."
            if early
            else "",
            goals_reached=rng.choice(["partly", "not"])
            if early
            else rng.choice(["fully", "fully", "partly"]),
            satisfaction_asked=asked,
            satisfaction=rng.choice(["satisfied", "satisfied", "neutral"]) if asked else "",
            user=coach,
        )
    elif rng.random() < 0.15:
        services.trajectory_pause(
            trajectory_id=trajectory.pk, expected_version=trajectory.version, user=coach
        )


def _close_as_trajectory(request, user) -> None:
    """A request whose help continues at WIJ closes as "continued as a trajectory"."""
    if request.close_reason != SupportRequest.CloseReason.TRIAGE_DONE:
        return
    current = intake_services.support_request_lock(request.pk, request.version)
    current.close_reason = SupportRequest.CloseReason.TO_TRAJECTORY
    intake_services.support_request_save(current, user)
