"""Two web machines and two workers: two gunicorn instances (127.0.0.1:8171 and :8172) and
two Celery workers on the test's PostgreSQL database and one Redis, as behind a load
balancer. A person signs in on one instance and goes on on the other; a file uploaded on
one is downloaded on the other (a shared MEDIA_ROOT, then an S3-compatible store: moto's
server on :8181); a job queued from one runs on a worker and its result shows on the other.

The processes see only committed data: the test data is written with `transaction=True`.
Every process is started and stopped here; their output is in the test's tmp directory.
"""

import datetime
import re
import time
from zoneinfo import ZoneInfo

import boto3
import pytest
import redis
import requests
from django.conf import settings
from weasyprint import HTML

from intake.models import SupportRequest
from openhouse.models import EndEvaluation
from outbox.models import OutboxMessage
from referrals.models import Product
from samen import roles
from tests.factories import PASSWORD, IndicationFactory, ProviderFactory, UserFactory, totp_code
from triage.models import Triage

from .processes import celery_worker, database_url_of_tests, gunicorn, moto_server, stop_all

pytestmark = [pytest.mark.broker, pytest.mark.django_db(transaction=True)]

WEB_PORTS = {"filesystem": (8171, 8172), "s3": (8173, 8174)}
MOTO_PORT = 8181
BUCKET = "samen-multi-instance"
# The started processes' broker and cache: a Redis database of their own.
INSTANCES_REDIS_DB = 7
PDF = HTML(string="<p>Eindevaluatie: doelen behaald.</p>").write_pdf()
STEP = "login_view-current_step"


def instances_redis_url() -> str:
    return re.sub(r"/\d+$", f"/{INSTANCES_REDIS_DB}", settings.REDIS_URL)


def common_env() -> dict:
    return {
        "SAMEN_ENV": "test",
        "DATABASE_URL": database_url_of_tests(),
        "REDIS_URL": instances_redis_url(),
        "EMAIL_URL": "consolemail://",
    }


@pytest.fixture(scope="module")
def log_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("instances")


def s3_client():
    return boto3.client(
        "s3",
        endpoint_url=f"http://127.0.0.1:{MOTO_PORT}",
        aws_access_key_id="test",
        aws_secret_access_key="test",
        region_name="us-east-1",
    )


def s3_env() -> dict:
    return {
        "STORAGE_BACKEND": "s3",
        "S3_BUCKET": BUCKET,
        "S3_ENDPOINT_URL": f"http://127.0.0.1:{MOTO_PORT}",
        "S3_ACCESS_KEY_ID": "test",
        "S3_SECRET_ACCESS_KEY": "test",
        "S3_REGION": "us-east-1",
        "S3_SERVER_SIDE_ENCRYPTION": "AES256",
        # A MEDIA_ROOT nobody may use: a file written there would be a bug.
        "MEDIA_ROOT": "/nonexistent/samen-media",
    }


@pytest.fixture(scope="module")
def cluster(django_db_setup, tmp_path_factory):
    """Every process at once (they start in parallel), stopped together at the end:
    two web instances sharing one MEDIA_ROOT (a volume both machines mount), two on an
    S3-compatible store (moto's server, with server-side encryption), two workers on one
    Redis queue (emptied first)."""
    log_dir = tmp_path_factory.mktemp("instances")
    media = tmp_path_factory.mktemp("shared-media")
    client = redis.Redis.from_url(instances_redis_url())
    client.flushdb()
    client.close()
    started = []
    webs = {"filesystem": {"MEDIA_ROOT": str(media)}, "s3": s3_env()}
    health = []
    try:
        moto = moto_server(MOTO_PORT, log_dir)
        started.append(moto)
        for storage, extra in webs.items():
            for letter, port in zip("ab", WEB_PORTS[storage], strict=True):
                env = {**common_env(), **extra}
                process = gunicorn(f"web-{storage}-{letter}", port, env, log_dir)
                started.append(process)
                health.append((process, f"http://127.0.0.1:{port}/health/"))
        workers = [celery_worker(name, common_env(), log_dir) for name in ("worker1", "worker2")]
        started += workers
        moto.wait_for_http(f"http://127.0.0.1:{MOTO_PORT}/moto-api/")
        s3 = s3_client()
        s3.create_bucket(Bucket=BUCKET)
        for process, url in health:
            process.wait_for_http(url, timeout=120)
        for worker in workers:
            worker.wait_for_line("ready.", timeout=120)
        yield {
            "filesystem": [f"http://127.0.0.1:{port}" for port in WEB_PORTS["filesystem"]],
            "s3": [f"http://127.0.0.1:{port}" for port in WEB_PORTS["s3"]],
            "media": media,
            "s3_client": s3,
            "workers": workers,
        }
    finally:
        stop_all(started)


