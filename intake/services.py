"""Intake steps that change state. Views, the API and the admin call these."""

import dataclasses
import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from referrals.models import ReferrerOrganisation, ReferrerType
from referrals.phasing import RouteStatus, route_status
from samen import roles
from samen.workdays import add_working_days

from .models import (
    CONTACT_WORKING_DAYS,
    Client,
    FurtherQuestion,
    Household,
    HouseholdMember,
    PostcodeArea,
    RequestReopening,
    SupportRequest,
    Team,
    WorkerChangeRequest,
    user_team_ids,
)


class ConflictError(Exception):
    """Someone else saved this request since it was opened (optimistic locking)."""


# What every page says on a ConflictError (lazy: translated when shown, not at import).
CONFLICT_MESSAGE = gettext_lazy(
    "Someone else saved this request in the meantime. Nothing of yours was saved: "
    "check the current values below and save again."
)


BSN_REGISTERED = gettext_lazy("A child with this BSN is already registered.")


def team_for_postcode(postcode: str) -> Team | None:
    """The WIJ team of a postcode's 4-digit area, when the area table knows it."""
    if not postcode:
        return None
    area = PostcodeArea.objects.select_related("team").filter(digits=postcode[:4]).first()
    return area.team if area else None


def contact_deadline_for(received_at: datetime.datetime) -> datetime.date:
    return add_working_days(timezone.localdate(received_at), CONTACT_WORKING_DAYS)


def client_create(*, team: Team, **fields) -> Client:
    client = Client(team=team, **fields)
    client.full_clean()
    try:
        # A savepoint: two registrations of the same new child at once (a referrer's
        # system that sends again, two workers) both pass full_clean; the second insert
        # then waits for the first and meets the unique BSN.
        with transaction.atomic():
            client.save()
    except IntegrityError:
        if client.bsn and Client.objects.filter(bsn=client.bsn).exists():
            raise ValidationError({"bsn": BSN_REGISTERED}) from None
        raise
    return client


def household_create(*, client: Client, name: str = "", adults=()) -> Household:
    """A new household with the client as its child and the given adults."""
    household = Household.objects.create(
        name=name or _("Family %(name)s") % {"name": client.last_name}
    )
    HouseholdMember.objects.create(
        household=household, role=HouseholdMember.Role.CHILD, client=client
    )
    for adult in adults:
        if adult.get("name"):
            HouseholdMember.objects.create(household=household, **adult)
    return household


def household_for_client(*, client: Client, name: str = "", adults=()) -> Household:
    """The client's household (the first, for a child in two), or a new one."""
    membership = client.household_memberships.select_related("household").first()
    if membership:
        return membership.household
    return household_create(client=client, name=name, adults=adults)


def household_add_child(*, household: Household, client: Client) -> HouseholdMember:
    """Make the child a member of the household, if not yet. A child of separated parents
    gets a second membership (the other parent's household), never a second client."""
    member, _created = HouseholdMember.objects.get_or_create(
        household=household, client=client, defaults={"role": HouseholdMember.Role.CHILD}
    )
    if member.role != HouseholdMember.Role.CHILD:
        raise ValidationError(
            {
                "children": _("%(name)s is in this household, but not as a child.")
                % {"name": client.full_name}
            }
        )
    return member


def households_at_address(*, postcode: str, house_number: str, visible) -> list[Household]:
    """Households (of those given) with a child living at this postcode and house number:
    a new child there is most likely a sibling."""
    if not postcode or not house_number:
        return []
    return list(
        visible.filter(
            members__role=HouseholdMember.Role.CHILD,
            members__client__postcode=postcode,
            members__client__house_number__iexact=house_number.strip(),
        )
        .distinct()
        .order_by("name", "pk")[:5]
    )


def open_requests_of(clients) -> list[SupportRequest]:
    """The open requests of any of these children (of every team: the caller decides what
    the user may be told about each)."""
    return list(
        SupportRequest.objects.open()
        .filter(clients__in=clients)
        .select_related("team")
        .distinct()
        .order_by("pk")
    )


@dataclass(frozen=True)
class Referral:
    referrer_type: str = ReferrerType.SELF
    organisation: ReferrerOrganisation | None = None
    person: str = ""
    date: datetime.date | None = None


def referral_route(referral: Referral, received_at: datetime.datetime) -> RouteStatus:
    """The route check: is this referrer's route open on the referral date?"""
    day = referral.date or timezone.localdate(received_at)
    return route_status(referral.referrer_type, day)


