"""The message broker's API (/api/v1/ijw/messages/), through the real API with real API
keys: messages in with their retours, bad input, the outgoing list and its
acknowledgement, one message's state, and the served OpenAPI schema (time pinned)."""

import datetime
import io

import pytest
import schemathesis
import time_machine
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.models import ApiToken
from audit.models import AccessLogEntry
from ijw import api, samples, services, xml
from ijw.models import AllocationRequest, Message
from samen import roles
from tests.conftest import api_throttles_clear
from tests.factories import IndicationFactory, ProviderFactory, UserFactory

from .conftest import SHARED, child_data, jw315

NOW = datetime.datetime(2026, 12, 4, 10, 0, tzinfo=datetime.UTC)
TODAY = datetime.date(2026, 12, 4)
URL = "/api/v1/ijw/messages/"
OUTGOING = "/api/v1/ijw/messages/outgoing/"
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def pinned_time():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(autouse=True)
def throttles_cleared():
    api_throttles_clear()


def _key(user) -> str:
    return ApiToken.objects.create(user=user)[1]


@pytest.fixture
def key(provider) -> str:
    """The API key of provider A's message broker."""
    user = UserFactory(role=roles.PROVIDER, username="broker-a")
    provider.memberships.create(user=user)
    return _key(user)


@pytest.fixture
def other_provider(db):
    return ProviderFactory(name="Aanbieder B", agb_code="42420002")


@pytest.fixture
def other_key(other_provider) -> str:
    user = UserFactory(role=roles.PROVIDER, username="broker-b")
    other_provider.memberships.create(user=user)
    return _key(user)


def post(client, key, raw: bytes, content_type="application/xml"):
    headers = {"HTTP_AUTHORIZATION": f"Token {key}"} if key else {}
    return client.post(URL, data=raw, content_type=content_type, **headers)


def get(client, key, url):
    return client.get(url, HTTP_AUTHORIZATION=f"Token {key}")


def ack(client, key, message_id):
    return client.post(f"{URL}{message_id}/picked-up/", HTTP_AUTHORIZATION=f"Token {key}")


def _valid(raw: str, message_type: str) -> None:
    assert xml.schema_errors(xml.etree.fromstring(raw.encode()), message_type) == [], raw


# ------------------------------------------------------------------- messages in


@pytest.mark.parametrize("content_type", ["application/xml", "text/xml; charset=utf-8"])
def test_a_valid_jw315_is_registered_with_a_valid_jw316_retour(
    client, key, provider, child, content_type
):
    response = post(client, key, jw315(provider, client=child), content_type)
    assert response.status_code == 201, response.content
    body = response.json()
    message = Message.objects.get(pk=body["id"])
    assert body["accepted"] is True
    assert body["message_type"] == "JW315" and body["status"] == "awaiting_answer"
    assert body["identification"] == message.identification
    assert body["retour_codes"] == ["0200"] and body["errors"] == ""
    assert message.provider == provider and message.registered_by.username == "broker-a"
    retour = body["retour"]
    assert retour["message_type"] == "JW316"
    _valid(retour["xml"], "JW316")
    assert xml.parse(retour["xml"].encode()).header.answers == message.identification
    assert message.requests.get().status == AllocationRequest.Status.PROPOSED
    # Nobody's name or BSN in the access log's path; the child is logged by id.
    entry = AccessLogEntry.objects.get(part="ijw message (API)")
    assert entry.client_ids == [child.pk] and entry.channel == "api"


def test_the_invalid_example_is_registered_as_rejected_with_retour_0001(client, key):
    raw = (SHARED / "voorbeelden" / "JW315.xml").read_bytes()
    response = post(client, key, raw)
    assert response.status_code == 201
    body = response.json()
    assert body["accepted"] is False and body["status"] == "rejected"
    assert body["retour_codes"] == ["0001"] and body["errors"]
    assert body["retour"]["message_type"] == "JW316"
    assert not AllocationRequest.objects.exists()


@pytest.mark.parametrize(
    "raw",
    [
        b"dit is geen xml",
        b"",
        b"<a>\x00</a>",
        b'<?xml version="1.0"?><Bericht xmlns="urn:iets-anders"/>',
        b"<!DOCTYPE x [<!ENTITY e 'x'>]><x>&e;</x>",
    ],
)
def test_no_ijw_message_is_400_and_nothing_is_stored(client, key, raw):
    response = post(client, key, raw)
    assert response.status_code == 400
    assert response.json()["detail"]
    assert not Message.objects.exists()


