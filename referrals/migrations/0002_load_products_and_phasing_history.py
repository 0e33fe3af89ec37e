"""Load the 11 products and the phasing table as the source documents describe them,
with their history: first the plan of 2022, then the start on 1 January 2023, then the
revision of December 2023. The history view in the admin shows each step.

Sources: Implementatieplan SAMEN. (September 2022, §3.5) and Q&A Basis jeugdhulp
(4 December 2023, questions 3 and 5); see ../shared/seeds/.
"""

import datetime

from django.db import migrations

PLAN_2022 = datetime.datetime(2022, 9, 15, 12, 0, tzinfo=datetime.UTC)
START_DECISION = datetime.datetime(2022, 12, 1, 12, 0, tzinfo=datetime.UTC)
REVISION_2023 = datetime.datetime(2023, 12, 4, 12, 0, tzinfo=datetime.UTC)
STEERING_GROUP = "Stuurgroep SAMEN."
OPEN_HOUSE_CLOSES = datetime.date(2025, 7, 1)
PHASE_1 = datetime.date(2023, 1, 1)
PHASE_2 = datetime.date(2024, 1, 1)

PRODUCTS = [
    ("45A51", "Gezinsbegeleiding basis", PHASE_1),
    ("45A04", "Individuele begeleiding basis", PHASE_1),
    ("45A56", "Gezinsbegeleiding specialistisch", PHASE_1),
    ("45A53", "Individuele begeleiding specialistisch", PHASE_1),
    ("50G41", "Ondersteuning jeugdigen en ouders bij complexe (echt)scheiding", PHASE_2),
    ("45A54", "Groepsbegeleiding specialistisch", PHASE_2),
    ("51G01", "Individuele behandeling basis", PHASE_2),
    ("50G26", "Specifieke doelgroepen 3 (onderwijs)", PHASE_2),
    ("45A49", "Groepsbegeleiding basis", PHASE_2),
    ("45G05", "Specifieke doelgroepen 6 (gezinnen geringe sociale redzaamheid – licht)", PHASE_2),
    (
        "45G06",
        "Specifieke doelgroepen 7 (gezinnen geringe sociale redzaamheid – specialistisch)",
        PHASE_2,
    ),
]

# referrer type (COD327) -> planned opening in the 2022 plan
PLANNED_2022 = {
    "01": datetime.date(2023, 1, 1),  # WIJ Groningen's own entrance
    "06": datetime.date(2023, 1, 1),  # self-registration at WIJ
    "02": datetime.date(2023, 1, 1),  # huisarts incl. OJG
    "03": datetime.date(2023, 7, 1),  # GGD jeugdarts: Q3 2023
    "04": datetime.date(2024, 1, 1),  # GI's
    "08": datetime.date(2024, 1, 1),  # Rechtbank (via a GI)
    "05": datetime.date(2024, 10, 1),  # medisch specialisten: Q4 2024
}
START_NOTE = (
    "Start Basis jeugdhulp bij WIJ Groningen op 1 januari 2023: nieuwe ondersteuningsvragen "
    "bij WIJ en via de huisarts (Q&A Basis jeugdhulp, 4 december 2023, vraag 3). "
    "Datum van het besluit bij benadering."
)
REVISION_NOTE = (
    "Vanaf 1 januari 2024 biedt WIJ Groningen ook ondersteuning op verwijzing vanuit de "
    "Gecertificeerde Instellingen, medisch specialisten, jeugdartsen van de GGD en de "
    "rechtbank (Q&A Basis jeugdhulp, 4 december 2023, vraag 3)."
)


def _snapshot(Historical, obj, when, kind, reason):
    # Only what the history keeps: later fields may be left out of it (the `version`
    # column), and the test fixtures load this with the current models.
    kept = {f.attname for f in Historical._meta.concrete_fields}
    fields = {
        f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields if f.attname in kept
    }
    Historical.objects.create(
        **fields,
        history_date=when,
        history_type=kind,
        history_change_reason=reason,
    )


def load(apps, schema_editor):
    Product = apps.get_model("referrals", "Product")
    HistoricalProduct = apps.get_model("referrals", "HistoricalProduct")
    RoutePhase = apps.get_model("referrals", "RoutePhase")
    HistoricalRoutePhase = apps.get_model("referrals", "HistoricalRoutePhase")

    for code, name, moves_on in PRODUCTS:
        product = Product.objects.create(
            code=code, name=name, moves_on=moves_on, open_house_closes_on=OPEN_HOUSE_CLOSES
        )
        product.refresh_from_db()  # the generated category
        _snapshot(HistoricalProduct, product, REVISION_2023, "+", "Q&A Basis jeugdhulp, vraag 5")

    for referrer_type, planned_on in PLANNED_2022.items():
        phase = RoutePhase.objects.create(referrer_type=referrer_type, planned_on=planned_on)
        _snapshot(HistoricalRoutePhase, phase, PLAN_2022, "+", "Implementatieplan SAMEN. §3.5")

    for referrer_type in ("01", "06", "02"):
        phase = RoutePhase.objects.get(referrer_type=referrer_type)
        phase.opened_on = datetime.date(2023, 1, 1)
        phase.decided_by = STEERING_GROUP
        phase.decided_on = START_DECISION.date()
        phase.note = START_NOTE
        phase.save()
        _snapshot(HistoricalRoutePhase, phase, START_DECISION, "~", "Start 1 januari 2023")

    for referrer_type in ("03", "04", "08", "05"):
        phase = RoutePhase.objects.get(referrer_type=referrer_type)
        phase.opened_on = datetime.date(2024, 1, 1)
        phase.decided_by = STEERING_GROUP
        phase.decided_on = REVISION_2023.date()
        phase.note = REVISION_NOTE
        phase.save()
        _snapshot(HistoricalRoutePhase, phase, REVISION_2023, "~", "Herziening december 2023")


def unload(apps, schema_editor):
    for name in ("HistoricalRoutePhase", "RoutePhase", "HistoricalProduct", "Product"):
        apps.get_model("referrals", name).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("referrals", "0001_products_referrers_phasing")]

    operations = [migrations.RunPython(load, unload)]