@transaction.atomic
def support_request_register(
    *,
    registered_by,
    household: Household,
    clients: list[Client],
    channel: str,
    question: str,
    team: Team,
    referral: Referral,
    received_at: datetime.datetime | None = None,
    assigned_worker=None,
    route_decision: str = "",
    client_supporter: bool = False,
    client_supporter_name: str = "",
    duplicate_reason: str = "",
    unchecked_duplicates: bool = False,
) -> SupportRequest:
    """Register a support request (aanmelding), with its route check and contact deadline.

    Every child must be a child of `household`. When a child already has an open request,
    a new one needs `duplicate_reason` (the worker chose "register anyway"); only a
    referrer's system, which cannot be asked, registers with `unchecked_duplicates`, and
    the request then shows it as a possible duplicate.

    When the referrer's route is not open on the referral date, `route_decision` says what
    happened: accepted at WIJ as a self-registration, or the referrer refers the usual way
    (then the request is closed at once, and counted as such in the monitoring).
    """
    received_at = received_at or timezone.now()
    if not clients:
        raise ValidationError({"children": _("Choose at least one child.")})
    members = set(
        household.members.filter(role=HouseholdMember.Role.CHILD).values_list(
            "client_id", flat=True
        )
    )
    strangers = [c.full_name for c in clients if c.pk not in members]
    if strangers:
        raise ValidationError(
            {
                "children": _("Not a child of %(household)s: %(names)s.")
                % {"household": household.name, "names": ", ".join(strangers)}
            }
        )
    # Two registrations for the same child at once (two workers, a referrer's system that
    # sends again) would each see no open request: lock the children's rows first, so
    # the second waits and then sees the first one's request.
    list(Client.objects.select_for_update().filter(pk__in=[c.pk for c in clients]))
    check = SupportRequest.OpenRequestCheck.NONE
    if open_requests_of(clients):
        if duplicate_reason.strip():
            check = SupportRequest.OpenRequestCheck.REGISTERED_ANYWAY
        elif unchecked_duplicates:
            check = SupportRequest.OpenRequestCheck.UNCHECKED
        else:
            raise ValidationError(
                {
                    "duplicate_reason": _(
                        "A child already has an open request: add the question to it, "
                        "or give the reason to register anyway."
                    )
                }
            )
    elif duplicate_reason.strip():
        duplicate_reason = ""  # nothing open any more: no reason to keep
    if referral.date and referral.date > timezone.localdate(received_at):
        raise ValidationError(
            {"referral_date": _("The referral date cannot be after the registration.")}
        )
    route = referral_route(referral, received_at)
    if route.is_open:
        outcome = SupportRequest.RouteOutcome.OPEN
    elif route_decision in (
        SupportRequest.RouteOutcome.ACCEPTED_AS_SELF,
        SupportRequest.RouteOutcome.USUAL_WAY,
    ):
        outcome = route_decision
    else:
        raise ValidationError({"route_decision": route.message})

    closed = outcome == SupportRequest.RouteOutcome.USUAL_WAY
    support_request = SupportRequest(
        household=household,
        received_at=received_at,
        channel=channel,
        question=question,
        team=team,
        assigned_worker=assigned_worker,
        referrer_type=referral.referrer_type,
        referrer_organisation=referral.organisation,
        referring_person=referral.person,
        referral_date=referral.date,
        route_open=route.is_open,
        route_outcome=outcome,
        status=SupportRequest.Status.CLOSED if closed else SupportRequest.Status.REGISTERED,
        close_reason=SupportRequest.CloseReason.ROUTE_NOT_OPEN if closed else "",
        contact_deadline=contact_deadline_for(received_at),
        client_supporter=client_supporter,
        client_supporter_name=client_supporter_name,
        registered_by=registered_by,
        open_request_check=check,
        duplicate_reason=duplicate_reason.strip(),
    )
    support_request.full_clean(exclude=["household", "team"])
    support_request.save()
    support_request.clients.set(clients)
    return support_request


