"""Shared fixtures: the personas of STYLE.md, one per role, and a guard that tests run
on PostgreSQL and Redis for real."""

import pytest
from django.conf import settings

from samen import roles
from tests.factories import UserFactory


def pytest_configure(config):
    engine = settings.DATABASES["default"]["ENGINE"]
    if engine != "django.db.backends.postgresql":
        raise pytest.UsageError(
            f"The tests run on PostgreSQL, not {engine}: use `make test` or set DATABASE_URL."
        )
    if not settings.REDIS_URL:
        raise pytest.UsageError("The tests need Redis: use `make test` or set REDIS_URL.")


@pytest.fixture
def intake_worker(db):
    return UserFactory(role=roles.WIJ_STAFF, username="intake", first_name="Ilse")


@pytest.fixture
def team_lead(db):
    return UserFactory(role=roles.TEAM_LEAD, username="teamlead", first_name="Tom")


@pytest.fixture
def official(db):
    return UserFactory(role=roles.OFFICIAL, username="official", first_name="Olga", is_staff=True)


@pytest.fixture
def provider_user(db):
    return UserFactory(role=roles.PROVIDER, username="provider_a", first_name="Paula")


@pytest.fixture
def outsider(db):
    """Signed in, but with no role at all."""
    return UserFactory(username="outsider")
