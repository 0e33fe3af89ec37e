import datetime

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from referrals.models import ReferrerOrganisation, ReferrerType
from samen import roles
from samen.dates import validate_date_in_range
from samen.forms import BLANK_CHOICE, StyledFormMixin
from samen.identifiers import normalize_bsn, normalize_postcode
from samen.limits import LONG_TEXT, REASON_TEXT

from .models import (
    Client,
    Household,
    HouseholdMember,
    SupportRequest,
    Team,
    TeamMember,
    WorkerChangeRequest,
    age_on,
    user_team_ids,
)
from .selectors import (
    REFERRER_SEARCH_MAX,
    likely_duplicates,
    mark_visible_children,
    referrer_organisations_matching,
    with_children,
)
from .services import (
    MANUAL_CLOSE_REASONS,
    Referral,
    households_at_address,
    open_requests_of,
    referral_route,
    team_for_postcode,
)

MAX_AGE = 23


def wij_workers(team_ids=None, *, also=None):
    """Active WIJ workers and team leads; with `team_ids`, only the members of those teams
    (and `also`: a user, or a list of user ids already chosen). Every select of workers on
    a page is team-scoped: a national instance has thousands of workers, a team a few
    dozen (issue 21)."""
    workers = get_user_model().objects.filter(
        groups__name__in=[roles.WIJ_STAFF, roles.TEAM_LEAD], is_active=True
    )
    if team_ids is not None:
        members = Q(pk__in=TeamMember.objects.filter(team_id__in=team_ids).values("user_id"))
        if also is not None:
            members |= Q(pk__in=[also.pk] if hasattr(also, "pk") else list(also))
        workers = workers.filter(members)
    return workers.order_by("first_name", "last_name").distinct()


class TeamScopedWorkersMixin:
    """A form whose worker fields list the members of `team_ids` only (the request's team,
    or the user's teams); a worker outside them is not a valid choice."""

    worker_fields: tuple[str, ...] = ()

    def __init__(self, *args, team_ids=None, **kwargs):
        super().__init__(*args, **kwargs)
        if team_ids is not None:
            for name in self.worker_fields:
                self.fields[name].queryset = wij_workers(team_ids)


def referrer_choices(chosen, matches) -> list[tuple]:
    """The referrer organisation select's options: the empty choice, the chosen
    organisation (when it is one) and the matches of the search term."""
    choices = [("", _("Choose an organisation…"))]
    shown = set()
    chosen_id = str(chosen or "")
    if chosen_id.isascii() and chosen_id.isdigit() and len(chosen_id) < 10:
        organisation = ReferrerOrganisation.objects.filter(pk=chosen_id, active=True).first()
        if organisation is not None:
            choices.append((organisation.pk, referrer_label(organisation)))
            shown.add(organisation.pk)
    for organisation in matches:
        if organisation.pk not in shown:
            choices.append((organisation.pk, referrer_label(organisation)))
    return choices


def referrer_label(organisation) -> str:
    return f"{organisation.name} ({organisation.city})" if organisation.city else organisation.name