@transaction.atomic
def support_request_register_for_family(
    *,
    registered_by,
    household: Household | None,
    children: list[Client] = (),
    new_client: dict | None = None,
    adults=(),
    team: Team | None = None,
    new_household: bool = False,
    **request_fields,
) -> SupportRequest:
    """Register a request for one or more children of one family. The form and the API
    both come here.

    `household` is the family chosen (None: the first child's household, or a new one
    with `adults` when the child has none or `new_household` is asked: the other
    parent's household for a registered child of separated parents). `children`
    are registered clients: one not yet in the household is added to it (a child of
    separated parents gets a second household). `new_client` is a child not registered
    yet (a sibling, when a household is chosen). `team` defaults to the first child's team
    (for a new client: from the postcode area)."""
    children = list(children)
    if new_client:
        children.append(
            client_create(
                team=team or team_for_postcode(new_client.get("postcode", "")), **new_client
            )
        )
    if not children:
        raise ValidationError({"children": _("Choose at least one child.")})
    if household is None and new_household:
        household = household_create(client=children[0], adults=adults)
    elif household is None:
        household = household_for_client(client=children[0], adults=adults)
    for child in children:
        household_add_child(household=household, client=child)
    return support_request_register(
        registered_by=registered_by,
        household=household,
        clients=children,
        team=team or children[0].team,
        **request_fields,
    )


def support_request_register_for_child(
    *, registered_by, client: Client | None, new_client: dict | None = None, **fields
) -> SupportRequest:
    """Register a request for one child, registered (their first household comes along)
    or new (with a new household): what a referrer's system and the follow-up of an
    ending indication send."""
    return support_request_register_for_family(
        registered_by=registered_by,
        household=None,
        children=[client] if client else [],
        new_client=None if client else new_client,
        **fields,
    )


@transaction.atomic
def support_request_add_question(
    *,
    support_request_id: int,
    user,
    question: str,
    channel: str,
    received_at: datetime.datetime | None = None,
) -> FurtherQuestion:
    """Add a question to an open request instead of registering a second one."""
    # The request may be closed by someone else while this worker fills in the form: lock
    # its row, so a question is never added to a request that was closed in between.
    support_request = SupportRequest.objects.select_for_update().get(pk=support_request_id)
    if support_request.status == SupportRequest.Status.CLOSED:
        raise ValidationError(
            {"add_to_request": _("This request has been closed in the meantime.")}
        )
    received_at = received_at or timezone.now()
    # The same form sent twice (a double click, back and send again) adds it once: the row
    # lock above makes the second wait and then find the first.
    same = support_request.further_questions.filter(
        question=question, channel=channel, received_at=received_at, added_by=user
    ).first()
    if same is not None:
        return same
    further = FurtherQuestion(
        support_request=support_request,
        question=question,
        channel=channel,
        received_at=received_at,
        added_by=user,
    )
    further._history_user = user
    further.full_clean()
    further.save()
    return further


def support_request_lock(support_request_id: int, expected_version: int) -> SupportRequest:
    """Lock the request row and check it is still the version the user saw."""
    # Two workers may save the same request at once: lock the row, then compare versions,
    # so the second save is refused instead of silently overwriting the first.
    current = SupportRequest.objects.select_for_update().get(pk=support_request_id)
    # A destroyed file's skeleton is never edited again (rights.destruction).
    if current.version != expected_version or current.destroyed_on is not None:
        raise ConflictError
    return current


def support_request_save(support_request: SupportRequest, user) -> SupportRequest:
    """Save a locked request as its next version, validated, with the user in its history."""
    support_request.version += 1
    support_request._history_user = user
    support_request.full_clean(exclude=["household", "team"])
    support_request.save()
    return support_request


@transaction.atomic
def support_request_update(
    *, support_request_id: int, expected_version: int, user, changes: dict
) -> SupportRequest:
    """Change editable fields of a request; refuse when someone saved in between."""
    current = support_request_lock(support_request_id, expected_version)
    for field, value in changes.items():
        setattr(current, field, value)
    return support_request_save(current, user)


@transaction.atomic
def support_request_record_contact(
    *, support_request_id: int, expected_version: int, user, contacted_on: datetime.date
) -> SupportRequest:
    """First contact with the family (the 5-working-day promise)."""
    current = support_request_lock(support_request_id, expected_version)
    if contacted_on > timezone.localdate():
        raise ValidationError({"contacted_on": _("The date of contact cannot be in the future.")})
    if contacted_on < timezone.localdate(current.received_at):
        raise ValidationError(
            {"contacted_on": _("The date of contact cannot be before the registration.")}
        )
    current.first_contact_on = contacted_on
    if current.status == SupportRequest.Status.REGISTERED:
        current.status = SupportRequest.Status.CONTACTED
    return support_request_save(current, user)


