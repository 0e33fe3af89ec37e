"""Triage steps that change state. The rules of each outcome live here."""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from indications.services import extension_steps_apply, extension_steps_for_triage
from intake import services as intake_services
from intake.models import CONTACT_WORKING_DAYS, Client, SupportRequest
from openhouse.models import Provider
from referrals.models import Product
from referrals.phasing import product_status
from samen.workdays import add_working_days
from trajectories import services as trajectory_services
from trajectories.models import Trajectory
from trajectories.services import running_trajectory_of

from .models import (
    Beschikking,
    ChildOutcome,
    ConversationReport,
    CorrectionRequest,
    OpenHouseException,
    Triage,
)

Outcome = Triage.Outcome
WIJ_OUTCOMES = {Outcome.BASIS_WIJ, Outcome.REINDICATION_WIJ}
NEEDS_PROVIDER = {
    Outcome.SPECIALIST,
    Outcome.OPEN_HOUSE_EXCEPTION,
    Outcome.REINDICATION_EXTEND,
    Outcome.REINDICATION_SPECIALIST,
}
# The outcomes whose provider WIJ contacts at once (the Open House ones wait for a product).
CONTACT_AT_ONCE = {Outcome.SPECIALIST, Outcome.REINDICATION_SPECIALIST}
# An individual provision (individuele voorziening): the family may want a beschikking to
# be able to object (seed 004 q7).
INDIVIDUAL_PROVISION = NEEDS_PROVIDER
# The triage's single outcome when its children's outcomes differ: the first of these.
SUMMARY_ORDER = (
    Outcome.BASIS_WIJ,
    Outcome.REINDICATION_WIJ,
    Outcome.SPECIALIST,
    Outcome.REINDICATION_SPECIALIST,
    Outcome.OPEN_HOUSE_EXCEPTION,
    Outcome.REINDICATION_EXTEND,
    Outcome.OTHER_ROUTE,
)
INTENSITY_ORDER = {
    Triage.Intensity.LIGHT: 0,
    Triage.Intensity.BASIC: 1,
    Triage.Intensity.SPECIALIST: 2,
}
PROVIDER_NAME_MAX = Triage._meta.get_field("provider_name").max_length


@dataclass
class ChildOutcomeData:
    """What the form says follows for one child (uitkomst per kind)."""

    client: Client
    outcome: str
    intensity: str = ""
    wij_role: str = ""
    other_route: str = ""
    provider: Provider | None = None
    provider_contacted_on: datetime.date | None = None

    def normalized(self) -> "ChildOutcomeData":
        """Only what belongs to the outcome: WIJ's role is Basis jeugdhulp for a WIJ
        outcome, none for another route, none or the coordination beside a referral."""
        wij = self.outcome in WIJ_OUTCOMES
        referral = self.outcome in NEEDS_PROVIDER
        provider = self.provider if (wij or referral) else None
        if wij:
            role = ChildOutcome.WijRole.BASIS
        elif referral and self.wij_role == ChildOutcome.WijRole.COORDINATION:
            role = ChildOutcome.WijRole.COORDINATION
        else:
            role = ChildOutcome.WijRole.NONE
        return ChildOutcomeData(
            client=self.client,
            outcome=self.outcome,
            intensity=self.intensity,
            wij_role=role,
            other_route=self.other_route if self.outcome == Outcome.OTHER_ROUTE else "",
            provider=provider,
            provider_contacted_on=self.provider_contacted_on if provider else None,
        )

    @property
    def individual_provision(self) -> bool:
        return self.outcome in INDIVIDUAL_PROVISION

    # Labels for the confirmation page.
    def get_outcome_display(self):
        return Outcome(self.outcome).label

    def get_intensity_display(self):
        return Triage.Intensity(self.intensity).label if self.intensity else ""

    def get_other_route_display(self):
        return Triage.OtherRoute(self.other_route).label if self.other_route else ""

    def get_wij_role_display(self):
        return ChildOutcome.WijRole(self.wij_role).label if self.wij_role else ""


