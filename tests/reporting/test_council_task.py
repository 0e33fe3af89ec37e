"""The council PDF is made by a Celery task: asked on its page (a POST), made in the
background and stored in Django's file storage, then offered for download; a failure is
said in Dutch; a quarter keeps one PDF. Through the eager path and the real broker."""

import datetime

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core.files.storage import default_storage
from django.urls import reverse

from reporting import services, tasks
from reporting.models import CouncilReport
from samen.celery import app
from tests.waiting import wait_for

from .conftest import council_made

pytestmark = pytest.mark.django_db
URL = reverse("reporting:council")


def _signed_in(client, user):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    return client


def test_the_page_says_it_is_being_made_then_offers_the_download(
    client, official, q3, media, django_capture_on_commit_callbacks
):
    _signed_in(client, official)
    with django_capture_on_commit_callbacks() as enqueued:
        response = client.post(URL, {"quarter": "2026-Q3"})
    assert response.status_code == 302 and len(enqueued) == 1
    made = CouncilReport.objects.get()
    page = client.get(URL).content.decode()
    assert "Wordt gemaakt" in page and 'hx-trigger="every 3s"' in page
    assert "Het maken van de rapportage is mislukt" not in page
    # Asked again while it is made: no second making.
    with django_capture_on_commit_callbacks() as again:
        client.post(URL, {"quarter": "2026-Q3"})
    assert CouncilReport.objects.count() == 1 and not again

    assert tasks.council_report_make.apply(args=[made.pk]).get() == "ready"
    made.refresh_from_db()
    assert default_storage.exists(made.pdf.name)
    poll = client.get(URL, headers={"HX-Request": "true"}).content.decode()
    assert "<h1" not in poll and "hx-trigger" not in poll
    assert reverse("reporting:council_download", args=[made.pk]) in poll
    download = client.get(reverse("reporting:council_download", args=[made.pk]))
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    # A task delivered twice (acks_late) makes nothing again.
    assert tasks.council_report_make.apply(args=[made.pk]).get() == "ready"
    assert CouncilReport.objects.count() == 1


def test_a_new_making_of_the_quarter_removes_the_old_file(
    client, official, today, eager, django_capture_on_commit_callbacks, monkeypatch
):
    # The rendering itself is tested above; here only what is kept matters.
    monkeypatch.setattr(services, "council_pdf", lambda period, today: b"%PDF-1.7 quick")
    council_made(client, official, "2026-Q3", django_capture_on_commit_callbacks)
    first = CouncilReport.objects.get()
    council_made(client, official, "2026-Q3", django_capture_on_commit_callbacks)
    second = CouncilReport.objects.get()
    assert second.pk != first.pk and second.status == "ready"
    assert not default_storage.exists(first.pdf.name)
    assert default_storage.exists(second.pdf.name)
    council_made(client, official, "2026-Q2", django_capture_on_commit_callbacks)
    assert CouncilReport.objects.count() == 2  # one per quarter


def test_a_failure_is_said_in_dutch_and_a_new_making_is_offered(
    client, official, today, eager, django_capture_on_commit_callbacks, monkeypatch
):
    def broken(period, today):
        raise OSError("no fonts")

    monkeypatch.setattr(services, "council_pdf", broken)
    _signed_in(client, official)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, {"quarter": "2026-Q3"})
    made = CouncilReport.objects.get()
    assert made.status == "failed" and made.error == "OSError: no fonts"
    page = client.get(URL).content.decode()
    assert "Het maken van de rapportage is mislukt." in page
    assert "no fonts" not in page and "Maak de rapportage" in page
    assert client.get(reverse("reporting:council_download", args=[made.pk])).status_code == 404


def test_a_making_whose_worker_died_shows_as_failed(client, official, today, media):
    _signed_in(client, official)
    client.post(URL, {"quarter": "2026-Q3"})  # no commit in this test: the task never runs
    CouncilReport.objects.update(
        requested_at=datetime.datetime(2026, 11, 22, 11, tzinfo=datetime.UTC)
    )
    page = client.get(URL).content.decode()
    assert "Het maken van de rapportage is mislukt." in page
    assert "hx-trigger" not in page


def test_only_officials_and_team_leads(client, intake_worker, provider_user, official, today):
    made = CouncilReport.objects.create(
        quarter_start=datetime.date(2026, 7, 1),
        counted_on=today,
        requested_at=datetime.datetime(2026, 11, 22, tzinfo=datetime.UTC),
    )
    for user in (intake_worker, provider_user):
        client.force_login(user)
        assert client.post(URL, {"quarter": "2026-Q3"}).status_code == 403
        assert client.get(reverse("reporting:council_download", args=[made.pk])).status_code == 403
    client.force_login(official)
    assert client.post(URL, {"quarter": "2019-Q1"}).status_code == 400


def test_the_page_takes_a_fixed_number_of_queries(
    client, official, today, django_assert_max_num_queries
):
    for month in range(1, 13, 3):
        CouncilReport.objects.create(
            quarter_start=datetime.date(2026, month, 1),
            counted_on=today,
            requested_at=datetime.datetime(2026, 11, 22, tzinfo=datetime.UTC),
        )
    _signed_in(client, official)
    with django_assert_max_num_queries(8):
        assert client.get(URL).status_code == 200


@pytest.mark.broker
@pytest.mark.django_db(transaction=True)
def test_made_by_a_real_worker_through_the_real_broker(client, media, empty_queue):
    from samen import roles
    from tests.factories import UserFactory

    official = UserFactory(role=roles.OFFICIAL, username="official")
    _signed_in(client, official)
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        assert client.post(URL, {"quarter": "2026-Q3"}).status_code == 302
        wait_for(lambda: CouncilReport.objects.filter(status="ready").exists(), seconds=60)
    made = CouncilReport.objects.get()
    assert default_storage.exists(made.pdf.name)
    page = client.get(URL).content.decode()
    assert reverse("reporting:council_download", args=[made.pk]) in page
