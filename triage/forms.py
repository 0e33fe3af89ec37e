import re

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from intake.forms import DateInput, wij_workers
from intake.models import Client
from openhouse.models import Provider
from referrals.models import Product
from referrals.phasing import product_status
from samen.dates import validate_date_in_range
from samen.forms import BLANK_CHOICE, StyledFormMixin
from samen.limits import ADDRESS_TEXT, LONG_TEXT, REASON_TEXT

from .models import ConversationReport, CorrectionRequest, LifeDomain, Triage


class ProductChoiceField(forms.ModelMultipleChoiceField):
    """Each product with its phasing status on the triage date next to it."""

    def __init__(self, *args, on_date=None, **kwargs):
        self.on_date = on_date or timezone.localdate()
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj):
        return f"{obj.code} {obj.name}: {product_status(obj, self.on_date).basis_message}"


# A national instance has some 1,200 providers: a provider select lists the chosen ones and
# at most PROVIDER_MATCHES matches of the page's provider search (decision 125), while
# every active provider stays a valid choice on the server.
PROVIDER_MATCHES = 20
PROVIDER_SEARCH_MAX = 100


def provider_search_field() -> forms.CharField:
    return forms.CharField(
        label=_("Find a provider"),
        required=False,
        max_length=PROVIDER_SEARCH_MAX,
        help_text=_(
            "Part of the name or the AGB code, then Search provider: the lists offer the matches."
        ),
    )


def offer_providers(forms_with_provider, term: str) -> str:
    """Fill the provider select of each form with the empty choice, the providers chosen in
    any of them and at most PROVIDER_MATCHES active providers whose name or AGB code holds
    `term` (one query, none without a choice or a term). Returns a status line (Dutch)
    for the search, empty without a term."""
    chosen = {str(form["provider"].value() or "") for form in forms_with_provider}
    ids = [int(v) for v in chosen if v.isascii() and v.isdigit() and len(v) < 10]
    term = str(term or "").strip()
    condition = Q(pk__in=ids)
    message = ""
    if term and (len(term) > PROVIDER_SEARCH_MAX or "\x00" in term):
        message = _("Type at most %(max)s letters or digits.") % {"max": PROVIDER_SEARCH_MAX}
        term = ""
    elif term:
        matches = (
            Provider.objects.exclude(status=Provider.Status.STOPPED)
            .filter(Q(name__icontains=term) | Q(agb_code=term))
            .order_by("name", "pk")
            .values("pk")[:PROVIDER_MATCHES]
        )
        condition |= Q(pk__in=matches)
    offered = list(Provider.objects.filter(condition).order_by("name", "pk")) if ids or term else []
    if term:
        found = sum(1 for provider in offered if str(provider.pk) not in chosen)
        message = (
            ngettext(
                "%(count)s provider found: choose it in the list.",
                "%(count)s providers found: choose one in the list.",
                found,
            )
            % {"count": found}
            if found
            else _("No active provider matches; check the spelling.")
        )
    for form in forms_with_provider:
        field = form.fields["provider"]
        field.widget.choices = [("", field.empty_label), *((p.pk, p.name) for p in offered)]
    return message


class WorkersField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.username


