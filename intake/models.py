"""Intake at the WIJ teams: teams, clients, households and support requests."""

import datetime

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from referrals.models import ReferrerOrganisation, ReferrerType
from samen import roles
from samen.dates import date_range_check, validate_date_in_range
from samen.identifiers import normalize_bsn, normalize_postcode, search_form
from samen.limits import LONG_TEXT, REASON_TEXT, BoundedTextField, text_length_checks
from samen.models import Versioned

CONTACT_WORKING_DAYS = 5


def age_on(born: datetime.date, day: datetime.date) -> int:
    """Age in whole years on `day`."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class Team(Versioned):
    """A WIJ team (WIJ-team) in a neighbourhood or village, e.g. WIJ Beijum."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        verbose_name = _("WIJ team")
        verbose_name_plural = _("WIJ teams")
        ordering = ["name"]

    def __str__(self):
        return self.name


class PostcodeArea(Versioned):
    """Which WIJ team serves a 4-digit postcode area (officials keep the real borders)."""

    digits = models.CharField(
        _("postcode (4 digits)"),
        max_length=4,
        unique=True,
        help_text=_("The four digits of a postcode, e.g. 9735 for Beijum."),
    )
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="areas", verbose_name=_("WIJ team")
    )
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        verbose_name = _("postcode area")
        verbose_name_plural = _("postcode areas")
        ordering = ["digits"]
        constraints = [
            models.CheckConstraint(
                condition=Q(digits__regex=r"^[1-9][0-9]{3}$"), name="postcodearea_digits_format"
            )
        ]

    def __str__(self):
        return f"{self.digits} → {self.team}"


class TeamMember(Versioned):
    """Teamlidmaatschap: a WIJ worker's team. A worker may be in several teams (a coach
    who works in two neighbourhoods); access to children's files follows these teams."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="team_memberships",
        verbose_name=_("worker"),
    )
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="members", verbose_name=_("WIJ team")
    )
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        ordering = ["team__name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "team"], name="teammember_once_per_team")
        ]

    def __str__(self):
        return f"{self.user} ({self.team})"


def user_team_ids(user) -> list[int]:
    """The ids of the WIJ teams the user works in (cached on the user for the request)."""
    if not user.is_authenticated:
        return []
    if not hasattr(user, "_samen_team_ids"):
        user._samen_team_ids = list(
            TeamMember.objects.filter(user=user)
            .order_by("team__name")
            .values_list("team_id", flat=True)
        )
    return user._samen_team_ids


def user_first_team(user) -> Team | None:
    """The user's first team (by name): where team views start."""
    team_ids = user_team_ids(user)
    return Team.objects.filter(pk=team_ids[0]).first() if team_ids else None


class BSNField(models.CharField):
    """A BSN, stored as 9 digits whatever form was typed (8 digits get their leading zero)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 9)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return normalize_bsn(value) if value else None


class PostcodeField(models.CharField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 6)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return normalize_postcode(value) if value else value


def wij_client_ids(user):
    """The one rule of who sees a child at WIJ, as the ids of those children: the child
    belongs to one of the user's teams, or the user is assigned to one of the child's
    requests, or coaches a running trajectory of the child, or opened the child's file with
    a reason (break-the-glass) that is still valid. A destroyed file's anonymous client
    (rights.Tombstone) keeps the team for the figures but is nobody's: left out here, and
    by `wij_client_condition` and the other models' rules for the skeletons' other links."""
    from audit.models import AccessGrant
    from trajectories.models import TrajectoryChild

    assigned = SupportRequest.clients.through.objects.filter(
        supportrequest__assigned_worker_id=user.pk
    ).values("client_id")
    granted = AccessGrant.objects.active(user).values("client_id")
    coached = TrajectoryChild.objects.filter(
        current=True,
        trajectory__coaches__coach_id=user.pk,
        trajectory__coaches__until_on__isnull=True,
    ).values("client_id")
    # The four sources as one UNION of ids, each read by its own index, not an OR tested
    # on every client: the OR made PostgreSQL scan all clients for every list that asks
    # "a child I may see" (docs/benchmarks.md, issue 21).
    return (
        Client.objects.filter(team_id__in=user_team_ids(user), destroyed_on__isnull=True)
        .order_by()
        .values_list("pk")
        .union(
            assigned.order_by().values_list("client_id"),
            granted.order_by().values_list("client_id"),
            coached.order_by().values_list("client_id"),
        )
    )


def wij_client_condition(user) -> Q:
    """`wij_client_ids` as a condition on clients; a destroyed file's anonymous client
    (rights.Tombstone) is nobody's to see."""
    return Q(destroyed_on__isnull=True) & Q(pk__in=wij_client_ids(user))


class ClientQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Who sees which child (docs/permissions.md): WIJ staff and team leads by
        `wij_client_condition`; the youth administration the children with an indication
        (the cases it handles); officials, privacy officers and providers none here
        (providers see their own clients' indications through the portal)."""
        role = roles.user_role(user)
        if role in roles.WIJ_ROLES:
            return self.filter(wij_client_condition(user))
        if role == roles.YOUTH_ADMIN:
            return self.filter(indications__isnull=False, destroyed_on__isnull=True).distinct()
        return self.none()

    def not_destroyed(self):
        return self.filter(destroyed_on__isnull=True)


class Client(models.Model):
    """Jeugdige: a child or young person (0 to 23) for whom help is asked."""

    bsn = BSNField(
        _("BSN"),
        null=True,
        blank=True,
        unique=True,
        help_text=_("Burgerservicenummer; may be unknown at first. 8 or 9 digits."),
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=150)
    date_of_birth = models.DateField(_("date of birth"), validators=[validate_date_in_range])
    street = models.CharField(_("street"), max_length=150, blank=True)
    house_number = models.CharField(_("house number"), max_length=10, blank=True)
    postcode = PostcodeField(_("postcode"), blank=True)
    city = models.CharField(_("place"), max_length=100, default="Groningen", blank=True)
    team = models.ForeignKey(
        Team,
        on_delete=models.PROTECT,
        related_name="clients",
        verbose_name=_("WIJ team"),
        help_text=_("Derived from the postcode where known, otherwise chosen."),
    )
    created_at = models.DateTimeField(_("registered at"), default=timezone.now)
    # Written by save() from the names, never typed: the search's indexed form of the name.
    search_name = models.CharField(
        _("name as searched"), max_length=251, blank=True, editable=False, db_default=""
    )
    # Set on the anonymous client of a destroyed file (rights.destruction): the skeletons
    # of the counted records hang under it, invisible on every working page.
    destroyed_on = models.DateField(
        _("destroyed on"),
        null=True,
        blank=True,
        editable=False,
        validators=[validate_date_in_range],
    )
    history = HistoricalRecords(excluded_fields=["search_name"])

    objects = ClientQuerySet.as_manager()

    class Meta:
        verbose_name = _("client (jeugdige)")
        verbose_name_plural = _("clients (jeugdigen)")
        ordering = ["last_name", "first_name"]
        indexes = [
            # Duplicate check and search: name + date of birth.
            models.Index(fields=["date_of_birth", "last_name"], name="client_dob_name_idx"),
            # Search: postcode + house number.
            models.Index(fields=["postcode", "house_number"], name="client_address_idx"),
            # The destroyed files' skeletons, which the provider's and the youth
            # administration's visibility rule leaves out (Indication.objects.visible_to):
            # a few ids, read without scanning every client (issue 21).
            models.Index(
                fields=["id"],
                condition=Q(destroyed_on__isnull=False),
                name="client_destroyed_idx",
            ),
            # Search by name: search_name LIKE '%term%' and search_name %> term (pg_trgm).
            GinIndex(
                fields=["search_name"], name="client_search_name_trgm", opclasses=["gin_trgm_ops"]
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(bsn__isnull=True) | Q(bsn__regex=r"^[0-9]{9}$"),
                name="client_bsn_nine_digits",
            ),
            models.CheckConstraint(
                condition=Q(postcode="") | Q(postcode__regex=r"^[1-9][0-9]{3}[A-Z]{2}$"),
                name="client_postcode_format",
            ),
            date_range_check("client", "date_of_birth"),
            date_range_check("client", "destroyed_on"),
        ]

    def __str__(self):
        return f"{self.first_name} {self.last_name} ({self.date_of_birth:%d-%m-%Y})"

    def save(self, *args, **kwargs):
        self.search_name = client_search_name(self.first_name, self.last_name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"first_name", "last_name"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "search_name"}
        super().save(*args, **kwargs)

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}"

    def age_on(self, day: datetime.date) -> int:
        return age_on(self.date_of_birth, day)

    def clean(self):
        if self.date_of_birth and self.date_of_birth > timezone.localdate():
            raise ValidationError({"date_of_birth": _("A date of birth cannot be in the future.")})


