"""Forms of the trajectory lists and the re-assessment (herbeoordeling)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from intake.forms import DateInput
from samen.dates import validate_date_in_range
from samen.forms import BLANK_CHOICE, StyledFormMixin
from samen.limits import REASON_TEXT

from .models import Reassessment


class TeamFilterForm(StyledFormMixin, forms.Form):
    """For a team lead of several teams: one team, or all of them (GET, an id)."""

    team = forms.TypedChoiceField(label=_("Team"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, teams=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [("", _("All my teams"))] + [
            (team.pk, team.name) for team in teams
        ]


def _not_before(day, earliest, message):
    if day and day > timezone.localdate():
        raise forms.ValidationError(_("This date cannot lie in the future."))
    if day and earliest and day < earliest:
        raise forms.ValidationError(message)
    return day


class ReassessmentAskForm(StyledFormMixin, forms.Form):
    """The family says the help does not (or no longer) fit."""

    asked_on = forms.DateField(
        label=_("The family asked on"),
        widget=DateInput,
        initial=timezone.localdate,
        validators=[validate_date_in_range],
    )
    family_concern = forms.CharField(
        label=_("What the family says"),
        max_length=REASON_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("In the family's own words: what does not fit (any more)?"),
    )

    def clean_asked_on(self):
        return _not_before(self.cleaned_data["asked_on"], None, "")


class ReassessmentRecordForm(StyledFormMixin, forms.Form):
    """The investigation by a worker with access tasks, and its outcome. The dates are
    checked here already, so that the look before recording shows no date the service
    would refuse (services.reassessment_record checks them again)."""

    investigated_on = forms.DateField(
        label=_("Investigated on"),
        widget=DateInput,
        initial=timezone.localdate,
        validators=[validate_date_in_range],
    )
    investigation = forms.CharField(
        label=_("What was investigated"),
        max_length=REASON_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[BLANK_CHOICE, *Reassessment.Outcome.choices],
    )

    def __init__(self, *args, reassessment=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.reassessment = reassessment

    def clean_investigated_on(self):
        return _not_before(
            self.cleaned_data["investigated_on"],
            self.reassessment and self.reassessment.asked_on,
            _("The investigation cannot lie before the family's question."),
        )


class ReassessmentShareForm(StyledFormMixin, forms.Form):
    AGREES = [("yes", _("yes, the family agrees")), ("no", _("no, the family disagrees"))]

    shared_on = forms.DateField(
        label=_("Outcome shared with the family on"),
        widget=DateInput,
        initial=timezone.localdate,
        validators=[validate_date_in_range],
    )
    family_agrees = forms.ChoiceField(
        label=_("Does the family agree?"), choices=AGREES, widget=forms.RadioSelect
    )

    def __init__(self, *args, reassessment=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.reassessment = reassessment

    def clean_shared_on(self):
        return _not_before(
            self.cleaned_data["shared_on"],
            self.reassessment and self.reassessment.investigated_on,
            _("The outcome cannot be shared before the investigation."),
        )

    def clean_family_agrees(self) -> bool:
        return self.cleaned_data["family_agrees"] == "yes"


class ReassessmentLinkForm(StyledFormMixin, forms.Form):
    beschikking = forms.TypedChoiceField(label=_("Beschikking"), coerce=int)

    def __init__(self, *args, beschikkingen=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["beschikking"].choices = [BLANK_CHOICE] + [
            (
                b.pk,
                _("Beschikking %(number)s, requested on %(day)s")
                % {"number": b.pk, "day": b.requested_on.strftime("%d-%m-%Y")},
            )
            for b in beschikkingen
        ]
