"""The phasing service on both sides of every route's and product's dates, as loaded by
the data migration from the source documents."""

import datetime

import pytest
import time_machine

from referrals.models import Product, ReferrerType, RoutePhase
from referrals.phasing import product_status, route_status, route_statuses, table_as_of

pytestmark = pytest.mark.django_db

D = datetime.date
ONE_DAY = datetime.timedelta(days=1)

ACTUAL_OPENING = {
    ReferrerType.MUNICIPALITY: D(2023, 1, 1),
    ReferrerType.SELF: D(2023, 1, 1),
    ReferrerType.GP: D(2023, 1, 1),
    ReferrerType.YOUTH_DOCTOR: D(2024, 1, 1),
    ReferrerType.CERTIFIED_INSTITUTION: D(2024, 1, 1),
    ReferrerType.COURT: D(2024, 1, 1),
    ReferrerType.MEDICAL_SPECIALIST: D(2024, 1, 1),
}


@pytest.mark.parametrize(("referrer_type", "opening"), ACTUAL_OPENING.items())
def test_each_route_opens_on_its_actual_date(referrer_type, opening):
    assert route_status(referrer_type, opening - ONE_DAY).is_open is False
    assert route_status(referrer_type, opening).is_open is True
    assert route_status(referrer_type, opening + ONE_DAY).is_open is True
    assert route_status(referrer_type, opening).open_since == opening


def test_it_says_so_plainly_in_dutch():
    specialists = route_status(ReferrerType.MEDICAL_SPECIALIST, D(2024, 3, 1))
    assert specialists.message == (
        "Verwijzingen van medisch specialisten lopen sinds 1 januari 2024 via WIJ Groningen."
    )
    closed = route_status(ReferrerType.YOUTH_DOCTOR, D(2023, 12, 31))
    assert closed.message.startswith(
        "Deze route is nog niet open: de verwijzer verwijst nog via een indicatie voor een "
        "Open House-product."
    )
    assert "1 januari 2024" in closed.message


def test_a_planned_date_alone_opens_nothing():
    phase = RoutePhase.objects.get(referrer_type=ReferrerType.YOUTH_DOCTOR)
    phase.opened_on = None
    phase.decided_by = ""
    phase.decided_on = None
    phase.note = ""
    phase.save()
    assert phase.planned_on == D(2023, 7, 1)
    status = route_status(ReferrerType.YOUTH_DOCTOR, D(2025, 1, 1))
    assert status.is_open is False
    assert status.planned_on == D(2023, 7, 1)
    assert "stuurgroep heeft nog niet besloten" in status.message


def test_a_route_missing_from_the_table_is_not_open():
    RoutePhase.objects.filter(referrer_type=ReferrerType.COURT).delete()
    assert route_status(ReferrerType.COURT, D(2030, 1, 1)).is_open is False


def test_all_routes_are_answered_in_one_query(django_assert_num_queries):
    with django_assert_num_queries(1):
        statuses = route_statuses(D(2023, 6, 1))
    assert [s.referrer_type for s in statuses] == ["01", "02", "03", "04", "05", "06", "08"]
    assert [s.is_open for s in statuses] == [True, True, False, False, False, True, False]


@time_machine.travel(datetime.datetime(2024, 6, 1, 9, 0, tzinfo=datetime.UTC))
def test_today_is_the_default_date():
    assert route_status(ReferrerType.COURT).is_open is True
    assert route_status(ReferrerType.COURT).open_since == D(2024, 1, 1)


PHASE_1 = ["45A51", "45A04", "45A56", "45A53"]
PHASE_2 = ["50G41", "45A54", "51G01", "50G26", "45A49", "45G05", "45G06"]


def test_the_eleven_products_are_loaded_in_their_phases():
    assert sorted(
        Product.objects.filter(moves_on=D(2023, 1, 1)).values_list("code", flat=True)
    ) == sorted(PHASE_1)
    assert sorted(
        Product.objects.filter(moves_on=D(2024, 1, 1)).values_list("code", flat=True)
    ) == sorted(PHASE_2)
    assert set(Product.objects.values_list("open_house_closes_on", flat=True)) == {D(2025, 7, 1)}
    assert Product.objects.get(code="51G01").category == "51"
    assert Product.objects.get(code="51G01").category_label == "Generalistische basis-ggz"


@pytest.mark.parametrize("code", PHASE_1 + PHASE_2)
def test_each_product_moves_and_its_open_house_closes_on_the_day(code):
    product = Product.objects.get(code=code)
    moves = product.moves_on
    assert product_status(product, moves - ONE_DAY).in_basis_jeugdhulp is False
    assert product_status(product, moves).in_basis_jeugdhulp is True
    assert product_status(product, moves + ONE_DAY).in_basis_jeugdhulp is True
    closes = D(2025, 7, 1)
    assert product_status(product, closes - ONE_DAY).open_house_open is True
    assert product_status(product, closes).open_house_open is False
    assert product_status(product, closes + ONE_DAY).open_house_open is False


def test_product_messages_name_the_rule():
    product = Product.objects.get(code="45A54")
    before = product_status(product, D(2023, 12, 31)).message
    assert "45A54 valt pas vanaf 1 januari 2024 onder Basis jeugdhulp." in before
    assert "Open House is hiervoor open tot 1 juli 2025" in before
    after = product_status(product, D(2025, 7, 1)).message
    assert "gesloten sinds 1 juli 2025" in after


def test_the_history_shows_the_2022_plan_and_the_2023_revision():
    ggd = RoutePhase.objects.get(referrer_type=ReferrerType.YOUTH_DOCTOR)
    steps = list(
        ggd.history.order_by("history_date").values_list("history_date", "opened_on", "planned_on")
    )
    assert [(when.date(), opened, planned) for when, opened, planned in steps] == [
        (D(2022, 9, 15), None, D(2023, 7, 1)),
        (D(2023, 12, 4), D(2024, 1, 1), D(2023, 7, 1)),
    ]
    specialists = RoutePhase.objects.get(referrer_type=ReferrerType.MEDICAL_SPECIALIST)
    assert specialists.planned_on == D(2024, 10, 1)  # Q4 2024 in the plan
    assert specialists.opened_on == D(2024, 1, 1)  # earlier in fact


def test_what_the_table_said_on_1_october_2023():
    moment = datetime.datetime(2023, 10, 1, 12, 0, tzinfo=datetime.UTC)
    table = {phase.referrer_type: phase for phase in table_as_of(moment)}
    assert table["02"].opened_on == D(2023, 1, 1)
    assert table["03"].opened_on is None  # GGD: planned Q3 2023, not yet opened
    statuses = {s.referrer_type: s for s in route_statuses(D(2023, 10, 1), phases=table.values())}
    assert statuses["03"].is_open is False
    assert statuses["02"].is_open is True
