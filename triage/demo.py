"""Demo triages for the demo requests that were closed after triage (invented)."""

import random

from referrals.models import Product

from .models import ConversationReport, Triage

OUTCOMES = [
    (Triage.Outcome.BASIS_WIJ, 55),
    (Triage.Outcome.OTHER_ROUTE, 25),
    (Triage.Outcome.SPECIALIST, 12),
    (Triage.Outcome.REINDICATION_WIJ, 5),
    (Triage.Outcome.REINDICATION_EXTEND, 3),
]


def seed_triages() -> int:
    from intake.models import SupportRequest

    rng = random.Random(5)  # noqa: S311 - demo data
    products = list(Product.objects.all())
    created = 0
    done = SupportRequest.objects.filter(
        close_reason=SupportRequest.CloseReason.TRIAGE_DONE, triage__isnull=True
    ).select_related("assigned_worker", "registered_by")
    for request in done:
        outcome = rng.choices([o for o, _ in OUTCOMES], [w for _, w in OUTCOMES])[0]
        held_on = request.first_contact_on or request.contact_deadline
        fields = {"intensity": "", "other_route": "", "provider_name": "", "reasons": ""}
        if outcome in (Triage.Outcome.BASIS_WIJ, Triage.Outcome.REINDICATION_WIJ):
            fields["intensity"] = rng.choice(["light", "basic", "basic", "specialist"])
        elif outcome == Triage.Outcome.OTHER_ROUTE:
            fields["other_route"] = rng.choice(["own_network", "social_base", "school", "nothing"])
        else:
            fields["provider_name"] = rng.choice(["Accare", "Elker", "Lentis Jeugd", "Zorg Noord"])
            fields["reasons"] = "Specialistische hulp nodig na brede triage."
        triage = Triage.objects.create(
            support_request=request,
            held_on=held_on,
            life_domains=rng.sample(
                ["upbringing", "development", "school", "social", "housing"], 2
            ),
            outcome=outcome,
            provider_contacted_on=held_on if fields["provider_name"] else None,
            **fields,
        )
        worker = request.assigned_worker or request.registered_by
        if worker:
            triage.workers.add(worker)
            ConversationReport.objects.create(
                support_request=request,
                held_on=held_on,
                author=worker,
                text="Gesprek met moeder en kind over de vraag; afspraken gemaakt over vervolg.",
            )
        if fields["intensity"]:
            triage.products.add(
                rng.choice([p for p in products if p.in_basis_jeugdhulp_on(held_on)])
            )
        created += 1
    return created
