"""Uploads through the portal and the API: parsed as PDF (not trusted on their first
bytes), refused when encrypted or holding scripts, actions or attachments, refused at the
size limit without reading the whole body, and long names keep their .pdf."""

import datetime
import io

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    RectangleObject,
    TextStringObject,
)
from weasyprint import HTML

from accounts.models import ApiToken
from openhouse.models import EndEvaluation
from openhouse.uploads import MULTIPART_SLACK
from tests.factories import IndicationFactory, ProviderFactory, UserFactory

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 11, 22, 10, 0, tzinfo=datetime.UTC)
REAL_PDF = HTML(string="<p>Eindevaluatie: doelen behaald.</p>").write_pdf()
MB = 1_000_000


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def provider(beijum):
    provider = ProviderFactory(name="Aanbieder A", agb_code="73990301")
    user = UserFactory(role="aanbieder", username="upload-a")
    provider.memberships.create(user=user)
    indication = IndicationFactory(
        client__team=beijum, provider=provider, end_on=datetime.date(2027, 3, 31)
    )
    return user, indication


def _pdf(change) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(REAL_PDF)))
    change(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _name(text):
    return NameObject(text)


def _document_javascript(writer):
    """A script in the document's name tree, run when the file opens."""
    script = DictionaryObject(
        {_name("/S"): _name("/JavaScript"), _name("/JS"): TextStringObject("app.alert('x');")}
    )
    names = DictionaryObject({_name("/Names"): ArrayObject([TextStringObject("x"), script])})
    writer._root_object[_name("/Names")] = DictionaryObject({_name("/JavaScript"): names})


def _open_action_uri(writer):
    writer._root_object[_name("/OpenAction")] = DictionaryObject(
        {_name("/S"): _name("/URI"), _name("/URI"): TextStringObject("https://evil.invalid/")}
    )


def _launch_link(writer):
    link = DictionaryObject(
        {
            _name("/Type"): _name("/Annot"),
            _name("/Subtype"): _name("/Link"),
            _name("/Rect"): RectangleObject([0, 0, 100, 100]),
            _name("/A"): DictionaryObject(
                {_name("/S"): _name("/Launch"), _name("/F"): TextStringObject("calc.exe")}
            ),
        }
    )
    writer.pages[0][_name("/Annots")] = ArrayObject([writer._add_object(link)])


def _launch_by_reference(writer):
    """A launch whose kind (`/S`) is an indirect object: `12 0 R` standing for /Launch."""
    action = DictionaryObject(
        {
            _name("/S"): writer._add_object(_name("/Launch")),
            _name("/F"): TextStringObject("calc.exe"),
        }
    )
    link = DictionaryObject(
        {
            _name("/Type"): _name("/Annot"),
            _name("/Subtype"): _name("/Link"),
            _name("/Rect"): RectangleObject([0, 0, 100, 100]),
            _name("/A"): action,
        }
    )
    writer.pages[0][_name("/Annots")] = ArrayObject([writer._add_object(link)])


def _file_on_a_page(writer):
    """A program attached to a page (a file-attachment annotation), not to the document."""
    attached = DecodedStreamObject()
    attached.set_data(b"MZ\x90\x00 not a document")
    attached[_name("/Type")] = _name("/EmbeddedFile")
    spec = DictionaryObject(
        {
            _name("/Type"): _name("/Filespec"),
            _name("/F"): TextStringObject("setup.exe"),
            _name("/EF"): DictionaryObject({_name("/F"): writer._add_object(attached)}),
        }
    )
    annotation = DictionaryObject(
        {
            _name("/Type"): _name("/Annot"),
            _name("/Subtype"): _name("/FileAttachment"),
            _name("/Rect"): RectangleObject([0, 0, 20, 20]),
            _name("/FS"): writer._add_object(spec),
        }
    )
    writer.pages[0][_name("/Annots")] = ArrayObject([writer._add_object(annotation)])


def _open_on_first_page(writer):
    writer._root_object[_name("/OpenAction")] = ArrayObject(
        [writer.pages[0].indirect_reference, _name("/Fit")]
    )


NOT_PDF = "geen pdf"
ACTIVE = "scripts, acties of bijlagen"
ENCRYPTED = "wachtwoord"

BAD_FILES = {
    "html behind the PDF signature": (b"%PDF-1.4\n<html><script>alert(1)</script></html>", NOT_PDF),
    "ELF binary behind the PDF signature": (
        b"%PDF-1.7\n\x7fELF\x02\x01\x01" + b"\x00" * 4000,
        NOT_PDF,
    ),
    "a PDF cut off halfway": (REAL_PDF[: len(REAL_PDF) // 2], NOT_PDF),
    "JavaScript": (_pdf(_document_javascript), ACTIVE),
    "an action on opening": (_pdf(_open_action_uri), ACTIVE),
    "a launch action": (_pdf(_launch_link), ACTIVE),
    "a launch action named by reference": (_pdf(_launch_by_reference), ACTIVE),
    "a file attached to a page": (_pdf(_file_on_a_page), ACTIVE),
    "an embedded file": (_pdf(lambda w: w.add_attachment("setup.exe", b"MZ\x90\x00")), ACTIVE),
    "encrypted": (_pdf(lambda w: w.encrypt("geheim")), ENCRYPTED),
}


def _portal(client, user, indication, content, name="evaluatie.pdf"):
    client.force_login(user)
    return client.post(
        f"/portaal/indicaties/{indication.pk}/",
        {"document": SimpleUploadedFile(name, content, content_type="application/pdf")},
    )


def _api(client, user, indication, content, name="evaluatie.pdf"):
    token = ApiToken.objects.create(user=user)[1]
    return client.post(
        f"/api/v1/indications/{indication.pk}/end-evaluations/",
        {"document": SimpleUploadedFile(name, content, content_type="application/pdf")},
        HTTP_AUTHORIZATION=f"Token {token}",
        HTTP_ACCEPT_LANGUAGE="nl",
    )


def _stored(media):
    folder = media / "end-evaluations"
    return list(folder.iterdir()) if folder.exists() else []


@time_machine.travel(NOW)
@pytest.mark.parametrize("case", list(BAD_FILES))
@pytest.mark.parametrize("send", [_portal, _api], ids=["portal", "api"])
def test_bad_files_are_refused_with_a_message(client, provider, media, case, send):
    content, message = BAD_FILES[case]
    assert content.startswith(b"%PDF-")
    response = send(client, *provider, content)
    assert response.status_code == 400
    assert message in response.content.decode().lower()
    assert not EndEvaluation.objects.exists()
    assert _stored(media) == []


@time_machine.travel(NOW)
@pytest.mark.parametrize("send", [_portal, _api], ids=["portal", "api"])
def test_a_plain_pdf_that_opens_on_its_first_page_is_accepted(client, provider, send):
    response = send(client, *provider, _pdf(_open_on_first_page))
    assert response.status_code in (201, 302), response.content
    assert EndEvaluation.objects.count() == 1


@time_machine.travel(NOW)
@pytest.mark.parametrize("send", [_portal, _api], ids=["portal", "api"])
def test_a_long_file_name_keeps_its_extension(client, provider, send):
    name = "eindevaluatie-" + "x" * 300 + ".PDF"
    assert send(client, *provider, REAL_PDF, name=name).status_code in (201, 302)
    stored = EndEvaluation.objects.get().original_name
    assert len(stored) == 200 and stored.endswith(".pdf") and stored.startswith("eindevaluatie-x")


@pytest.mark.parametrize("name", ["★", "#"])
@pytest.mark.parametrize("send", [_portal, _api], ids=["portal", "api"])
def test_a_file_name_with_nothing_usable_gets_a_plain_one(client, provider, send, name):
    assert send(client, *provider, REAL_PDF, name=name).status_code in (201, 302)
    assert EndEvaluation.objects.get().original_name == "eindevaluatie.pdf"


class LazyMultipartBody:
    """A multipart body of one CSRF field and one file of `size` bytes, produced as it is
    read (the test never holds it whole) and counting what the server read."""

    boundary = "SamenTestBoundary"

    def __init__(self, size: int):
        self.head = (
            f"--{self.boundary}\r\n"
            'Content-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n'
            "x\r\n"
            f"--{self.boundary}\r\n"
            'Content-Disposition: form-data; name="document"; filename="groot.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n%PDF-1.4\n"
        ).encode()
        self.tail = f"\r\n--{self.boundary}--\r\n".encode()
        self.filler = size - len(b"%PDF-1.4\n")
        self.length = len(self.head) + self.filler + len(self.tail)
        self.position = 0

    @property
    def content_type(self):
        return f"multipart/form-data; boundary={self.boundary}"

    def read(self, size=-1):
        end = self.length if size is None or size < 0 else min(self.length, self.position + size)
        out = bytearray()
        while self.position < end:
            head_end, filler_end = len(self.head), len(self.head) + self.filler
            if self.position < head_end:
                piece = self.head[self.position : min(end, head_end)]
            elif self.position < filler_end:
                piece = b"0" * (min(end, filler_end) - self.position)
            else:
                piece = self.tail[self.position - filler_end : end - filler_end]
            out += piece
            self.position += len(piece)
        return bytes(out)

    def readline(self, size=-1):
        return self.read(size if size and size > 0 else 65536)


def _post_body(client, url, body, **extra):
    return client.post(
        url,
        b"",
        content_type="application/octet-stream",  # not used: the body and its type follow
        CONTENT_TYPE=body.content_type,
        CONTENT_LENGTH=str(body.length),
        **{"wsgi.input": body},
        **extra,
    )


@time_machine.travel(NOW)
@pytest.mark.parametrize("where", ["portal", "api"])
def test_a_25_mb_body_is_refused_without_being_read(client, provider, media, where):
    user, indication = provider
    body = LazyMultipartBody(25 * MB)
    if where == "portal":
        client.force_login(user)
        response = _post_body(client, f"/portaal/indicaties/{indication.pk}/", body)
    else:
        token = ApiToken.objects.create(user=user)[1]
        response = _post_body(
            client,
            f"/api/v1/indications/{indication.pk}/end-evaluations/",
            body,
            HTTP_AUTHORIZATION=f"Token {token}",
            HTTP_ACCEPT_LANGUAGE="nl",
        )
    assert response.status_code == 400
    assert "groter dan 20 mb" in response.content.decode().lower()
    # Only the first chunk (the CSRF field and the file's headers) was read, not 25 MB.
    assert body.position <= 128 * 1024
    assert not EndEvaluation.objects.exists() and _stored(media) == []


@time_machine.travel(NOW)
@pytest.mark.parametrize("where", ["portal", "api"])
def test_a_file_growing_past_the_limit_stops_there(client, provider, settings, media, where):
    """Content-Length within the limit plus framing, the file itself over it: reading stops
    at the limit (plus at most one 64 KB chunk), not at the end of the body."""
    settings.UPLOAD_MAX_BYTES = 20_000
    user, indication = provider
    body = LazyMultipartBody(80_000)
    assert body.length < 20_000 + MULTIPART_SLACK
    if where == "portal":
        client.force_login(user)
        response = _post_body(client, f"/portaal/indicaties/{indication.pk}/", body)
    else:
        token = ApiToken.objects.create(user=user)[1]
        response = _post_body(
            client,
            f"/api/v1/indications/{indication.pk}/end-evaluations/",
            body,
            HTTP_AUTHORIZATION=f"Token {token}",
        )
    assert response.status_code == 400
    assert body.position <= 65_536 < body.length  # the first chunk, not the whole body
    assert not EndEvaluation.objects.exists() and _stored(media) == []
