"""Intake steps that change state. Views, the API and the admin call these."""

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


def household_for_client(*, client: Client, name: str = "", adults=()) -> Household:
    """The client's household, or a new one with the client and the given adults."""
    membership = client.household_memberships.select_related("household").first()
    if membership:
        return membership.household
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
) -> SupportRequest:
    """Register a support request (aanmelding), with its route check and contact deadline.

    When the referrer's route is not open on the referral date, `route_decision` says what
    happened: accepted at WIJ as a self-registration, or the referrer refers the usual way
    (then the request is closed at once, and counted as such in the monitoring).
    """
    received_at = received_at or timezone.now()
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
    )
    support_request.full_clean(exclude=["household", "team"])
    support_request.save()
    support_request.clients.set(clients)
    return support_request


@transaction.atomic
def support_request_register_for_child(
    *,
    registered_by,
    client: Client | None,
    new_client: dict | None = None,
    adults=(),
    team: Team | None = None,
    **request_fields,
) -> SupportRequest:
    """Register a request for one child: a registered client (their family comes along) or a
    new one, with a new household and its adults. The form and the API both come here.

    `team` defaults to the client's team (for a new client: from the postcode area)."""
    if client is None:
        client = client_create(
            team=team or team_for_postcode(new_client.get("postcode", "")), **new_client
        )
    household = household_for_client(client=client, adults=adults)
    return support_request_register(
        registered_by=registered_by,
        household=household,
        clients=[client],
        team=team or client.team,
        **request_fields,
    )


def support_request_lock(support_request_id: int, expected_version: int) -> SupportRequest:
    """Lock the request row and check it is still the version the user saw."""
    # Two workers may save the same request at once: lock the row, then compare versions,
    # so the second save is refused instead of silently overwriting the first.
    current = SupportRequest.objects.select_for_update().get(pk=support_request_id)
    if current.version != expected_version:
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
MANUAL_CLOSE_REASONS = [
    reason
    for reason in SupportRequest.CloseReason
    if reason != SupportRequest.CloseReason.ROUTE_NOT_OPEN
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


def may_reopen(user, support_request: SupportRequest) -> bool:
    """Who may reopen a closed request: the assigned worker, and a team lead of the
    request's team (docs/permissions.md). Other colleagues ask one of them."""
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
