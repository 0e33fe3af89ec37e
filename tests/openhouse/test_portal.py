"""The provider portal: own clients only (404 for anything else, by any URL), end-evaluation
uploads checked by content, versions, on time or late, and downloads only through a view."""

import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.html import escape
from weasyprint import HTML

from openhouse.models import EndEvaluation
from tests.factories import IndicationFactory, ProviderFactory, UserFactory

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 11, 22, 10, 0, tzinfo=datetime.UTC)
REAL_PDF = HTML(string="<p>Eindevaluatie: doelen behaald.</p>").write_pdf()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def provider_user(name, agb):
    provider = ProviderFactory(name=name, agb_code=agb)
    user = UserFactory(role="aanbieder", username=f"user-{agb}")
    provider.memberships.create(user=user)
    return provider, user


@pytest.fixture
def two_providers(beijum):
    a, user_a = provider_user("Aanbieder A", "73990101")
    b, user_b = provider_user("Aanbieder B", "73990102")
    ind_a = IndicationFactory(client__team=beijum, provider=a, end_on=datetime.date(2027, 3, 31))
    ind_b = IndicationFactory(client__team=beijum, provider=b, end_on=datetime.date(2027, 3, 31))
    return {"a": (a, user_a, ind_a), "b": (b, user_b, ind_b)}


def upload(client, indication, content, name="evaluatie.pdf"):
    return client.post(
        f"/portaal/indicaties/{indication.pk}/",
        {"document": SimpleUploadedFile(name, content, content_type="application/pdf")},
    )


@time_machine.travel(NOW)
def test_a_provider_sees_only_its_own_clients(client, two_providers):
    _a, user_a, ind_a = two_providers["a"]
    _b, _user_b, ind_b = two_providers["b"]
    client.force_login(user_a)
    assert client.get("/").status_code == 302  # providers start in their portal
    html = client.get("/portaal/").content.decode()
    assert escape(ind_a.client.full_name) in html and escape(ind_b.client.full_name) not in html
    assert client.get(f"/portaal/indicaties/{ind_a.pk}/").status_code == 200


@time_machine.travel(NOW)
def test_no_url_reaches_another_providers_indication_or_document(client, two_providers):
    _a, user_a, ind_a = two_providers["a"]
    _b, user_b, ind_b = two_providers["b"]
    client.force_login(user_b)
    upload(client, ind_b, REAL_PDF)
    document_b = EndEvaluation.objects.get(indication=ind_b)
    client.force_login(user_a)
    assert client.get(f"/portaal/indicaties/{ind_b.pk}/").status_code == 404
    assert upload(client, ind_b, REAL_PDF).status_code == 404
    assert client.get(f"/eindevaluaties/{document_b.pk}/download/").status_code == 404
    assert client.get("/portaal/indicaties/999999/").status_code == 404
    assert EndEvaluation.objects.filter(indication=ind_b).count() == 1
    # Nor anything of WIJ's.
    assert client.get(f"/jeugdigen/{ind_a.client_id}/").status_code == 403
    assert client.get("/aanmeldingen/").status_code == 403


@time_machine.travel(NOW)
def test_a_real_pdf_is_stored_under_a_random_name_and_versions_stay(
    client, two_providers, tmp_path
):
    _a, user_a, ind_a = two_providers["a"]
    client.force_login(user_a)
    assert (
        upload(client, ind_a, REAL_PDF, name="../../etc/eind evaluatie<script>.pdf").status_code
        == 302
    )
    assert upload(client, ind_a, REAL_PDF, name="v2.pdf").status_code == 302
    first, second = EndEvaluation.objects.order_by("version")
    assert (first.version, second.version) == (1, 2)
    assert first.on_time is True  # 22 Nov 2026 <= 31 Jan 2027
    assert "/" not in first.original_name and "<" not in first.original_name
    assert first.original_name.endswith(".pdf")
    assert "evaluatie" not in first.document.name and first.document.name.startswith(
        "end-evaluations/"
    )
    assert (tmp_path / first.document.name).read_bytes() == REAL_PDF
    response = client.get(f"/eindevaluaties/{first.pk}/download/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == REAL_PDF


@time_machine.travel(datetime.datetime(2027, 2, 15, 10, 0, tzinfo=datetime.UTC))
def test_a_late_upload_is_marked_late(client, two_providers):
    _a, user_a, ind_a = two_providers["a"]
    client.force_login(user_a)
    response = upload(client, ind_a, REAL_PDF)
    assert response.status_code == 302
    assert EndEvaluation.objects.get().on_time is False


@time_machine.travel(NOW)
@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"MZ\x90\x00" + b"\x00" * 200, "setup.pdf", "geen pdf"),
        (b"<html><script>alert(1)</script></html>", "evaluatie.pdf", "geen pdf"),
        (b"%PDF-1.4" + b"0" * 3000, "groot.pdf", "groter dan"),
    ],
)
def test_bad_files_are_refused_and_never_kept(
    client, two_providers, settings, tmp_path, content, name, message
):
    settings.UPLOAD_MAX_BYTES = 2000
    _a, user_a, ind_a = two_providers["a"]
    client.force_login(user_a)
    response = upload(client, ind_a, content, name=name)
    assert response.status_code == 400
    assert message in response.content.decode().lower()
    assert not EndEvaluation.objects.exists()
    assert not (tmp_path / "end-evaluations").exists() or not any(
        (tmp_path / "end-evaluations").iterdir()
    )