@transaction.atomic
def support_request_assign(
    *, support_request_id: int, expected_version: int, user, worker
) -> SupportRequest:
    current = support_request_lock(support_request_id, expected_version)
    current.assigned_worker = worker
    return support_request_save(current, user)


# The reasons a worker may choose when closing by hand. "Route not open" is set by the
# registration itself, never chosen.
# Not by hand: "route not open" is the registration's, "continued as a trajectory" the
# triage's (it starts the trajectory), so that their figures mean what they say.
MANUAL_CLOSE_REASONS = [
    reason
    for reason in SupportRequest.CloseReason
    if reason
    not in (SupportRequest.CloseReason.ROUTE_NOT_OPEN, SupportRequest.CloseReason.TO_TRAJECTORY)
]


@transaction.atomic
def support_request_close(
    *, support_request_id: int, expected_version: int, user, reason: str
) -> SupportRequest:
    """Close a request by hand, with an explicitly chosen reason. "Triage done, help
    arranged" needs a recorded triage: without one it would count a family as helped."""
    current = support_request_lock(support_request_id, expected_version)
    close_check(support_request=current, reason=reason)
    current.status = SupportRequest.Status.CLOSED
    current.close_reason = reason
    return support_request_save(current, user)


def close_check(*, support_request: SupportRequest, reason: str) -> None:
    """The rules of closing by hand; the view asks them before its confirmation step too."""
    if support_request.status == SupportRequest.Status.CLOSED:
        raise ValidationError(_("This request is already closed."))
    if reason not in MANUAL_CLOSE_REASONS:
        raise ValidationError({"reason": _("Choose why the request is closed.")})
    if reason == SupportRequest.CloseReason.TRIAGE_DONE and not has_triage(support_request):
        raise ValidationError(
            {
                "reason": _(
                    "No triage is recorded for this request: record the triage (it closes "
                    "the request itself), or choose another reason."
                )
            }
        )


def has_triage(support_request: SupportRequest) -> bool:
    return hasattr(support_request, "triage")


def reopened_status(support_request: SupportRequest) -> str:
    """Where a reopened request picks up: in triage when a triage is recorded (revising it
    closes the request again), contacted after a first contact, registered otherwise."""
    if has_triage(support_request):
        return SupportRequest.Status.IN_TRIAGE
    if support_request.first_contact_on:
        return SupportRequest.Status.CONTACTED
    return SupportRequest.Status.REGISTERED


def continues_in_trajectory(support_request: SupportRequest) -> bool:
    """Does the help of this request go on in a running trajectory (started by its triage)?
    Then that trajectory is where it changes, not the request: it cannot be reopened."""
    from trajectories.models import Trajectory

    return Trajectory.objects.running().filter(triage__support_request=support_request).exists()


def may_reopen(user, support_request: SupportRequest) -> bool:
    """Who may reopen a closed request: the assigned worker, and a team lead of the
    request's team (docs/permissions.md). Other colleagues ask one of them. Not while the
    help goes on in a trajectory of the request."""
    if continues_in_trajectory(support_request):
        return False
    if support_request.assigned_worker_id == user.pk:
        return True
    return roles.user_has_role(user, roles.TEAM_LEAD) and support_request.team_id in set(
        user_team_ids(user)
    )


@transaction.atomic
def support_request_reopen(
    *, support_request_id: int, expected_version: int, user, reason: str
) -> RequestReopening:
    """Open a closed request again, with the reason; the reopening is kept as a record."""
    current = support_request_lock(support_request_id, expected_version)
    if current.status != SupportRequest.Status.CLOSED:
        raise ValidationError(_("Only a closed request can be reopened."))
    if continues_in_trajectory(current):
        raise ValidationError(
            _("The help goes on in a trajectory: change it there, or end the trajectory first.")
        )
    if not may_reopen(user, current):
        raise PermissionDenied
    reopening = RequestReopening(
        support_request=current,
        reason=reason,
        previous_close_reason=current.close_reason,
        reopened_by=user,
    )
    reopening._history_user = user
    reopening.full_clean(exclude=["support_request"])
    current.status = reopened_status(current)
    current.close_reason = ""
    support_request_save(current, user)
    reopening.save()
    return reopening