def test_a_body_over_the_limit_is_413_and_not_read(client, key, provider):
    response = post(client, key, b"<x>" + b"a" * 2_000_000 + b"</x>")
    assert response.status_code == 413
    assert "MB" in response.json()["detail"]
    assert not Message.objects.exists()


def test_a_50_mb_upload_is_refused_by_its_length_before_reading(client, key):
    response = client.post(
        URL,
        data=b"<x/>",
        content_type="application/xml",
        HTTP_AUTHORIZATION=f"Token {key}",
        CONTENT_LENGTH=str(50_000_000),
    )
    assert response.status_code == 413
    assert not Message.objects.exists()


def test_a_body_without_a_length_is_read_no_further_than_the_limit():
    stream = io.BytesIO(b"a" * (api.MAX_BODY_BYTES + 10))
    with pytest.raises(api.BodyTooLarge):
        api.XmlBodyParser().parse(stream, parser_context={})
    assert stream.tell() == api.MAX_BODY_BYTES + 1


def test_another_content_type_is_415(client, key, provider, child):
    response = post(client, key, jw315(provider, client=child), "application/json")
    assert response.status_code == 415
    assert not Message.objects.exists()


def test_a_message_in_another_providers_name_is_403_and_nothing_is_stored(
    client, key, other_provider, child
):
    response = post(client, key, jw315(other_provider, client=child))
    assert response.status_code == 403
    assert "42420002" in response.json()["detail"]
    assert not Message.objects.exists()


def test_the_same_identification_twice_is_answered_9056(client, key, provider, child):
    raw = jw315(provider, client=child, identification="dubbel-api-1")
    assert post(client, key, raw).json()["accepted"] is True
    response = post(client, key, raw)
    assert response.status_code == 201
    body = response.json()
    assert body["accepted"] is False and body["retour_codes"] == ["9056"]
    assert body["retour"]["message_type"] == "JW316"
    assert AllocationRequest.objects.count() == 1


def test_a_message_dated_in_year_9999_is_rejected_8848(client, key, provider, child):
    response = post(
        client, key, jw315(provider, client=child, dated_on=datetime.date(9999, 12, 31))
    )
    assert response.status_code == 201
    assert response.json()["retour_codes"] == ["8848"]


def test_an_invalid_bsn_is_rejected_with_a_retour(client, key, provider):
    response = post(client, key, jw315(provider, bsn="123456789"))
    assert response.status_code == 201
    body = response.json()
    assert body["accepted"] is False and body["retour"] is not None
    assert not AllocationRequest.objects.exists()


def test_without_a_key_401_and_with_a_non_provider_key_403(client, youth_admin, provider, child):
    raw = jw315(provider, client=child)
    assert post(client, None, raw).status_code == 401
    assert post(client, "niet-een-sleutel", raw).status_code == 401
    api_throttles_clear()
    admin_key = _key(youth_admin)
    assert post(client, admin_key, raw).status_code == 403
    assert get(client, admin_key, OUTGOING).status_code == 403
    assert not Message.objects.exists()


def _delivery(allocation_number: int, **kwargs) -> samples.Delivery:
    return samples.Delivery(
        allocation_number=allocation_number,
        code="45A51",
        allocation_start_on=datetime.date(2026, 1, 5),
        start_on=datetime.date(2026, 1, 5),
        **kwargs,
    )


