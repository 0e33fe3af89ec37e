"""Forms of the youth administration's back office: the weighing of an extension request
and the indication import."""

from django import forms
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from intake.forms import DateInput
from samen.dates import validate_date_in_range
from samen.forms import StyledFormMixin
from samen.limits import REASON_TEXT

from .importer import HEADER, OPTIONAL
from .models import ExtensionRequest

# A file of running indications is a few thousand lines; these limits keep a wrong file
# (an export of something else, a binary) from holding a worker and its memory.
IMPORT_MAX_BYTES = 5 * 1024 * 1024
IMPORT_MAX_LINES = 20_000


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


class ImportForm(StyledFormMixin, forms.Form):
    """A CSV file of indications. Only its size and number of lines are checked here (what
    would hold a worker and its memory); what is in it — encoding, separators, binary
    bytes, every value — is the importer's, and each problem is a line of its report."""

    file = forms.FileField(label=_("CSV file"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Formatted here, not at import: in the language of this request.
        self.fields["file"].help_text = _(
            "Header: %(header)s, optionally followed by %(optional)s (ZIN or PGB; a PGB names "
            "its budget holder and no provider). An empty end date is an open end."
        ) % {"header": ",".join(HEADER), "optional": ",".join(OPTIONAL)}

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        if upload.size > IMPORT_MAX_BYTES:
            raise ValidationError(
                _("The file is too large (%(size)s); at most %(max)s can be imported at once.")
                % {"size": filesizeformat(upload.size), "max": filesizeformat(IMPORT_MAX_BYTES)}
            )
        data = upload.read(IMPORT_MAX_BYTES + 1)
        if max(data.count(b"\n"), data.count(b"\r")) > IMPORT_MAX_LINES:
            raise ValidationError(
                _("The file has more than %(max)s lines: split it and import the parts.")
                % {"max": IMPORT_MAX_LINES}
            )
        return data


class TaskCompleteForm(StyledFormMixin, forms.Form):
    """Ticking a task off: what was done (the note), then a confirmation (it is final)."""

    note = forms.CharField(
        label=_("What was done"),
        max_length=REASON_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept with the task, with your name and today's date."),
    )
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)
