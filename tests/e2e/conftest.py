"""Browser tests: Playwright drives Debian's Chromium (never a downloaded browser) against
Django's live server on 127.0.0.1, on the PostgreSQL test database.

Every page a flow visits is checked with axe-core (WCAG 2.1 A and AA rules), for reflow at
320 CSS pixels and at 200% zoom (1280 pixels wide at 200% = 640 CSS pixels), and saved as a
screenshot under artifacts/ for a reviewer.
"""

import datetime
import os
import re
from pathlib import Path

import pytest
import time_machine
from django.conf import settings

from tests.factories import PASSWORD, totp_code

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# between browser steps are plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
# pytest-django's live server listens here (it would say "localhost" otherwise).
os.environ.setdefault("DJANGO_LIVE_TEST_SERVER_ADDRESS", "127.0.0.1")

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(settings.BASE_DIR) / "artifacts"
AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Tuesday 17 November 2026, 10:00 in Groningen; the clock runs on from there.
NOW = datetime.datetime(2026, 11, 17, 9, 0, tzinfo=datetime.UTC)

pytestmark = pytest.mark.e2e


def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)
            item.add_marker(pytest.mark.django_db(transaction=True))


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/setup-browser (make install-test does)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=True):
        yield NOW


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


class Visitor:
    """One signed-in person in the browser, checking every page they see."""

    def __init__(self, browser, base_url, name):
        self.context = browser.new_context(
            viewport={"width": 1280, "height": 900}, locale="nl-NL", accept_downloads=True
        )
        self.page = self.context.new_page()
        self.base_url = base_url
        self.name = name
        self.checked = []
        # Content-Security-Policy: every violation on every page this visitor sees, as
        # Chromium reports it in the console and as the page's securitypolicyviolation
        # events (the listener is added by the DevTools protocol, which CSP does not govern).
        self.csp_violations = []
        self.context.add_init_script(script=CSP_VIOLATION_LISTENER)
        self.page.on("console", self._console)

    def _console(self, message):
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.csp_violations.append(f"{self.page.url}: {message.text}")

    def login(self, user):
        """Through the login pages: password, then the authenticator app's code."""
        self.page.goto(f"{self.base_url}/login/")
        self.page.fill("#id_auth-username", user.username)
        self.page.fill("#id_auth-password", PASSWORD)
        self.page.keyboard.press("Enter")
        self.page.fill("#id_token-otp_token", totp_code(user))
        self.page.keyboard.press("Enter")
        self.page.wait_for_url(re.compile(r"^(?!.*/login/).*$"))

    def visit(self, path, *, check=True):
        self.page.goto(f"{self.base_url}{path}")
        if check:
            self.check()
        return self.page

    def check(self, label=""):
        """axe-core (WCAG 2.1 A + AA) at 1280 and 320 px, reflow at 320 px and at 200%
        zoom, screenshots; no Content-Security-Policy violation on any page so far."""
        page = self.page
        page.wait_for_load_state("load")
        self.assert_no_csp_violations()
        path = page.url.removeprefix(self.base_url)
        name = re.sub(r"[^a-z0-9]+", "-", f"{self.name} {label or path}".lower()).strip("-")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        violations = axe_violations(page)
        assert not violations, f"axe on {path}:\n" + "\n".join(violations)
        for width in (320, 640):  # 640 CSS px: a 1280 px window at 200% zoom
            page.set_viewport_size({"width": width, "height": 800})
            overflow = page.evaluate(
                "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 1, (
                f"{path} scrolls sideways by {overflow}px at {width} CSS px: "
                + ", ".join(page.evaluate(WIDE_ELEMENTS))
            )
            if width == 320:
                page.screenshot(path=str(ARTIFACTS / f"{name}-320px.png"), full_page=True)
                # Narrow, tables scroll in their own region: that region must work too.
                violations = axe_violations(page)
                assert not violations, f"axe on {path} at 320 CSS px:\n" + "\n".join(violations)
        page.set_viewport_size({"width": 1280, "height": 900})
        self.assert_no_csp_violations()
        self.checked.append(path)

    def assert_no_csp_violations(self):
        violations, self.csp_violations = self.csp_violations, []
        assert not violations, "Content-Security-Policy violations:\n" + "\n".join(violations)

    def close(self):
        self.context.close()
        self.assert_no_csp_violations()


# Reports each violation to the console, where Visitor._console collects it (Chromium also
# logs its own "Refused to ..." line; this one names the directive and the blocked source).
CSP_VIOLATION_LISTENER = """document.addEventListener('securitypolicyviolation', (e) =>
  console.error(`Content Security Policy violation: ${e.effectiveDirective} blocked `
    + `${e.blockedURI || 'inline'} at ${e.sourceFile || e.documentURI}:${e.lineNumber} `
    + `${e.sample ? '(' + e.sample + ')' : ''}`))"""


# What sticks out on the right, to name it in a failure: elements beyond the edge with no
# child beyond it, and elements whose own text overflows them.
WIDE_ELEMENTS = """() => [...document.querySelectorAll('body *')]
  .filter(e => (e.getBoundingClientRect().right > document.documentElement.clientWidth + 1
    && ![...e.children].some(c => c.getBoundingClientRect().right > document.documentElement.clientWidth + 1))
    || (e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX === 'visible'))
  .slice(0, 5).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className ? '.' + String(e.className).split(' ').join('.') : ''))"""


def axe_violations(page) -> list[str]:
    # Evaluated through the DevTools protocol: a <script> tag with axe's source (Playwright's
    # add_script_tag) is an inline script, which the page's Content-Security-Policy refuses.
    page.evaluate(AXE.read_text())
    result = page.evaluate(
        """async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})""",
        WCAG_21_AA,
    )
    return [
        f"- {v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(" ".join(node["target"]) for node in v["nodes"][:5])
        for v in result["violations"]
    ]


@pytest.fixture
def visitor(chromium, live_server, clock):
    made = []

    def make(user, name=None):
        visitor = Visitor(chromium, live_server.url, name or user.username)
        visitor.login(user)
        made.append(visitor)
        return visitor

    yield make
    for visitor in made:
        visitor.close()
