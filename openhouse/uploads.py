"""Uploaded documents are an attack surface: size limit, type by content (magic bytes),
a sanitised original name, a random stored name outside the web root, and a rejected file
is never kept (it is read from the request and refused before anything is written)."""

from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

PDF_MAGIC = b"%PDF-"


def validate_pdf(upload) -> str:
    """Check an uploaded end-evaluation; return its sanitised original name."""
    if upload.size > settings.UPLOAD_MAX_BYTES:
        raise ValidationError(
            _("The file is larger than %(mb)s MB.") % {"mb": settings.UPLOAD_MAX_BYTES // 1_000_000}
        )
    upload.seek(0)
    head = upload.read(1024)
    upload.seek(0)
    if not head.startswith(PDF_MAGIC):
        raise ValidationError(_("Only PDF documents are accepted; this file is not a PDF."))
    name = get_valid_filename(PurePath(upload.name.replace("\\", "/")).name) or "eindevaluatie.pdf"
    if not name.lower().endswith(".pdf"):
        name += ".pdf"
    return name[:200]