def client_search_name(first_name: str, last_name: str) -> str:
    """Client.search_name: both names in the search's form (also for bulk inserts)."""
    return search_form(f"{first_name} {last_name}")


class HouseholdQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A household is visible to WIJ staff and team leads when at least one of its
        children is visible to them (Client.visible_to); nobody else sees family files.
        Inside a visible household, a child the user may not see is shown without details
        (docs/permissions.md)."""
        if not roles.user_has_role(user, *roles.WIJ_ROLES):
            return self.none()
        with_visible_child = HouseholdMember.objects.filter(
            client_id__in=wij_client_ids(user)
        ).values("household_id")
        return self.filter(pk__in=with_visible_child)

    def current(self):
        """Households that were not merged into another one."""
        return self.filter(merged_into__isnull=True)


class Household(models.Model):
    """Gezin / huishouden: the family a support request concerns. A child of separated
    parents belongs to two households (two HouseholdMember rows, never two clients). A
    household that turned out to be the same family as another is merged into it: kept,
    marked `merged_into`, without members or requests (so old links, the access log and
    the history still find it)."""

    name = models.CharField(
        _("name"), max_length=150, help_text=_("How the team refers to the family.")
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_households",
        verbose_name=_("merged into"),
    )
    split_from = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="split_households",
        verbose_name=_("split from"),
    )
    # When the merge or split happened (set with merged_into / split_from by the services).
    changed_at = models.DateTimeField(_("merged or split at"), null=True, blank=True)
    history = HistoricalRecords()

    objects = HouseholdQuerySet.as_manager()

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(merged_into=models.F("id")),
                name="household_not_merged_into_itself",
                violation_error_message=_("A household cannot be merged into itself."),
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.merged_into_id and self.merged_into_id == self.pk:
            raise ValidationError({"merged_into": _("A household cannot be merged into itself.")})

    def children(self) -> list["Client"]:
        """The household's children (from prefetched members when they are there)."""
        return [m.client for m in self.members.all() if m.role == HouseholdMember.Role.CHILD]

    def visible_children(self) -> list["Client"]:
        """The children marked `visible` (selectors.mark_visible_children)."""
        return [child for child in self.children() if getattr(child, "visible", False)]

    def address(self) -> str:
        """Where the family lives, as its first child's address says (households keep no
        address of their own: the children's addresses are the registered ones). Only a
        child marked `visible` (selectors.mark_visible_children) gives its address."""
        for child in self.visible_children():
            if child.postcode:
                street = f"{child.street} {child.house_number}".strip()
                return ", ".join(part for part in (street, child.postcode) if part)
        return ""


