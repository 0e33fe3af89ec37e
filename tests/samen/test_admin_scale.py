"""The admin at national scale (issue 21): the client search finds a BSN by the unique
index (`bsn = …`), never `LIKE '%…%'`; names go through search_name's trigram index; big
tables are ordered by an index and list a fixed number of queries whatever their size."""

import pytest
from django.conf import settings
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from intake.models import Client, SupportRequest
from tests.factories import (
    ClientFactory,
    IndicationFactory,
    SupportRequestFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _task():
    """A task about an indication: its label names the indication and its product."""
    from indications.models import Task

    indication = IndicationFactory()
    Task.objects.create(
        team=indication.client.team,
        indication=indication,
        kind="plan_triage",
        for_end_on=indication.end_on,
        due_on=indication.end_on,
    )


def _notice():
    """A notice to a provider: its label names the provider and the indication."""
    from indications.models import ProviderNotice

    indication = IndicationFactory()
    ProviderNotice.objects.create(
        provider=indication.provider,
        indication=indication,
        kind="evaluation_due",
        for_end_on=indication.end_on,
        due_on=indication.end_on,
    )


@pytest.fixture
def superuser_client(client):
    user = UserFactory(username="beheer", is_staff=True, is_superuser=True)
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    return client


def _client_sql(queries):
    return [q["sql"] for q in queries if 'FROM "intake_client"' in q["sql"]]


def test_the_client_admin_finds_a_bsn_exactly(superuser_client):
    child = ClientFactory(bsn="111222333", first_name="Zoë", last_name="Dijkstra")
    ClientFactory(bsn="012345672")
    url = reverse("admin:intake_client_changelist")
    for term in ("111222333", " 111 222 333 ", "111.222.333"):
        with CaptureQueriesContext(connection) as ctx:
            response = superuser_client.get(url, {"q": term})
        assert list(response.context["cl"].result_list) == [child]
        sql = " ".join(_client_sql(ctx.captured_queries))
        assert '"intake_client"."bsn" = ' in sql and "LIKE" not in sql
    # The 8-digit form gets its leading zero.
    response = superuser_client.get(url, {"q": "12345672"})
    assert [c.bsn for c in response.context["cl"].result_list] == ["012345672"]
    # Part of a BSN finds nothing (no scan); a name is searched in its search form.
    assert not list(superuser_client.get(url, {"q": "1112"}).context["cl"].result_list)
    with CaptureQueriesContext(connection) as ctx:
        response = superuser_client.get(url, {"q": "ZOE dijk"})
    assert list(response.context["cl"].result_list) == [child]
    assert '"intake_client"."search_name"::text LIKE' in " ".join(_client_sql(ctx.captured_queries))


@pytest.mark.parametrize("term", ["9" * 300, "x" * 101, "   ", "123", "-1"])
def test_bad_client_admin_searches_answer_without_error(superuser_client, term):
    ClientFactory()
    response = superuser_client.get(reverse("admin:intake_client_changelist"), {"q": term})
    assert response.status_code == 200
    assert not list(response.context["cl"].result_list) or term.strip() == ""


@pytest.mark.parametrize(
    ("url_name", "make"),
    [
        ("admin:intake_client_changelist", ClientFactory),
        ("admin:intake_supportrequest_changelist", SupportRequestFactory),
        ("admin:indications_indication_changelist", IndicationFactory),
        ("admin:indications_task_changelist", _task),
        ("admin:indications_providernotice_changelist", _notice),
        ("admin:ijw_message_changelist", None),
        ("admin:outbox_outboxmessage_changelist", None),
    ],
)
def test_big_table_lists_take_fixed_queries(superuser_client, url_name, make):
    url = reverse(url_name)

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert superuser_client.get(url).status_code == 200
        return len(ctx)

    if make is None:
        queries()  # the page renders without rows
        return
    make()
    few = queries()
    for _ in range(12):
        make()
    assert queries() == few


def test_big_tables_are_ordered_by_an_index_and_not_sortable_by_other_columns():
    from ijw.models import Message
    from indications.models import ExtensionRequest, Indication, ProviderNotice, Task
    from outbox.models import OutboxMessage

    for model in (
        Client,
        Indication,
        ExtensionRequest,
        Task,
        ProviderNotice,
        Message,
        OutboxMessage,
    ):
        model_admin = admin.site._registry[model]
        assert model_admin.ordering == ("-pk",), model
        assert model_admin.sortable_by == (), model
        assert model_admin.date_hierarchy is None, model
        assert model_admin.show_full_result_count is False, model
    request_admin = admin.site._registry[SupportRequest]
    assert request_admin.ordering == ("-received_at", "-id")  # request_received_idx


BIG = {"client", "supportrequest", "indication", "user", "provider", "referrerorganisation"}


def test_change_forms_offer_no_select_of_a_big_table(rf):
    """Every foreign key to a big table is a raw id or an autocomplete on an add or change
    form: no select with thousands of options."""
    from django import forms
    from django.contrib.admin.widgets import AutocompleteMixin, ForeignKeyRawIdWidget

    request = rf.get("/")
    request.user = UserFactory(username="beheer", is_staff=True, is_superuser=True)
    checked = 0
    for model_admin in admin.site._registry.values():
        form_class = model_admin.get_form(request, obj=None)
        for name, field in form_class.base_fields.items():
            if not isinstance(field, forms.ModelChoiceField):
                continue
            if field.queryset.model._meta.model_name not in BIG:
                continue
            widget = getattr(field.widget, "widget", field.widget)  # the "add" wrapper
            assert isinstance(widget, (AutocompleteMixin, ForeignKeyRawIdWidget)), (
                type(model_admin).__name__,
                name,
            )
            checked += 1
    assert checked >= 5


@pytest.mark.parametrize(
    "url",
    [
        "/admin/intake/teammember/?team__id__exact=99999999999999999999",
        "/admin/intake/postcodearea/?team__id__exact=99999999999999999999",
    ],
)
def test_a_filter_no_row_can_match_is_an_empty_list_not_an_error(superuser_client, url):
    """The estimated count asks the planner for the filtered query; an id past the
    largest integer is a filter Django answers without the database, and so does the
    count."""
    ClientFactory()
    response = superuser_client.get(url)
    assert response.status_code == 200
    assert response.context["cl"].result_count == 0
