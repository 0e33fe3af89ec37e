"""Two officials editing the same record in the admin: the second save, made on a page
opened before the first save, is refused with a message and overwrites nothing. The
jobs' set-based updates raise the version too (decision 16)."""

import datetime

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from indications import services
from indications.models import Indication
from openhouse.models import Provider
from referrals.models import Product, RoutePhase
from samen import roles
from samen.admin_tools import VERSION_FIELD
from tests.factories import IndicationFactory, ProviderFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db
STALE = "heeft dit record gewijzigd nadat u het opende"


def _official(name):
    user = UserFactory(role=roles.OFFICIAL, username=name, is_staff=True)
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    return client


def _form_data(response) -> dict:
    """What the browser would post back from this change page, untouched."""
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    data = {}
    for form in forms:
        for field in form:
            value = field.value()
            if value is None or value is False:
                continue
            if value is True:
                value = "on"
            elif isinstance(value, datetime.date):
                value = value.isoformat()
            elif isinstance(value, list | tuple):
                value = [str(v) for v in value]
            data[field.html_name] = value
    return data


def _open(client, model, pk):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[pk])
    response = client.get(url)
    assert response.status_code == 200
    return url, _form_data(response)


CASES = {
    "product": (
        lambda: Product.objects.get(code="45A51"),
        "name",
        ("Begeleiding A", "Begeleiding B"),
    ),
    "phase": (
        lambda: RoutePhase.objects.get(referrer_type="01"),
        "note",
        ("Besluit college, versie A", "Besluit college, versie B"),
    ),
    "provider": (
        lambda: ProviderFactory(name="Zorg Noord", agb_code="73990901"),
        "name",
        ("Zorg Noord A", "Zorg Noord B"),
    ),
    "team": (
        lambda: TeamFactory(name="WIJ Vinkhuizen"),
        "name",
        ("WIJ Vinkhuizen A", "WIJ Vinkhuizen B"),
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_the_second_of_two_concurrent_edits_is_refused(case):
    make, field, (first_value, second_value) = CASES[case]
    obj = make()
    model = type(obj)
    first, second = _official("official_a"), _official("official_b")
    url, data_a = _open(first, model, obj.pk)
    _url, data_b = _open(second, model, obj.pk)
    assert data_a[VERSION_FIELD] == data_b[VERSION_FIELD] == obj.version

    saved = first.post(url, {**data_a, field: first_value})
    assert saved.status_code == 302, saved.context["adminform"].form.errors
    obj.refresh_from_db()
    assert getattr(obj, field) == first_value and obj.version == data_a[VERSION_FIELD] + 1

    refused = second.post(url, {**data_b, field: second_value})
    assert refused.status_code == 200
    html = refused.content.decode()
    assert STALE in html
    assert second_value in html  # the official's input is still on the form
    obj.refresh_from_db()
    assert getattr(obj, field) == first_value  # nothing overwritten
    # Saving the same stale form again is refused again; after a reload it goes through.
    assert STALE in second.post(url, {**data_b, field: second_value}).content.decode()
    _url, fresh = _open(second, model, obj.pk)
    assert second.post(url, {**fresh, field: second_value}).status_code == 302
    obj.refresh_from_db()
    assert getattr(obj, field) == second_value


def test_a_post_without_a_version_is_refused():
    product = Product.objects.get(code="45A51")
    official = _official("official_a")
    url, data = _open(official, Product, product.pk)
    data.pop(VERSION_FIELD)
    assert STALE in official.post(url, {**data, "name": "Zonder versie"}).content.decode()
    product.refresh_from_db()
    assert product.name != "Zonder versie"


def test_an_edit_opened_before_a_provider_stop_is_refused_after_it():
    """Recording a stop (the service behind the portal's "Wij stoppen") saves the provider
    through its own locked step; an official's page opened before it is then stale."""
    provider = ProviderFactory(name="Zorg Zuid", agb_code="73990902")
    official = _official("official_a")
    url, data = _open(official, Provider, provider.pk)
    services.provider_stop(
        provider=provider, stops_on=datetime.date(2030, 1, 1), user=UserFactory(username="x")
    )
    response = official.post(url, {**data, "name": "Zorg Zuid BV"})
    assert STALE in response.content.decode()
    provider.refresh_from_db()
    assert provider.name == "Zorg Zuid" and provider.stops_on == datetime.date(2030, 1, 1)


def test_the_jobs_set_based_updates_raise_the_version():
    ending = IndicationFactory(end_on=datetime.date(2027, 1, 31))
    later = IndicationFactory(end_on=datetime.date(2028, 6, 30))
    services.indications_flag_expiring(on_date=datetime.date(2026, 11, 22))
    assert Indication.objects.get(pk=ending.pk).version == ending.version + 1
    assert Indication.objects.get(pk=later.pk).version == later.version  # untouched
    services.indications_end(on_date=datetime.date(2027, 2, 1))
    assert Indication.objects.get(pk=ending.pk).version == ending.version + 2
    assert Indication.objects.get(pk=later.pk).version == later.version


def test_a_view_only_page_has_no_version_field():
    """Indications are read-only for officials: no form to check, and no error."""
    indication = IndicationFactory()
    official = _official("official_a")
    url = reverse("admin:indications_indication_change", args=[indication.pk])
    response = official.get(url)
    assert response.status_code == 200
    assert VERSION_FIELD not in response.content.decode()
