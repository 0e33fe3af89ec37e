"""Forms of the youth administration's back office: the weighing of an extension request
and the indication import."""

from django import forms
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from ijw.importer import MAX_UPLOAD_BYTES
from intake.forms import DateInput
from openhouse.uploads import too_large_message
from samen.dates import validate_date_in_range
from samen.forms import StyledFormMixin
from samen.limits import REASON_TEXT

from .importer import HEADER, OPTIONAL
from .models import ExtensionRequest

# A file of running indications is a few thousand lines; these limits keep a wrong file
# (an export of something else, a binary) from holding a worker and its memory.
IMPORT_MAX_BYTES = 5 * 1024 * 1024
IMPORT_MAX_LINES = 20_000
# The previous system's JW301 messages: a zip or .xml files of a few kilobytes each; the
# upload handler stops any file past UPLOAD_MAX_BYTES before this is checked.
JW301_MAX_UPLOAD_BYTES = MAX_UPLOAD_BYTES


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
        max_length=REASON_TEXT,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Why this decision fits this child and family."),
    )
    new_end_on = forms.DateField(
        label=_label("new_end_on"),
        required=False,
        validators=[validate_date_in_range],
        widget=DateInput,
        help_text=_("Only when extending: after the current end date."),
    )

    def __init__(self, *args, extend_allowed: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not extend_allowed:
            # Decision 76: after the Open House closed, extend only with WIJ's advice; the
            # page says why (the service refuses it too).
            self.fields["decision"].choices = [
                choice
                for choice in self.fields["decision"].choices
                if choice[0] != ExtensionRequest.Decision.EXTEND
            ]
            del self.fields["new_end_on"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == ExtensionRequest.Decision.EXTEND:
            if not cleaned.get("new_end_on") and "new_end_on" not in self.errors:
                self.add_error("new_end_on", _("Give the new end date of the extension."))
        else:
            cleaned["new_end_on"] = None
        return cleaned


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """One or more files (the previous system's .xml messages); each checked as a file."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)]


JW301_SUFFIXES = (".zip", ".xml")


class ImportForm(StyledFormMixin, forms.Form):
    """A CSV file of indications, or the previous system's JW301 messages (a .zip, or one
    or more .xml files): the format follows the files' type. Only their size and (CSV) number
    of lines are checked here (what would hold a worker and its memory); what is in them —
    encoding, separators, binary bytes, every value — is the importer's, and each problem
    is a line of its report."""

    file = MultipleFileField(label=_("File"))

    def __init__(self, *args, too_large: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.too_large = too_large
        self.format = "csv"
        # Formatted here, not at import: in the language of this request.
        self.fields["file"].help_text = _(
            "A CSV file with the header %(header)s, optionally followed by %(optional)s (ZIN or "
            "PGB; a PGB names its budget holder and no provider; an empty end date is an open "
            "end). Or the JW301 messages of the previous system: a .zip or .xml files."
        ) % {"header": ",".join(HEADER), "optional": ",".join(OPTIONAL)}

    def full_clean(self):
        super().full_clean()
        if self.too_large:
            # The upload handler stopped reading the body: the file never arrived.
            self.errors.pop("file", None)
            self.add_error("file", too_large_message())

    def clean_file(self):
        uploads = self.cleaned_data["file"]
        jw301 = [u for u in uploads if u.name.lower().endswith(JW301_SUFFIXES)]
        if jw301:
            self.format = "jw301"
            if len(jw301) != len(uploads):
                raise ValidationError(
                    _("Upload a CSV file on its own, or the .zip or .xml files of JW301 messages.")
                )
            total = sum(upload.size for upload in uploads)
            if total > JW301_MAX_UPLOAD_BYTES:
                raise ValidationError(
                    _(
                        "The files are too large (%(size)s); at most %(max)s can be imported at once."
                    )
                    % {"size": filesizeformat(total), "max": filesizeformat(JW301_MAX_UPLOAD_BYTES)}
                )
            return [(upload.name, upload.read(JW301_MAX_UPLOAD_BYTES + 1)) for upload in uploads]
        if len(uploads) != 1:
            raise ValidationError(_("Upload one CSV file at a time."))
        upload = uploads[0]
        if upload.size > IMPORT_MAX_BYTES:
            raise ValidationError(
                _("The file is too large (%(size)s); at most %(max)s can be imported at once.")
                % {"size": filesizeformat(upload.size), "max": filesizeformat(IMPORT_MAX_BYTES)}
            )
        # Counted chunk by chunk: the file is never held whole (the importer streams it).
        newlines = returns = 0
        for chunk in upload.chunks():
            newlines += chunk.count(b"\n")
            returns += chunk.count(b"\r")
        if max(newlines, returns) > IMPORT_MAX_LINES:
            raise ValidationError(
                _("The file has more than %(max)s lines: split it and import the parts.")
                % {"max": IMPORT_MAX_LINES}
            )
        upload.seek(0)
        return upload


class ImportConfirmForm(forms.Form):
    """The second step of a JW301 import: the checked upload, kept for a few minutes under
    this token (ijw.importer's report was shown first: it may remove allocations)."""

    token = forms.RegexField(regex=r"^[A-Za-z0-9_-]{43}=$", widget=forms.HiddenInput)


class TaskCompleteForm(StyledFormMixin, forms.Form):
    """Ticking a task off: what was done (the note), then a confirmation (it is final)."""

    note = forms.CharField(
        label=_("What was done"),
        max_length=REASON_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept with the task, with your name and today's date."),
    )
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)
