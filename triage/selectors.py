"""Queries of triage for the dashboards: corrections waiting for a worker's answer, and
Open House exceptions waiting for the municipality. Each is one query."""

from django.db.models import Q, QuerySet

from intake.models import SupportRequest

from .models import CorrectionRequest, OpenHouseException


def corrections_pending(requests: QuerySet[SupportRequest], user, *, limit: int = 20) -> list:
    """Families' correction requests not answered yet, on reports this worker wrote or of
    requests assigned to them, within `requests` (what they may see); oldest first."""
    return list(
        CorrectionRequest.objects.filter(
            Q(report__author=user) | Q(report__support_request__assigned_worker=user),
            answer=CorrectionRequest.Answer.PENDING,
            report__support_request__in=requests,
        )
        .select_related("report")
        .order_by("requested_on", "id")[:limit]
    )


def exceptions_pending(requests: QuerySet[SupportRequest], *, limit: int = 20) -> list:
    """Open House exceptions of these requests waiting for an official's decision (the
    team lead only follows them: the decision is the municipality's)."""
    return list(
        OpenHouseException.objects.filter(
            approval=OpenHouseException.Approval.PENDING, triage__support_request__in=requests
        )
        .select_related("product", "triage")
        .order_by("triage__held_on", "id")[:limit]
    )


def exceptions_pending_count() -> int:
    """Every exception waiting for the municipality (officials: no child in it)."""
    return (
        OpenHouseException.objects.filter(approval=OpenHouseException.Approval.PENDING)
        .exclude(triage__support_request__destroyed_on__isnull=False)
        .count()
    )
