"""The load run of `make bench`: gunicorn with the production settings on 127.0.0.1 and
`locust --headless` against it, first the trivial view, then the staff page mix, each with
USERS concurrent users for the same number of seconds.

The trivial view is a request without a session for the start page: the whole middleware
stack answers it with the redirect to the login page, without a query or a template. The
product has no lighter route and the bench adds none to it: `/health/` asks the database
six times and Redis once, and the login page itself writes a new session row for every
visitor without a session cookie (a SELECT and an INSERT).

Every process started here is stopped again, also on a failure or Ctrl-C.
"""

import contextlib
import csv
import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from django.conf import settings
from django.contrib.sessions.models import Session
from django.test.utils import override_settings

from bench.pages import LEAD, WORKER, signed_in
from bench.report import Row

USERS = 8
# The workers import the whole project; on a busy 2-core machine that takes half a minute.
START_SECONDS = 180
WARM_UP_SECONDS = 10
WARM_UP_ROUNDS = 4
TRIVIAL_PATH = "/"
BASE_DIR = Path(settings.BASE_DIR)
BIN = Path(sys.executable).parent


class LoadError(Exception):
    pass


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def session_keys(users: dict, secret: str) -> dict[str, list[str]]:
    """USERS sessions for the worker and the team lead each, signed for the server's key
    (the session's auth hash and its signature both depend on SECRET_KEY)."""
    keys = {}
    with override_settings(SECRET_KEY=secret):
        for persona in (WORKER, LEAD):
            keys[persona] = [
                signed_in(users[persona]).cookies[settings.SESSION_COOKIE_NAME].value
                for _ in range(USERS)
            ]
    return keys


def production_env(secret: str, static_root: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        SAMEN_ENV="production",
        # samen.settings but for uncompressed static files (see that module).
        DJANGO_SETTINGS_MODULE="bench.production_settings",
        SECRET_KEY=secret,
        ALLOWED_HOSTS="127.0.0.1",
        STATIC_ROOT=static_root,
        DEBUG="false",
        PYTHONUNBUFFERED="1",
    )
    return env


def _wait_until_up(server: subprocess.Popen, url: str, log: Path) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise LoadError(f"gunicorn stopped (exit {server.returncode}): {_tail(log)}")
        # Our own server on 127.0.0.1, over plain HTTP as from its proxy.
        request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https"})  # noqa: S310
        with (
            contextlib.suppress(urllib.error.URLError, ConnectionError, TimeoutError),
            urllib.request.urlopen(request, timeout=30) as response,  # noqa: S310
        ):
            if response.status == 200:
                return
        time.sleep(0.5)
    raise LoadError(f"gunicorn did not answer {url} within {START_SECONDS} s: {_tail(log)}")


def _tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def _locust(user_class, host, seconds, env, prefix: Path, *, warm_up=False) -> dict:
    command = [
        str(BIN / "locust"),
        "-f",
        str(BASE_DIR / "bench" / "locustfile.py"),
        "--headless",
        "--users",
        str(USERS),
        "--spawn-rate",
        str(USERS),
        "--run-time",
        f"{seconds}s",
        "--host",
        host,
        "--csv",
        str(prefix),
        "--only-summary",
        "--loglevel",
        "WARNING",
        user_class,
    ]
    done = subprocess.run(  # noqa: S603 - our own command line
        command, env=env, capture_output=True, text=True, timeout=seconds + 120, check=False
    )
    stats_file = Path(f"{prefix}_stats.csv")
    if not stats_file.exists():
        raise LoadError(f"locust {user_class} wrote no figures: {done.stderr[-2000:]}")
    with stats_file.open() as stats:
        total = next(row for row in csv.DictReader(stats) if row["Name"] == "Aggregated")
    failures = []
    failures_file = Path(f"{prefix}_failures.csv")
    if failures_file.exists():
        with failures_file.open() as rows:
            failures = [
                f"load run, {user_class}: {row['Occurrences']}x {row['Error']}"
                for row in csv.DictReader(rows)
            ]
    if warm_up and not int(total["Request Count"]):
        return {"requests": 0, "median": None}
    if not int(total["Request Count"]):
        raise LoadError(f"locust {user_class}: no request answered in {seconds} s")
    return {
        "requests": int(total["Request Count"]),
        "rps": float(total["Requests/s"]),
        "median": float(total["Median Response Time"]),
        "p95": float(total["95%"]),
        "failures": failures,
    }