class HouseholdMember(models.Model):
    """A member of a household: a child (a Client) or a parent, guardian or other adult."""

    class Role(models.TextChoices):
        CHILD = "child", _("child (jeugdige)")
        PARENT = "parent", _("parent")
        GUARDIAN = "guardian", _("guardian (voogd)")
        FOSTER_PARENT = "foster_parent", _("foster parent")
        STEP_PARENT = "step_parent", _("step-parent")
        SIBLING = "sibling", _("sibling (not a client)")
        OTHER = "other", _("other")

    class Authority(models.TextChoices):
        YES = "yes", _("holds parental authority")
        NO = "no", _("no parental authority")
        UNKNOWN = "unknown", _("not known")

    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="members", verbose_name=_("household")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    client = models.ForeignKey(
        Client,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="household_memberships",
        verbose_name=_("client"),
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    parental_authority = models.CharField(
        _("parental authority (gezag)"),
        max_length=10,
        choices=Authority.choices,
        default=Authority.UNKNOWN,
        help_text=_("Whether this adult holds parental authority over the children."),
    )
    history = HistoricalRecords()

    # Children and siblings are not adults: they never hold parental authority.
    NOT_ADULT = (Role.CHILD, Role.SIBLING)

    class Meta:
        verbose_name = _("household member")
        verbose_name_plural = _("household members")
        constraints = [
            models.CheckConstraint(
                condition=Q(parental_authority__in=["yes", "no", "unknown"]),
                name="householdmember_authority_known_value",
            ),
            models.CheckConstraint(
                condition=~Q(parental_authority="yes") | ~Q(role__in=["child", "sibling"]),
                name="householdmember_authority_only_adults",
                violation_error_message=_("Only an adult can hold parental authority."),
            ),
            models.CheckConstraint(
                condition=~Q(role="child") | Q(client__isnull=False),
                name="householdmember_child_is_client",
                violation_error_message=_("A child in the household must be a registered client."),
            ),
            models.CheckConstraint(
                condition=Q(client__isnull=False) | ~Q(name=""),
                name="householdmember_has_name",
            ),
            models.UniqueConstraint(
                fields=["household", "client"],
                condition=Q(client__isnull=False),
                name="householdmember_client_once",
            ),
        ]

    def __str__(self):
        return f"{self.client or self.name} ({self.get_role_display()})"

    def clean(self):
        errors = {}
        if self.role == self.Role.CHILD and self.client_id is None:
            errors["client"] = _("A child in the household must be a registered client.")
        if self.client_id is None and not self.name.strip():
            errors["name"] = _("Give the name.")
        if self.parental_authority == self.Authority.YES and self.role in self.NOT_ADULT:
            errors["parental_authority"] = _("Only an adult can hold parental authority.")
        if errors:
            raise ValidationError(errors)


class SupportRequestQuerySet(models.QuerySet):
    def visible_to(self, user):
        """WIJ staff and team leads see a request of one of their teams, one assigned to
        them, and one about a child they may see (access follows the child); nobody else
        sees requests."""
        if not roles.user_has_role(user, *roles.WIJ_ROLES):
            return self.none()
        about_visible_child = SupportRequest.clients.through.objects.filter(
            client_id__in=wij_client_ids(user)
        ).values_list("supportrequest_id")
        # The three sources as one UNION of ids, each read by its own index (team_id,
        # assigned_worker_id, the request-client table), not an OR tested on every row of
        # the ordered list: the OR made PostgreSQL walk the whole table for a deep page
        # (docs/benchmarks.md, issue 21). The skeleton of a destroyed file's request
        # (rights.destruction) is nobody's.
        ids = (
            SupportRequest.objects.filter(team_id__in=user_team_ids(user))
            .order_by()
            .values_list("pk")
            .union(
                SupportRequest.objects.filter(assigned_worker_id=user.pk)
                .order_by()
                .values_list("pk"),
                about_visible_child.order_by(),
            )
        )
        return self.filter(destroyed_on__isnull=True, pk__in=ids)

    def of_own_teams(self, user):
        """The requests of the user's own WIJ teams: the first source of `visible_to`, read
        by its index without the UNION of the other sources, for pages that list a team's
        requests only (Mijn team: the UNION took 150 ms a query at national scale)."""
        if not roles.user_has_role(user, *roles.WIJ_ROLES):
            return self.none()
        return self.filter(destroyed_on__isnull=True, team_id__in=user_team_ids(user))

    def assigned_to(self, user):
        """The requests assigned to the user: the second source of `visible_to`, read by
        its index without the UNION (Mijn werk)."""
        if not roles.user_has_role(user, *roles.WIJ_ROLES):
            return self.none()
        return self.filter(destroyed_on__isnull=True, assigned_worker_id=user.pk)

    def open(self):
        return self.exclude(status=SupportRequest.Status.CLOSED)

    def overdue(self, today: datetime.date):
        """Not contacted, and the contact deadline has passed."""
        return self.open().filter(first_contact_on__isnull=True, contact_deadline__lt=today)


class SupportRequest(models.Model):
    """Ondersteuningsvraag / aanmelding: a request for help registered at a WIJ team.
    It may concern several children of one household (`clients`, all members of
    `household`: the rule is in services.support_request_register)."""

    class Channel(models.TextChoices):
        WALK_IN = "walk_in", _("walk-in")
        PHONE = "phone", _("phone")
        MAIL = "mail", _("e-mail")
        ZORGDOMEIN = "zorgdomein", _("Zorgdomein")
        LETTER = "letter", _("letter")
        API = "api", _("referrer's system (API)")
        # A GP referral that reached an Open House provider after the GP route to WIJ
        # opened; the provider passed it on (openhouse.PassedOnReferral).
        OPEN_HOUSE_PROVIDER = "open_house", _("via an Open House provider")

    class Status(models.TextChoices):
        REGISTERED = "registered", _("registered")
        CONTACTED = "contacted", _("contacted")
        IN_TRIAGE = "in_triage", _("in triage")
        CLOSED = "closed", _("closed")

    class CloseReason(models.TextChoices):
        TRIAGE_DONE = "triage_done", _("triage done, help arranged")
        TO_TRAJECTORY = "to_trajectory", _("continued as a trajectory at WIJ")
        NO_HELP_NEEDED = "no_help_needed", _("no help needed")
        WITHDRAWN = "withdrawn", _("withdrawn by the family")
        NOT_REACHED = "not_reached", _("family could not be reached")
        ROUTE_NOT_OPEN = "route_not_open", _("route not open: referrer refers the usual way")
        DUPLICATE = "duplicate", _("registered twice")

    class OpenRequestCheck(models.TextChoices):
        NONE = "none", _("no open request for these children")
        REGISTERED_ANYWAY = "registered_anyway", _("registered despite an open request")
        UNCHECKED = "unchecked", _("possible duplicate: registered by a referrer's system")

    class RouteOutcome(models.TextChoices):
        OPEN = "open", _("route open: through WIJ")
        ACCEPTED_AS_SELF = "accepted_as_self", _("route not open: accepted as self-registration")
        USUAL_WAY = "usual_way", _("route not open: referrer refers the usual way")

    household = models.ForeignKey(
        Household,
        on_delete=models.PROTECT,
        related_name="support_requests",
        verbose_name=_("household"),
    )
    clients = models.ManyToManyField(
        Client, related_name="support_requests", verbose_name=_("clients (jeugdigen)")
    )
    received_at = models.DateTimeField(
        _("received at"), default=timezone.now, validators=[validate_date_in_range]
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    question = BoundedTextField(
        _("question"),
        max_length=LONG_TEXT,
        help_text=_("The question in the family's own words."),
    )
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="support_requests", verbose_name=_("WIJ team")
    )
    assigned_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_requests",
        verbose_name=_("assigned worker"),
    )
    # The referral (verwijzing), if any. Without one: own entrance / self-registration.
    referrer_type = models.CharField(
        _("referrer type"),
        max_length=2,
        choices=ReferrerType.choices,
        default=ReferrerType.SELF,
    )
    referrer_organisation = models.ForeignKey(
        ReferrerOrganisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="support_requests",
        verbose_name=_("referrer organisation"),
    )
    referring_person = models.CharField(_("referring person"), max_length=200, blank=True)
    referral_date = models.DateField(
        _("referral date"), null=True, blank=True, validators=[validate_date_in_range]
    )
    route_open = models.BooleanField(
        _("route open on the referral date"),
        default=True,
        help_text=_("What the phasing table said when the request was registered."),
    )
    route_outcome = models.CharField(
        _("route check"), max_length=20, choices=RouteOutcome.choices, default=RouteOutcome.OPEN
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.REGISTERED
    )
    close_reason = models.CharField(
        _("reason for closing"), max_length=20, choices=CloseReason.choices, blank=True
    )
    contact_deadline = models.DateField(
        _("contact deadline"),
        help_text=_("5 working days after registration (weekends and public holidays skipped)."),
    )
    first_contact_on = models.DateField(
        _("first contact on"), null=True, blank=True, validators=[validate_date_in_range]
    )
    client_supporter = models.BooleanField(
        _("independent client supporter"),
        default=False,
        help_text=_("An onafhankelijke cliëntondersteuner accompanies the family."),
    )
    client_supporter_name = models.CharField(
        _("client supporter (name, organisation)"), max_length=200, blank=True
    )
    version = models.PositiveIntegerField(
        _("version"), default=1, help_text=_("Raised on every save: optimistic locking.")
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registered by"),
    )
    # The duplicate check at registration: did a chosen child have an open request?
    open_request_check = models.CharField(
        _("open request at registration"),
        max_length=20,
        choices=OpenRequestCheck.choices,
        default=OpenRequestCheck.NONE,
    )
    duplicate_reason = BoundedTextField(
        _("reason to register despite the open request"),
        max_length=REASON_TEXT,
        blank=True,
        help_text=_("Why a new request, although a child already had an open one."),
    )
    # The skeleton of a destroyed child's request (rights.destruction): kept for the
    # figures, stripped of every text, invisible on every working page.
    destroyed_on = models.DateField(
        _("destroyed on"),
        null=True,
        blank=True,
        editable=False,
        validators=[validate_date_in_range],
    )
    history = HistoricalRecords(excluded_fields=["version"])

    objects = SupportRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("support request")
        verbose_name_plural = _("support requests")
        ordering = ["contact_deadline", "id"]
        indexes = [
            # "Mijn werk": a worker's open requests by deadline.
            models.Index(
                fields=["assigned_worker", "contact_deadline"],
                condition=~Q(status="closed"),
                name="request_open_by_worker_idx",
            ),
            # Team view and the overdue filter: open requests of a team by deadline.
            models.Index(
                fields=["team", "contact_deadline"],
                condition=~Q(status="closed"),
                name="request_open_by_team_idx",
            ),
            # Search filters: status, referrer type, received date (newest first).
            models.Index(fields=["status", "-received_at"], name="request_status_received_idx"),
            models.Index(fields=["referrer_type", "-received_at"], name="request_referrer_idx"),
            models.Index(fields=["-received_at", "-id"], name="request_received_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(referrer_type__in=ReferrerType.values),
                name="request_referrer_type_known",
            ),
            date_range_check("request", "referral_date"),
            date_range_check("request", "destroyed_on"),
            *text_length_checks("request", question=LONG_TEXT),
            models.CheckConstraint(
                condition=Q(status="closed", close_reason__gt="")
                | (~Q(status="closed") & Q(close_reason="")),
                name="request_closed_has_reason",
                violation_error_message=_("A closed request needs a reason, an open one none."),
            ),
            models.CheckConstraint(
                condition=Q(client_supporter=True) | Q(client_supporter_name=""),
                name="request_supporter_name_only_with_supporter",
            ),
            *text_length_checks("request", duplicate_reason=REASON_TEXT),
            models.CheckConstraint(
                condition=Q(open_request_check="registered_anyway", duplicate_reason__gt="")
                | (~Q(open_request_check="registered_anyway") & Q(duplicate_reason="")),
                name="request_anyway_has_reason",
                violation_error_message=_(
                    "Give the reason to register a new request although one is open."
                ),
            ),
            models.CheckConstraint(
                condition=Q(route_open=True, route_outcome="open")
                | Q(route_open=False, route_outcome__in=["accepted_as_self", "usual_way"]),
                name="request_route_outcome_matches",
            ),
        ]

    def __str__(self):
        return f"#{self.pk} {self.household}"

    def clean(self):
        """The rules of the checks in Meta, each on its field (the database check names
        no field, and a form shows a message best next to what it is about)."""
        errors = {}
        if (self.status == self.Status.CLOSED) != bool(self.close_reason):
            errors["close_reason"] = _("A closed request needs a reason, an open one none.")
        if self.client_supporter_name and not self.client_supporter:
            errors["client_supporter_name"] = _(
                "Tick that an independent client supporter accompanies the family, or leave the name empty."
            )
        anyway = self.open_request_check == self.OpenRequestCheck.REGISTERED_ANYWAY
        if anyway != bool(self.duplicate_reason.strip()):
            errors["duplicate_reason"] = (
                _("Give the reason to register a new request although one is open.")
                if anyway
                else _("A reason only when registered despite an open request.")
            )
        if self.route_open != (self.route_outcome == self.RouteOutcome.OPEN):
            errors["route_outcome"] = _(
                "The route check does not match whether the route is open on the referral date."
            )
        if errors:
            raise ValidationError(errors)

    def is_overdue(self, today: datetime.date) -> bool:
        return (
            self.status != self.Status.CLOSED
            and self.first_contact_on is None
            and self.contact_deadline < today
        )


