from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from indications.models import Indication
from samen.dates import validate_date_in_range
from samen.forms import StyledFormMixin
from samen.limits import LONG_TEXT

from .uploads import too_large_message


class EndEvaluationForm(StyledFormMixin, forms.Form):
    """`too_large`: the upload handler stopped reading the body at the size limit, so the
    file is missing; say why instead of "required"."""

    document = forms.FileField(
        label=_("End-evaluation (PDF)"),
        help_text=_("A PDF document, at most 20 MB. A new upload becomes a new version."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
        required=False,
    )

    def __init__(self, *args, too_large=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.too_large = too_large

    def clean_document(self):
        document = self.cleaned_data.get("document")
        if self.too_large:
            raise ValidationError(too_large_message())
        if not document:
            raise ValidationError(self.fields["document"].error_messages["required"])
        return document


class HandoverNoteForm(StyledFormMixin, forms.Form):
    text = forms.CharField(
        label=_("Message about the handover"),
        max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class StopForm(StyledFormMixin, forms.Form):
    stops_on = forms.DateField(
        label=_("We stop on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        validators=[validate_date_in_range],
    )
    confirm = forms.BooleanField(
        label=_(
            "We stop delivering these products; WIJ picks up our clients with running indications."
        )
    )


class IndicationFilterForm(StyledFormMixin, forms.Form):
    """Filters of the portal's indication list: codes and a month only in the URL."""

    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All running"))]
        + [
            (value, label)
            for value, label in Indication.Status.choices
            if value in Indication.RUNNING
        ],
    )
    end_month = forms.DateField(
        label=_("Ends in month"),
        required=False,
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        help_text=_("For example 2027-03."),
        error_messages={"invalid": _("Give a month as year-month, for example 2027-03.")},
        validators=[validate_date_in_range],
    )