@transaction.atomic
def support_request_start_triage(
    *, support_request_id: int, expected_version: int, user
) -> SupportRequest:
    current = support_request_lock(support_request_id, expected_version)
    if current.status == SupportRequest.Status.CLOSED:
        raise ValidationError(_("A closed request cannot go into triage."))
    current.status = SupportRequest.Status.IN_TRIAGE
    return support_request_save(current, user)


@transaction.atomic
def worker_change_request(
    *, support_request: SupportRequest, reason: str, explanation: str, requested_on, user
) -> WorkerChangeRequest:
    change = WorkerChangeRequest(
        support_request=support_request,
        reason=reason,
        explanation=explanation,
        requested_on=requested_on,
        previous_worker=support_request.assigned_worker,
    )
    change._history_user = user
    change.full_clean()
    change.save()
    return change


@transaction.atomic
def worker_change_decide(
    *, change_id: int, user, grant: bool, new_worker=None, explanation: str = ""
) -> WorkerChangeRequest:
    """Grant (assign the new worker) or decline (with an explanation) a change request."""
    change = WorkerChangeRequest.objects.select_for_update().get(pk=change_id)
    if change.outcome != WorkerChangeRequest.Outcome.PENDING:
        raise ValidationError(_("This request has already been decided."))
    if grant:
        if new_worker is None or new_worker == change.previous_worker:
            raise ValidationError({"new_worker": _("Choose another worker than the current one.")})
        change.outcome = WorkerChangeRequest.Outcome.GRANTED
        change.new_worker = new_worker
        request = SupportRequest.objects.select_for_update().get(pk=change.support_request_id)
        request.assigned_worker = new_worker
        support_request_save(request, user)
    else:
        if not explanation.strip():
            raise ValidationError({"explanation": _("Explain to the family why not.")})
        change.outcome = WorkerChangeRequest.Outcome.DECLINED
        change.explanation = "\n".join(filter(None, [change.explanation, explanation]))
        # The request's explanation and the decline's share one column and its limit.
        limit = WorkerChangeRequest._meta.get_field("explanation").max_length
        if len(change.explanation) > limit:
            raise ValidationError(
                {
                    "explanation": _(
                        "Together with the family's explanation this is longer than %(max)s characters."
                    )
                    % {"max": limit}
                }
            )
    change.decided_by = user
    change._history_user = user
    change.save()
    return change


# --- Households: parental authority, merge and split (team leads) ------------------------


@transaction.atomic
def household_member_set_authority(*, member_id: int, authority: str, user) -> HouseholdMember:
    """Record whether a member holds parental authority (gezag); kept in history."""
    # Two workers may record it at once: lock the row so the last one is a whole save.
    member = HouseholdMember.objects.select_for_update().get(pk=member_id)
    member.parental_authority = authority
    member._history_user = user
    member.full_clean()
    member.save()
    return member


@dataclass(frozen=True)
class HouseholdChange:
    """What a merge or split moves, for the preview and for the service alike."""

    members: list  # HouseholdMember rows that move
    duplicates: list  # memberships dropped: the child is already in the kept household
    requests: list  # SupportRequest rows that move
    staying_requests: list  # requests that stay (they also concern children who stay)
    trajectories: list = dataclasses.field(default_factory=list)  # trajectories that move
    staying_trajectories: list = dataclasses.field(
        default_factory=list
    )  # they have children who stay


def household_merge_plan(*, keep: Household, other: Household) -> HouseholdChange:
    """What merging `other` into `keep` moves: all its members (a child already in `keep`
    keeps that membership) and all its requests."""
    in_keep = set(keep.members.filter(client__isnull=False).values_list("client_id", flat=True))
    members = list(other.members.select_related("client").order_by("role", "id"))
    return HouseholdChange(
        members=[m for m in members if m.client_id is None or m.client_id not in in_keep],
        duplicates=[m for m in members if m.client_id is not None and m.client_id in in_keep],
        requests=list(other.support_requests.order_by("received_at", "id")),
        staying_requests=[],
        trajectories=list(other.trajectories.order_by("created_at", "id")),
    )


