from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from indications.models import Indication
from referrals.models import Product
from samen.codelists import EARLY_END_REASONS, EndReason
from samen.dates import validate_date_in_range
from samen.forms import StyledFormMixin
from samen.limits import LONG_TEXT, REASON_TEXT

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


def _date_field(label, **kwargs):
    return forms.DateField(
        label=label,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        validators=[validate_date_in_range],
        **kwargs,
    )


class ExtensionRequestForm(StyledFormMixin, forms.Form):
    """Verlengingsverzoek: reasons, the proposed end date, and the end-evaluation for the
    current end: one uploaded before (chosen), or a PDF attached here."""

    reasons = forms.CharField(
        label=_("Reasons for the extension"),
        max_length=REASON_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    proposed_end_on = _date_field(_("Proposed new end date"))
    end_evaluation = forms.ModelChoiceField(
        label=_("End-evaluation already uploaded"),
        queryset=None,
        required=False,
        empty_label=_("None: I attach it below"),
    )
    document = forms.FileField(
        label=_("Or attach the end-evaluation (PDF)"),
        help_text=_("A PDF document, at most 20 MB. It is stored as a new version at once."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
        required=False,
    )

    def __init__(self, *args, indication: Indication, too_large=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.too_large = too_large
        # Only an evaluation written for the current end counts (docs/decisions.md).
        self.fields["end_evaluation"].queryset = indication.end_evaluations.filter(
            for_end_on=indication.end_on
        ).order_by("-version")
        self.fields["end_evaluation"].label_from_instance = lambda ev: (
            _("version %(version)s: %(name)s (%(date)s)")
            % {
                "version": ev.version,
                "name": ev.original_name,
                "date": ev.uploaded_at.strftime("%d-%m-%Y"),
            }
        )

    def clean(self):
        data = super().clean()
        if self.too_large:
            self.add_error("document", too_large_message())
        elif data.get("end_evaluation") and data.get("document"):
            self.add_error(
                "document", _("Choose an end-evaluation already uploaded, or attach one: not both.")
            )
        elif not data.get("end_evaluation") and not data.get("document") and not self.errors:
            self.add_error(
                "end_evaluation",
                _(
                    "Attach the end-evaluation, or choose one already uploaded: the request is weighed on it."
                ),
            )
        return data


class EndEarlyForm(StyledFormMixin, forms.Form):
    """Our care ends early, or we hand over to WIJ now (seed 002 q6)."""

    how = forms.ChoiceField(
        label=_("What happens"),
        choices=[
            (Indication.Status.TRANSFERRED, _("We hand the family over to WIJ")),
            (Indication.Status.STOPPED_EARLY, _("Our care stops early")),
        ],
        widget=forms.RadioSelect,
    )
    ends_on = _date_field(_("Last day of our care"))
    end_reason = forms.ChoiceField(
        label=_("Reason (JZ588)"),
        choices=[("", _("Choose…"))] + [(r.value, EndReason(r).label) for r in EARLY_END_REASONS],
    )
    message = forms.CharField(
        label=_("Message to WIJ for the warm handover"),
        max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What WIJ should know to pick the family up; WIJ answers in the thread."),
    )


class HandOverForm(StyledFormMixin, forms.Form):
    """Hand the family over to another provider (small volume, seed 002 q15)."""

    provider = forms.ModelChoiceField(label=_("Other provider"), queryset=None)
    starts_on = _date_field(_("The other provider starts on"))

    def __init__(self, *args, providers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = providers
        self.fields["provider"].label_from_instance = lambda p: f"{p.name} (AGB {p.agb_code})"


class PassOnReferralForm(StyledFormMixin, forms.Form):
    """A new GP referral for one of the 11 products, passed on to WIJ (seed 002 q19, q23)."""

    bsn = forms.CharField(label=_("BSN of the child"), max_length=11)
    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    date_of_birth = _date_field(_("Date of birth"))
    postcode = forms.CharField(label=_("Postcode"), max_length=7)
    house_number = forms.CharField(label=_("House number"), max_length=10)
    product = forms.ModelChoiceField(
        label=_("Product of the referral"), queryset=Product.objects.order_by("code")
    )
    referral_date = _date_field(_("Referral date"))
    gp_name = forms.CharField(label=_("GP (name, practice)"), max_length=200)
    gp_agb_code = forms.CharField(
        label=_("AGB code of the GP"),
        max_length=8,
        required=False,
        help_text=_("8 digits, if you know it."),
    )
    note = forms.CharField(
        label=_("Note for WIJ"),
        max_length=REASON_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].label_from_instance = lambda p: f"{p.code} {p.name}"