class FurtherQuestion(models.Model):
    """Aanvullende vraag: a question added to an open request instead of registering a
    second request for the same child (the duplicate warning's "add to #19")."""

    support_request = models.ForeignKey(
        SupportRequest,
        on_delete=models.CASCADE,
        related_name="further_questions",
        verbose_name=_("support request"),
    )
    question = BoundedTextField(
        _("question"), max_length=LONG_TEXT, help_text=_("In the family's own words.")
    )
    received_at = models.DateTimeField(
        _("received at"), default=timezone.now, validators=[validate_date_in_range]
    )
    channel = models.CharField(_("channel"), max_length=20, choices=SupportRequest.Channel.choices)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("added by"),
    )
    added_at = models.DateTimeField(_("added at"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("further question")
        verbose_name_plural = _("further questions")
        ordering = ["received_at", "id"]
        constraints = [*text_length_checks("furtherquestion", question=LONG_TEXT)]

    def __str__(self):
        return f"{self.support_request}: {self.received_at:%d-%m-%Y}"


class WorkerChangeRequest(models.Model):
    """A family's request for another WIJ worker (it does not click, or a wish about
    background, gender, religion or culture). Kept with its outcome, in history."""

    class Reason(models.TextChoices):
        NO_CLICK = "no_click", _("it does not click")
        BACKGROUND = "background", _("wish about background")
        GENDER = "gender", _("wish about gender")
        RELIGION = "religion", _("wish about religion")
        CULTURE = "culture", _("wish about culture")
        OTHER = "other", _("other")

    class Outcome(models.TextChoices):
        PENDING = "pending", _("pending")
        GRANTED = "granted", _("granted: other worker")
        DECLINED = "declined", _("declined, with explanation")

    support_request = models.ForeignKey(
        SupportRequest,
        on_delete=models.CASCADE,
        related_name="worker_changes",
        verbose_name=_("support request"),
    )
    requested_on = models.DateField(
        _("requested on"), default=timezone.localdate, validators=[validate_date_in_range]
    )
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    explanation = BoundedTextField(_("explanation"), max_length=REASON_TEXT, blank=True)
    previous_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("previous worker"),
    )
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=Outcome.choices, default=Outcome.PENDING
    )
    new_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("new worker"),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("request for another worker")
        verbose_name_plural = _("requests for another worker")
        ordering = ["-requested_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(outcome="granted") | Q(new_worker__isnull=False),
                name="workerchange_granted_has_new_worker",
            ),
            models.CheckConstraint(
                condition=~Q(reason="other") | ~Q(explanation=""),
                name="workerchange_other_is_explained",
            ),
            *text_length_checks("workerchange", explanation=REASON_TEXT),
        ]

    def __str__(self):
        return f"{self.support_request}: {self.get_reason_display()} ({self.get_outcome_display()})"

    def clean(self):
        errors = {}
        if self.reason == self.Reason.OTHER and not self.explanation.strip():
            errors["explanation"] = _("Explain the family's reason.")
        if self.outcome == self.Outcome.GRANTED and self.new_worker_id is None:
            errors["new_worker"] = _("Choose another worker than the current one.")
        if errors:
            raise ValidationError(errors)