def errors(answer) -> list[str]:
    """The form's error messages on a page, for a failing assertion to show."""
    found = re.findall(
        r'class="utrecht-(?:form-field-error-message|alert utrecht-alert--error)[^"]*"[^>]*>(.*?)</',
        answer.text,
        re.S,
    )
    return [" ".join(text.split()) for text in found] or [errors(answer)]


class Browser:
    """One person's cookies (the session) used against whichever instance is named."""

    def __init__(self):
        self.http = requests.Session()
        # No keep-alive: a load balancer may send each request to another instance, and
        # gunicorn stops at once at the end instead of waiting for idle connections.
        self.http.headers["Connection"] = "close"

    def get(self, url, **kwargs):
        return self.http.get(url, allow_redirects=False, timeout=30, **kwargs)

    def post(self, url, data, files=None):
        # The CSRF cookie's value is a valid form token; it changes when signing in.
        data = {**data, "csrfmiddlewaretoken": self.http.cookies.get("csrftoken", "")}
        return self.http.post(url, data=data, files=files, allow_redirects=False, timeout=30)

    def sign_in(self, base, user):
        assert self.get(f"{base}/login/").status_code == 200
        answer = self.post(
            f"{base}/login/",
            {STEP: "auth", "auth-username": user.username, "auth-password": PASSWORD},
        )
        assert answer.status_code == 200, errors(answer)
        answer = self.post(f"{base}/login/", {STEP: "token", "token-otp_token": totp_code(user)})
        assert answer.status_code == 302, errors(answer)


def now_local() -> datetime.datetime:
    return datetime.datetime.now(ZoneInfo(settings.TIME_ZONE))


