"""The plan's forms: goals and agreements as formsets (a few empty rows to add, a box to
remove; no JavaScript needed), the family's agreement with a version, and an evaluation."""

from django import forms
from django.utils.translation import gettext_lazy as _

from intake.forms import DateInput
from openhouse.models import Provider
from samen.dates import validate_date_in_range
from samen.forms import BLANK_CHOICE, StyledFormMixin
from samen.limits import REASON_TEXT
from triage.forms import provider_search_field
from triage.models import LifeDomain

from .models import PLAN_TEXT, Agreement, GoalProgress
from .services import Item

EXTRA_ROWS = 2


class GoalForm(StyledFormMixin, forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    domain = forms.ChoiceField(label=_("Life domain"), choices=[BLANK_CHOICE, *LifeDomain.choices])
    text = forms.CharField(
        label=_("Goal, in the family's own words"),
        max_length=PLAN_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    child = forms.TypedChoiceField(label=_("Child"), required=False, coerce=int, empty_value=None)
    child_view = forms.CharField(
        label=_("The child's own view"),
        required=False,
        max_length=PLAN_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, children=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["child"].choices = [("", _("the whole family"))] + [
            (c.pk, c.full_name) for c in children
        ]

    def item(self) -> Item:
        data = self.cleaned_data
        return Item(
            pk=data.get("id"),
            delete=bool(data.get("DELETE")),
            values={
                "domain": data["domain"],
                "text": data["text"].strip(),
                "child_id": data.get("child"),
                "child_view": data.get("child_view", "").strip(),
            },
        )


class AgreementForm(StyledFormMixin, forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    party = forms.ChoiceField(label=_("Who"), choices=[BLANK_CHOICE, *Agreement.Party.choices])
    provider = forms.ModelChoiceField(
        label=_("Provider (only for the provider's part)"),
        queryset=Provider.objects.order_by("name"),
        required=False,
    )
    text = forms.CharField(
        label=_("Does what"), max_length=PLAN_TEXT, widget=forms.Textarea(attrs={"rows": 2})
    )
    is_safety = forms.BooleanField(label=_("Safety agreement"), required=False)
    shared_with_provider = forms.BooleanField(
        label=_("The family agreed that the provider sees this agreement"), required=False
    )

    def clean(self):
        data = super().clean()
        party, provider = data.get("party"), data.get("provider")
        if party == Agreement.Party.PROVIDER and provider is None:
            self.add_error("provider", _("Choose the provider."))
        if party and party != Agreement.Party.PROVIDER:
            if provider is not None:
                self.add_error("provider", _("A provider only for the provider's part."))
            if data.get("shared_with_provider"):
                self.add_error(
                    "shared_with_provider", _("Only an agreement with a provider can be shared.")
                )
        return data

    def item(self) -> Item:
        data = self.cleaned_data
        provider = data.get("provider")
        return Item(
            pk=data.get("id"),
            delete=bool(data.get("DELETE")),
            values={
                "party": data["party"],
                "provider_id": provider.pk if provider else None,
                "text": data["text"].strip(),
                "is_safety": data.get("is_safety", False),
                "shared_with_provider": data.get("shared_with_provider", False),
            },
        )


class BaseRowFormSet(forms.BaseFormSet):
    """Rows left empty are skipped; a row ticked "Delete" removes the row it shows (a new
    row ticked is just skipped, whatever it holds)."""

    def items(self) -> list[Item]:
        result = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if self._should_delete_form(form):
                if data.get("id"):
                    result.append(Item(pk=data["id"], values={}, delete=True))
                continue
            if data and (form.has_changed() or data.get("id")):
                result.append(form.item())
        return result


GoalFormSet = forms.formset_factory(
    GoalForm,
    formset=BaseRowFormSet,
    extra=EXTRA_ROWS,
    can_delete=True,
    max_num=50,
    absolute_max=60,
    validate_max=True,
)
AgreementFormSet = forms.formset_factory(
    AgreementForm,
    formset=BaseRowFormSet,
    extra=EXTRA_ROWS,
    can_delete=True,
    max_num=50,
    absolute_max=60,
    validate_max=True,
)


class PlanVersionForm(StyledFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    provider_search = provider_search_field()
    next_evaluation_on = forms.DateField(
        label=_("Next evaluation on"),
        required=False,
        widget=DateInput,
        validators=[validate_date_in_range],
        help_text=_("When the plan is looked at again with the family; a task when it is due."),
    )


class AgreeForm(StyledFormMixin, forms.Form):
    """The family saw this version and agreed with it: two dates, then a look first."""

    shown_on = forms.DateField(
        label=_("Shown to the family on"), widget=DateInput, validators=[validate_date_in_range]
    )
    agreed_on = forms.DateField(
        label=_("Agreed with the family on"), widget=DateInput, validators=[validate_date_in_range]
    )
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)


class EvaluationForm(StyledFormMixin, forms.Form):
    """The date, per goal the progress and a note, and the next evaluation date."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    evaluated_on = forms.DateField(
        label=_("Evaluated on"), widget=DateInput, validators=[validate_date_in_range]
    )
    next_evaluation_on = forms.DateField(
        label=_("Next evaluation on"),
        widget=DateInput,
        required=False,
        validators=[validate_date_in_range],
    )

    def __init__(self, *args, goals=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.goals = list(goals)
        for goal in self.goals:
            self.fields[f"progress_{goal.pk}"] = forms.ChoiceField(
                label=_("Progress"), choices=[BLANK_CHOICE, *GoalProgress.Progress.choices]
            )
            self.fields[f"note_{goal.pk}"] = forms.CharField(
                label=_("Note"),
                required=False,
                max_length=REASON_TEXT,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def rows(self):
        """(goal, progress field, note field) per goal, for the template."""
        return [(g, self[f"progress_{g.pk}"], self[f"note_{g.pk}"]) for g in self.goals]

    def progress(self) -> dict[int, tuple[str, str]]:
        data = self.cleaned_data
        return {g.pk: (data[f"progress_{g.pk}"], data[f"note_{g.pk}"]) for g in self.goals}
