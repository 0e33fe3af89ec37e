"""Triage steps that change state. The rules of each outcome live here."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from intake import services as intake_services
from intake.models import SupportRequest
from referrals.phasing import product_status

from .models import Beschikking, ConversationReport, CorrectionRequest, OpenHouseException, Triage

Outcome = Triage.Outcome
NEEDS_PROVIDER = {
    Outcome.SPECIALIST,
    Outcome.OPEN_HOUSE_EXCEPTION,
    Outcome.REINDICATION_EXTEND,
    Outcome.REINDICATION_SPECIALIST,
}


def outcome_errors(
    *,
    outcome,
    held_on,
    products,
    intensity,
    other_route,
    provider_name,
    provider_contacted_on,
    reasons,
    exception_product,
) -> dict:
    """Every rule of the outcomes, as {field: message}; empty when all is well."""
    errors = {}
    if outcome in (Outcome.BASIS_WIJ, Outcome.REINDICATION_WIJ):
        if not products:
            errors["products"] = _("Choose the product(s) whose help this fits.")
        for product in products:
            status = product_status(product, held_on)
            if not status.in_basis_jeugdhulp:
                errors["products"] = status.basis_message
        if not intensity:
            errors["intensity"] = _("Choose the intensity (for the matched-care indicator).")
    if outcome == Outcome.OTHER_ROUTE and not other_route:
        errors["other_route"] = _("Say which route the family takes.")
    if outcome in NEEDS_PROVIDER:
        if not provider_name.strip():
            errors["provider_name"] = _("Name the provider.")
        if not reasons.strip():
            errors["reasons"] = _("Give the reasons.")
    if (
        outcome in (Outcome.SPECIALIST, Outcome.REINDICATION_SPECIALIST)
        and not provider_contacted_on
    ):
        errors["provider_contacted_on"] = _("WIJ contacts the provider at once: record when.")
    if outcome == Outcome.OPEN_HOUSE_EXCEPTION and exception_product is None:
        errors["exception_product"] = _("Choose the Open House product.")
    return errors


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
    outcome: str,
    products=(),
    intensity: str = "",
    other_route: str = "",
    provider_name: str = "",
    provider_contacted_on=None,
    reasons: str = "",
    exception_product=None,
) -> Triage:
    """Record (or revise) the triage of a request and move the request on.

    A Basis jeugdhulp product must be in Basis jeugdhulp on the triage date; an Open House
    exception after the product's closing date waits for a municipality official."""
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": _("The triage date cannot be in the future.")})
    errors = outcome_errors(
        outcome=outcome,
        held_on=held_on,
        products=list(products),
        intensity=intensity,
        other_route=other_route,
        provider_name=provider_name,
        provider_contacted_on=provider_contacted_on,
        reasons=reasons,
        exception_product=exception_product,
    )
    if errors:
        raise ValidationError(errors)

    request = intake_services.support_request_lock(support_request_id, expected_version)
    if request.status == SupportRequest.Status.CLOSED and not hasattr(request, "triage"):
        raise ValidationError(_("This request is closed."))
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
        "outcome": outcome,
        "intensity": intensity if outcome in (Outcome.BASIS_WIJ, Outcome.REINDICATION_WIJ) else "",
        "other_route": other_route if outcome == Outcome.OTHER_ROUTE else "",
        "provider_name": provider_name if outcome in NEEDS_PROVIDER else "",
        "provider_contacted_on": provider_contacted_on if outcome in NEEDS_PROVIDER else None,
        "reasons": reasons,
    }
    for field, value in fields.items():
        setattr(triage, field, value)
    triage._history_user = user
    triage.full_clean(exclude=["support_request"])
    triage.save()
    triage.workers.set(workers)
    triage.products.set(
        products if outcome in (Outcome.BASIS_WIJ, Outcome.REINDICATION_WIJ) else []
    )

    waiting = False
    OpenHouseException.objects.filter(triage=triage).exclude(
        product=exception_product if outcome == Outcome.OPEN_HOUSE_EXCEPTION else None
    ).delete()
    if outcome == Outcome.OPEN_HOUSE_EXCEPTION:
        open_house = product_status(exception_product, held_on).open_house_open
        exception, _created = OpenHouseException.objects.get_or_create(
            triage=triage,
            product=exception_product,
            defaults={
                "approval": OpenHouseException.Approval.NOT_NEEDED
                if open_house
                else OpenHouseException.Approval.PENDING
            },
        )
        waiting = exception.approval in (
            OpenHouseException.Approval.PENDING,
            OpenHouseException.Approval.REFUSED,
        )

    if waiting:
        request.status = SupportRequest.Status.IN_TRIAGE
        request.close_reason = ""
    else:
        request.status = SupportRequest.Status.CLOSED
        request.close_reason = SupportRequest.CloseReason.TRIAGE_DONE
    intake_services.support_request_save(request, user)
    return triage


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
    if approve:
        request = SupportRequest.objects.select_for_update().get(
            pk=exception.triage.support_request_id
        )
        request.status = SupportRequest.Status.CLOSED
        request.close_reason = SupportRequest.CloseReason.TRIAGE_DONE
        intake_services.support_request_save(request, user)
    return exception


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


def report_write(
    *, support_request: SupportRequest, held_on, text: str, user
) -> ConversationReport:
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
