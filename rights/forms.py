"""Forms of the privacy officer's pages for the family's requests. Completeness and the
rules a person can see at once (a date not in the future, who asks, no grant for someone
without the right to ask) are checked here; the services check again."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from intake.forms import DateInput
from intake.models import Client, HouseholdMember
from samen.dates import validate_date_in_range
from samen.forms import StyledFormMixin, style_widgets
from samen.identifiers import normalize_bsn, normalize_postcode
from samen.limits import LONG_TEXT, REASON_TEXT

from .models import RightsRequest
from .services import CORRECTABLE_FIELDS


def _label(name, model=RightsRequest):
    return capfirst(model._meta.get_field(name).verbose_name)


NOT_ENTITLED = _("This person has no right to ask for the child's file: refuse the request.")


class WorklistFilterForm(StyledFormMixin, forms.Form):
    """The worklist's filters. Any query string is read: what does not fit is ignored with
    a message, and the list shows everything."""

    kind = forms.ChoiceField(
        label=_("Kind of request"),
        choices=[("", _("all kinds")), *RightsRequest.Kind.choices],
        required=False,
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("all")), ("open", _("open")), *RightsRequest.Status.choices],
        required=False,
    )
    overdue = forms.BooleanField(label=_("Only overdue"), required=False)


class ChildSearchForm(StyledFormMixin, forms.Form):
    """Find the child the request is about: by BSN, or by last name and date of birth,
    both exact. Never a list to browse."""

    bsn = forms.CharField(label=_("BSN"), required=False, max_length=20)
    last_name = forms.CharField(label=_("Last name"), required=False, max_length=150)
    date_of_birth = forms.DateField(
        label=_("Date of birth"),
        required=False,
        widget=DateInput,
        validators=[validate_date_in_range],
    )

    def clean_bsn(self):
        value = self.cleaned_data["bsn"].strip()
        return normalize_bsn(value) if value else ""

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        if not data.get("bsn") and not (
            data.get("last_name", "").strip() and data.get("date_of_birth")
        ):
            raise ValidationError(_("Give the BSN, or the last name and the date of birth."))
        return data


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, member):
        return _("%(name)s (%(role)s, %(authority)s; %(household)s)") % {
            "name": member.name or member.client,
            "role": member.get_role_display(),
            "authority": member.get_parental_authority_display(),
            "household": member.household.name,
        }


def family_adults(client: Client):
    """The adults on the child's family files (every household the child belongs to), with
    their parental authority as recorded there."""
    return (
        HouseholdMember.objects.filter(
            household__members__client=client, household__merged_into__isnull=True
        )
        .exclude(role__in=HouseholdMember.NOT_ADULT)
        .select_related("household")
        .order_by("household__name", "household_id", "pk")
        .distinct()
    )


# What a correction says: two fields, joined into the request's description.
CORRECTION_PART = 4_000


class RegisterForm(StyledFormMixin, forms.Form):
    """The request itself, for the child found in the step before (`child` carries it,
    signed, so that only a child found by a logged search can be chosen)."""

    child = forms.CharField(widget=forms.HiddenInput, max_length=200)
    kind = forms.ChoiceField(
        label=_label("kind"), choices=RightsRequest.Kind.choices, widget=forms.RadioSelect
    )
    requester = forms.ChoiceField(
        label=_label("requester"),
        choices=RightsRequest.Requester.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Someone without the right to ask is recorded too: the request must be answered, "
            "and can only be refused."
        ),
    )
    requester_member = MemberChoiceField(
        label=_("Which adult of the family file"),
        queryset=HouseholdMember.objects.none(),
        required=False,
        widget=forms.RadioSelect,
        empty_label=None,
        help_text=_("With the parental authority as recorded on the family file."),
    )
    requester_name = forms.CharField(
        label=_("Name of who asks"),
        required=False,
        max_length=200,
        help_text=_("For someone else: the name as written on the request."),
    )
    received_on = forms.DateField(
        label=_label("received_on"), widget=DateInput, validators=[validate_date_in_range]
    )
    description = forms.CharField(
        label=_label("description"),
        required=False,
        max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    wrong = forms.CharField(
        label=_("What is wrong"),
        required=False,
        max_length=CORRECTION_PART,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For a correction: which data is wrong, and where (e.g. the date of birth)."),
    )
    should_be = forms.CharField(
        label=_("What it should say"),
        required=False,
        max_length=CORRECTION_PART,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For a correction."),
    )

    def __init__(self, *args, client: Client, today: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["requester_member"].queryset = family_adults(client)

    def clean_received_on(self):
        day = self.cleaned_data["received_on"]
        if day > self.today:
            raise ValidationError(_("The day received cannot lie in the future."))
        return day

    def clean(self):
        data = super().clean()
        requester = data.get("requester")
        if requester == RightsRequest.Requester.PARENT and not data.get("requester_member"):
            self.add_error("requester_member", _("Choose the adult who asks."))
        if requester != RightsRequest.Requester.PARENT:
            data["requester_member"] = None
        if (
            requester == RightsRequest.Requester.OTHER
            and not data.get("requester_name", "").strip()
        ):
            self.add_error("requester_name", _("Give the name of who asks."))
        if data.get("kind") == RightsRequest.Kind.CORRECTION:
            for name in ("wrong", "should_be"):
                if not data.get(name, "").strip():
                    self.add_error(name, _("Needed for a correction."))
        description = self.description_text(data)
        if len(description) > LONG_TEXT:
            self.add_error("description", _("The request is too long to record."))
        data["description_text"] = description
        return data

    @staticmethod
    def description_text(data) -> str:
        """What is asked, as recorded: for a correction what is wrong and what it should say."""
        parts = []
        if data.get("kind") == RightsRequest.Kind.CORRECTION:
            if data.get("wrong", "").strip():
                parts.append(f"{_('What is wrong')}: {data['wrong'].strip()}")
            if data.get("should_be", "").strip():
                parts.append(f"{_('What it should say')}: {data['should_be'].strip()}")
        if data.get("description", "").strip():
            parts.append(data["description"].strip())
        return "\n".join(parts)


class DecisionForm(StyledFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_label("decision"), choices=RightsRequest.Decision.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_label("decision_reason"),
        max_length=REASON_TEXT,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "The family gets these reasons. Withholding parts of a copy (Jeugdwet art. 7.3.11) "
            "is done in the copy's review."
        ),
    )

    def __init__(self, *args, request: RightsRequest, **kwargs):
        super().__init__(*args, **kwargs)
        self.entitled = request.entitled
        if not request.entitled:
            # Someone without the right to ask gets a refusal: only that is offered, and a
            # grant posted anyway is refused with the reason, before the database does.
            field = self.fields["decision"]
            field.choices = [(RightsRequest.Decision.REFUSED, RightsRequest.Decision.REFUSED.label)]
            field.error_messages["invalid_choice"] = NOT_ENTITLED


class ExtensionForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(
        label=_label("extension_reason"),
        max_length=REASON_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Tell the family within the first month, with this reason (AVG art. 12(3))."),
    )


class CloseForm(StyledFormMixin, forms.Form):
    note = forms.CharField(
        label=_("What was corrected"),
        max_length=REASON_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Which record was changed (a conversation report, a plan, ...), by whom and when, "
            "as the team confirmed it."
        ),
    )


class PersonCorrectionForm(StyledFormMixin, forms.Form):
    """The child's registered person data, as the privacy officer corrects them."""

    TYPED_LOOSELY = {"bsn": 20, "postcode": 10}

    def __init__(self, *args, client: Client, today: datetime.date, **kwargs):
        initial = {name: getattr(client, name) or "" for name in CORRECTABLE_FIELDS}
        super().__init__(*args, initial=initial, **kwargs)
        self.client = client
        self.today = today
        for name in CORRECTABLE_FIELDS:
            model_field = Client._meta.get_field(name)
            if name in self.TYPED_LOOSELY:
                # Typed as people write them ("9735 ab", "1112 22 333"), normalised below.
                field = forms.CharField(required=False, max_length=self.TYPED_LOOSELY[name])
            else:
                field = model_field.formfield()
            field.label = capfirst(model_field.verbose_name)
            field.help_text = ""
            if isinstance(field, forms.DateField):
                field.widget = DateInput()
                field.validators.append(validate_date_in_range)
            self.fields[name] = field
        style_widgets(self)

    def clean_bsn(self):
        value = (self.cleaned_data.get("bsn") or "").strip()
        bsn = normalize_bsn(value) if value else None
        if bsn and Client.objects.filter(bsn=bsn).exclude(pk=self.client.pk).exists():
            raise ValidationError(_("Another child is registered with this BSN."))
        return bsn

    def clean_postcode(self):
        value = (self.cleaned_data.get("postcode") or "").strip()
        return normalize_postcode(value) if value else ""

    def clean_date_of_birth(self):
        day = self.cleaned_data["date_of_birth"]
        if day and day > self.today:
            raise ValidationError(_("A date of birth cannot be in the future."))
        return day

    def clean(self):
        data = super().clean()
        if not self.errors and not self.changes():
            raise ValidationError(_("Nothing was changed."))
        return data

    def changes(self) -> dict:
        """{field: new value} of what differs from the child's data now."""
        return {
            name: self.cleaned_data[name]
            for name in CORRECTABLE_FIELDS
            if name in self.cleaned_data
            and (self.cleaned_data[name] or None) != (getattr(self.client, name) or None)
        }

    def change_rows(self) -> list[dict]:
        return [
            {
                "label": self.fields[name].label,
                "old": getattr(self.client, name) or "–",
                "new": value or "–",
            }
            for name, value in self.changes().items()
        ]
