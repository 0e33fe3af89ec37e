"""The family's requests: registration with the age rules and the deadline, the decision,
an extension of the deadline and the closing (docs/privacy.md, "The family's rights").
Every view, the demo and the retention job change a request through these functions."""

import datetime

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from intake.models import Client, HouseholdMember

from .models import RightsRequest

# AVG art. 12(3): an answer within one month of receipt, extendable by two months.
ANSWER_MONTHS = 1
EXTENSION_MONTHS = 2
# Jeugdwet art. 7.3.9(2): destruction within three months of the request.
DESTRUCTION_MONTHS = 3


def deadline_for(kind: str, received_on: datetime.date) -> datetime.date:
    """The day by which a request must be answered (a month, three for destruction)."""
    months = DESTRUCTION_MONTHS if kind == RightsRequest.Kind.DESTRUCTION else ANSWER_MONTHS
    return received_on + relativedelta(months=months)


def requester_entitled(
    client: Client, requester: str, member: HouseholdMember | None, on: datetime.date
) -> tuple[bool, str]:
    """Whether who asks may ask for this child's file on `on`, and the rule applied (Jeugdwet
    art. 7.3.10 with 7.1.1.2 and 7.3.4): under 12 the parents with parental authority, 12 to
    15 the child and those parents, from 16 the young person alone. Parental authority is
    as recorded on the family file (HouseholdMember.parental_authority)."""
    age = client.age_on(on)
    if requester == RightsRequest.Requester.OTHER:
        return False, _("Only the child or a parent with parental authority may ask.")
    if requester == RightsRequest.Requester.CHILD:
        if age < 12:
            return False, _("Under 12 the parents with parental authority ask for the child.")
        return True, _("The child (%(age)s) asks for themselves.") % {"age": age}
    # A parent or guardian.
    if age >= 16:
        return False, _("From 16 the young person alone decides about their file.")
    if member is None or not _member_of_childs_family(client, member):
        return False, _("This adult is not in the child's family file.")
    if member.parental_authority != HouseholdMember.Authority.YES:
        return False, _("Parental authority is not recorded on the family file for this adult.")
    if age < 12:
        return True, _("A parent with parental authority asks for a child under 12.")
    return True, _(
        "A parent with parental authority asks for a child of %(age)s (12 to 15: the child "
        "and the parents)."
    ) % {"age": age}


def _member_of_childs_family(client: Client, member: HouseholdMember) -> bool:
    return HouseholdMember.objects.filter(household_id=member.household_id, client=client).exists()


@transaction.atomic
def rights_request_register(
    *,
    client: Client,
    kind: str,
    requester: str,
    received_on: datetime.date,
    user,
    requester_member: HouseholdMember | None = None,
    requester_name: str = "",
    description: str = "",
) -> RightsRequest:
    """Record a family's request with its deadline and whether who asks is entitled."""
    if client.destroyed_on is not None:
        raise ValidationError(_("This file was destroyed; there is nothing to ask for."))
    entitled, note = requester_entitled(client, requester, requester_member, received_on)
    if requester_member is not None and not requester_name:
        requester_name = requester_member.name
    request = RightsRequest(
        kind=kind,
        origin=RightsRequest.Origin.FAMILY,
        client=client,
        team_id=client.team_id,
        requester=requester,
        requester_member=requester_member,
        requester_name=requester_name,
        entitled=entitled,
        entitlement_note=note,
        received_on=received_on,
        deadline=deadline_for(kind, received_on),
        description=description,
        registered_by=user,
    )
    request.full_clean()
    request.save()
    return request


