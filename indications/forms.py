"""Forms of the youth administration's back office: the weighing of an extension request
and the indication import."""

from django import forms
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from intake.forms import DateInput
from samen.forms import StyledFormMixin

from .importer import HEADER
from .models import ExtensionRequest

# A file of running indications is a few thousand lines; these limits keep a wrong file
# (an export of something else, a binary) from holding a worker and its memory.
IMPORT_MAX_BYTES = 5 * 1024 * 1024
IMPORT_MAX_LINES = 20_000
# The header is about 110 characters; a longer first line is not our header (and csv's
# delimiter sniffing is slow on a long one).
IMPORT_MAX_HEADER_CHARS = 1_000


def _label(name):
    """The model field's verbose name as a label (capitalised, as a ModelForm would)."""
    return capfirst(ExtensionRequest._meta.get_field(name).verbose_name)


class ExtensionDecisionForm(StyledFormMixin, forms.Form):
    """The fields of ExtensionRequest that a decision fills. Completeness only: the rules
    (a new end after the current one, no overlap, not decided twice) are the service's,
    and its errors are shown on this form."""

    decision = forms.ChoiceField(
        label=_label("decision"),
        choices=[
            choice
            for choice in ExtensionRequest.Decision.choices
            if choice[0] != ExtensionRequest.Decision.PENDING
        ],
        widget=forms.RadioSelect,
    )
    weighing = forms.CharField(
        label=_label("weighing"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Why this decision fits this child and family."),
    )
    new_end_on = forms.DateField(
        label=_label("new_end_on"),
        required=False,
        widget=DateInput,
        help_text=_("Only when extending: after the current end date."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == ExtensionRequest.Decision.EXTEND:
            if not cleaned.get("new_end_on") and "new_end_on" not in self.errors:
                self.add_error("new_end_on", _("Give the new end date of the extension."))
        else:
            cleaned["new_end_on"] = None
        return cleaned


class ImportForm(StyledFormMixin, forms.Form):
    """A CSV file of indications, read as text: size, binary content, encoding and the
    first line are checked here, the lines by the importer."""

    file = forms.FileField(label=_("CSV file"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Formatted here, not at import: in the language of this request.
        self.fields["file"].help_text = _("Header: %(header)s") % {"header": ",".join(HEADER)}

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > IMPORT_MAX_BYTES:
            raise ValidationError(
                _("The file is too large (%(size)s); at most %(max)s can be imported at once.")
                % {"size": filesizeformat(upload.size), "max": filesizeformat(IMPORT_MAX_BYTES)}
            )
        data = upload.read(IMPORT_MAX_BYTES + 1)
        if b"\x00" in data:
            raise ValidationError(_("This is not a CSV file: it contains binary data."))
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError(_("The file is not UTF-8 text.")) from None
        if not text.strip():
            raise ValidationError(_("The file is empty."))
        head = text[: IMPORT_MAX_HEADER_CHARS + 1].splitlines()
        if head and len(head[0]) > IMPORT_MAX_HEADER_CHARS:
            raise ValidationError(
                _("The first line is not the header: %(header)s") % {"header": ",".join(HEADER)}
            )
        if max(text.count("\n"), text.count("\r")) > IMPORT_MAX_LINES:
            raise ValidationError(
                _("The file has more than %(max)s lines: split it and import the parts.")
                % {"max": IMPORT_MAX_LINES}
            )
        return text
