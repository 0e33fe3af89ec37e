"""No personal data in any log line: the filter itself, where it is wired (Django, runserver,
Celery, gunicorn), and the main flows of the application with the configured handler."""

import datetime
import io
import logging
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from django.core.servers.basehttp import WSGIRequestHandler, WSGIServer
from django.core.wsgi import get_wsgi_application

from samen.logfilters import MaskPersonalData, mask
from tests.factories import ClientFactory, SupportRequestFactory

ROOT = Path(__file__).resolve().parents[2]

VALID_BSN = "111222333"  # passes the 11-proof
INVALID_BSN = "123456789"  # does not
EIGHT_DIGITS = "11222333"  # the 8-digit form of a BSN with a leading zero


def record(msg, *args, exc_info=None, name="samen.test"):
    return logging.LogRecord(name, logging.WARNING, __file__, 1, msg, args, exc_info)


def filtered(msg, *args, **kwargs):
    rec = record(msg, *args, **kwargs)
    assert MaskPersonalData().filter(rec) is True
    return logging.Formatter("%(message)s").format(rec)


# --- the filter ---------------------------------------------------------------------------


@pytest.mark.parametrize("number", [VALID_BSN, INVALID_BSN, EIGHT_DIGITS])
@pytest.mark.parametrize(
    "template",
    [
        "client {}",
        "{}",
        "Not Found: /aanmeldingen/{}/",
        "bsn{}",
        "next=/zoek/%3Fx%3D{}",
        "(Key (bsn)=({}))",
    ],
)
def test_every_bsn_shaped_number_is_masked_valid_or_not(number, template):
    line = filtered("%s", template.format(number))
    assert number not in line
    assert "*********" in line


@pytest.mark.parametrize(
    "text",
    [
        "1234567890 is ten digits",
        "request 12345 of 1234567",
        "2025-07-01 12:30:00 flagged 12 indications ending before 2025-10-01",
    ],
)
def test_other_numbers_and_dates_stay(text):
    assert filtered(text) == text


@pytest.mark.parametrize(
    ("line", "kept", "gone"),
    [
        (
            '"GET /aanmeldingen/zoek-jeugdige/?client_search=Huizinga&page=2 HTTP/1.1" 200 512',
            ["/aanmeldingen/zoek-jeugdige/?client_search=***&page=2 ", '" 200 512'],
            ["Huizinga"],
        ),
        (
            "/x/?q=huizinga+04-05-2016&date_of_birth=2016-05-04&first_name=Daan&last_name=Vries",
            ["q=***", "date_of_birth=***", "first_name=***", "last_name=***"],
            ["huizinga", "04-05-2016", "2016-05-04", "Daan", "Vries"],
        ),
        (
            "/login/?next=/aanmeldingen/zoek-jeugdige/%3Fclient_search%3DDaan%2BHuizinga%26page%3D2",
            ["client_search%3D***%26page%3D2"],
            ["Daan", "Huizinga"],
        ),
        (
            "POST BSN=111222333&Postcode=9735AB&house_number=12&street=Beijumerweg&form-0-name=Els",
            ["BSN=***", "Postcode=***", "house_number=***", "street=***", "form-0-name=***"],
            ["111222333", "9735AB", "=12", "Beijumerweg", "Els"],
        ),
        (
            "<QueryDict: {'client_search': ['Daan Huizinga'], 'page': ['2']}>",
            ["'client_search': '***'", "'page': ['2']"],
            ["Daan", "Huizinga"],
        ),
        (
            '{\'date_of_birth\': datetime.date(2016, 5, 4), "parent_name": "Els de Vries"}',
            ["'date_of_birth': '***'", "\"parent_name\": '***'"],
            ["2016", "Els"],
        ),
        (
            "DETAIL:  Key (last_name, first_name)=(Huizinga, Daan) already exists.",
            ["Key (last_name, first_name)=(***) already exists."],
            ["Huizinga", "Daan"],
        ),
        (
            "DETAIL:  Failing row contains (7, Daan, Huizinga, 2016-05-04, 9735AB).",
            ["Failing row contains (***)."],
            ["Huizinga", "2016-05-04"],
        ),
    ],
)
def test_person_fields_lose_their_values(line, kept, gone):
    masked = filtered(line)
    for text in kept:
        assert text in masked
    for text in gone:
        assert text not in masked


def test_the_arguments_are_masked_not_only_the_format():
    line = filtered("search %s for %s", "client_search=Huizinga", VALID_BSN)
    assert line == "search client_search=*** for *********"


def test_an_exception_text_is_masked_and_the_exception_kept():
    try:
        raise ValueError(f"no client with bsn={VALID_BSN} (Daan Huizinga)")
    except ValueError:
        rec = record("lookup failed for %s", VALID_BSN, exc_info=sys.exc_info())
    assert MaskPersonalData().filter(rec) is True
    line = logging.Formatter("%(message)s").format(rec)
    assert "lookup failed for *********" in line
    assert "ValueError: no client with bsn=*** (Daan Huizinga)" in line
    assert VALID_BSN not in line
    assert rec.exc_info is not None  # mail or an error tracker still gets the exception