class TriageForm(StyledFormMixin, forms.Form):
    """Follows the conversation: who and when, the life domains, the child's voice, safety,
    then the outcome and what it needs."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    held_on = forms.DateField(
        label=_("Date of the triage"), widget=DateInput, validators=[validate_date_in_range]
    )
    workers = WorkersField(
        label=_("Workers"), queryset=wij_workers(), widget=forms.CheckboxSelectMultiple
    )
    life_domains = forms.MultipleChoiceField(
        label=_("Life domains looked at"),
        choices=LifeDomain.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    child_heard = forms.BooleanField(label=_("The child was heard"), required=False, initial=True)
    child_not_heard_reason = forms.CharField(label=_("Why not?"), required=False, max_length=300)
    safety_concerns = forms.BooleanField(
        label=_("There are safety concerns"),
        required=False,
        help_text=_("Safety comes first: follow the meldcode; consult Veilig Thuis."),
    )
    safety_actions = forms.CharField(
        label=_("Actions taken for safety"),
        required=False,
        max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    products = ProductChoiceField(
        label=_("Products (Basis jeugdhulp)"),
        queryset=Product.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("For the children helped at WIJ."),
    )
    exception_product = forms.ModelChoiceField(
        label=_("Open House product (exception)"),
        queryset=Product.objects.all(),
        required=False,
        empty_label=_("Choose a product…"),
    )
    provider_search = provider_search_field()
    reasons = forms.CharField(
        label=_("Reasons"),
        required=False,
        max_length=REASON_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "For an Open House exception the municipality's officials read these reasons: write no names, BSN or dates of birth."
        ),
    )

    def __init__(self, *args, on_date=None, persons=(), workers=None, **kwargs):
        super().__init__(*args, **kwargs)
        if workers is not None:
            # The request's team (decision 103): not every WIJ worker of the country.
            self.fields["workers"].queryset = workers
        self.fields["products"].on_date = on_date or timezone.localdate()
        self.fields["held_on"].initial = timezone.localdate()
        # Names, BSNs and dates of birth of the family: they must not reach the officials.
        self.persons = persons

    def clean_reasons(self):
        text = self.cleaned_data["reasons"]
        if text and person_data_in(text, self.persons):
            raise ValidationError(
                _(
                    "Officials read these reasons: remove the names, BSN or dates of birth of the family."
                )
            )
        return text


class ProviderChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class ChildOutcomeForm(StyledFormMixin, forms.Form):
    """What follows the triage for one child: the outcome, the intensity of the need (for
    every outcome: matched care), and beside it specialist help added (a provider, contacted
    at once) or WIJ keeping the coordination beside a referral."""

    client = forms.ModelChoiceField(
        queryset=Client.objects.none(),
        widget=forms.HiddenInput,
        error_messages={
            "invalid_choice": _("This child is not part of this request."),
            "required": _("This child is not part of this request."),
        },
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=Triage.Outcome.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Basis jeugdhulp by WIJ: WIJ helps, with one of the 11 products. Other route: "
            "own network, social base, school or another general provision. Specialist "
            "youth care: WIJ refers and contacts the provider at once. Open House exception: "
            "WIJ cannot provide this help (after the closing date only with the municipality's "
            "approval). Re-indication: after an ending indication."
        ),
    )
    intensity = forms.ChoiceField(
        label=_("Intensity of the need"),
        choices=[BLANK_CHOICE, *Triage.Intensity.choices],
        help_text=_("For every outcome, also when the child is referred on (matched care)."),
        error_messages={"required": _("Choose the intensity of the need (also when referred on).")},
    )
    other_route = forms.ChoiceField(
        label=_("Other route"), choices=[BLANK_CHOICE, *Triage.OtherRoute.choices], required=False
    )
    provider = ProviderChoiceField(
        label=_("Provider"),
        queryset=Provider.objects.exclude(status=Provider.Status.STOPPED).order_by("name"),
        required=False,
        help_text=_(
            "For a referral: the specialist or Open House provider. Beside Basis jeugdhulp: "
            "the specialist help that is added (WIJ stays involved)."
        ),
        error_messages={"invalid_choice": _("Choose a provider from the list.")},
    )
    provider_contacted_on = forms.DateField(
        label=_("Provider contacted on"),
        required=False,
        widget=DateInput,
        validators=[validate_date_in_range],
        help_text=_("WIJ contacts the provider at once."),
    )
    wij_role = forms.ChoiceField(
        label=_("WIJ's role beside the referral"),
        choices=[
            ("", _("no further role for WIJ")),
            ("coordination", _("WIJ keeps the coordination (regie)")),
        ],
        required=False,
        widget=forms.RadioSelect,
        help_text=_(
            "With specialist help or an Open House exception: does WIJ stay involved? "
            "Then a trajectory starts at WIJ."
        ),
    )

    def __init__(self, *args, clients=None, child=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.child = child
        self.fields["client"].queryset = clients if clients is not None else Client.objects.none()
        if child is not None:
            # One set of radio buttons per child: its name in the legend.
            self.fields["outcome"].label = _("Outcome for %(child)s") % {"child": child.full_name}

    def clean(self):
        data = super().clean()
        if self.errors.get("client") or "outcome" not in data:
            return data
        from .services import ChildOutcomeData, child_outcome_errors

        item = ChildOutcomeData(
            client=data["client"],
            outcome=data["outcome"],
            intensity=data.get("intensity", ""),
            wij_role=data.get("wij_role", ""),
            other_route=data.get("other_route", ""),
            provider=data.get("provider"),
            provider_contacted_on=data.get("provider_contacted_on"),
        )
        for name, message in child_outcome_errors(item).items():
            if name not in self.errors:
                self.add_error(name, message)
        self.item = item
        return data


class BaseChildOutcomeFormSet(forms.BaseFormSet):
    """One form per child of the request, each child once."""

    def __init__(self, *args, children=(), **kwargs):
        self.children = list(children)
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        ids = [child.pk for child in self.children]
        kwargs["clients"] = Client.objects.filter(pk__in=ids)
        kwargs["child"] = self.children[index] if index is not None and index < len(ids) else None
        return kwargs

    def clean(self):
        if any(self.errors):
            return
        chosen = [form.cleaned_data["client"].pk for form in self.forms if form.cleaned_data]
        if sorted(chosen) != sorted(child.pk for child in self.children):
            raise ValidationError(_("Record an outcome for every child of the request, once."))

    @property
    def items(self):
        return [form.item for form in self.forms]


ChildOutcomeFormSet = forms.formset_factory(
    ChildOutcomeForm,
    formset=BaseChildOutcomeFormSet,
    extra=0,
    min_num=1,
    validate_min=True,
    max_num=50,
    validate_max=True,
    absolute_max=50,
)


BSN_SHAPED = re.compile(r"(?<!\d)\d{8,9}(?!\d)")


def person_data_in(text: str, persons) -> bool:
    """Does `text` hold a BSN-shaped number, or a name or date of birth of these persons?"""
    if BSN_SHAPED.search(text):
        return True
    words = {word.casefold() for word in re.findall(r"\w+", text)}
    for person in persons:
        for name in (getattr(person, "first_name", ""), getattr(person, "last_name", "")):
            if name and all(part.casefold() in words for part in name.split()):
                return True
        born = getattr(person, "date_of_birth", None)
        if born and any(
            born.strftime(form) in text for form in ("%d-%m-%Y", "%-d-%-m-%Y", "%Y-%m-%d")
        ):
            return True
    return False


class ExceptionDecisionForm(StyledFormMixin, forms.Form):
    approve = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("1", _("Approve the exception")), ("0", _("Refuse"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    reasons = forms.CharField(
        label=_("Reasons"), max_length=REASON_TEXT, widget=forms.Textarea(attrs={"rows": 3})
    )


class BeschikkingRequestForm(StyledFormMixin, forms.Form):
    requested_on = forms.DateField(
        label=_("Requested on"),
        widget=DateInput,
        initial=timezone.localdate,
        validators=[validate_date_in_range],
    )
    request_reason = forms.CharField(
        label=_("Why the resident asks"),
        max_length=REASON_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    addressee = forms.CharField(label=_("Addressee"), max_length=200)
    address = forms.CharField(
        label=_("Address"), max_length=ADDRESS_TEXT, widget=forms.Textarea(attrs={"rows": 2})
    )


class BeschikkingIssueForm(StyledFormMixin, forms.Form):
    decision = forms.CharField(
        label=_("Decision"), max_length=LONG_TEXT, widget=forms.Textarea(attrs={"rows": 3})
    )
    grounds = forms.CharField(
        label=_("Grounds"), max_length=LONG_TEXT, widget=forms.Textarea(attrs={"rows": 5})
    )


class ReportForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = ConversationReport
        fields = ("held_on", "text")
        widgets = {"held_on": DateInput, "text": forms.Textarea(attrs={"rows": 6})}


class ShownForm(StyledFormMixin, forms.Form):
    shown_on = forms.DateField(
        label=_("Shown to the family on"),
        widget=DateInput,
        initial=timezone.localdate,
        validators=[validate_date_in_range],
    )


class CorrectionForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = CorrectionRequest
        fields = ("requested_on", "kind", "family_text")
        widgets = {"requested_on": DateInput, "family_text": forms.Textarea(attrs={"rows": 3})}


class CorrectionAnswerForm(StyledFormMixin, forms.Form):
    accept = forms.TypedChoiceField(
        label=_("Answer"),
        choices=[("1", _("Accept: change the report")), ("0", _("Decline: add the family's view"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    new_report_text = forms.CharField(
        label=_("Corrected report"),
        required=False,
        max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    answer_text = forms.CharField(
        label=_("Answer to the family"),
        max_length=REASON_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
