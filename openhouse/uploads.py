"""Uploaded documents are an attack surface: a size limit enforced while the body is read,
the type checked by parsing the file as PDF (not by its first bytes alone), no scripts,
actions or attachments inside, a sanitised original name, a random stored name outside
the web root, and a rejected file is never kept (it is refused before anything is written).
See docs/security.md, Uploads."""

import logging
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

logger = logging.getLogger(__name__)

PDF_MAGIC = b"%PDF-"
NAME_MAX = 200  # EndEvaluation.original_name
# Room for the multipart boundaries, headers and small fields (the CSRF token) around the
# file itself: a body larger than the limit plus this cannot hold an acceptable file.
MULTIPART_SLACK = 64 * 1024

# Keys that make a PDF do something when it is opened or clicked: scripts, actions on
# opening or on events, launching programs, attached files, XFA forms (which script).
ACTIVE_KEYS = {"/JS", "/JavaScript", "/AA", "/EmbeddedFiles", "/EF", "/XFA", "/RichMediaContent"}
ACTIVE_ACTIONS = {"/JavaScript", "/Launch", "/ImportData", "/SubmitForm", "/RichMediaExecute"}
# Annotations that carry a file or play media, and the type of an attached file's stream.
ACTIVE_SUBTYPES = {"/FileAttachment", "/RichMedia", "/Screen", "/Movie", "/Sound"}
ACTIVE_TYPES = {"/EmbeddedFile"}


def too_large_message() -> str:
    return _("The file is larger than %(mb)s MB.") % {"mb": settings.UPLOAD_MAX_BYTES // 1_000_000}


class LimitedUploadHandler(FileUploadHandler):
    """The first of FILE_UPLOAD_HANDLERS: a body that cannot fit the limit is not read.

    When Content-Length already says the body is larger than UPLOAD_MAX_BYTES (plus room
    for the multipart framing), parsing stops at the first file part, so the fields before
    it (the CSRF token) are read and the file is not; a file that grows past the limit
    while it streams in stops there. Either way the rest of the body is left unread
    (`connection_reset`) and the request is marked, so the form or the API answers with
    the size message (`upload_was_too_large`)."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.body_too_large = content_length > settings.UPLOAD_MAX_BYTES + MULTIPART_SLACK

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        if self.body_too_large:
            self._refuse()

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > settings.UPLOAD_MAX_BYTES:
            self._refuse()
        return raw_data

    def file_complete(self, file_size):
        return None

    def _refuse(self):
        self.request.upload_too_large = True
        raise StopUpload(connection_reset=True)


def upload_was_too_large(request) -> bool:
    """Whether LimitedUploadHandler stopped this request's body (Django or DRF request)."""
    request = getattr(request, "_request", request)
    return getattr(request, "upload_too_large", False)


def _resolved(value):
    """A value as it is meant: an indirect reference (`12 0 R`) stands for its object."""
    return value.get_object() if isinstance(value, IndirectObject) else value


def _active_content(reader: PdfReader) -> bool:
    """Whether any object reachable from the trailer holds a script, an action that runs
    on opening or on an event, a launch, or an attached file. Walks dictionaries and
    arrays (stream data is not decoded), each indirect object once, without recursion."""
    seen: set[tuple[int, int]] = set()
    stack = [reader.trailer]
    while stack:
        node = stack.pop()
        if isinstance(node, IndirectObject):
            key = (node.idnum, node.generation)
            if key in seen:
                continue
            seen.add(key)
            node = node.get_object()
        if isinstance(node, DictionaryObject):
            if (
                ACTIVE_KEYS & set(node.keys())
                or _resolved(node.get("/S")) in ACTIVE_ACTIONS
                or _resolved(node.get("/Subtype")) in ACTIVE_SUBTYPES
                or _resolved(node.get("/Type")) in ACTIVE_TYPES
            ):
                return True
            # An OpenAction that is a destination (show page 1) is harmless; an action is not.
            if isinstance(node.get("/OpenAction"), DictionaryObject | IndirectObject):
                opened = node["/OpenAction"].get_object()
                if isinstance(opened, DictionaryObject):
                    return True
            stack.extend(value for key, value in node.items() if key != "/Parent")
        elif isinstance(node, ArrayObject):
            stack.extend(node)
    return False


def _pdf_refusal(upload) -> str | None:
    """Why this upload is not an acceptable PDF, or None."""
    upload.seek(0)
    if not upload.read(1024).startswith(PDF_MAGIC):
        return _("Only PDF documents are accepted; this file is not a PDF.")
    upload.seek(0)
    try:
        reader = PdfReader(upload)
        if reader.is_encrypted:
            return _(
                "The PDF is protected with a password or encrypted; upload it without protection."
            )
        if len(reader.pages) == 0:
            return _("Only PDF documents are accepted; this file is not a PDF.")
        active = _active_content(reader)
    except Exception:  # hostile input: any failure of the parser means "not a PDF"
        logger.info("upload refused: not readable as PDF", exc_info=True)
        return _("Only PDF documents are accepted; this file is not a PDF.")
    finally:
        upload.seek(0)
    if active:
        return _(
            "The PDF contains scripts, actions or attached files; export it again as a plain PDF."
        )
    return None


def safe_file_name(name: str) -> str:
    """The original name without directories or odd characters, at most NAME_MAX
    characters and always ending in .pdf (a long name is shortened before the extension)."""
    try:
        name = get_valid_filename(PurePath(name.replace("\\", "/")).name)
    except SuspiciousFileOperation:  # nothing usable is left of it ("", ".", "..", "★")
        name = "eindevaluatie.pdf"
    stem = name[:-4] if name.lower().endswith(".pdf") else name
    return (stem[: NAME_MAX - 4].rstrip("._-") or "eindevaluatie") + ".pdf"


def validate_pdf(upload) -> str:
    """Check an uploaded end-evaluation; return its sanitised original name."""
    if upload.size > settings.UPLOAD_MAX_BYTES:
        raise ValidationError(too_large_message())
    refusal = _pdf_refusal(upload)
    if refusal:
        raise ValidationError(refusal)
    return safe_file_name(upload.name)
