"""Forms of the family file: parental authority, the timeline's child filter, merge and split."""

from django import forms
from django.utils.translation import gettext_lazy as _

from samen.forms import StyledFormMixin

from .models import Household, HouseholdMember


class AuthorityForm(StyledFormMixin, forms.Form):
    parental_authority = forms.ChoiceField(
        label=_("Parental authority (gezag)"), choices=HouseholdMember.Authority.choices
    )


class ChildFilterForm(forms.Form):
    """?kind=<pk>: a child's pk (no person data) keeps the timeline to that child."""

    kind = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)

    def __init__(self, *args, children=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "")] + [
            (child.client.pk, child.client.full_name) for child in children
        ]

    def child_id(self) -> int | None:
        return self.cleaned_data.get("kind") if self.is_valid() else None


class MergeForm(StyledFormMixin, forms.Form):
    other = forms.ModelChoiceField(
        label=_("The same family, registered as"),
        queryset=Household.objects.none(),
        empty_label=_("Choose…"),
        help_text=_(
            "Households you may see with a child of the same surname or postcode. Its members "
            "and requests move to this household."
        ),
    )

    def __init__(self, *args, candidates=None, **kwargs):
        super().__init__(*args, **kwargs)
        if candidates is not None:
            self.fields["other"].queryset = candidates


class SplitForm(StyledFormMixin, forms.Form):
    members = forms.ModelMultipleChoiceField(
        label=_("Members who move to the new household"),
        queryset=HouseholdMember.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    name = forms.CharField(
        label=_("Name of the new household"),
        max_length=Household._meta.get_field("name").max_length,
        help_text=_("How the team will refer to it, e.g. Gezin Zijlstra (vader)."),
    )

    def __init__(self, *args, household=None, **kwargs):
        super().__init__(*args, **kwargs)
        if household is not None:
            self.fields["members"].queryset = household.members.select_related("client").order_by(
                "role", "id"
            )
            self.fields["members"].label_from_instance = _member_label


def _member_label(member: HouseholdMember) -> str:
    who = member.client.full_name if member.client else member.name
    return f"{who} ({member.get_role_display()})"