@transaction.atomic
def rights_request_extend(
    request: RightsRequest, *, reason: str, today: datetime.date
) -> RightsRequest:
    """AVG art. 12(3): extend the answer by two months, once, with the reason (the family
    must be told within the first month). Not for destruction (a fixed 3 months)."""
    request = RightsRequest.objects.select_for_update().get(pk=request.pk)
    if request.kind == RightsRequest.Kind.DESTRUCTION:
        raise ValidationError(_("The three months for destruction cannot be extended."))
    if request.deadline_extended_to is not None:
        raise ValidationError(_("The deadline was extended before."))
    if request.status == RightsRequest.Status.CLOSED:
        raise ValidationError(_("This request is closed."))
    if today > request.deadline:
        raise ValidationError(_("An extension is given before the deadline has passed."))
    # Three months from receipt in all (31 January: 30 April, not 28 February + 2 months).
    request.deadline_extended_to = request.received_on + relativedelta(
        months=ANSWER_MONTHS + EXTENSION_MONTHS
    )
    request.extension_reason = reason
    request.full_clean()
    request.save()
    return request


@transaction.atomic
def rights_request_decide(
    request: RightsRequest, *, decision: str, reason: str, user, today: datetime.date
) -> RightsRequest:
    """The privacy officer's decision with its reasons. A refusal closes the request; a
    grant waits until it is carried out (the copy released, the correction made, the file
    destroyed) and then closes."""
    request = RightsRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != RightsRequest.Status.RECEIVED:
        raise ValidationError(_("This request was decided before."))
    request.decision = decision
    request.decision_reason = reason
    request.decided_on = today
    request.decided_by = user
    if decision == RightsRequest.Decision.REFUSED:
        request.status = RightsRequest.Status.CLOSED
        request.closed_on = today
    else:
        request.status = RightsRequest.Status.DECIDED
    request.full_clean()
    request.save()
    return request


@transaction.atomic
def rights_request_close(
    request: RightsRequest, *, note: str, today: datetime.date
) -> RightsRequest:
    """A granted request carried out: closed with what was done."""
    request = RightsRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != RightsRequest.Status.DECIDED:
        raise ValidationError(_("Only a granted request that waits is closed this way."))
    request.status = RightsRequest.Status.CLOSED
    request.closed_on = today
    request.outcome_note = note
    request.full_clean()
    request.save()
    return request


# The child's registered person data that the privacy officer may correct on a granted
# correction request (docs/permissions.md). Everything else is corrected by the team in
# its own record; the request then closes with what was corrected.
CORRECTABLE_FIELDS = (
    "first_name",
    "last_name",
    "date_of_birth",
    "bsn",
    "street",
    "house_number",
    "postcode",
    "city",
)


@transaction.atomic
def correction_apply(
    request: RightsRequest, *, changes: dict, user, today: datetime.date
) -> Client:
    """Carry out a granted correction of the child's person data (AVG art. 16): the client
    is changed and validated as any change is, its history keeps the old values with the
    request's number as the reason, and the request closes with which data were corrected.
    The rows are locked: a second tab or a colleague cannot correct or close it twice."""
    request = RightsRequest.objects.select_for_update().get(pk=request.pk)
    if request.kind != RightsRequest.Kind.CORRECTION:
        raise ValidationError(_("Only a correction request corrects the child's data."))
    if request.status != RightsRequest.Status.DECIDED:
        raise ValidationError(_("Only a granted request that waits is carried out."))
    unknown = set(changes) - set(CORRECTABLE_FIELDS)
    if unknown:
        raise ValidationError(
            _("These data cannot be corrected here: %(fields)s.")
            % {"fields": ", ".join(sorted(unknown))}
        )
    client = Client.objects.select_for_update().get(pk=request.client_id)
    changed = [
        name
        for name, value in changes.items()
        if (getattr(client, name) or None) != (value or None)
    ]
    if not changed:
        raise ValidationError(_("Nothing to correct: the data are the same."))
    for name in changed:
        value = changes[name]
        setattr(client, name, None if name == "bsn" and not value else (value or ""))
    client.full_clean()
    client._change_reason = _("Correction request #%(number)s") % {"number": request.pk}
    client._history_user = user
    client.save()
    labels = ", ".join(str(Client._meta.get_field(name).verbose_name) for name in changed)
    rights_request_close(
        request,
        note=_(
            "Corrected in the child's person data: %(fields)s (old and new values in the child's history)."
        )
        % {"fields": labels},
        today=today,
    )
    return client
