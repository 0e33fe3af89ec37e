from django import forms
from django.utils.translation import gettext_lazy as _

from samen.forms import StyledFormMixin


class EndEvaluationForm(StyledFormMixin, forms.Form):
    document = forms.FileField(
        label=_("End-evaluation (PDF)"),
        help_text=_("A PDF document, at most 20 MB. A new upload becomes a new version."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
    )
