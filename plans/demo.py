"""Demo support plans (invented): for running demo trajectories a plan in the family's own
words, agreed with the family, most of them evaluated once; one agreement shared with the
demo provider."""

import datetime
import random

from django.utils import timezone

from openhouse.models import Provider
from trajectories.models import Trajectory

from . import services
from .models import SupportPlan

GOALS = [
    (
        "upbringing",
        "Rustiger ochtenden: op tijd de deur uit zonder ruzie.",
        "Ik wil niet meer te laat komen.",
    ),
    (
        "school",
        "Elke dag naar school, ook op maandag.",
        "School is saai maar ik wil mijn vrienden zien.",
    ),
    ("social", "Een sport of club vinden die past.", "Misschien voetbal, met mijn neef."),
    ("parent_health", "Moeder krijgt meer rust en steun van haar zus.", ""),
]
AGREEMENTS = [
    ("family", "Moeder belt de coach als het thuis uit de hand loopt."),
    ("network", "Oma haalt de kinderen op dinsdag en donderdag op."),
    ("wij", "De coach komt elke week langs en belt school."),
]


def seed_plans(count: int = 40, today: datetime.date | None = None) -> int:
    """Plans for up to `count` running trajectories that have none (the demo worker's first)."""
    if SupportPlan.objects.exists():
        return 0
    today = today or timezone.localdate()
    rng = random.Random(23)  # noqa: S311 - demo data
    provider = Provider.objects.filter(agb_code="73990001").first()
    running = (
        Trajectory.objects.running()
        .exclude(status=Trajectory.Status.WAITING)
        .select_related("triage")
        .order_by("-coaches__coach__username", "pk")
        .distinct()
    )
    made = 0
    for trajectory in running[:count]:
        coach = trajectory.coaches.filter(until_on__isnull=True, coordinator=True).first()
        if coach is None or SupportPlan.objects.filter(household=trajectory.household).exists():
            continue
        child = trajectory.children.first()
        goals = [
            services.Item(
                pk=None,
                values={
                    "domain": domain,
                    "text": text,
                    "child_id": child.client_id if view else None,
                    "child_view": view,
                },
            )
            for domain, text, view in rng.sample(GOALS, 2)
        ]
        agreements = [
            services.Item(
                pk=None,
                values={
                    "party": party,
                    "provider_id": None,
                    "text": text,
                    "is_safety": trajectory.triage.safety_concerns and party == "family",
                    "shared_with_provider": False,
                },
            )
            for party, text in AGREEMENTS
        ]
        if provider is not None and made == 0:
            agreements.append(
                services.Item(
                    pk=None,
                    values={
                        "party": "provider",
                        "provider_id": provider.pk,
                        "text": "Zorg Noord Jeugd geeft de training sociale vaardigheden.",
                        "is_safety": False,
                        "shared_with_provider": True,
                    },
                )
            )
        version = services.plan_save(
            household=trajectory.household,
            goals=goals,
            agreements=agreements,
            user=coach.coach,
            expected_version=None,
        )
        services.plan_version_agree(
            version_id=version.pk, shown_on=today, agreed_on=today, user=coach.coach
        )
        plan = SupportPlan.objects.get(pk=version.plan_id)
        if rng.random() < 0.7 and plan.trajectory_id and plan.trajectory.started_on:
            services.plan_evaluate(
                plan_id=plan.pk,
                evaluated_on=today,
                progress={
                    goal.pk: (rng.choice(["same", "some", "much"]), "Besproken met het gezin.")
                    for goal in plan.goals.all()
                },
                next_evaluation_on=today + datetime.timedelta(days=rng.choice([14, 42, 90])),
                user=coach.coach,
                expected_version=plan.version,
            )
        made += 1
    return made
