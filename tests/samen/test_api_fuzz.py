"""Schemathesis against the served OpenAPI schema: every operation, with each kind of
caller (no credentials, a provider's API key, a WIJ worker's session, an official's
session), bounded examples. No answer is a server error, and every answer — 2xx and the
documented 400/401/403/404/429 — matches the schema (status code, content type, body).

The schema is the one `/api/v1/schema/` serves (drf-spectacular's generator, read once at
collection time without a database); the calls go through Django's WSGI handler in this
process, so they run inside the test's database transaction.
"""

import datetime

import pytest
import schemathesis
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
from intake.models import TeamMember
from openhouse.models import ProviderMembership
from samen import roles
from tests.conftest import api_throttles_clear
from tests.factories import (
    ClientFactory,
    IndicationFactory,
    PostcodeAreaFactory,
    ProviderFactory,
    TeamFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
APP = WSGIHandler()
CALLERS = ["anonymous", "provider key", "worker session", "official session"]
CSRF = "a" * 32  # the same secret as cookie and header: Django's CSRF check passes


def _session_cookie(client, user) -> str:
    client.force_login(user)  # with the second factor, as every real session has
    return client.cookies["sessionid"].value


@pytest.fixture(autouse=True)
def connections_kept_open():
    """As Django's test client does: the handler must not close the database connection
    at the end of a request, or the test's transaction would go with it."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def callers(client):
    """Headers and cookies per kind of caller, with data each can see."""
    team = TeamFactory(name="WIJ Beijum")
    PostcodeAreaFactory(digits="9735", team=team)
    worker = UserFactory(role=roles.WIJ_STAFF, username="fuzz_worker")
    TeamMember.objects.create(user=worker, team=team)
    official = UserFactory(role=roles.OFFICIAL, username="fuzz_official")
    provider = ProviderFactory()
    provider_user = UserFactory(role=roles.PROVIDER, username="fuzz_provider")
    ProviderMembership.objects.create(user=provider_user, provider=provider)
    for _ in range(3):
        IndicationFactory(
            provider=provider,
            client=ClientFactory(team=team),
            end_on=datetime.date.today() + datetime.timedelta(days=60),
        )
    _token, key = ApiToken.objects.create(user=provider_user)
    return {
        "anonymous": ({}, {}),
        "provider key": ({"Authorization": f"Token {key}"}, {}),
        "worker session": (
            {"X-CSRFToken": CSRF},
            {"sessionid": _session_cookie(client, worker), "csrftoken": CSRF},
        ),
        "official session": (
            {"X-CSRFToken": CSRF},
            {"sessionid": _session_cookie(client, official), "csrftoken": CSRF},
        ),
    }


@schema.parametrize()
@settings(
    max_examples=20,
    deadline=None,
    derandomize=True,  # the same examples on every run: a failure is reproducible
    suppress_health_check=list(HealthCheck),
)
def test_the_api_answers_every_caller_without_a_server_error(case, callers, settings):
    settings.MEDIA_ROOT = settings.BASE_DIR / "var" / "test-media"
    for caller in CALLERS:
        api_throttles_clear()  # the examples come faster than any rate limit allows
        headers, cookies = callers[caller]
        response = case.call(app=APP, headers={**(case.headers or {}), **headers}, cookies=cookies)
        assert response.status_code < 500, f"{caller}: {response.status_code}"
        case.validate_response(
            response,
            checks=[
                not_a_server_error,
                status_code_conformance,
                content_type_conformance,
                response_schema_conformance,
            ],
        )