def household_split_plan(*, household: Household, member_ids: list[int]) -> HouseholdChange:
    """What splitting the chosen members off moves: those members, and the requests that
    concern only children among them. Refuses a split that leaves either household
    without a child (nobody could see it any more) or that moves nothing or everyone."""
    members = list(household.members.select_related("client").order_by("role", "id"))
    chosen = set(member_ids)
    moving = [m for m in members if m.pk in chosen]
    staying = [m for m in members if m.pk not in chosen]
    if len(moving) != len(chosen) or not moving or not staying:
        raise ValidationError(
            {"members": _("Choose some, not all, of this household's members to move.")}
        )
    if not any(m.client_id for m in moving) or not any(m.client_id for m in staying):
        raise ValidationError({"members": _("Both households must keep at least one child.")})
    moving_children = {m.client_id for m in moving if m.client_id}
    requests = list(household.support_requests.prefetch_related("clients").order_by("id"))
    moves, stays = [], []
    for support_request in requests:
        children = {client.pk for client in support_request.clients.all()}
        (moves if children and children <= moving_children else stays).append(support_request)
    trajectory_moves, trajectory_stays = [], []
    for trajectory in household.trajectories.prefetch_related("children").order_by("id"):
        children = {link.client_id for link in trajectory.children.all()}
        (trajectory_moves if children and children <= moving_children else trajectory_stays).append(
            trajectory
        )
    return HouseholdChange(
        members=moving,
        duplicates=[],
        requests=moves,
        staying_requests=stays,
        trajectories=trajectory_moves,
        staying_trajectories=trajectory_stays,
    )


def _lock_households(*ids: int) -> dict[int, Household]:
    # Two team leads may merge or split the same families at once (or merge A into B while
    # another merges B into A): lock both rows, in id order so neither waits on the other.
    locked = {
        h.pk: h for h in Household.objects.select_for_update().filter(pk__in=ids).order_by("pk")
    }
    for household in locked.values():
        if household.merged_into_id:
            raise ValidationError(_("This household has already been merged into another one."))
    return locked


def _require_every_child_visible(households, user) -> None:
    """Merging or splitting needs a user who sees every child involved: the preview names
    everyone who moves, and nobody may move a child they may not see."""
    children = set(
        HouseholdMember.objects.filter(household__in=households, client__isnull=False).values_list(
            "client_id", flat=True
        )
    )
    seen = Client.objects.visible_to(user).filter(pk__in=children).count()
    if seen != len(children):
        raise ValidationError(
            _("This household has a child of another team: ask that team's lead to do this.")
        )


def _move(change: HouseholdChange, target: Household, user) -> None:
    """Move the planned members, requests and trajectories to `target`, each saved with
    history."""
    for member in change.duplicates:
        member._history_user = user
        member.delete()
    for member in change.members:
        member.household = target
        member._history_user = user
        member.save()
    for support_request in change.requests:
        # Lock the request like every other change of it (a worker may be saving it now).
        current = SupportRequest.objects.select_for_update().get(pk=support_request.pk)
        current.household = target
        support_request_save(current, user)
    for trajectory in change.trajectories:
        current = type(trajectory).objects.select_for_update().get(pk=trajectory.pk)
        current.household = target
        current._history_user = user
        current.save(update_fields=["household"])


@transaction.atomic
def household_merge(*, keep_id: int, other_id: int, user) -> Household:
    """Merge `other` into `keep`: its members and requests move, and `other` stays as a
    record marked merged into `keep` (old links and the history still find it)."""
    if keep_id == other_id:
        raise ValidationError({"other": _("A household cannot be merged into itself.")})
    locked = _lock_households(keep_id, other_id)
    keep, other = locked[keep_id], locked[other_id]
    _require_every_child_visible([keep, other], user)
    # One family, one plan: the other household's support plan comes along (refused when
    # both have one).
    from plans.services import plan_follow_merge

    plan_follow_merge(keep=keep, other=other, user=user)
    _move(household_merge_plan(keep=keep, other=other), keep, user)
    # Households merged into `other` before now point at `keep` directly.
    for earlier in Household.objects.select_for_update().filter(merged_into=other):
        earlier.merged_into = keep
        earlier._history_user = user
        earlier.save()
    other.merged_into = keep
    other.changed_at = timezone.now()
    other._history_user = user
    other.full_clean()
    other.save()
    return keep


@transaction.atomic
def household_split(*, household_id: int, member_ids: list[int], name: str, user) -> Household:
    """Split the chosen members off into a new household (requests about only their
    children go with them); the new household records where it came from."""
    household = _lock_households(household_id)[household_id]
    _require_every_child_visible([household], user)
    change = household_split_plan(household=household, member_ids=member_ids)
    new = Household(
        name=name.strip(),
        split_from=household,
        changed_at=timezone.now(),
    )
    new._history_user = user
    new.full_clean()
    new.save()
    _move(change, new, user)
    return new
