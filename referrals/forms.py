from django import forms
from django.utils.translation import gettext_lazy as _

from samen.dates import validate_date_in_range
from samen.forms import StyledFormMixin


class PhasingFilterForm(StyledFormMixin, forms.Form):
    """The Fasering page's questions: open on which date, and which version of the table."""

    on = forms.DateField(
        label=_("Status on"),
        required=False,
        validators=[validate_date_in_range],
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Which routes and products are open on this date (default today)."),
    )
    as_of = forms.DateField(
        label=_("Table as it stood on"),
        required=False,
        validators=[validate_date_in_range],
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Show the phasing table as it was decided at the end of this day."),
    )