def test_a_session_from_one_instance_goes_on_on_the_other(cluster, intake_worker):
    a, b = cluster["filesystem"]
    person = Browser()
    person.sign_in(a, intake_worker)
    received = (now_local() - datetime.timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M")
    answer = person.post(
        f"{a}/aanmeldingen/nieuw/",
        {
            "bsn": "111222333",
            "first_name": "Daan",
            "last_name": "Huizinga",
            "date_of_birth": "2016-05-04",
            "postcode": "9735 AB",
            "house_number": "12",
            "street": "Beijumerweg",
            "city": "Groningen",
            "parent_name": "Anna Huizinga",
            "parent_role": "parent",
            "phone": "050-1234567",
            "received_at": received,
            "channel": "phone",
            "question": "Onze zoon slaapt slecht en wil niet naar school.",
            "referrer_type": "06",
            "assigned_worker": intake_worker.pk,
        },
    )
    assert answer.status_code == 302, errors(answer)
    request = SupportRequest.objects.get()
    assert answer.headers["Location"] == f"/aanmeldingen/{request.pk}/"

    # The same session cookie on the other machine: signed in there too.
    page = person.get(f"{b}/aanmeldingen/{request.pk}/")
    assert page.status_code == 200
    assert "Huizinga" in page.text
    client = request.clients.get()
    answer = person.post(
        f"{b}/aanmeldingen/{request.pk}/lichte-toets/",
        {
            "version": request.version,
            "held_on": now_local().date().isoformat(),
            "workers": [intake_worker.pk],
            "life_domains": ["upbringing", "school"],
            "products": [Product.objects.get(code="45A51").pk],
            "child_heard": "on",
            "children-TOTAL_FORMS": 1,
            "children-INITIAL_FORMS": 1,
            "children-MIN_NUM_FORMS": 1,
            "children-MAX_NUM_FORMS": 50,
            "children-0-client": client.pk,
            "children-0-outcome": "basis_wij",
            "children-0-intensity": "basic",
            "confirm": "1",
        },
    )
    assert answer.status_code == 302, errors(answer)
    request.refresh_from_db()
    assert request.status == "closed"
    assert Triage.objects.filter(support_request=request).exists()
    # Signed out on A: the session is gone on B as well (one session store).
    person.post(f"{a}/logout/", {})
    assert person.get(f"{b}/aanmeldingen/{request.pk}/").status_code == 302


def provider_with_indication(team):
    provider = ProviderFactory(name="Aanbieder A", agb_code="73990101")
    user = UserFactory(role=roles.PROVIDER, username="provider-a")
    provider.memberships.create(user=user)
    indication = IndicationFactory(
        client__team=team, provider=provider, end_on=now_local().date() + datetime.timedelta(150)
    )
    return user, indication


def upload_on_a_download_on_b(a, b, provider, indication, worker) -> EndEvaluation:
    uploader = Browser()
    uploader.sign_in(a, provider)
    answer = uploader.post(
        f"{a}/portaal/indicaties/{indication.pk}/",
        {},
        files={"document": ("eindevaluatie.pdf", PDF, "application/pdf")},
    )
    assert answer.status_code == 302, errors(answer)
    evaluation = EndEvaluation.objects.get(indication=indication)

    reader = Browser()
    reader.sign_in(b, worker)
    download = reader.get(f"{b}/eindevaluaties/{evaluation.pk}/download/")
    assert download.status_code == 200
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.content == PDF
    return evaluation


def test_an_end_evaluation_uploaded_on_one_instance_downloads_on_the_other(
    cluster, beijum, intake_worker
):
    a, b = cluster["filesystem"]
    media = cluster["media"]
    provider, indication = provider_with_indication(beijum)
    evaluation = upload_on_a_download_on_b(a, b, provider, indication, intake_worker)
    assert (media / evaluation.document.name).read_bytes() == PDF


def test_an_end_evaluation_goes_through_an_s3_store_private_and_encrypted(
    cluster, beijum, intake_worker
):
    a, b = cluster["s3"]
    s3 = cluster["s3_client"]
    provider, indication = provider_with_indication(beijum)
    evaluation = upload_on_a_download_on_b(a, b, provider, indication, intake_worker)
    stored = s3.get_object(Bucket=BUCKET, Key=evaluation.document.name)
    assert stored["Body"].read() == PDF
    assert stored["ServerSideEncryption"] == "AES256"
    # Private: only the owner may read it; no public grant, so no URL serves it.
    grants = s3.get_object_acl(Bucket=BUCKET, Key=evaluation.document.name)["Grants"]
    assert all("URI" not in grant["Grantee"] for grant in grants)


def test_a_job_queued_on_one_instance_runs_on_a_worker_and_shows_on_the_other(
    cluster, beijum, official
):
    a, b = cluster["filesystem"]
    workers = cluster["workers"]
    official.email = "ambtenaar@groningen.nl"
    official.save()
    provider, _indication = provider_with_indication(beijum)
    person = Browser()
    person.sign_in(a, provider)
    answer = person.post(
        f"{a}/portaal/we-stoppen/",
        {"stops_on": (now_local().date() + datetime.timedelta(60)).isoformat(), "confirm": "on"},
    )
    assert answer.status_code == 302, errors(answer)
    message = OutboxMessage.objects.get()

    # The e-mail task was handed to the broker by instance A; a worker sends it.
    watcher = Browser()
    watcher.sign_in(b, official)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        message.refresh_from_db()
        if message.status == OutboxMessage.Status.SENT:
            break
        time.sleep(0.3)
    assert message.status == OutboxMessage.Status.SENT
    page = watcher.get(f"{b}/admin/outbox/outboxmessage/{message.pk}/change/")
    assert page.status_code == 200
    assert "verstuurd" in page.text
    ran_on = [w.name for w in workers if "outbox.send[" in w.output() and "succeeded" in w.output()]
    assert len(ran_on) == 1, [w.output()[-2000:] for w in workers]
