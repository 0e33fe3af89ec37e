"""Production settings refuse an unsafe configuration (checked in a real new process)."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOOD_KEY = secrets.token_urlsafe(50)  # a fresh key of this run, published nowhere
SAFE = {
    "SAMEN_ENV": "production",
    "SECRET_KEY": GOOD_KEY,
    "DEBUG": "false",
    "ALLOWED_HOSTS": "samen.example.nl",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/samen",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}


def start_django(**overrides):
    environment = {k: v for k, v in os.environ.items() if k not in SAFE}
    environment.update({k: v for k, v in {**SAFE, **overrides}.items() if v is not None})
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('started')"],
        cwd=ROOT,
        env={**environment, "DJANGO_SETTINGS_MODULE": "samen.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_safe_production_configuration_starts():
    result = start_django()
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"DEBUG": "true"}, "DEBUG is on"),
        ({"SECRET_KEY": None}, "SECRET_KEY"),
        ({"SECRET_KEY": "development-only-insecure-key-never-use-in-production"}, "SECRET_KEY"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY"),
        ({"SECRET_KEY": secrets.token_urlsafe(36)[:49]}, "shorter than 50"),
        ({"SECRET_KEY": "ab" * 40}, "too simple"),
        # The example of .env.example, copied as it is: refused, however long.
        (
            {"SECRET_KEY": "change-me-to-a-long-random-string-of-50-characters-or-more"},
            "published in .env.example",
        ),
        ({"ALLOWED_HOSTS": None}, "ALLOWED_HOSTS"),
        ({"REDIS_URL": None}, "REDIS_URL"),
        ({"DATABASE_URL": None}, "DATABASE_URL"),
        ({"SAMEN_ENV": "staging"}, "SAMEN_ENV"),
    ],
)
def test_production_refuses_an_unsafe_configuration(overrides, reason):
    result = start_django(**overrides)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert reason in result.stderr


def test_production_is_the_default_environment():
    result = start_django(SAMEN_ENV=None, SECRET_KEY=None)
    assert result.returncode != 0
    assert "Refusing to start in production" in result.stderr


@pytest.mark.django_db
def test_check_deploy_is_clean_with_the_production_settings(settings):
    """`manage.py check --deploy` with the production settings: no warnings at all. (The
    model checks ask the database server its version: the test database answers.)"""
    database = settings.DATABASES["default"]
    # Not the test run's own switches (the browser tests set DJANGO_ALLOW_ASYNC_UNSAFE).
    test_only = {"DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_LIVE_TEST_SERVER_ADDRESS"}
    environment = {k: v for k, v in os.environ.items() if k not in set(SAFE) | test_only}
    environment.update(SAFE)
    environment["DATABASE_URL"] = (
        f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
