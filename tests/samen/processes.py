"""Helpers for tests that start the application's own processes (beat, gunicorn, workers,
a local S3 server): each is a real process on 127.0.0.1, started and stopped by the test."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def database_url_of_tests() -> str:
    """The DATABASE_URL of pytest-django's test database (test_<name>), as the tests see it."""
    params = connection.settings_dict
    user = params["USER"] or ""
    password = f":{params['PASSWORD']}" if params["PASSWORD"] else ""
    host = params["HOST"] or "127.0.0.1"
    port = params["PORT"] or 5432
    return f"postgres://{user}{password}@{host}:{port}/{params['NAME']}"


def port_free(port: int) -> None:
    """Fail the test at once, and say why, when something already listens on the port."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # As gunicorn does: a closed connection of an earlier run (TIME_WAIT) is no listener.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            pytest.fail(
                f"Port {port} on 127.0.0.1 is taken (another test run or a left-over "
                f"process: `ss -ltnp 'sport = :{port}'`)."
            )


class Process:
    """One started process, its output in a log file."""

    def __init__(self, name: str, command: list[str], env: dict, log_dir: Path):
        self.name = name
        self.log = log_dir / f"{name}.log"
        self.popen = subprocess.Popen(
            command,
            cwd=ROOT,
            env={**os.environ, **env},
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
        )

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def alive(self) -> None:
        if self.popen.poll() is not None:
            pytest.fail(f"{self.name} exited ({self.popen.returncode}):\n{self.output()[-4000:]}")

    def wait_for_line(self, text: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in self.output():
                return
            self.alive()
            time.sleep(0.2)
        pytest.fail(f"{text!r} not in {self.name}'s output after {timeout} s:\n{self.output()}")

    def wait_for_http(self, url: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.alive()
            try:
                if requests.get(url, timeout=30).status_code < 500:
                    return
            except (requests.ConnectionError, requests.Timeout):
                pass
            time.sleep(0.3)
        pytest.fail(f"{self.name} did not answer {url} in {timeout} s:\n{self.output()}")

    def stop(self) -> None:
        stop_all([self])


def stop_all(processes: list[Process]) -> None:
    """Ask every process to stop at once (SIGTERM), then wait; kill what does not stop."""
    for process in processes:
        if process.popen.poll() is None:
            process.popen.terminate()
    for process in processes:
        try:
            process.popen.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.popen.kill()
            process.popen.wait(timeout=10)


def gunicorn(name: str, port: int, env: dict, log_dir: Path) -> Process:
    port_free(port)
    command = "-m gunicorn -c gunicorn.conf.py --workers 1 --threads 2 samen.wsgi:application"
    return Process(
        name, [sys.executable, *command.split(), "--bind", f"127.0.0.1:{port}"], env, log_dir
    )


def celery_worker(name: str, env: dict, log_dir: Path) -> Process:
    command = (
        "-m celery -A samen worker --pool solo --loglevel INFO --without-mingle --without-gossip"
    )
    return Process(
        name, [sys.executable, *command.split(), "--hostname", f"{name}@127.0.0.1"], env, log_dir
    )


def moto_server(port: int, log_dir: Path) -> Process:
    port_free(port)
    return Process(
        "moto",
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        {},
        log_dir,
    )
