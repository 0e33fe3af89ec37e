"""The admin as a working place for officials: CSV export of selected rows, read-only
history, no full COUNT(*) on big tables, a fixed number of queries per list page."""

import csv
import io

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from indications.models import Indication
from openhouse.models import Provider
from referrals.models import Product
from samen.admin_tools import EstimatedCountPaginator
from tests.factories import IndicationFactory, ProviderFactory


@pytest.fixture
def admin_client_official(client, official):
    official.is_staff = True
    official.save()
    client.force_login(official)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _csv(response):
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode().lstrip("\ufeff")), delimiter=";"))


def test_export_selected_providers_as_csv(admin_client_official):
    a = ProviderFactory(name="Aanbieder A", agb_code="73990001")
    b = ProviderFactory(name="Aanbieder B", agb_code="73990002")
    ProviderFactory(name="Aanbieder C", agb_code="73990003")
    IndicationFactory(provider=a)
    response = admin_client_official.post(
        reverse("admin:openhouse_provider_changelist"),
        {"action": "export_as_csv", "_selected_action": [a.pk, b.pk]},
    )
    rows = _csv(response)
    assert rows[0] == [
        "Name",
        "AGB code",
        "Status",
        "Stops on",
        "Running indications",
        "E-mail for notices",
    ]
    assert sorted([*row[:3], row[4]] for row in rows[1:]) == [
        ["Aanbieder A", "73990001", "active", "1"],
        ["Aanbieder B", "73990002", "active", "0"],
    ]


def test_export_products_with_booleans_and_dates(admin_client_official):
    products = Product.objects.filter(code__in=["45A51", "45A04"])
    response = admin_client_official.post(
        reverse("admin:referrals_product_changelist"),
        {"action": "export_as_csv", "_selected_action": [p.pk for p in products]},
    )
    rows = _csv(response)
    assert len(rows) == 3
    assert {row[0] for row in rows[1:]} == {"45A51", "45A04"}
    assert rows[1][5] in ("yes", "no")


def test_history_is_shown_but_cannot_be_reverted(admin_client_official):
    provider = ProviderFactory(name="Oude naam")
    provider.name = "Nieuwe naam"
    provider.save()
    first = provider.history.earliest()
    history_url = reverse("admin:openhouse_provider_history", args=[provider.pk])
    assert admin_client_official.get(history_url).status_code == 200
    version_url = reverse(
        "admin:openhouse_provider_simple_history", args=[provider.pk, first.history_id]
    )
    page = admin_client_official.get(version_url)
    assert page.status_code == 200
    assert "Revert" not in page.content.decode()
    response = admin_client_official.post(
        version_url, {"name": "Oude naam", "agb_code": provider.agb_code, "status": "active"}
    )
    assert response.status_code == 403
    provider.refresh_from_db()
    assert provider.name == "Nieuwe naam"


def _counts(queries):
    return [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]


def test_big_unfiltered_lists_use_the_estimate(admin_client_official, monkeypatch):
    for _ in range(3):
        IndicationFactory()
    from samen.db import owner_mode

    with owner_mode(), connection.cursor() as cursor:
        # Only the owner of a table may ANALYZE it (the app role may not).
        cursor.execute(f"ANALYZE {Indication._meta.db_table}")
    monkeypatch.setattr(EstimatedCountPaginator, "exact_below", 1)
    url = reverse("admin:indications_indication_changelist")
    with CaptureQueriesContext(connection) as ctx:
        assert admin_client_official.get(url).status_code == 200
    assert not [sql for sql in _counts(ctx.captured_queries) if "indications_indication" in sql]
    # Filtered, a large result takes the planner's estimate (EXPLAIN reads no rows)...
    with CaptureQueriesContext(connection) as ctx:
        assert admin_client_official.get(url, {"status__exact": "active"}).status_code == 200
    assert not [sql for sql in _counts(ctx.captured_queries) if "indications_indication" in sql]
    assert [q for q in ctx.captured_queries if q["sql"].startswith("EXPLAIN (FORMAT JSON)")]
    # ... and a small one is counted exactly.
    monkeypatch.setattr(EstimatedCountPaginator, "exact_below", 50_000)
    with CaptureQueriesContext(connection) as ctx:
        response = admin_client_official.get(url, {"status__exact": "active"})
    assert [sql for sql in _counts(ctx.captured_queries) if "indications_indication" in sql]
    assert response.context["cl"].result_count == 3


def test_small_tables_count_exactly(admin_client_official):
    IndicationFactory()
    response = admin_client_official.get(reverse("admin:indications_indication_changelist"))
    assert response.context["cl"].result_count == 1
    assert response.context["cl"].show_full_result_count is False


@pytest.mark.parametrize(
    "url_name, make",
    [
        ("admin:indications_indication_changelist", IndicationFactory),
        ("admin:openhouse_provider_changelist", ProviderFactory),
    ],
)
def test_list_pages_take_a_fixed_number_of_queries(admin_client_official, url_name, make):
    url = reverse(url_name)

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert admin_client_official.get(url).status_code == 200
        return len(ctx)

    make()
    few = queries()
    for _ in range(15):
        make()
    assert queries() == few
    assert Provider.objects.count() >= 16