@pytest.mark.parametrize("message_type", ["JW305", "JW307", "JW317"])
def test_the_providers_other_messages_are_registered_with_a_retour(
    client, key, provider, child, message_type
):
    indication = IndicationFactory(
        client=child,
        provider=provider,
        start_on=datetime.date(2026, 1, 5),
        end_on=datetime.date(2027, 1, 4),
        allocation_number=700001,
    )
    header = {
        "sender": provider.agb_code,
        "identification": f"api-{message_type}",
        "dated_on": TODAY,
    }
    if message_type == "JW305":
        raw = samples.jw305(**header, child=child_data(child), starts=[_delivery(700001)])
    elif message_type == "JW307":
        stop = _delivery(700001, end_on=datetime.date(2026, 12, 3), end_reason="02")
        raw = samples.jw307(**header, child=child_data(child), stops=[stop])
    else:
        raw = samples.jw317(
            **header,
            bsn=child.bsn,
            reference="VERL-1",
            changes=[
                samples.Change(
                    allocation_number=indication.allocation_number,
                    start_on=indication.start_on,
                    end_on=datetime.date(2027, 6, 30),
                )
            ],
        )
    response = post(client, key, raw)
    assert response.status_code == 201, response.content
    body = response.json()
    message = Message.objects.get(pk=body["id"], direction="in")
    assert message.message_type == message_type and message.provider == provider
    retour = body["retour"]
    assert retour is not None
    _valid(retour["xml"], retour["message_type"])
    # Accepted, and what each message does happened (ijw/handlers.py).
    assert body["accepted"] is True and body["retour_codes"] == ["0200"], body
    indication.refresh_from_db()
    if message_type == "JW305":
        assert indication.care_started_on == datetime.date(2026, 1, 5)
    elif message_type == "JW307":  # stopped before the end (reason 02): ended early
        assert indication.status == "stopped_early"
        assert indication.end_on == datetime.date(2026, 12, 3)
    else:
        assert message.requests.get().extension.proposed_end_on == datetime.date(2027, 6, 30)


# ---------------------------------------------------------------- messages out


def _decided(client, key, provider, child, youth_admin, *, route="wij", **kwargs):
    body = post(client, key, jw315(provider, client=child, **kwargs)).json()
    request = Message.objects.get(pk=body["id"]).requests.get()
    return services.request_decide(request_id=request.pk, route=route, user=youth_admin)


def test_the_answer_waits_in_outgoing_until_it_is_acknowledged(
    client, key, provider, child, youth_admin
):
    decided = _decided(client, key, provider, child, youth_admin)
    response = get(client, key, OUTGOING)
    assert response.status_code == 200
    listed = response.json()["results"]
    # Oldest first: our retour on the JW315, then the answer.
    assert [m["message_type"] for m in listed] == ["JW316", "JW319"]
    answer = listed[1]
    assert answer["id"] == decided.answer.pk
    _valid(answer["xml"], "JW319")
    # Listing marks nothing: a broker that crashes after the GET gets them again.
    assert len(get(client, key, OUTGOING).json()["results"]) == 2
    assert AccessLogEntry.objects.filter(part="ijw messages out (API)").exists()

    for message in listed:
        response = ack(client, key, message["id"])
        assert response.status_code == 200
        assert response.json()["status"] == "sent"
    assert get(client, key, OUTGOING).json()["results"] == []
    # Again: the same answer, nothing changes.
    again = ack(client, key, answer["id"])
    assert again.status_code == 200 and again.json()["status"] == "sent"
    decided.answer.refresh_from_db()
    assert decided.answer.status == Message.Status.SENT and decided.answer.picked_up_at == NOW


def test_an_allocation_goes_out_as_a_valid_jw301(client, key, provider, child, youth_admin):
    decided = _decided(
        client,
        key,
        provider,
        child,
        youth_admin,
        route="allocate",
        start_on=datetime.date(2022, 12, 31),
    )
    listed = get(client, key, OUTGOING).json()["results"]
    jw301 = next(m for m in listed if m["message_type"] == "JW301")
    assert jw301["id"] == decided.answer.pk
    _valid(jw301["xml"], "JW301")


def test_another_provider_sees_none_of_it(client, key, other_key, provider, child, youth_admin):
    decided = _decided(client, key, provider, child, youth_admin)
    assert get(client, other_key, OUTGOING).json()["results"] == []
    assert ack(client, other_key, decided.answer.pk).status_code == 404
    assert get(client, other_key, f"{URL}{decided.answer.pk}/").status_code == 404
    decided.answer.refresh_from_db()
    assert decided.answer.status == Message.Status.READY


def test_the_providers_jw320_on_our_answer_confirms_it(client, key, provider, child, youth_admin):
    decided = _decided(client, key, provider, child, youth_admin)
    ours = xml.parse(decided.answer.raw.encode()).header
    raw = samples.provider_retour(
        "JW320",
        answers=xml.Header(
            sender="0014",
            receiver=provider.agb_code,
            identification=ours.identification,
            dated_on=ours.dated_on,
        ),
        identification="ret-api-0001",
        dated_on=TODAY,
        codes=["0200"],
    )
    response = post(client, key, raw)
    assert response.status_code == 201
    body = response.json()
    assert body["accepted"] is True and body["message_type"] == "JW320"
    assert body["retour"] is None
    shown = get(client, key, f"{URL}{decided.answer.pk}/").json()
    assert shown["status"] == "confirmed" and shown["retour_codes"] == ["0200"]
    assert Message.objects.get(pk=body["id"]).in_reply_to == decided.answer


