"""Text limits and the date range in the admin's reference data: the phasing table and
products refuse an over-long note or a date outside 1900-2100 naming the field."""

import pytest

from referrals.models import Product, RoutePhase
from samen.limits import REASON_TEXT
from tests.referrals.test_admin import phase_form, product_form

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        (
            {
                "note": "n" * (REASON_TEXT + 1),
                "opened_on": "2024-03-01",
                "decided_on": "2024-02-15",
            },
            "note",
        ),
        ({"planned_on": "9999-12-31"}, "planned_on"),
        (
            {"opened_on": "2101-01-01", "decided_on": "2024-02-15", "note": "Stuurgroep."},
            "opened_on",
        ),
        (
            {"decided_on": "1899-12-31", "opened_on": "2024-03-01", "note": "Stuurgroep."},
            "decided_on",
        ),
    ],
)
def test_the_phasing_admin_names_the_field(client, official, changes, field):
    client.force_login(official)
    phase = RoutePhase.objects.get(referrer_type="05")
    before = (phase.planned_on, phase.opened_on, phase.note)
    page = client.get(f"/admin/referrals/routephase/{phase.pk}/change/").content.decode()
    assert f'maxlength="{REASON_TEXT}"' in page
    response = client.post(
        f"/admin/referrals/routephase/{phase.pk}/change/", phase_form(phase, **changes)
    )
    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    phase.refresh_from_db()
    assert (phase.planned_on, phase.opened_on, phase.note) == before


@pytest.mark.parametrize("field", ["moves_on", "open_house_closes_on"])
def test_the_product_admin_refuses_a_date_in_9999(client, official, field):
    client.force_login(official)
    count = Product.objects.count()
    response = client.post("/admin/referrals/product/add/", product_form(**{field: "9999-12-31"}))
    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert "1-1-1900" in response.content.decode()
    assert Product.objects.count() == count