def child_outcome_errors(item: ChildOutcomeData) -> dict:
    """The rules of one child's outcome, as {field: message}; empty when all is well."""
    item = item.normalized()
    errors = {}
    if not item.intensity:
        errors["intensity"] = _("Choose the intensity of the need (also when referred on).")
    if item.outcome == Outcome.OTHER_ROUTE and not item.other_route:
        errors["other_route"] = _("Say which route the family takes.")
    if item.outcome in NEEDS_PROVIDER and item.provider is None:
        errors["provider"] = _("Choose the provider.")
    if (
        item.provider is not None
        and item.provider_contacted_on is None
        and (item.outcome in CONTACT_AT_ONCE or item.outcome in WIJ_OUTCOMES)
    ):
        errors["provider_contacted_on"] = _("WIJ contacts the provider at once: record when.")
    if item.provider_contacted_on and item.provider_contacted_on > timezone.localdate():
        errors["provider_contacted_on"] = _("This date cannot be in the future.")
    return errors


def triage_summary(children) -> dict:
    """The triage-level fields as a summary of its children's outcomes, so that the reports
    and pages that read the single outcome keep working:
    - outcome: the children's outcome when they agree, else the first in SUMMARY_ORDER;
    - intensity: the highest among the WIJ outcomes ("" without one);
    - other_route: the first named, when the summary outcome is another route;
    - provider_name: the providers' names (each once, in the children's order);
    - provider_contacted_on: the earliest contact."""
    children = [child.normalized() for child in children]
    outcomes = [child.outcome for child in children]
    if not outcomes:
        raise ValueError("A triage summary needs at least one child.")
    outcome = outcomes[0] if len(set(outcomes)) == 1 else min(outcomes, key=SUMMARY_ORDER.index)
    wij = [
        child.intensity for child in children if child.outcome in WIJ_OUTCOMES and child.intensity
    ]
    names = []
    for child in children:
        if child.provider is not None and child.provider.name not in names:
            names.append(child.provider.name)
    contacted = [c.provider_contacted_on for c in children if c.provider_contacted_on]
    return {
        "outcome": outcome,
        "intensity": max(wij, key=INTENSITY_ORDER.__getitem__) if wij else "",
        "other_route": next((c.other_route for c in children if c.other_route), "")
        if outcome == Outcome.OTHER_ROUTE
        else "",
        "provider_name": ", ".join(names)[:PROVIDER_NAME_MAX],
        "provider_contacted_on": min(contacted) if contacted else None,
    }


def outcome_errors(*, children, held_on, products, reasons, exception_product) -> dict:
    """The triage-level rules of the children's outcomes, as {field: message}."""
    errors = {}
    outcomes = {child.outcome for child in children}
    if outcomes & WIJ_OUTCOMES:
        if not products:
            errors["products"] = _("Choose the product(s) whose help this fits.")
        for product in products:
            status = product_status(product, held_on)
            if not status.in_basis_jeugdhulp:
                errors["products"] = status.basis_message
    if outcomes & NEEDS_PROVIDER and not reasons.strip():
        errors["reasons"] = _("Give the reasons.")
    if Outcome.OPEN_HOUSE_EXCEPTION in outcomes and exception_product is None:
        errors["exception_product"] = _("Choose the Open House product.")
    return errors


@dataclass
class TriagePlan:
    """What confirming the triage will do (shown before it is saved)."""

    children: list
    summary: dict
    request_status: str
    close_reason: str
    waits_for_exception: bool
    trajectory_clients: list = field(default_factory=list)
    trajectory_role: str = ""
    trajectory_coach: object = None
    trajectory_product: Product | None = None
    trajectory_intensity: str = ""
    trajectory_begins_on: datetime.date | None = None
    existing_trajectories: list = field(default_factory=list)
    conflicts: dict = field(default_factory=dict)
    # To the youth administration: extension requests made or advised on
    # (indications.services.TriageExtensionStep), and per child why it cannot be done.
    extensions: list = field(default_factory=list)
    extension_refusals: dict = field(default_factory=dict)

    @property
    def starts_trajectory(self) -> bool:
        return bool(self.trajectory_clients)

    @property
    def running_existing(self) -> bool:
        """Does a trajectory this triage started still run?"""
        return any(t.is_running for t in self.existing_trajectories)

    @property
    def beschikking_prompt(self) -> bool:
        """An extension's beschikking comes from the youth administration with its
        decision: WIJ's beschikking prompt is for the other individual provisions."""
        return any(
            child.individual_provision and child.outcome != Outcome.REINDICATION_EXTEND
            for child in self.children
        )

    def get_trajectory_role_display(self):
        return Trajectory.Role(self.trajectory_role).label if self.trajectory_role else ""

    def get_trajectory_intensity_display(self):
        return (
            Triage.Intensity(self.trajectory_intensity).label if self.trajectory_intensity else ""
        )

    @property
    def trajectory_children_names(self) -> str:
        return ", ".join(client.full_name for client in self.trajectory_clients)

    def get_close_reason_display(self):
        return SupportRequest.CloseReason(self.close_reason).label if self.close_reason else ""


