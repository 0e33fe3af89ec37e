"""The forms of the trajectory page — small ones, each carrying the trajectory's `version`
(optimistic locking) and posted to its own step —, of the lists and of the re-assessment
(herbeoordeling)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from intake.forms import DateInput, VersionedActionForm, WorkerChoiceField, wij_workers
from intake.models import WorkerChangeRequest
from samen.dates import validate_date_in_range
from samen.forms import BLANK_CHOICE, StyledFormMixin
from samen.limits import REASON_TEXT

from .models import (
    SHORT_REASON,
    TRAJECTORY_END_REASONS,
    Intensity,
    Reassessment,
    Trajectory,
    TrajectoryCoach,
)


class StepForm(VersionedActionForm):
    """A step's form; its own prefix for the element ids, as several share the page."""

    id_prefix = "step"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


class BeginForm(StepForm):
    id_prefix = "begin"
    started_on = forms.DateField(
        label=_("Help started on"),
        widget=DateInput,
        initial=timezone.localdate,
        validators=[validate_date_in_range],
    )


class IntensityForm(StepForm):
    """Scale up or down: the button pressed gives the new level, one line gives the reason."""

    id_prefix = "intensity"

    to_intensity = forms.ChoiceField(label=_("New intensity"), choices=Intensity.choices)
    reason = forms.CharField(
        label=_("Reason (one line)"),
        max_length=SHORT_REASON,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    changed_on = forms.DateField(
        label=_("Date of the change"),
        widget=DateInput,
        required=False,
        validators=[validate_date_in_range],
        help_text=_("Empty: today."),
    )


HANDOVER_REASONS = [
    (value, label)
    for value, label in TrajectoryCoach.Reason.choices
    if value
    in (
        TrajectoryCoach.Reason.HANDOVER,
        TrajectoryCoach.Reason.FAMILY_ASKED,
        TrajectoryCoach.Reason.ABSENCE,
    )
]


class WorkerChangeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return _("%(date)s: %(reason)s (%(outcome)s)") % {
            "date": obj.requested_on.strftime("%d-%m-%Y"),
            "reason": obj.get_reason_display(),
            "outcome": obj.get_outcome_display(),
        }


class HandoverForm(StepForm):
    """A team lead hands the coordination to another WIJ worker."""

    id_prefix = "handover"

    new_coach = WorkerChoiceField(label=_("New coordinator"), queryset=wij_workers())
    reason = forms.ChoiceField(label=_("Reason"), choices=HANDOVER_REASONS)
    worker_change = WorkerChangeChoiceField(
        label=_("The family's request for another worker"),
        queryset=WorkerChangeRequest.objects.none(),
        required=False,
        empty_label=_("Choose a request…"),
    )
    note = forms.CharField(label=_("Note"), max_length=SHORT_REASON, required=False)

    def __init__(self, *args, worker_changes=None, **kwargs):
        super().__init__(*args, **kwargs)
        if worker_changes is not None:
            self.fields["worker_change"].queryset = worker_changes
        if not self.fields["worker_change"].queryset.exists():
            del self.fields["worker_change"]

    def clean(self):
        data = super().clean()
        if data.get("reason") != TrajectoryCoach.Reason.FAMILY_ASKED:
            data["worker_change"] = None
        return data


class AddCoachForm(StepForm):
    id_prefix = "add_coach"
    coach = WorkerChoiceField(label=_("Coach to add"), queryset=wij_workers())
    note = forms.CharField(label=_("Note"), max_length=SHORT_REASON, required=False)


class VersionForm(StepForm):
    """Pause, resume, a coach who stops: only the version."""


YES_NO = [("", _("Choose…")), ("yes", _("yes")), ("no", _("no"))]


class EndForm(StepForm):
    """The end of the help with its JZ588 reason and the results CBS asks for."""

    id_prefix = "end"

    ended_on = forms.DateField(
        label=_("Ended on"),
        widget=DateInput,
        initial=timezone.localdate,
        validators=[validate_date_in_range],
    )
    end_reason = forms.ChoiceField(
        label=_("Reason for ending"), choices=[("", _("Choose…")), *TRAJECTORY_END_REASONS]
    )
    end_note = forms.CharField(
        label=_("Why it ended early"),
        max_length=REASON_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when the help ended early."),
    )
    goals_reached = forms.ChoiceField(
        label=_("Goals reached"), choices=[("", _("Choose…")), *Trajectory.GoalsReached.choices]
    )
    satisfaction_asked = forms.ChoiceField(label=_("Client satisfaction asked"), choices=YES_NO)
    satisfaction = forms.ChoiceField(
        label=_("Result of the satisfaction question"),
        choices=[("", _("Choose…")), *Trajectory.Satisfaction.choices],
        required=False,
    )

    def clean(self):
        data = super().clean()
        asked = data.get("satisfaction_asked")
        data["satisfaction_asked"] = {"yes": True, "no": False}.get(asked)
        if asked == "no" and data.get("satisfaction"):
            self.add_error("satisfaction", _("A result only when client satisfaction was asked."))
        return data


# --- The lists and the re-assessment ---------------------------------------------------


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
