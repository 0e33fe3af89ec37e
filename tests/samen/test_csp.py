"""The Content-Security-Policy (docs/security.md): enforced on every response, in every
environment; scripts and styles only from our own origin or with the response's nonce; no
inline style attribute, event handler or unnonced <script>/<style> on any kind of page."""

import datetime
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from django.conf import settings

from referrals.models import Product
from samen.settings import csp_origin
from tests.factories import IndicationFactory, ProviderFactory, SupportRequestFactory

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
NOW = datetime.datetime(2026, 11, 17, 9, 0, tzinfo=datetime.UTC)

POLICY = (
    "default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'nonce-{nonce}'; "
    "img-src 'self'; font-src 'self'; connect-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)
# A <script> or <style> start tag, a style attribute, an inline event handler (onclick=,
# htmx's hx-on:click= / hx-on::after-request=), a javascript: URL.
TAG = re.compile(r"<(script|style)\b([^>]*)>", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<[a-z][^>]*\sstyle\s*=", re.IGNORECASE)
HANDLER = re.compile(r"<[a-z][^>]*\s(on[a-z]+|hx-on[:\-][^\s=]*)\s*=", re.IGNORECASE)


def directives(header: str) -> dict[str, list[str]]:
    parsed = {}
    for part in header.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def assert_strict(response, path):
    """The header's script-src and style-src carry one nonce, the one every nonce attribute
    on the page has; nothing inline runs or applies without it."""
    assert response.status_code == 200, path
    assert "Content-Security-Policy-Report-Only" not in response, path
    policy = directives(response["Content-Security-Policy"])
    nonces = set()
    for name in ("script-src", "style-src"):
        values = policy[name]
        assert "'unsafe-inline'" not in values and "'unsafe-eval'" not in values, (path, name)
        assert "'unsafe-hashes'" not in values, (path, name)
        found = [v for v in values if v.startswith("'nonce-")]
        assert len(found) == 1, (path, name, values)
        nonces.add(found[0].removeprefix("'nonce-").removesuffix("'"))
    assert len(nonces) == 1, path
    nonce = nonces.pop()
    assert response["Content-Security-Policy"] == POLICY.format(nonce=nonce), path

    html = response.content.decode()
    on_page = re.findall(r"\snonce=\"([^\"]*)\"", html)
    assert on_page, f"{path}: no tag carries the nonce"
    assert set(on_page) == {nonce}, path
    for tag, attributes in TAG.findall(html):
        if tag.lower() == "script" and " src=" in attributes:
            continue
        assert f'nonce="{nonce}"' in attributes, f"{path}: <{tag}{attributes}> has no nonce"
    assert not STYLE_ATTRIBUTE.search(html), f"{path}: {STYLE_ATTRIBUTE.search(html).group()}"
    assert not HANDLER.search(html), f"{path}: {HANDLER.search(html).group()}"
    assert "javascript:" not in html, path
    return html


@pytest.fixture
def world(beijum, provider_user):
    provider = ProviderFactory(name="Zorg Noord Jeugd")
    provider.memberships.create(user=provider_user)
    indication = IndicationFactory(
        client__team=beijum, provider=provider, end_on=datetime.date(2027, 1, 31)
    )
    for days in (3, 40, 70):
        SupportRequestFactory(
            team=beijum, received_at=NOW - datetime.timedelta(days=days), referrer_type="01"
        )
    return {"indication": indication, "product": Product.objects.order_by("pk").first()}


@time_machine.travel(NOW, tick=False)
def test_every_kind_of_page_has_a_strict_policy_and_the_nonce_of_its_header(
    client, world, intake_worker, team_lead, official, provider_user
):
    product = world["product"]
    pages = {
        None: ["/login/"],
        intake_worker: [
            "/werk/",
            "/aanmeldingen/nieuw/",  # htmx search
            f"/jeugdigen/{world['indication'].client_id}/",  # the indications' timeline
            "/fasering/",  # the phasing timeline
            "/account/tweede-factor/",  # the second factor's pages
        ],
        team_lead: ["/rapportages/instroom/?start=2026-07-01&end=2026-11-30&by=month"],
        official: [
            "/admin/",
            "/admin/referrals/product/",  # changelist: filters, <style nonce>, actions
            f"/admin/referrals/product/{product.pk}/change/",  # date widgets
            f"/admin/referrals/product/{product.pk}/history/",  # django-simple-history
            "/admin/indications/indication/",
        ],
        provider_user: ["/portaal/", f"/portaal/indicaties/{world['indication'].pk}/"],
    }
    seen = {}
    for user, paths in pages.items():
        client.logout()
        if user is not None:
            client.force_login(user)
        for path in paths:
            seen[path] = assert_strict(client.get(path), path)
    # What used to be drawn with style="" is drawn with SVG attributes now.
    assert '<svg class="samen-timeline__track">' in seen["/fasering/"]
    assert "samen-timeline__marker--planned" in seen["/fasering/"]
    child = seen[f"/jeugdigen/{world['indication'].client_id}/"]
    assert '<line class="samen-timeline__mark samen-mark--two"' in child
    report = seen["/rapportages/instroom/?start=2026-07-01&end=2026-11-30&by=month"]
    assert '<svg class="samen-swatch' in report and 'fill="#1d3f8c"' in report
    # htmx adds no <style> and evaluates nothing (base.html's htmx-config).
    assert '"includeIndicatorStyles": false, "allowEval": false' in seen["/werk/"]


def test_each_response_has_its_own_nonce(client, intake_worker):
    client.force_login(intake_worker)
    headers = {client.get("/werk/")["Content-Security-Policy"] for _ in range(3)}
    assert len(headers) == 3


def test_responses_without_a_page_have_the_policy_too(client):
    """No nonce used, none sent: script-src 'self' alone, stricter still."""
    response = client.get("/health/")
    policy = directives(response["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"] and policy["frame-ancestors"] == ["'none'"]


def policy_in_a_new_process(**environment):
    """SECURE_CSP as a fresh process reads it from these environment variables."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OIDC_", "CSP_"))}
    env.update(
        {
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "samen.example.nl",
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/samen",
            "REDIS_URL": "redis://127.0.0.1:6379/0",
            "DJANGO_SETTINGS_MODULE": "samen.settings",
            **environment,
        }
    )
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "from django.utils.csp import build_policy; print(build_policy(settings.SECURE_CSP))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_the_same_enforced_policy_in_every_environment():
    policies = {
        environment: policy_in_a_new_process(SAMEN_ENV=environment, DEBUG="false")
        for environment in ("production", "development", "test")
    }
    assert len(set(policies.values())) == 1
    assert policies["production"] == POLICY.replace(" 'nonce-{nonce}'", "")
    assert not settings.SECURE_CSP_REPORT_ONLY


def test_forms_may_go_to_the_identity_provider():
    """Signing in and out through OpenID Connect redirects a form's request to the provider."""
    policy = policy_in_a_new_process(
        SAMEN_ENV="production",
        OIDC_OP_ISSUER="https://login.example.nl/realms/gemeente",
        CSP_FORM_ACTION="https://adfs.example.nl/adfs/ls/,https://login.example.nl",
    )
    assert "form-action 'self' https://login.example.nl https://adfs.example.nl;" in policy, policy


def test_an_origin_of_a_url():
    assert csp_origin("https://sso.example.nl/realms/wij/") == "https://sso.example.nl"
    assert csp_origin("https://login.microsoftonline.com/t/v2.0") == (
        "https://login.microsoftonline.com"
    )
    for wrong in ("sso.example.nl", "ftp://x.nl/", "https:///path"):
        with pytest.raises(Exception, match="Not an http"):
            csp_origin(wrong)