def triage_plan(
    *,
    support_request: SupportRequest,
    user,
    held_on: datetime.date,
    safety_concerns: bool,
    children,
    products=(),
    exception_product=None,
) -> TriagePlan:
    """What the triage will do: per child what follows, the trajectory it starts (for the
    children with a role for WIJ, one for the household), how the request closes. A child
    with a running trajectory of another triage is a conflict (`conflicts`: {client id:
    trajectory}); a revised triage that already started a trajectory starts none."""
    children = [child.normalized() for child in children]
    existing = Triage.objects.filter(support_request=support_request).first()
    with_role = [child for child in children if child.wij_role]
    plan = TriagePlan(
        children=children,
        summary=triage_summary(children),
        request_status=SupportRequest.Status.CLOSED,
        close_reason=SupportRequest.CloseReason.TRIAGE_DONE,
        waits_for_exception=False,
    )
    if existing is not None:
        plan.existing_trajectories = list(Trajectory.objects.filter(triage=existing).order_by("pk"))
    for child in children:
        steps, refusal = extension_steps_for_triage(
            client=child.client,
            outcome=child.outcome,
            provider=child.provider,
            support_request=support_request,
            triage=existing,
            on_date=timezone.localdate(),
        )
        plan.extensions.extend(steps)
        if refusal:
            plan.extension_refusals[child.client.pk] = refusal
    # A revision that names no role for WIJ any more leaves a trajectory it started
    # running (nothing that started is changed): the help still continues at WIJ.
    if any(t.is_running for t in plan.existing_trajectories) and not with_role:
        plan.close_reason = SupportRequest.CloseReason.TO_TRAJECTORY
        return plan
    if with_role:
        plan.request_status = SupportRequest.Status.CLOSED
        plan.close_reason = SupportRequest.CloseReason.TO_TRAJECTORY
        if not plan.existing_trajectories:
            running = running_trajectory_of(child.client.pk for child in with_role)
            plan.conflicts = {
                client_id: trajectory
                for client_id, trajectory in running.items()
                if existing is None or trajectory.triage_id != existing.pk
            }
            plan.trajectory_clients = [child.client for child in with_role]
            plan.trajectory_role = (
                Trajectory.Role.BASIS
                if any(child.wij_role == ChildOutcome.WijRole.BASIS for child in with_role)
                else Trajectory.Role.COORDINATION
            )
            plan.trajectory_coach = support_request.assigned_worker or user
            products = list(products)
            plan.trajectory_product = products[0] if len(products) == 1 else None
            # The intensity of WIJ's own help: of the children with Basis jeugdhulp (a child
            # whose specialist help WIJ coordinates needs that provider's intensity, not
            # WIJ's); only coordination: the highest of those children.
            basis = [c for c in with_role if c.wij_role == ChildOutcome.WijRole.BASIS]
            plan.trajectory_intensity = max(
                (child.intensity for child in basis or with_role), key=INTENSITY_ORDER.__getitem__
            )
            if safety_concerns:
                registered = timezone.localdate(support_request.received_at)
                plan.trajectory_begins_on = max(held_on, registered)
    elif (
        any(child.outcome == Outcome.OPEN_HOUSE_EXCEPTION for child in children)
        and exception_product is not None
    ):
        # As OpenHouseException is kept or made in triage_record: the same product keeps
        # its approval; a new one waits for the municipality after the closing date.
        previous = getattr(existing, "exception", None) if existing else None
        if previous is not None and previous.product_id == exception_product.pk:
            waits = previous.approval in (
                OpenHouseException.Approval.PENDING,
                OpenHouseException.Approval.REFUSED,
            )
        else:
            waits = not product_status(exception_product, held_on).open_house_open
        if waits:
            plan.waits_for_exception = True
            plan.request_status = SupportRequest.Status.IN_TRIAGE
            plan.close_reason = ""
    return plan