@time_machine.travel(NOW)
def test_wij_staff_download_and_the_upload_stops_the_overdue_state(
    client, two_providers, intake_worker
):
    from indications.models import Indication

    _a, user_a, ind_a = two_providers["a"]
    client.force_login(user_a)
    upload(client, ind_a, REAL_PDF)
    evaluation = EndEvaluation.objects.get()
    client.force_login(intake_worker)
    assert client.get(f"/eindevaluaties/{evaluation.pk}/download/").status_code == 200
    assert (
        f"/eindevaluaties/{evaluation.pk}/download/"
        in client.get(f"/jeugdigen/{ind_a.client_id}/").content.decode()
    )
    assert ind_a not in Indication.objects.evaluation_overdue(datetime.date(2027, 2, 1))


def test_a_provider_user_without_a_provider_sees_nothing(client, beijum):
    IndicationFactory(client__team=beijum)
    user = UserFactory(role="aanbieder", username="loose")
    client.force_login(user)
    html = client.get("/portaal/").content.decode()
    assert "nog niet aan een aanbieder gekoppeld" in html


@time_machine.travel(NOW)
def test_the_warm_handover_thread_between_provider_and_wij(client, two_providers, intake_worker):
    _a, user_a, ind_a = two_providers["a"]
    _b, user_b, _ind_b = two_providers["b"]
    client.force_login(user_a)
    response = client.post(
        f"/indicaties/{ind_a.pk}/overdracht/",
        {"text": "Het gezin heeft op 3 december een afspraak bij WIJ."},
    )
    assert response.status_code == 302
    client.force_login(intake_worker)
    html = client.get(f"/jeugdigen/{ind_a.client_id}/").content.decode()
    assert "afspraak bij WIJ" in html
    client.post(f"/indicaties/{ind_a.pk}/overdracht/", {"text": "Dank u, wij bellen het gezin."})
    client.force_login(user_a)
    html = client.get(f"/portaal/indicaties/{ind_a.pk}/").content.decode()
    assert "Dank u, wij bellen het gezin." in html
    # Provider B can neither read nor post in A's thread.
    client.force_login(user_b)
    assert client.post(f"/indicaties/{ind_a.pk}/overdracht/", {"text": "x"}).status_code == 404
    assert ind_a.handover_notes.count() == 2


@time_machine.travel(NOW)
def test_we_stop_flags_the_families_and_tells_the_municipality(
    client, two_providers, official, django_capture_on_commit_callbacks, empty_queue
):
    from django.core import mail

    from indications.models import Task

    official.email = "beleid@groningen.example.invalid"
    official.save()
    a, user_a, ind_a = two_providers["a"]
    client.force_login(user_a)
    assert (
        client.post("/portaal/we-stoppen/", {"stops_on": "2026-01-01", "confirm": "on"}).status_code
        == 200
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/portaal/we-stoppen/", {"stops_on": "2027-01-01", "confirm": "on"})
    assert response.status_code == 302
    a.refresh_from_db()
    assert (a.status, a.stops_on) == ("stopping", datetime.date(2027, 1, 1))
    assert list(Task.objects.values_list("indication_id", flat=True)) == [ind_a.pk]
    # The e-mail is in the outbox, written with the stop; the beat job (or the task handed
    # to the broker after commit) sends it.
    from outbox.models import OutboxMessage
    from outbox.services import messages_send_due

    queued = OutboxMessage.objects.get()
    assert (queued.kind, queued.recipients) == (
        "provider_stops",
        ["beleid@groningen.example.invalid"],
    )
    assert messages_send_due()["sent"] == 1
    assert len(mail.outbox) == 1 and "beleid@groningen.example.invalid" in mail.outbox[0].to
    assert "Aanbieder A" in mail.outbox[0].subject
