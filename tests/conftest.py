"""Shared fixtures: the personas of STYLE.md, one per role, and a guard that tests run
on PostgreSQL and Redis for real."""

from importlib import import_module

import pytest
from django.conf import settings

from intake.models import TeamMember
from samen import roles
from tests.factories import PostcodeAreaFactory, TeamFactory, UserFactory


def _sign_in_with_second_factor(client, user, backend=None):
    """`Client.force_login` signs in as a user who also gave the second factor, as every
    real session past the login pages has (tests/accounts go through the login pages
    themselves, and use `force_login_password_only` for a session without it)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.force_login_password_only(user, backend)
    device, _created = TOTPDevice.objects.get_or_create(
        user=user, name="default", defaults={"confirmed": True}
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def pytest_configure(config):
    from django.test import Client

    Client.force_login_password_only = Client.force_login
    Client.force_login = _sign_in_with_second_factor

    engine = settings.DATABASES["default"]["ENGINE"]
    if engine != "django.db.backends.postgresql":
        raise pytest.UsageError(
            f"The tests run on PostgreSQL, not {engine}: use `make test` or set DATABASE_URL."
        )
    if not settings.REDIS_URL:
        raise pytest.UsageError("The tests need Redis: use `make test` or set REDIS_URL.")
    # The test database is created and migrated as the owner of the tables; the tests
    # themselves run as the application's database role, as in production (samen/db.py).
    from samen import db

    db.enter_owner_mode()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup):
    """After pytest-django has made the test database, work as the application role."""
    from samen import db

    db.leave_owner_mode()
    yield
    db.enter_owner_mode()


@pytest.fixture
def beijum(db):
    """The WIJ team of the intake worker and the team lead, serving postcode area 9735."""
    team = TeamFactory(name="WIJ Beijum")
    PostcodeAreaFactory(digits="9735", team=team)
    return team


@pytest.fixture
def intake_worker(beijum):
    user = UserFactory(role=roles.WIJ_STAFF, username="intake", first_name="Ilse")
    TeamMember.objects.create(user=user, team=beijum)
    return user


@pytest.fixture
def team_lead(beijum):
    user = UserFactory(role=roles.TEAM_LEAD, username="teamlead", first_name="Tom")
    TeamMember.objects.create(user=user, team=beijum)
    return user


@pytest.fixture
def official(db):
    return UserFactory(role=roles.OFFICIAL, username="official", first_name="Olga", is_staff=True)


@pytest.fixture
def provider_user(db):
    return UserFactory(role=roles.PROVIDER, username="provider_a", first_name="Paula")


@pytest.fixture
def privacy_officer(db):
    return UserFactory(role=roles.PRIVACY, username="privacy", first_name="Pim")


@pytest.fixture
def outsider(db):
    """Signed in, but with no role at all."""
    return UserFactory(username="outsider")


@pytest.fixture(autouse=True)
def reference_data(request):
    """A transactional test ends by emptying every table, the rows of the data migrations
    too. Put the products, the phasing table and the role groups' permissions back before
    each transactional test (post_migrate after the flush may sync the groups before the
    permissions exist again)."""
    marker = request.node.get_closest_marker("django_db")
    if not (marker and marker.kwargs.get("transaction")):
        return
    request.getfixturevalue("transactional_db")
    from django.apps import apps

    from referrals.models import Product

    if not Product.objects.exists():
        import_module("referrals.migrations.0002_load_products_and_phasing_history").load(
            apps, None
        )
    roles.roles_sync()


@pytest.fixture
def empty_queue():
    """Broker tests start and end with an empty queue, so no message of one test (such as
    the e-mail task a job enqueues after commit) is consumed by another test's worker."""
    from samen.celery import app

    app.control.purge()
    yield
    app.control.purge()


def api_throttles_clear():
    """Forget what the API's rate limits counted and the figures counted ahead
    (indications.selectors.ending_count, reporting.selectors.forecast_count), in Redis,
    the real cache."""
    import redis

    connection = redis.Redis.from_url(settings.REDIS_URL)
    for pattern in (
        "samen:*:throttle_*",
        "samen:*:indications:ending:*",
        "samen:*:reporting:forecast:*",
    ):
        keys = list(connection.scan_iter(pattern))
        if keys:
            connection.delete(*keys)
    connection.close()


@pytest.fixture(autouse=True)
def api_throttles_start_empty():
    """Each test starts with no API calls counted, as a new minute would, and nothing
    counted ahead."""
    api_throttles_clear()