def test_a_stack_text_is_masked():
    rec = record("here")
    rec.stack_info = f"Stack (most recent call last):\n  lookup('{VALID_BSN}')"
    MaskPersonalData().filter(rec)
    assert VALID_BSN not in logging.Formatter("%(message)s").format(rec)


@pytest.mark.parametrize(
    ("msg", "args"),
    [
        ("%d children", ("not a number",)),
        ("%s", (VALID_BSN, "one too many")),
        ("%(bsn)s", ({"name": "Daan"},)),
    ],
)
def test_a_record_whose_arguments_do_not_fit_is_still_logged_masked(msg, args):
    line = filtered(msg, *args)
    assert "did not fit" in line
    assert VALID_BSN not in line


def test_a_message_that_cannot_be_printed_is_withheld_not_dropped():
    class Unprintable:
        def __str__(self):
            raise RuntimeError("no")

    assert filtered(Unprintable()) == "(unprintable log message)"


def test_a_record_the_filter_fails_on_is_withheld_not_dropped(monkeypatch):
    def broken(text):
        raise RuntimeError(text)

    monkeypatch.setattr("samen.logfilters.mask", broken)
    line = filtered("child %s", VALID_BSN)
    assert line == "(log message withheld: it could not be masked)"


def test_masking_twice_changes_nothing():
    once = mask(f"bsn={VALID_BSN} /x/{VALID_BSN}/ 'name': 'Daan'")
    assert mask(once) == once


# --- wiring -------------------------------------------------------------------------------


def _handlers_reached(name):
    logger = logging.getLogger(name)
    while logger:
        yield from logger.handlers
        if not logger.propagate:
            break
        logger = logger.parent


def _ours(handler):
    # pytest adds its own capture handlers to the root logger during a test.
    return not type(handler).__module__.startswith("_pytest") and not isinstance(
        handler, logging.NullHandler
    )


@pytest.mark.parametrize(
    "name",
    [
        "django",
        "django.request",
        "django.server",
        "django.security.DisallowedHost",
        "django.db.backends",
        "celery.worker",
        "intake.views",
        "py.warnings",
    ],
)
def test_every_logger_ends_at_the_masking_handler(name):
    handlers = [h for h in _handlers_reached(name) if _ours(h)]
    assert handlers, name
    for handler in handlers:
        assert any(isinstance(f, MaskPersonalData) for f in handler.filters), (name, handler)


@pytest.fixture
def console():
    """The console handler of settings.LOGGING, writing into a StringIO for this test."""
    handlers = [
        h
        for h in logging.getLogger().handlers
        if any(isinstance(f, MaskPersonalData) for f in h.filters)
    ]
    assert len(handlers) == 1
    stream = io.StringIO()
    previous = handlers[0].setStream(stream)
    yield stream
    handlers[0].setStream(previous)


class RawMessages(logging.Handler):
    """Records as they leave their logger, before the root's handler masks them."""

    def __init__(self):
        super().__init__()
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())


@pytest.fixture
def raw():
    """RawMessages on django.request and django.server (they run before the root handler)."""
    handler = RawMessages()
    loggers = [logging.getLogger(name) for name in ("django.request", "django.server")]
    for logger in loggers:
        logger.addHandler(handler)
    yield handler
    for logger in loggers:
        logger.removeHandler(handler)


def assert_no_personal_data(text, child):
    for value in (
        child.bsn,
        child.first_name,
        child.last_name,
        child.date_of_birth.isoformat(),
        child.date_of_birth.strftime("%d-%m-%Y"),
    ):
        assert value not in text


# --- end to end ---------------------------------------------------------------------------


@pytest.fixture
def child(beijum):
    return ClientFactory(
        bsn=VALID_BSN,
        first_name="Daantje",
        last_name="Huizinga",
        date_of_birth=datetime.date(2016, 5, 4),
        team=beijum,
    )