def test_one_message_shows_its_state(client, key, provider, child):
    body = post(client, key, jw315(provider, dated_on=datetime.date(2026, 12, 5))).json()
    response = get(client, key, f"{URL}{body['id']}/")
    assert response.status_code == 200
    shown = response.json()
    assert shown["direction"] == "in" and shown["status"] == "rejected"
    assert shown["retour_codes"] == ["8848"] and shown["errors"]


def test_an_incoming_message_cannot_be_acknowledged(client, key, provider, child):
    body = post(client, key, jw315(provider, client=child)).json()
    assert ack(client, key, body["id"]).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        f"{URL}99999999999999999999/",
        f"{URL}99999999999999999999/picked-up/",
        f"{URL}abc/",
        f"{URL}0/",
        f"{OUTGOING}?page=99999999999999999999",
        f"{OUTGOING}?page=%00",
        f"{OUTGOING}?page_size=-1&page=abc",
    ],
)
def test_odd_addresses_are_answered_without_a_server_error(client, key, url):
    if url.endswith("/picked-up/"):
        response = client.post(url, HTTP_AUTHORIZATION=f"Token {key}")
    else:
        response = get(client, key, url)
    if "%00" in url:  # refused for every page before any view (samen's middleware)
        assert response.status_code == 400
        return
    assert response.status_code in (200, 404)
    assert response["Content-Type"] == "application/json"


def test_the_outgoing_list_takes_the_same_queries_for_more_messages(
    client, key, provider, child, youth_admin, django_assert_num_queries
):
    _decided(client, key, provider, child, youth_admin)
    get(client, key, OUTGOING)  # the key's last use is written once a minute, not here
    with django_assert_num_queries(8):
        assert len(get(client, key, OUTGOING).json()["results"]) == 2
    _decided(client, key, provider, child, youth_admin)
    _decided(client, key, provider, child, youth_admin)
    with django_assert_num_queries(8):
        assert len(get(client, key, OUTGOING).json()["results"]) == 6


# ------------------------------------------------------------------ the schema


def test_the_served_schema_documents_the_operations(client, key):
    response = get(client, key, "/api/v1/schema/?format=json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert set(paths[URL]["post"]["requestBody"]["content"]) == {"application/xml", "text/xml"}
    assert {"201", "400", "401", "403", "413", "415"} <= set(paths[URL]["post"]["responses"])
    assert paths[OUTGOING]["get"]["operationId"] == "ijw_messages_outgoing"
    assert paths[URL + "{id}/"]["get"]["operationId"] == "ijw_message"
    assert paths[URL + "{id}/picked-up/"]["post"]["operationId"] == "ijw_message_picked_up"


# ------------------------------------------------------- fuzzed through the schema

APP = WSGIHandler()


@pytest.fixture
def connections_kept_open():
    """As Django's test client does: the handler must not close the database connection
    at the end of a request, or the test's transaction would go with it."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


fuzz_schema = schemathesis.openapi.from_dict(
    SchemaGenerator().get_schema(request=None, public=True)
).include(path_regex="^/api/v1/ijw/")


@fuzz_schema.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    derandomize=True,  # the same examples on every run: a failure is reproducible
    suppress_health_check=list(HealthCheck),
)
def test_the_message_api_answers_as_documented(case, connections_kept_open, key, youth_admin):
    """Every ijw operation with generated input, for the provider's broker, a key of a
    youth administrator and no key: no server error, each answer as the schema says."""
    keys = {"broker": key, "not a provider": _key(youth_admin), "none": None}
    for name, each in keys.items():
        api_throttles_clear()  # the examples come faster than any rate limit allows
        headers = {"Authorization": f"Token {each}"} if each else {}
        response = case.call(app=APP, headers={**(case.headers or {}), **headers})
        assert response.status_code < 500, f"{name}: {response.status_code}"
        case.validate_response(
            response,
            checks=[
                not_a_server_error,
                status_code_conformance,
                content_type_conformance,
                response_schema_conformance,
            ],
        )