def conflict_message(client: Client, trajectory: Trajectory) -> str:
    return _("%(child)s already has a running trajectory: trajectory %(number)s.") % {
        "child": client.full_name,
        "number": trajectory.pk,
    }


@transaction.atomic
def triage_record(
    *,
    support_request_id: int,
    expected_version: int,
    user,
    workers,
    held_on: datetime.date,
    life_domains,
    child_heard: bool,
    child_not_heard_reason: str,
    safety_concerns: bool,
    safety_actions: str,
    children,
    products=(),
    reasons: str = "",
    exception_product=None,
) -> Triage:
    """Record (or revise) the triage of a request, its outcome per child, and move on:
    the children with a role for WIJ get one trajectory (status waiting, or active at once
    with safety concerns) and the request closes as "continued as a trajectory"; otherwise
    it closes as "triage done", or waits in triage for the municipality's approval of an
    Open House exception after the product's closing date.

    A Basis jeugdhulp product must be in Basis jeugdhulp on the triage date."""
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": _("The triage date cannot be in the future.")})
    children = [child.normalized() for child in children]
    products = list(products)
    if not children:
        raise ValidationError(_("Record an outcome for every child of the request."))
    errors = outcome_errors(
        children=children,
        held_on=held_on,
        products=products,
        reasons=reasons,
        exception_product=exception_product,
    )
    for child in children:
        for message in child_outcome_errors(child).values():
            errors.setdefault(NON_FIELD_ERRORS, []).append(f"{child.client.full_name}: {message}")
    if errors:
        raise ValidationError(errors)

    request = intake_services.support_request_lock(support_request_id, expected_version)
    if request.status == SupportRequest.Status.CLOSED and not hasattr(request, "triage"):
        raise ValidationError(_("This request is closed."))
    request_client_ids = set(request.clients.values_list("pk", flat=True))
    if {child.client.pk for child in children} != request_client_ids or len(children) != len(
        request_client_ids
    ):
        raise ValidationError(_("Record an outcome for every child of the request, once."))
    plan = triage_plan(
        support_request=request,
        user=user,
        held_on=held_on,
        safety_concerns=safety_concerns,
        children=children,
        products=products,
        exception_product=exception_product,
    )
    if plan.conflicts:
        client = next(c.client for c in children if c.client.pk in plan.conflicts)
        raise ValidationError(conflict_message(client, plan.conflicts[client.pk]))
    if plan.extension_refusals:
        raise ValidationError(list(plan.extension_refusals.values()))

    triage = Triage.objects.filter(support_request=request).first() or Triage(
        support_request=request
    )
    fields = {
        "held_on": held_on,
        "life_domains": list(life_domains),
        "child_heard": child_heard,
        "child_not_heard_reason": "" if child_heard else child_not_heard_reason,
        "safety_concerns": safety_concerns,
        "safety_actions": safety_actions if safety_concerns else "",
        **plan.summary,
        "reasons": reasons,
    }
    for name, value in fields.items():
        setattr(triage, name, value)
    triage._history_user = user
    triage.full_clean(exclude=["support_request"])
    triage.save()
    triage.workers.set(workers)
    outcomes = {child.outcome for child in children}
    triage.products.set(products if outcomes & WIJ_OUTCOMES else [])
    _child_outcomes_write(triage, children, user)

    OpenHouseException.objects.filter(triage=triage).exclude(
        product=exception_product if Outcome.OPEN_HOUSE_EXCEPTION in outcomes else None
    ).delete()
    if Outcome.OPEN_HOUSE_EXCEPTION in outcomes:
        open_house = product_status(exception_product, held_on).open_house_open
        OpenHouseException.objects.get_or_create(
            triage=triage,
            product=exception_product,
            defaults={
                "approval": OpenHouseException.Approval.NOT_NEEDED
                if open_house
                else OpenHouseException.Approval.PENDING
            },
        )

    if plan.starts_trajectory:
        trajectory = trajectory_services.trajectory_start(
            triage=triage,
            clients=plan.trajectory_clients,
            coach=plan.trajectory_coach,
            intensity=plan.trajectory_intensity,
            user=user,
            role=plan.trajectory_role,
            product=plan.trajectory_product,
        )
        if plan.trajectory_begins_on is not None:
            # Safety first (seed 001 §3.2): with safety concerns the help starts at once.
            trajectory_services.trajectory_begin(
                trajectory_id=trajectory.pk,
                expected_version=trajectory.version,
                started_on=plan.trajectory_begins_on,
                user=user,
            )

    # An extension is the youth administration's decision: the triage asks, or advises.
    extension_steps_apply(
        steps=plan.extensions,
        triage=triage,
        reasons=reasons,
        outcome_labels={child.client.pk: child.get_outcome_display() for child in children},
        user=user,
    )

    request.status = plan.request_status
    request.close_reason = plan.close_reason
    intake_services.support_request_save(request, user)
    return triage


