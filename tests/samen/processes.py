"""Helpers for tests that start the application's own processes (beat, gunicorn, workers)."""

from django.db import connection


def database_url_of_tests() -> str:
    """The DATABASE_URL of pytest-django's test database (test_<name>), as the tests see it."""
    params = connection.settings_dict
    user = params["USER"] or ""
    password = f":{params['PASSWORD']}" if params["PASSWORD"] else ""
    host = params["HOST"] or "127.0.0.1"
    port = params["PORT"] or 5432
    return f"postgres://{user}{password}@{host}:{port}/{params['NAME']}"
