from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from samen.dates import validate_date_in_range
from samen.forms import StyledFormMixin, style_widgets
from samen.limits import EXPLANATION_TEXT

from .models import AccessGrant, AccessLogEntry


class AccessGrantForm(StyledFormMixin, forms.Form):
    reason = forms.ChoiceField(
        label=_("Why do you open this file?"),
        choices=AccessGrant.Reason.choices,
        widget=forms.RadioSelect,
    )
    explanation = forms.CharField(
        label=_("Explanation"),
        required=False,
        max_length=EXPLANATION_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed for 'other'. The child's team lead and the privacy officer see it."),
    )
    next = forms.CharField(widget=forms.HiddenInput, required=False, max_length=300)

    def clean(self):
        data = super().clean()
        if data.get("reason") == AccessGrant.Reason.OTHER and not data.get("explanation"):
            self.add_error("explanation", _("Explain the reason."))
        return data


class LogFilterForm(StyledFormMixin, forms.Form):
    """Filters of 'Wie heeft dit dossier ingezien' and of the privacy officer's log."""

    user = forms.ModelChoiceField(
        label=_("User"),
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label=_("all users"),
    )
    client = forms.IntegerField(
        label=_("Child (reference number)"), required=False, min_value=1, max_value=2**62
    )
    event = forms.ChoiceField(
        label=_("Event"),
        choices=[("", _("all events")), *AccessLogEntry.Event.choices],
        required=False,
    )
    break_glass = forms.BooleanField(label=_("Only break-the-glass"), required=False)
    refused = forms.BooleanField(label=_("Only refused attempts"), required=False)
    since = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[validate_date_in_range],
    )
    until = forms.DateField(
        label=_("Until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[validate_date_in_range],
    )

    def __init__(self, *args, users=None, with_client=True, user_by_name=False, **kwargs):
        super().__init__(*args, **kwargs)
        if users is not None:
            self.fields["user"].queryset = users
        if user_by_name:
            # The whole log: a user is typed by username, not picked from a list of every
            # account of the country (issue 21: 5,757 options, 340 KB a page).
            self.fields["user"] = forms.ModelChoiceField(
                label=_("User (username)"),
                queryset=get_user_model().objects.all(),
                to_field_name="username",
                required=False,
                widget=forms.TextInput,
                error_messages={"invalid_choice": _("No user has this username.")},
            )
            style_widgets(self)
        if not with_client:
            del self.fields["client"]