def _child_outcomes_write(triage: Triage, children, user) -> None:
    """Replace the triage's outcomes per child: a child's row is changed in place (its
    history shows the revision), rows of children no longer named are deleted (history
    keeps them)."""
    rows = {row.client_id: row for row in ChildOutcome.objects.filter(triage=triage)}
    for client_id, row in rows.items():
        if client_id not in {child.client.pk for child in children}:
            row._history_user = user
            row.delete()
    for child in children:
        row = rows.get(child.client.pk) or ChildOutcome(triage=triage, client=child.client)
        row.outcome = child.outcome
        row.intensity = child.intensity
        row.wij_role = child.wij_role
        row.other_route = child.other_route
        row.provider = child.provider
        row.provider_contacted_on = child.provider_contacted_on
        row.legacy = False
        row._history_user = user
        row.full_clean()
        row.save()


@transaction.atomic
def exception_decide(*, exception_id: int, user, approve: bool, reasons: str) -> OpenHouseException:
    """A municipality official weighs an Open House exception after the closing date."""
    exception = (
        OpenHouseException.objects.select_for_update().select_related("triage").get(pk=exception_id)
    )
    if exception.approval != OpenHouseException.Approval.PENDING:
        raise ValidationError(_("This exception does not wait for a decision."))
    if not reasons.strip():
        raise ValidationError({"reasons": _("Give the reasons for the decision.")})
    exception.approval = (
        OpenHouseException.Approval.APPROVED if approve else OpenHouseException.Approval.REFUSED
    )
    exception.decided_by = user
    exception.decided_on = timezone.localdate()
    exception.decision_reasons = reasons
    exception._history_user = user
    exception.full_clean()
    exception.save()
    request = SupportRequest.objects.select_for_update().get(pk=exception.triage.support_request_id)
    # A request whose help continues at WIJ closed as "continued as a trajectory" already.
    if approve and request.status != SupportRequest.Status.CLOSED:
        request.status = SupportRequest.Status.CLOSED
        request.close_reason = SupportRequest.CloseReason.TRIAGE_DONE
        intake_services.support_request_save(request, user)
    if not approve:
        _exception_refused_task(exception.triage, user)
    return exception


def _exception_refused_task(triage: Triage, user) -> None:
    """A refusal while the family's help goes on in a trajectory (the request closed, so it
    waits in no triage list): the coordinator gets a task to talk with the family about
    what now, due in 5 working days."""
    from indications.models import Task

    trajectory = Trajectory.objects.running().filter(triage=triage).first()
    if trajectory is None:
        return
    coordinator = trajectory.coaches.filter(coordinator=True, until_on__isnull=True).first()
    Task.objects.get_or_create(
        trajectory=trajectory,
        kind=Task.Kind.EXCEPTION_REFUSED,
        due_on=add_working_days(timezone.localdate(), CONTACT_WORKING_DAYS),
        defaults={
            "team_id": trajectory.team_id,
            "assigned_to_id": coordinator.coach_id if coordinator else None,
        },
    )