def test_the_main_flows_log_no_personal_data(
    client, intake_worker, team_lead, beijum, child, console, raw
):
    support_request = SupportRequestFactory(team=beijum, clients=[child])
    client.force_login(intake_worker)
    pages = []
    # The search has been a GET and is moving to a POST: both must stay clean.
    for query in (child.bsn, "Huizinga 04-05-2016", "Daantje"):
        pages.append(client.get("/aanmeldingen/zoek-jeugdige/", {"client_search": query}))
        pages.append(client.post("/aanmeldingen/zoek-jeugdige/", {"client_search": query}))
    assert any("Daantje Huizinga" in page.content.decode() for page in pages)
    assert client.get(f"/aanmeldingen/{support_request.pk}/").status_code == 200
    # A non-existing id that looks like a BSN: django.request logs the path.
    assert client.get(f"/aanmeldingen/{child.bsn}/").status_code == 404
    assert client.get(f"/aanmeldingen/{child.bsn}/?client_search={child.bsn}").status_code == 404
    # A warning with an exception attached: 403 for a WIJ worker on the team view.
    assert client.get("/werk/team/", {"client_search": child.last_name}).status_code == 403
    client.force_login(team_lead)
    assert client.get("/werk/team/").status_code == 200
    assert client.get(f"/aanmeldingen/{support_request.pk}/").status_code == 200

    # Not vacuous: unmasked, the 404 line did carry the BSN (django.request logs the path,
    # not the query string; runserver's line below has that).
    assert f"Not Found: /aanmeldingen/{child.bsn}/" in raw.messages
    assert "Forbidden (Permission denied): /werk/team/" in raw.messages
    text = console.getvalue()
    assert "WARNING django.request Not Found: /aanmeldingen/*********/" in text
    assert "WARNING django.request Forbidden (Permission denied): /werk/team/" in text
    assert "PermissionDenied" in text  # the exception is logged with it
    assert_no_personal_data(text, child)


class Runserver:
    """Django's development server (its request handler logs to django.server), in a thread."""

    def __init__(self):
        self.server = WSGIServer(("127.0.0.1", 0), WSGIRequestHandler, allow_reuse_address=False)
        self.server.set_app(get_wsgi_application())
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        """Returns once the last request is done: its line is logged after the response."""
        if self.thread.is_alive():
            self.server.shutdown()
            self.thread.join(timeout=10)
            self.server.server_close()


@pytest.fixture
def runserver():
    server = Runserver()
    yield server
    server.stop()


# The login page keeps its steps (password, code) in the session, in the database.
@pytest.mark.django_db(transaction=True)
def test_runserver_access_lines_lose_the_query_string_values(runserver, console, raw):
    # Not signed in: a redirect to the login page, which carries the search in `next`.
    with urllib.request.urlopen(  # noqa: S310 (http on 127.0.0.1, built here)
        f"{runserver.url}/aanmeldingen/zoek-jeugdige/?client_search={VALID_BSN}&first_name=Daantje",
        timeout=20,
    ) as response:
        assert response.status == 200
        assert "/login/" in response.url
    runserver.stop()

    assert any(f"client_search={VALID_BSN}" in m for m in raw.messages)
    assert any(f"client_search%3D{VALID_BSN}" in m for m in raw.messages)
    text = console.getvalue()
    assert "INFO django.server" in text
    assert (
        '"GET /aanmeldingen/zoek-jeugdige/?client_search=***&first_name=*** HTTP/1.1" 302' in text
    )
    assert VALID_BSN not in text
    assert "Daantje" not in text


def test_the_celery_worker_logs_through_the_filter():
    # What `celery worker` and `celery beat` do at start (Worker.setup_logging); without the
    # receiver in samen/celery.py, Celery's own handlers print these lines unmasked.
    script = f"""
import logging
from samen.celery import app
import django
django.setup()
from celery.utils.log import get_task_logger
app.log.setup(loglevel="INFO", redirect_stdouts=False, hostname="worker@test")
get_task_logger("indications.tasks").warning("flagged child %s", "{VALID_BSN}")
logging.getLogger("celery.worker").warning("GET /x/?client_search=Huizinga")
"""
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    output = result.stdout + result.stderr
    assert "WARNING indications.tasks flagged child *********" in output
    assert "WARNING celery.worker GET /x/?client_search=***" in output
    assert VALID_BSN not in output
    assert "Huizinga" not in output


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _send(port, raw_request):
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(raw_request)
        while sock.recv(65536):
            pass


def test_gunicorn_logs_the_path_only_and_masks_its_errors():
    port = _free_port()
    gunicorn = Path(sys.executable).with_name("gunicorn")
    # gunicorn.conf.py is read from the working directory, as in the container.
    command = [gunicorn, "samen.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"]
    process = subprocess.Popen(
        [*command, "--no-control-socket"],
        cwd=ROOT,
        env=os.environ.copy(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not start"
                assert process.poll() is None, process.communicate()
                time.sleep(0.2)
        _send(
            port,
            f"GET /aanmeldingen/zoek-jeugdige/?client_search={VALID_BSN} HTTP/1.1\r\n"
            f"Host: 127.0.0.1\r\nReferer: http://x/?q=Huizinga\r\nConnection: close\r\n\r\n".encode(),
        )
        # A request line gunicorn refuses: its error line quotes it.
        _send(port, f"GET /x/?bsn={VALID_BSN}&name=Huizinga HTTP/1.1 x\r\n\r\n".encode())
    finally:
        process.terminate()
        stdout, stderr = process.communicate(timeout=30)

    assert '"GET /aanmeldingen/zoek-jeugdige/ HTTP/1.1" 302 0 "-"' in stdout
    assert "Invalid request from ip=127.0.0.1" in stderr
    for output in (stdout, stderr):
        assert VALID_BSN not in output
        assert "Huizinga" not in output
        assert "client_search" not in output