def load_run(*, users: dict, pages: list, seconds: int, port: int, write) -> tuple[list, list]:
    """Start gunicorn (production settings), run locust twice, stop everything; returns
    (rows, errors)."""
    if not pages:
        raise LoadError("no staff pages to request")
    secret = secrets.token_urlsafe(64)
    port = port or free_port()
    host = f"http://127.0.0.1:{port}"
    workers = 2 * (os.cpu_count() or 1) + 1
    keys = session_keys(users, secret)
    server = None
    with tempfile.TemporaryDirectory(prefix="samen-bench-") as temp:
        temp_dir = Path(temp)
        env = production_env(secret, str(temp_dir / "static"))
        try:
            write(f"\nLoad run: collectstatic, gunicorn ({workers} workers) on {host}")
            collect = subprocess.run(
                [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"],
                cwd=BASE_DIR,
                env=env,
                capture_output=True,
                text=True,
                check=False,
            )
            if collect.returncode:
                raise LoadError(f"collectstatic failed: {collect.stderr[-2000:]}")
            log = temp_dir / "gunicorn.log"
            with log.open("w") as log_file:
                server = subprocess.Popen(  # noqa: S603 - our own command line
                    [
                        str(BIN / "gunicorn"),
                        "-c",
                        "gunicorn.conf.py",
                        "--bind",
                        f"127.0.0.1:{port}",
                        "--workers",
                        str(workers),
                        # Not the shared default socket in ~/.gunicorn (other instances).
                        "--no-control-socket",
                        "samen.wsgi:application",
                    ],
                    cwd=BASE_DIR,
                    env=env,
                    stdout=subprocess.DEVNULL,  # the access log: one line a request
                    stderr=log_file,
                )
            _wait_until_up(server, host + TRIVIAL_PATH, log)
            locust_env = {
                **env,
                "BENCH_SESSIONS": json.dumps(keys),
                "BENCH_PAGES": json.dumps(pages),
                "BENCH_TRIVIAL": TRIVIAL_PATH,
                "BENCH_COOKIE": settings.SESSION_COOKIE_NAME,
            }
            # Each worker's first requests import and compile what its pages need (seconds
            # on a busy machine): warm up each mix, not counted, until its median is under
            # a second (at most WARM_UP_ROUNDS rounds).
            for user_class in ("TrivialView", "StaffMix"):
                for _round in range(WARM_UP_ROUNDS):
                    warm = _locust(
                        user_class,
                        host,
                        WARM_UP_SECONDS,
                        locust_env,
                        temp_dir / "warm-up",
                        warm_up=True,
                    )
                    if warm["requests"] and warm["median"] < 1000:
                        break
            trivial = _locust("TrivialView", host, seconds, locust_env, temp_dir / "trivial")
            mix = _locust("StaffMix", host, seconds, locust_env, temp_dir / "mix")
            if server.poll() is not None:
                raise LoadError(f"gunicorn stopped during the run: {_tail(log)}")
        finally:
            if server is not None and server.poll() is None:
                server.terminate()
                try:
                    server.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    server.kill()
                    server.wait()
            Session.objects.filter(
                session_key__in=[key for persona in keys.values() for key in persona]
            ).delete()
    share = mix["rps"] / trivial["rps"] if trivial["rps"] else 0
    rows = [
        Row(
            f"trivial view: {TRIVIAL_PATH} without session, 302 (floor)",
            trivial["median"],
            trivial["p95"],
            rows=trivial["requests"],
            note=f"{trivial['rps']:.1f} req/s",
        ),
        Row(
            f"staff page mix ({len(pages)} pages)",
            mix["median"],
            mix["p95"],
            rows=mix["requests"],
            floor_name="trivial view",
            floor_ms=trivial["median"],
            target="p95 < 300 ms, >= 1/3 of the floor's req/s",
            note=f"{mix['rps']:.1f} req/s = {share:.2f} of the floor's"
            + (f" (1/{1 / share:.1f})" if share else ""),
        ),
    ]
    write(f"{USERS} users, {seconds} s each after a warm-up; rows = requests answered")
    return rows, trivial["failures"] + mix["failures"]