def beschikking_request(
    *,
    support_request: SupportRequest,
    requested_on,
    request_reason: str,
    addressee: str,
    address: str,
    user,
) -> Beschikking:
    beschikking = Beschikking(
        support_request=support_request,
        requested_on=requested_on,
        request_reason=request_reason,
        addressee=addressee,
        address=address,
    )
    beschikking._history_user = user
    beschikking.full_clean()
    beschikking.save()
    return beschikking


@transaction.atomic
def beschikking_issue(*, beschikking_id: int, decision: str, grounds: str, user) -> Beschikking:
    beschikking = Beschikking.objects.select_for_update().get(pk=beschikking_id)
    if beschikking.issued_on:
        raise ValidationError(_("This beschikking has been issued: it cannot change any more."))
    beschikking.decision = decision
    beschikking.grounds = grounds
    beschikking.issued_on = timezone.localdate()
    beschikking.issued_by = user
    beschikking._history_user = user
    beschikking.full_clean()
    beschikking.save()
    return beschikking


@transaction.atomic
def report_write(
    *, support_request: SupportRequest, held_on, text: str, user
) -> ConversationReport:
    # Written while the file is destroyed: the lock waits for the destruction, and then
    # there is no request to write on any more.
    if (
        not SupportRequest.objects.select_for_update()
        .filter(pk=support_request.pk, destroyed_on__isnull=True)
        .exists()
    ):
        raise ValidationError(_("This request no longer exists."))
    report = ConversationReport(
        support_request=support_request, held_on=held_on, text=text, author=user
    )
    report._history_user = user
    report.full_clean()
    report.save()
    return report


def report_mark_shown(*, report: ConversationReport, shown_on, user) -> ConversationReport:
    report.shown_to_family_on = shown_on
    report._history_user = user
    report.save(update_fields=["shown_to_family_on"])
    return report


def correction_request(
    *, report: ConversationReport, kind: str, family_text: str, requested_on, user
):
    correction = CorrectionRequest(
        report=report, kind=kind, family_text=family_text, requested_on=requested_on
    )
    correction._history_user = user
    correction.full_clean()
    correction.save()
    return correction


@transaction.atomic
def correction_answer(
    *, correction_id: int, accept: bool, answer_text: str, new_report_text: str, user
):
    """Answer a family's correction request. Accepted: the report gets its new text (the
    earlier version stays in history). Declined: the family's view is added to the report."""
    correction = (
        CorrectionRequest.objects.select_for_update().select_related("report").get(pk=correction_id)
    )
    if correction.answer != CorrectionRequest.Answer.PENDING:
        raise ValidationError(_("This request has already been answered."))
    if not answer_text.strip():
        raise ValidationError({"answer_text": _("Write the answer to the family.")})
    report = ConversationReport.objects.select_for_update().get(pk=correction.report_id)
    if accept:
        if not new_report_text.strip() or new_report_text.strip() == report.text.strip():
            raise ValidationError({"new_report_text": _("Give the corrected report text.")})
        report.text = new_report_text
    else:
        report.text += "\n\n" + _("View of the family (%(date)s): %(text)s") % {
            "date": correction.requested_on.strftime("%d-%m-%Y"),
            "text": correction.family_text,
        }
        limit = ConversationReport._meta.get_field("text").max_length
        if len(report.text) > limit:
            raise ValidationError(
                {
                    "new_report_text": _(
                        "The report with the family's view added is longer than %(max)s characters: accept the correction with a shortened report text instead."
                    )
                    % {"max": limit}
                }
            )
    report._history_user = user
    report.save(update_fields=["text"])
    correction.answer = (
        CorrectionRequest.Answer.ACCEPTED if accept else CorrectionRequest.Answer.DECLINED
    )
    correction.answer_text = answer_text
    correction.answered_by = user
    correction.answered_on = timezone.localdate()
    correction._history_user = user
    correction.full_clean()
    correction.save()
    return correction
