"""generate_scale_data: the small scale on the test database (generated once for the
module, rolled back after it), checked against the schema's rules and SCALES."""

import datetime
import io

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from stdnum.nl import bsn as stdnum_bsn

from bench.generate import SCALES
from indications.models import Indication
from intake.models import Client, SupportRequest, Team
from openhouse.models import Provider
from referrals.models import Product, ReferrerOrganisation
from samen import roles
from triage.models import Triage

NOW = datetime.datetime(2026, 12, 5, 12, 0, tzinfo=datetime.UTC)
SMALL = SCALES["small"]
# Tables whose rows the reproducibility check compares (ids and every column).
CHECKED_TABLES = [
    "intake_client",
    "intake_householdmember",
    "intake_supportrequest",
    "triage_triage",
    "triage_childoutcome",
    "trajectories_trajectory",
    "plans_planversion",
    "indications_indication",
    "indications_extensionrequest",
    "intake_historicalclient",
]


def generate(seed=7, **options) -> str:
    out = io.StringIO()
    call_command(
        "generate_scale_data",
        scale="small",
        seed=seed,
        allow_any_database=True,
        stdout=out,
        **options,
    )
    return out.getvalue()


def checksums() -> dict[str, str]:
    with connection.cursor() as cursor:
        result = {}
        for table in CHECKED_TABLES:
            cursor.execute(f"SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) FROM {table} t")  # noqa: S608
            result[table] = cursor.fetchone()[0]
        return result


@pytest.fixture(scope="module")
def small(django_db_setup, django_db_blocker):
    """The small scale, generated once; rolled back when the module's tests are done."""
    with django_db_blocker.unblock(), time_machine.travel(NOW), transaction.atomic():
        output = generate()
        yield output
        transaction.set_rollback(True)


@pytest.fixture
def on_small(small, db):
    with time_machine.travel(NOW):
        yield small


def test_it_prints_the_speed_per_table_and_in_total(on_small):
    assert "intake_client" in on_small
    assert "rows/s" in on_small
    assert "total" in on_small


def test_counts_per_table_are_as_scales_says(on_small):
    assert Team.objects.count() == SMALL["teams"]
    assert ReferrerOrganisation.objects.count() == SMALL["referrer_organisations"]
    assert Provider.objects.count() == SMALL["providers"]
    assert Client.objects.count() == SMALL["clients"]
    assert SupportRequest.objects.count() == SMALL["requests"]
    assert Indication.objects.count() == SMALL["indications"]
    staff_roles = [r for r in roles.ROLE_PERMISSIONS if r != roles.PROVIDER]
    staff = Group.objects.filter(name__in=staff_roles).values_list("user", flat=True)
    assert len(set(staff) - {None}) == SMALL["staff"]
    # The products and the phasing table of the migrations stay as they were.
    assert Product.objects.count() == 11
    assert Product.history.count() >= 11


def test_every_bsn_is_valid_and_unique(on_small):
    bsns = list(Client.objects.exclude(bsn=None).values_list("bsn", flat=True))
    assert len(bsns) > 0.95 * SMALL["clients"]
    assert len(set(bsns)) == len(bsns)
    assert all(stdnum_bsn.is_valid(bsn) for bsn in bsns)


def test_families_have_one_to_three_children_at_one_address_and_parents(on_small):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FILTER (WHERE role = 'child'), "
            "count(DISTINCT (c.postcode, c.house_number)) FILTER (WHERE role = 'child'), "
            "count(*) FILTER (WHERE role = 'parent' AND parental_authority = 'yes') "
            "FROM intake_householdmember m LEFT JOIN intake_client c ON c.id = m.client_id "
            "GROUP BY household_id"
        )
        rows = cursor.fetchall()
    assert {children for children, _addresses, _parents in rows} == {1, 2, 3}
    assert all(addresses == 1 for _children, addresses, _parents in rows)
    assert sum(parents > 0 for _c, _a, parents in rows) > 0.8 * len(rows)


def test_every_request_is_assigned_within_its_team(on_small):
    outside = SupportRequest.objects.exclude(assigned_worker=None).exclude(
        assigned_worker__team_memberships__team_id=models_f("team_id")
    )
    assert not outside.exists()
    # And every client lives in a postcode area of its team.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM intake_client c JOIN intake_postcodearea a "
            "ON a.digits = left(c.postcode, 4) WHERE a.team_id <> c.team_id"
        )
        assert cursor.fetchone()[0] == 0


def models_f(name):
    from django.db.models import F

    return F(name)


def test_requests_triages_and_indications_in_every_state(on_small):
    assert set(SupportRequest.objects.values_list("status", flat=True)) == set(
        SupportRequest.Status.values
    )
    closed = SupportRequest.objects.filter(status="closed").count()
    assert closed > 0.8 * SMALL["requests"]
    assert set(Triage.objects.values_list("outcome", flat=True)) >= {
        "basis_wij",
        "other_route",
        "specialist",
        "open_house_exception",
    }
    assert set(Indication.objects.values_list("product_id", flat=True)) == set(
        Product.objects.values_list("id", flat=True)
    )
    assert set(Indication.objects.values_list("status", flat=True)) == set(Indication.Status.values)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT max(n), min(n) FROM (SELECT count(*) n FROM indications_indication "
            "WHERE provider_id IS NOT NULL GROUP BY provider_id) p"
        )
        most, fewest = cursor.fetchone()
    assert most > 20 * fewest  # a skewed spread over the providers


def test_generated_rows_pass_the_models_own_validation(on_small):
    from plans.models import SupportPlan
    from trajectories.models import Trajectory
    from triage.models import ChildOutcome

    for model in (
        Client,
        SupportRequest,
        Triage,
        ChildOutcome,
        Trajectory,
        SupportPlan,
        Indication,
    ):
        for instance in model.objects.order_by("pk")[:10]:
            instance.full_clean()


def test_every_record_has_its_creation_in_the_history(on_small):
    from openhouse.models import EndEvaluation
    from trajectories.models import Trajectory

    for model in (Client, SupportRequest, Triage, Trajectory, Indication, EndEvaluation):
        assert model.objects.count() > 0
        assert model.history.filter(history_type="+").count() == model.objects.count()


def test_the_same_seed_gives_the_same_data(on_small):
    before = checksums()
    generate(seed=7)
    assert checksums() == before


def test_if_missing_skips_a_complete_database_only(on_small):
    before = checksums()
    assert "skipped" in generate(seed=7, if_missing=True)
    assert "skipped" not in generate(seed=9, if_missing=True)
    assert checksums() != before  # another seed, other data


@pytest.mark.django_db
def test_it_refuses_a_database_not_named_bench():
    with pytest.raises(CommandError, match="_bench"):
        call_command("generate_scale_data", scale="small", seed=1, stdout=io.StringIO())
