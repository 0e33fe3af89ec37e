"""Two Celery beats against the real Redis: one schedules, the other waits and takes over
when the first dies (samen/beat.py, decision 114)."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from django.conf import settings

from samen.beat import LOCK_KEY

from .processes import database_url_of_tests

# The beat loads Django, whose start touches the database: the test database's name.
pytestmark = [pytest.mark.broker, pytest.mark.django_db]

ROOT = Path(__file__).resolve().parents[2]


def beat(tmp_path, name):
    log = tmp_path / f"beat-{name}.log"
    env = {**os.environ, "DATABASE_URL": database_url_of_tests(), "BEAT_LOCK_SECONDS": "3"}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "samen",
            "beat",
            "--loglevel=info",
            "--schedule",
            str(tmp_path / f"schedule-{name}"),
            "--pidfile=",
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    return process, log


def wait_for(log, text, process, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if text in log.read_text():
            return
        assert process.poll() is None, f"beat exited:\n{log.read_text()}"
        time.sleep(0.2)
    raise AssertionError(f"{text!r} not in the beat's log after {timeout} s:\n{log.read_text()}")


@pytest.fixture
def lock():
    client = redis.Redis.from_url(settings.REDIS_URL)
    client.delete(LOCK_KEY)
    yield client
    client.delete(LOCK_KEY)
    client.close()


@pytest.fixture
def beats(tmp_path):
    started = []

    def start(name):
        process, log = beat(tmp_path, name)
        started.append(process)
        return process, log

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)


def test_a_second_beat_waits_takes_over_when_the_first_dies_and_releases_when_stopped(lock, beats):
    first, first_log = beats("first")
    wait_for(first_log, "took the beat lock", first)
    second, second_log = beats("second")
    wait_for(second_log, "waits: another beat", second)
    assert lock.get(LOCK_KEY).decode().split(":")[1] == str(first.pid)

    # Killed without a chance to release: the key expires (3 s) and the second takes it.
    first.send_signal(signal.SIGKILL)
    wait_for(second_log, "took the beat lock", second, timeout=20)
    assert lock.get(LOCK_KEY).decode().split(":")[1] == str(second.pid)

    # Stopped: it lets go at once, so a standby need not wait for the key to expire.
    second.send_signal(signal.SIGTERM)
    second.wait(timeout=20)
    assert "released the beat lock" in second_log.read_text()
    assert lock.get(LOCK_KEY) is None
