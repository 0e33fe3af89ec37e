import datetime

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from referrals.models import ReferrerOrganisation, ReferrerType
from samen import roles
from samen.dates import validate_date_in_range
from samen.forms import StyledFormMixin
from samen.identifiers import normalize_bsn, normalize_postcode
from samen.limits import LONG_TEXT, REASON_TEXT

from .models import Client, HouseholdMember, SupportRequest, Team, WorkerChangeRequest, age_on
from .selectors import likely_duplicates
from .services import Referral, referral_route, team_for_postcode

MAX_AGE = 23


def wij_workers():
    return (
        get_user_model()
        .objects.filter(groups__name__in=[roles.WIJ_STAFF, roles.TEAM_LEAD], is_active=True)
        .order_by("first_name", "last_name")
        .distinct()
    )


class WorkerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.username


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class RegistrationForm(StyledFormMixin, forms.Form):
    """One form for a whole registration: the child (found or new), the family, the
    question and the referral with its route check."""

    # The child: an existing client, or a new one.
    client_search = forms.CharField(
        label=_("Find the child"),
        required=False,
        max_length=200,
        help_text=_("BSN, name (and date of birth dd-mm-yyyy), or postcode + house number."),
    )
    client = forms.ModelChoiceField(
        queryset=Client.objects.all(), required=False, widget=forms.HiddenInput
    )
    bsn = forms.CharField(label=_("BSN"), required=False, max_length=11)
    first_name = forms.CharField(label=_("First name"), required=False, max_length=100)
    last_name = forms.CharField(label=_("Last name"), required=False, max_length=150)
    date_of_birth = forms.DateField(
        label=_("Date of birth"),
        required=False,
        widget=DateInput,
        validators=[validate_date_in_range],
    )
    street = forms.CharField(label=_("Street"), required=False, max_length=150)
    house_number = forms.CharField(label=_("House number"), required=False, max_length=10)
    postcode = forms.CharField(label=_("Postcode"), required=False, max_length=7)
    city = forms.CharField(label=_("Place"), required=False, initial="Groningen", max_length=100)
    confirm_new_client = forms.BooleanField(
        label=_("This is a different child: register as new"), required=False
    )
    # The family (for a new client).
    parent_name = forms.CharField(label=_("Parent or guardian"), required=False, max_length=200)
    parent_role = forms.ChoiceField(
        label=_("Role"),
        choices=[
            (HouseholdMember.Role.PARENT, HouseholdMember.Role.PARENT.label),
            (HouseholdMember.Role.GUARDIAN, HouseholdMember.Role.GUARDIAN.label),
            (HouseholdMember.Role.FOSTER_PARENT, HouseholdMember.Role.FOSTER_PARENT.label),
            (HouseholdMember.Role.STEP_PARENT, HouseholdMember.Role.STEP_PARENT.label),
            (HouseholdMember.Role.OTHER, HouseholdMember.Role.OTHER.label),
        ],
        required=False,
    )
    phone = forms.CharField(label=_("Phone"), required=False, max_length=30)
    # The request.
    received_at = forms.DateTimeField(
        label=_("Received at"),
        validators=[validate_date_in_range],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    channel = forms.ChoiceField(label=_("Channel"), choices=SupportRequest.Channel.choices)
    question = forms.CharField(
        label=_("Question"),
        max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("In the family's own words."),
    )
    team = forms.ModelChoiceField(
        label=_("WIJ team"),
        queryset=Team.objects.filter(active=True),
        required=False,
        help_text=_("Leave empty to derive it from the postcode."),
    )
    assigned_worker = WorkerChoiceField(
        label=_("Assigned worker"), queryset=wij_workers(), required=False
    )
    # The referral.
    referrer_type = forms.ChoiceField(
        label=_("Referred by"), choices=ReferrerType.choices, initial=ReferrerType.SELF
    )
    referrer_organisation = forms.ModelChoiceField(
        label=_("Referrer organisation"),
        queryset=ReferrerOrganisation.objects.filter(active=True),
        required=False,
    )
    referring_person = forms.CharField(label=_("Referring person"), required=False, max_length=200)
    referral_date = forms.DateField(
        label=_("Referral date"),
        required=False,
        widget=DateInput,
        validators=[validate_date_in_range],
    )
    route_decision = forms.ChoiceField(
        label=_("The route is not open: what happened?"),
        choices=[("", "—")]
        + [
            (c.value, c.label)
            for c in (
                SupportRequest.RouteOutcome.ACCEPTED_AS_SELF,
                SupportRequest.RouteOutcome.USUAL_WAY,
            )
        ],
        required=False,
    )
    # Independent client supporter.
    client_supporter = forms.BooleanField(
        label=_("An independent client supporter accompanies the family"), required=False
    )
    client_supporter_name = forms.CharField(
        label=_("Client supporter (name, organisation)"), required=False, max_length=200
    )
    supporter_is_involved_provider = forms.BooleanField(
        label=_("The supporter works for a provider already involved with this family"),
        required=False,
    )

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        self.warnings: list[str] = []
        self.duplicates: list[Client] = []
        self.route = None
        super().__init__(*args, **kwargs)
        self.fields["received_at"].initial = timezone.localtime().replace(second=0, microsecond=0)
        if user is not None:
            self.fields["assigned_worker"].initial = user.pk
            # A request is registered only for a child this user may see (or a new one).
            self.fields["client"].queryset = Client.objects.visible_to(user)

    def clean_bsn(self):
        value = self.cleaned_data["bsn"].strip()
        return normalize_bsn(value) if value else ""

    def clean_postcode(self):
        value = self.cleaned_data["postcode"].strip()
        return normalize_postcode(value) if value else ""

    def clean_date_of_birth(self):
        born = self.cleaned_data["date_of_birth"]
        if born and born > timezone.localdate():
            raise ValidationError(_("A date of birth cannot be in the future."))
        return born

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        client = data.get("client")
        if client is None:
            self._clean_new_client(data)
        else:
            data["team"] = data.get("team") or client.team
        self._clean_age(client, data)
        self._clean_referral(data)
        _clean_supporter(self, data)
        if data.get("client_supporter") and data.get("supporter_is_involved_provider"):
            self.add_error(
                "supporter_is_involved_provider",
                _(
                    "A provider already involved with the family cannot be the independent client supporter."
                ),
            )
        return data

    def _clean_new_client(self, data):
        for field in ("first_name", "last_name", "date_of_birth"):
            if not data.get(field):
                self.add_error(field, _("Needed for a new child (or find an existing one above)."))
        if data.get("bsn"):
            existing = Client.objects.filter(bsn=data["bsn"]).first()
            if existing:
                self.duplicates = [existing]
                self.add_error(
                    "bsn", _("A child with this BSN is already registered: choose them below.")
                )
        team = data.get("team") or team_for_postcode(data.get("postcode", ""))
        if team is None:
            self.add_error(
                "team", _("Choose the WIJ team: the postcode is not known to the system.")
            )
        data["team"] = team
        if self.errors or data.get("confirm_new_client"):
            return
        self.duplicates = likely_duplicates(
            first_name=data["first_name"],
            last_name=data["last_name"],
            date_of_birth=data["date_of_birth"],
            postcode=data.get("postcode", ""),
            house_number=data.get("house_number", ""),
        )
        if self.duplicates:
            self.add_error(
                "confirm_new_client",
                _(
                    "This child may already be registered. Choose them below, or confirm that this is a different child."
                ),
            )

    def _clean_age(self, client, data):
        born = client.date_of_birth if client else data.get("date_of_birth")
        if born:
            age = age_on(born, timezone.localdate())
            if age > MAX_AGE:
                self.warnings.append(
                    _(
                        "This person is %(age)s: Basis jeugdhulp is for children and young people up to 23."
                    )
                    % {"age": age}
                )

    def _clean_referral(self, data):
        organisation = data.get("referrer_organisation")
        if organisation and organisation.referrer_type != data["referrer_type"]:
            self.add_error(
                "referrer_organisation",
                _("This organisation is a %(type)s, not the chosen referrer type.")
                % {"type": organisation.get_referrer_type_display()},
            )
        received = data.get("received_at")
        if (
            received
            and data.get("referral_date")
            and data["referral_date"] > timezone.localdate(received)
        ):
            self.add_error(
                "referral_date", _("The referral date cannot be after the registration.")
            )
        if received is None or self.errors:
            return
        self.route = referral_route(self.referral(), received)
        if not self.route.is_open and not data.get("route_decision"):
            self.add_error("route_decision", self.route.message)

    def referral(self) -> Referral:
        data = self.cleaned_data
        return Referral(
            referrer_type=data["referrer_type"],
            organisation=data.get("referrer_organisation"),
            person=data.get("referring_person", ""),
            date=data.get("referral_date"),
        )


class RequestEditForm(StyledFormMixin, forms.ModelForm):
    """Edit a request; `version` is checked on save (optimistic locking)."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = SupportRequest
        fields = ("question", "channel", "team", "client_supporter", "client_supporter_name")
        widgets = {"question": forms.Textarea(attrs={"rows": 5})}

    def clean(self):
        data = super().clean()
        _clean_supporter(self, data)
        return data


def _clean_supporter(form, data) -> None:
    """A supporter's name only with the box ticked (SupportRequest.clean holds the same
    rule): a name typed without the tick is asked about, not dropped."""
    if data.get("client_supporter_name") and not data.get("client_supporter"):
        form.add_error(
            "client_supporter_name",
            _(
                "Tick that an independent client supporter accompanies the family, or leave the name empty."
            ),
        )


class VersionedActionForm(StyledFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class ContactForm(VersionedActionForm):
    contacted_on = forms.DateField(
        label=_("Date of first contact"),
        widget=DateInput,
        initial=timezone.localdate,
        validators=[validate_date_in_range],
    )


class AssignForm(VersionedActionForm):
    worker = WorkerChoiceField(label=_("Worker"), queryset=wij_workers())


class CloseForm(VersionedActionForm):
    reason = forms.ChoiceField(
        label=_("Reason"),
        choices=[
            c
            for c in SupportRequest.CloseReason.choices
            if c[0] != SupportRequest.CloseReason.ROUTE_NOT_OPEN
        ],
    )


class WorkerChangeForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = WorkerChangeRequest
        fields = ("requested_on", "reason", "explanation")
        widgets = {"requested_on": DateInput, "explanation": forms.Textarea(attrs={"rows": 3})}

    def clean_requested_on(self):
        day = self.cleaned_data["requested_on"]
        if day > timezone.localdate():
            raise ValidationError(_("This date is in the future."))
        return day


class WorkerChangeDecisionForm(StyledFormMixin, forms.Form):
    grant = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("1", _("Grant: assign another worker")), ("0", _("Decline, with explanation"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    new_worker = WorkerChoiceField(label=_("New worker"), queryset=wij_workers(), required=False)
    explanation = forms.CharField(
        label=_("Explanation"),
        required=False,
        max_length=REASON_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RequestFilterForm(StyledFormMixin, forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("all")), *SupportRequest.Status.choices], required=False
    )
    team = forms.ModelChoiceField(label=_("WIJ team"), queryset=Team.objects.all(), required=False)
    worker = WorkerChoiceField(label=_("Worker"), queryset=wij_workers(), required=False)
    referrer_type = forms.ChoiceField(
        label=_("Referred by"), choices=[("", _("all")), *ReferrerType.choices], required=False
    )
    overdue = forms.BooleanField(label=_("Only overdue"), required=False)
    received_from = forms.DateField(
        label=_("Received from"),
        required=False,
        widget=DateInput,
        validators=[validate_date_in_range],
    )
    received_until = forms.DateField(
        label=_("Received until"),
        required=False,
        widget=DateInput,
        validators=[validate_date_in_range],
    )

    def filter(self, requests, today: datetime.date):
        data = self.cleaned_data
        if data.get("status"):
            requests = requests.filter(status=data["status"])
        if data.get("team"):
            requests = requests.filter(team=data["team"])
        if data.get("worker"):
            requests = requests.filter(assigned_worker=data["worker"])
        if data.get("referrer_type"):
            requests = requests.filter(referrer_type=data["referrer_type"])
        if data.get("overdue"):
            requests = requests.overdue(today)
        # Compared as moments (start of day, local time), so the index on received_at is used.
        if data.get("received_from"):
            requests = requests.filter(received_at__gte=_start_of(data["received_from"]))
        if data.get("received_until"):
            next_day = data["received_until"] + datetime.timedelta(days=1)
            requests = requests.filter(received_at__lt=_start_of(next_day))
        return requests


def _start_of(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(), tzinfo=timezone.get_current_timezone())


class TeamWorkFilterForm(StyledFormMixin, forms.Form):
    """Mijn team's filters, sent by GET: ids and codes only, no person data in the URL.
    Every value is a choice, so an unknown id, text, a NUL byte or a huge number is simply
    not one of them (a message, no query)."""

    UNASSIGNED = "geen"

    worker = forms.ChoiceField(label=_("Worker"), required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("all open")),
            *[
                (value, label)
                for value, label in SupportRequest.Status.choices
                if value != "closed"
            ],
        ],
    )
    overdue = forms.BooleanField(label=_("Only overdue"), required=False)

    def __init__(self, *args, workload: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        # The workers with open requests in the team (and how many), then nobody.
        choices = [("", _("everyone"))]
        unassigned = 0
        for row in workload:
            if row["worker_id"] is None:
                unassigned = row["open"]
            else:
                choices.append((str(row["worker_id"]), f"{row['name']} ({row['open']})"))
        choices.append(
            (self.UNASSIGNED, _("nobody: unassigned (%(count)s)") % {"count": unassigned})
        )
        self.fields["worker"].choices = choices

    def filter(self, requests, today: datetime.date):
        data = self.cleaned_data
        if data.get("worker") == self.UNASSIGNED:
            requests = requests.filter(assigned_worker__isnull=True)
        elif data.get("worker"):
            requests = requests.filter(assigned_worker_id=int(data["worker"]))
        if data.get("status"):
            requests = requests.filter(status=data["status"])
        if data.get("overdue"):
            requests = requests.overdue(today)
        return requests
