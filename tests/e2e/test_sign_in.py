"""Signing in with two factors and the session's idle warning, in Chromium."""

import base64
import datetime
import re
import time

import time_machine
from django_otp.oath import TOTP

from samen import roles
from tests.factories import PASSWORD, UserFactory, totp_code

from .conftest import NOW, Visitor


def test_a_provider_sets_up_the_app_then_signs_in_with_it(chromium, live_server, clock):
    user = UserFactory(role=roles.PROVIDER, username="nieuw", authenticator=False)
    visitor = Visitor(chromium, live_server.url, "new-provider")
    page = visitor.page
    visitor.visit("/login/")
    page.fill("#id_auth-username", "nieuw")
    page.fill("#id_auth-password", PASSWORD)
    page.get_by_role("button", name="Volgende").click()
    page.wait_for_url(re.compile(r"/account/tweede-factor/instellen/$"))
    visitor.check("setup welcome")
    page.get_by_role("button", name="Beginnen").click()
    page.get_by_text("Lukt scannen niet?").wait_for()
    visitor.check("setup qr")
    assert page.locator("img.samen-qr").evaluate("img => img.naturalWidth > 0")
    secret = page.locator("code.samen-secret").inner_text()
    totp = TOTP(base64.b32decode(secret + "=" * (-len(secret) % 8)))
    totp.time = time.time()
    page.fill("#id_generator-token", f"{totp.token():06d}")
    page.get_by_role("button", name="Code bevestigen").click()
    page.wait_for_url(re.compile(r"/account/herstelcodes/$"))
    visitor.check("recovery codes")
    assert page.locator(".samen-codes li").count() == 10
    page.get_by_role("link", name="Ik heb ze bewaard: verder").click()
    page.wait_for_url(re.compile(r"/portaal/$"))

    # Next time: password, then the code of the app.
    page.get_by_role("button", name="Uitloggen").click()
    page.wait_for_url(re.compile(r"/login/"))
    page.fill("#id_auth-username", "nieuw")
    page.fill("#id_auth-password", PASSWORD)
    page.get_by_role("button", name="Volgende").click()
    page.get_by_text("Stap 2 van 2").wait_for()
    visitor.check("login code step")
    page.fill("#id_token-otp_token", totp_code(user))
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(re.compile(r"/portaal/$"))
    visitor.close()


def test_the_idle_warning_and_typing_that_keeps_the_session(visitor, intake_worker, beijum):
    """The browser's clock (Playwright) and the server's (time-machine) move together."""
    ilse = visitor(intake_worker)
    page = ilse.page
    start = datetime.datetime.now(tz=datetime.UTC)
    page.clock.install(time=start)
    page.goto(f"{ilse.base_url}/aanmeldingen/nieuw/")
    warning = page.locator("#session-warning")
    ended = page.locator("#session-ended")

    def both_clocks(minutes):
        """Move the server to `minutes` after `start` and the page's clock along."""
        target = start + datetime.timedelta(minutes=minutes)
        traveller = time_machine.travel(target, tick=True)
        traveller.start()
        page.clock.run_for(int((target - start).total_seconds() * 1000) - both_clocks.done)
        both_clocks.done = int((target - start).total_seconds() * 1000)
        return traveller

    both_clocks.done = 0

    # 28.5 minutes without touching anything: the warning, then "Ingelogd blijven".
    traveller = both_clocks(28.5)
    warning.wait_for(state="visible")
    ilse.check("idle warning")
    page.get_by_role("button", name="Ingelogd blijven").click()
    warning.wait_for(state="hidden")
    traveller.stop()

    # Typing for 40 minutes keeps the session, with no warning.
    text = "Moeder belt morgen terug over de school"
    for step, minutes in enumerate(range(33, 70, 5)):
        page.locator("#id_question").press_sequentially(text.split()[step % 7] + " ")
        traveller = both_clocks(minutes)
        page.wait_for_timeout(300)  # the keep-alive's answer
        assert warning.is_hidden() and ended.is_hidden(), minutes
        traveller.stop()

    # Then 31 minutes away from the keyboard: signed out, and what was typed is still there.
    typed = page.locator("#id_question").input_value()
    assert "Moeder" in typed
    traveller = both_clocks(102)
    ended.wait_for(state="visible")
    ilse.check("session ended")
    assert page.locator("#id_question").input_value() == typed
    traveller.stop()
    assert NOW  # the visitor's own clock fixture started the run at NOW
