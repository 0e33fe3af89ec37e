"""The load run's two user classes (bench/load.py starts locust with one of them at a
time). Set by bench/load.py through the environment:

- BENCH_SESSIONS: {"persona": ["session key", ...]}: one signed-in session per user and
  persona, second factor included, made for the server's SECRET_KEY;
- BENCH_PAGES: [["persona", "/path/"], ...]: the staff page mix;
- BENCH_TRIVIAL: the trivial view's path; BENCH_COOKIE: the session cookie's name.

Any answer other than 200 is a failure (redirects are not followed: a lost session would
otherwise count the login page as a success), but for the trivial view, which is the
redirect of a request without a session to the login page.
"""

import itertools
import json
import os
import random

from locust import HttpUser, constant, task

SESSIONS = json.loads(os.environ.get("BENCH_SESSIONS", "{}"))
PAGES = json.loads(os.environ.get("BENCH_PAGES", "[]"))
TRIVIAL = os.environ.get("BENCH_TRIVIAL", "/")
COOKIE = os.environ.get("BENCH_COOKIE", "sessionid")
# The server trusts this header from its proxy (SECURE_PROXY_SSL_HEADER): as if over HTTPS.
HTTPS = {"X-Forwarded-Proto": "https"}
_numbers = itertools.count()


def _get(user, path, name, headers, expected=200):
    with user.client.get(
        path, name=name, headers=headers, allow_redirects=False, catch_response=True
    ) as response:
        if response.status_code != expected:
            response.failure(f"{response.status_code} {path}")
        elif expected == 302 and not response.headers.get("Location", "").startswith("/login/"):
            response.failure(f"302 {path} to {response.headers.get('Location')}")


class StaffMix(HttpUser):
    """Signed-in WIJ workers and team leads opening the staff pages at random."""

    wait_time = constant(0)

    def on_start(self):
        number = next(_numbers)
        self.cookies = {
            persona: keys[number % len(keys)] for persona, keys in SESSIONS.items() if keys
        }

    @task
    def page(self):
        persona, path = random.choice(PAGES)  # noqa: S311 - a load mix
        headers = {**HTTPS, "Cookie": f"{COOKIE}={self.cookies[persona]}"}
        _get(self, path, "staff page mix", headers)


class TrivialView(HttpUser):
    """The floor: a request without a session for a page, sent to the login page (302)."""

    wait_time = constant(0)

    @task
    def page(self):
        self.client.cookies.clear()
        _get(self, TRIVIAL, "trivial view", HTTPS, expected=302)