class WorkerChoiceField(forms.ModelChoiceField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("empty_label", _("Choose a worker…"))
        super().__init__(*args, **kwargs)

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
    # The family: an existing household and one or more of its children (the template
    # draws these as radio buttons and checkboxes next to each family found).
    household = forms.ModelChoiceField(
        label=_("Family"),
        queryset=Household.objects.none(),
        required=False,
        widget=forms.HiddenInput,
    )
    children = forms.ModelMultipleChoiceField(
        label=_("Children of the family"),
        queryset=Client.objects.none(),
        required=False,
        widget=forms.MultipleHiddenInput,
    )
    add_to_household = forms.BooleanField(
        label=_("The child belongs to this family as well (separated parents): add them"),
        required=False,
    )
    new_household = forms.BooleanField(
        label=_("No: this child belongs to a new family"), required=False
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
        empty_label=_("Choose a team…"),
        help_text=_("Leave empty to derive it from the postcode."),
    )
    assigned_worker = WorkerChoiceField(
        label=_("Assigned worker"), queryset=wij_workers(), required=False
    )
    # The referral.
    referrer_type = forms.ChoiceField(
        label=_("Referred by"), choices=ReferrerType.choices, initial=ReferrerType.SELF
    )
    # The organisation is searched (htmx as you type; without JavaScript, the search
    # button shows the page again with the matches): its select lists the chosen one and
    # at most REFERRER_MATCHES matches, never all of them.
    referrer_search = forms.CharField(
        label=_("Search a referrer organisation"),
        required=False,
        max_length=REFERRER_SEARCH_MAX,
        help_text=_("Part of the name, the place or the AGB code."),
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "autocomplete": "off",
                "hx-get": reverse_lazy("intake:referrer_organisations"),
                "hx-trigger": "input changed delay:300ms, search",
                "hx-target": "#referrer-choice",
                "hx-include": "[name=referrer_type],[name=referrer_organisation]",
                "hx-sync": "this:replace",
                "aria-controls": "id_referrer_organisation",
            }
        ),
    )
    referrer_organisation = forms.ModelChoiceField(
        label=_("Referrer organisation"),
        queryset=ReferrerOrganisation.objects.filter(active=True),
        required=False,
        empty_label=_("Choose an organisation…"),
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
        choices=[BLANK_CHOICE]
        + [
            (c.value, c.label)
            for c in (
                SupportRequest.RouteOutcome.ACCEPTED_AS_SELF,
                SupportRequest.RouteOutcome.USUAL_WAY,
            )
        ],
        required=False,
    )
    # The duplicate warning: a chosen child already has an open request.
    add_to_request = forms.ModelChoiceField(
        label=_("Add this question to the open request"),
        queryset=SupportRequest.objects.none(),
        required=False,
        widget=forms.HiddenInput,
    )
    register_anyway = forms.BooleanField(label=_("Register a new request anyway"), required=False)
    duplicate_reason = forms.CharField(
        label=_("Reason to register anyway"),
        required=False,
        max_length=REASON_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
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
        self.address_matches: list[Household] = []
        self.open_requests: list[SupportRequest] = []
        self.route = None
        super().__init__(*args, **kwargs)
        self.fields["received_at"].initial = timezone.localtime().replace(second=0, microsecond=0)
        self.referrer_matches = referrer_organisations_matching(
            str(self["referrer_search"].value() or ""), str(self["referrer_type"].value() or "")
        )
        self.fields["referrer_organisation"].choices = referrer_choices(
            self["referrer_organisation"].value(), self.referrer_matches
        )
        if user is not None:
            self.fields["assigned_worker"].initial = user.pk
            # The workers of the user's own teams (and the user), not every worker.
            self.fields["assigned_worker"].queryset = wij_workers(user_team_ids(user), also=user)
            # A request is registered only for a child this user may see (or a new one),
            # in a family this user may see, or added to a request this user may see.
            self.fields["client"].queryset = Client.objects.visible_to(user)
            self.fields["children"].queryset = Client.objects.visible_to(user)
            self.fields["household"].queryset = Household.objects.visible_to(user)
            self.fields["add_to_request"].queryset = SupportRequest.objects.visible_to(user).open()

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
        household = data.get("household")
        children = list(data.get("children") or [])
        if client is not None and client not in children:
            children.append(client)
        # A new child: when nothing was chosen, or typed next to a chosen family (a sibling).
        # Typed next to a found child without a family, it is what was there before the
        # search, and the found child is meant.
        data["new_child"] = not children if household is None else self._typed_new_child(data)
        if household is None:
            self._clean_without_household(data, children)
        else:
            self._clean_family(data, household, children)
        if data["new_child"]:
            self._clean_new_client(data)
            if household is None and not self.errors:
                self._clean_address(data)
        data["children"] = children
        if children:
            data["team"] = data.get("team") or children[0].team
        for child in [*children, *([None] if data["new_child"] else [])]:
            self._clean_age(child, data)
        self._clean_open_requests(data, children)
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

    @staticmethod
    def _typed_new_child(data) -> bool:
        return any(data.get(field) for field in ("bsn", "first_name", "last_name", "date_of_birth"))

    def _clean_without_household(self, data, children):
        """A found child brings their family; a child in two families needs the choice."""
        if len(children) > 1:
            self.add_error("household", _("Choose the family these children belong to."))
        elif children and not data.get("new_household"):
            families = children[0].household_memberships.count()
            if families > 1:
                self.add_error(
                    "household",
                    _("%(name)s belongs to two families: choose the one this request is for.")
                    % {"name": children[0].full_name},
                )

    def _clean_family(self, data, household, children):
        """Every chosen child is a child of the chosen family, or is added to it on purpose
        (a child of separated parents in the other parent's household)."""
        if not children and not data["new_child"]:
            self.add_error(
                "children", _("Choose one or more children of the family, or add a new child.")
            )
        members = set(
            household.members.filter(role=HouseholdMember.Role.CHILD).values_list(
                "client_id", flat=True
            )
        )
        strangers = [child.full_name for child in children if child.pk not in members]
        if strangers and not data.get("add_to_household"):
            self.add_error(
                "add_to_household",
                _(
                    "%(names)s is not in %(family)s. Tick the box if the child belongs to this "
                    "family as well, or choose the child's own family."
                )
                % {"names": ", ".join(strangers), "family": household.name},
            )

    def _clean_address(self, data):
        """A new child at the address of a family this user may see is most likely a
        sibling: offer that family instead of silently making a second one."""
        if data.get("new_household"):
            return
        self.address_matches = list(
            with_children(
                Household.objects.filter(
                    pk__in=[
                        h.pk
                        for h in households_at_address(
                            postcode=data.get("postcode", ""),
                            house_number=data.get("house_number", ""),
                            visible=self.fields["household"].queryset,
                        )
                    ]
                )
            )
        )
        if self.address_matches:
            mark_visible_children(self.address_matches, user=self.user)
            family = self.address_matches[0]
            self.add_error(
                "household",
                _(
                    "Does this child belong to %(family)s, %(address)s? Choose the family, "
                    "or tick that the child belongs to a new family."
                )
                % {"family": family.name, "address": family.address()},
            )

    def _clean_open_requests(self, data, children):
        """The duplicate warning: a chosen child already has an open request. The worker
        adds the question to it, or registers anyway with a reason. Of a request this user
        may not see, only its team is named."""
        if self.errors or not children:
            return
        self.open_requests = open_requests_of(children)
        if not self.open_requests:
            data["add_to_request"] = None
            data["duplicate_reason"] = ""
            return
        visible = set(
            self.fields["add_to_request"]
            .queryset.filter(pk__in=[r.pk for r in self.open_requests])
            .values_list("pk", flat=True)
        )
        for open_request in self.open_requests:
            open_request.visible = open_request.pk in visible
        target = data.get("add_to_request")
        if target and data.get("register_anyway"):
            self.add_error("add_to_request", _("Choose one: add the question, or register anyway."))
        elif target:
            if target.pk not in {r.pk for r in self.open_requests}:
                self.add_error("add_to_request", _("Choose one of the open requests shown."))
            elif data["new_child"] or set(children) - set(target.clients.all()):
                self.add_error(
                    "add_to_request",
                    _(
                        "Request #%(number)s is not about every chosen child: register a new "
                        "request (with a reason), or choose only the children of #%(number)s."
                    )
                    % {"number": target.pk},
                )
        elif data.get("register_anyway"):
            if not data.get("duplicate_reason", "").strip():
                self.add_error(
                    "duplicate_reason",
                    _("Give the reason to register a new request although one is open."),
                )
        else:
            self.add_error(
                "add_to_request",
                _(
                    "A chosen child already has an open request. Add this question to it, "
                    "or register a new request anyway with a reason."
                ),
            )

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


class AssignForm(TeamScopedWorkersMixin, VersionedActionForm):
    worker_fields = ("worker",)
    worker = WorkerChoiceField(label=_("Worker"), queryset=wij_workers())


class CloseForm(VersionedActionForm):
    """Closing needs a reason chosen on purpose: the empty choice comes first, and nothing
    is selected until the worker picks one (a stray click closes nothing)."""

    reason = forms.ChoiceField(
        label=_("Reason for closing"),
        choices=[
            ("", _("Choose a reason…")),
            *((reason.value, reason.label) for reason in MANUAL_CLOSE_REASONS),
        ],
        error_messages={"required": _("Choose why the request is closed.")},
    )

    def __init__(self, *args, **kwargs):
        # Its own ids: the request page also holds the worker-change form's "reason".
        kwargs.setdefault("auto_id", "id_close_%s")
        super().__init__(*args, **kwargs)


class ReopenForm(VersionedActionForm):
    reason = forms.CharField(
        label=_("Why is the request reopened?"),
        max_length=REASON_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("E.g. closed by mistake, or the family came back with the same question."),
        error_messages={"required": _("Give the reason for reopening the request.")},
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


class WorkerChangeDecisionForm(TeamScopedWorkersMixin, StyledFormMixin, forms.Form):
    worker_fields = ("new_worker",)
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


class RequestFilterForm(TeamScopedWorkersMixin, StyledFormMixin, forms.Form):
    worker_fields = ("worker",)
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("all")), *SupportRequest.Status.choices], required=False
    )
    team = forms.ModelChoiceField(
        label=_("WIJ team"), queryset=Team.objects.all(), required=False, empty_label=_("all")
    )
    worker = WorkerChoiceField(
        label=_("Worker"), queryset=wij_workers(), required=False, empty_label=_("all")
    )
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