class RequestReopening(models.Model):
    """A closed request opened again (heropend), with the reason: closing was a mistake, or
    the family came back with the same question. Kept as a record of its own, so the
    timeline and the reports can say that the request was closed, and why it is open again."""

    support_request = models.ForeignKey(
        SupportRequest,
        on_delete=models.PROTECT,
        related_name="reopenings",
        verbose_name=_("support request"),
    )
    reason = BoundedTextField(_("reason for reopening"), max_length=REASON_TEXT)
    previous_close_reason = models.CharField(
        _("reason it was closed with"),
        max_length=20,
        choices=SupportRequest.CloseReason.choices,
    )
    reopened_at = models.DateTimeField(
        _("reopened at"), default=timezone.now, validators=[validate_date_in_range]
    )
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("reopened by"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("reopening of a request")
        verbose_name_plural = _("reopenings of requests")
        ordering = ["-reopened_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(reason=""),
                name="reopening_has_reason",
                violation_error_message=_("Give the reason for reopening the request."),
            ),
            *text_length_checks("reopening", reason=REASON_TEXT),
        ]

    def __str__(self):
        return f"{self.support_request} ({self.reopened_at:%Y-%m-%d})"

    def clean(self):
        if not self.reason.strip():
            raise ValidationError({"reason": _("Give the reason for reopening the request.")})
