"""The data migration that gives every existing triage one outcome per child
(triage/migrations/0004_child_outcomes_from_single_outcome.py): rows come out with the
meaning kept, back and forth, and the reports show the same figures before and after.

Run inside the test's transaction: PostgreSQL rolls the schema state back with the data."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from reporting.periods import MONTH, Period
from reporting.selectors import Filters, client_flows, matched_care
from tests.factories import ClientFactory, SupportRequestFactory
from trajectories.models import Trajectory

pytestmark = pytest.mark.django_db

BEFORE = [("triage", "0003_child_outcomes")]
AFTER = [("triage", "0004_child_outcomes_from_single_outcome")]
TODAY = datetime.date(2026, 11, 20)
PERIOD = Filters(Period(datetime.date(2026, 1, 1), TODAY, MONTH), None, TODAY)


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


# The one table whose definition changed with outcomes per child: it counts children's
# intensities for every outcome (issue 17), where it counted triages of WIJ outcomes.
PER_CHILD = "intensity-outcome"


def figures():
    """Every table of the client-flow and matched-care reports but the per-child one."""
    tables = (*client_flows(PERIOD), *matched_care(PERIOD))
    return [t.as_lists() for t in tables if t.slug != PER_CHILD]


def per_child_counts():
    """The per-child table's raw counts: {row label: [count per column]} (no suppression)."""
    table = next(t for t in matched_care(PERIOD) if t.slug == PER_CHILD)
    return {str(row.label): [getattr(cell, "n", cell) for cell in row.cells] for row in table.rows}


def test_every_triage_gets_an_outcome_per_child_with_its_meaning_kept(beijum):
    apps = migrate(BEFORE)
    Triage = apps.get_model("triage", "Triage")
    ChildOutcome = apps.get_model("triage", "ChildOutcome")
    siblings = [ClientFactory(team=beijum), ClientFactory(team=beijum)]
    cases = {
        "basis": (SupportRequestFactory(team=beijum, clients=siblings), "basis_wij", "light"),
        "reindication": (SupportRequestFactory(team=beijum), "reindication_wij", "basic"),
        "specialist": (SupportRequestFactory(team=beijum), "specialist", ""),
        "other": (SupportRequestFactory(team=beijum), "other_route", ""),
    }
    triages = {}
    for name, (request, outcome, intensity) in cases.items():
        triages[name] = Triage.objects.create(
            support_request_id=request.pk,
            held_on=datetime.date(2026, 3 + len(triages), 2),
            outcome=outcome,
            intensity=intensity,
            other_route="school" if outcome == "other_route" else "",
            provider_name="Accare" if outcome == "specialist" else "",
            reasons="Zware hulp nodig." if outcome == "specialist" else "",
        )
    before = figures()
    assert not ChildOutcome.objects.exists()

    apps = migrate(AFTER)
    ChildOutcome = apps.get_model("triage", "ChildOutcome")
    rows = {
        (row.triage_id, row.client_id): (
            row.outcome,
            row.intensity,
            row.wij_role,
            row.other_route,
            row.provider_id,
            row.legacy,
        )
        for row in ChildOutcome.objects.all()
    }
    basis = triages["basis"].pk
    assert rows == {
        (basis, siblings[0].pk): ("basis_wij", "light", "basis", "", None, True),
        (basis, siblings[1].pk): ("basis_wij", "light", "basis", "", None, True),
        (
            triages["reindication"].pk,
            cases["reindication"][0].clients.get().pk,
        ): ("reindication_wij", "basic", "basis", "", None, True),
        (triages["specialist"].pk, cases["specialist"][0].clients.get().pk): (
            "specialist",
            "",
            "",
            "",
            None,
            True,
        ),
        (triages["other"].pk, cases["other"][0].clients.get().pk): (
            "other_route",
            "",
            "",
            "school",
            None,
            True,
        ),
    }
    # The reports count the same before and after; the requests keep their close reason
    # and no trajectory is invented.
    assert figures() == before
    assert not Trajectory.objects.exists()
    # The per-child table, counted by hand: the two siblings (light) and the re-indication
    # (basic) helped at WIJ; the specialist referral and the other route carried over
    # without an intensity, shown as "not recorded".
    counts = per_child_counts()
    assert counts["licht"][0] == 2 and counts["basis"][0] == 1
    not_recorded = next(v for k, v in counts.items() if "niet vastgelegd" in k)
    assert not_recorded[1:3] == [1, 1]

    # Back: the carried-over rows go, a row recorded since stays.
    ChildOutcome.objects.filter(triage_id=basis, client_id=siblings[0].pk).update(legacy=False)
    apps = migrate(BEFORE)
    assert list(
        apps.get_model("triage", "ChildOutcome").objects.values_list("client_id", flat=True)
    ) == [siblings[0].pk]
    migrate(AFTER)
    assert apps.get_model("triage", "ChildOutcome").objects.count() == 5  # not doubled
