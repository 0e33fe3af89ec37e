"""Changes the reports make: the council report's making in the background, and the
nightly refresh of the summary tables."""

import datetime
import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from .council import council_filename, council_pdf
from .models import CouncilReport
from .periods import Period, parse_quarter, quarter_code
from .summaries import refresh_all

logger = logging.getLogger(__name__)

# A making still pending after this long died with its worker: the page says it failed and
# offers a new one.
STALE_AFTER = datetime.timedelta(minutes=30)


def council_report_is_stale(report: CouncilReport, *, now: datetime.datetime) -> bool:
    return report.status == CouncilReport.Status.PENDING and report.requested_at < now - STALE_AFTER


def council_report_request(*, quarter: Period, today: datetime.date, user) -> CouncilReport:
    """Ask for the quarter's PDF; a making already under way is not started twice."""
    from .tasks import council_report_make

    now = timezone.now()
    pending = (
        CouncilReport.objects.filter(
            quarter_start=quarter.start,
            status=CouncilReport.Status.PENDING,
            requested_at__gte=now - STALE_AFTER,
        )
        .order_by("-requested_at")
        .first()
    )
    if pending:
        return pending
    report = CouncilReport.objects.create(
        quarter_start=quarter.start, counted_on=today, requested_by=user, requested_at=now
    )
    transaction.on_commit(lambda: council_report_make.delay(report.pk))
    return report


def council_report_make(*, report_id: int) -> CouncilReport:
    """Render the PDF and store it (default_storage: a disk, or S3 in production); then
    the older makings of the quarter go, files and all. A failure is kept on the row (the
    page says so in Dutch) and logged; it does not raise, so a broken quarter is not
    retried for ever."""
    report = CouncilReport.objects.get(pk=report_id)
    if report.status != CouncilReport.Status.PENDING:
        return report  # delivered twice (acks_late): made already
    period = parse_quarter(quarter_code(report.quarter_start))
    try:
        pdf = council_pdf(period, report.counted_on)
        report.pdf.save(council_filename(period), ContentFile(pdf), save=False)
    except Exception as exc:
        logger.exception("council report %s failed", report.pk)
        report.status = CouncilReport.Status.FAILED
        report.error = f"{type(exc).__name__}: {exc}"[:2000]
    else:
        report.status = CouncilReport.Status.READY
    report.finished_at = timezone.now()
    report.save(update_fields=["pdf", "status", "error", "finished_at"])
    if report.status == CouncilReport.Status.READY:
        council_reports_clean(quarter_start=report.quarter_start, keep=report)
    return report


def council_reports_clean(*, quarter_start: datetime.date, keep: CouncilReport) -> int:
    """The quarter's older makings (ready, failed or died) go with their files: one PDF per
    quarter stays, the newest. A making still under way is left alone."""
    now = timezone.now()
    older = [
        report
        for report in CouncilReport.objects.filter(
            quarter_start=quarter_start, requested_at__lte=keep.requested_at
        ).exclude(pk=keep.pk)
        if report.status != CouncilReport.Status.PENDING or council_report_is_stale(report, now=now)
    ]
    for report in older:
        if report.pdf:
            report.pdf.storage.delete(report.pdf.name)
        report.delete()
    return len(older)


def refresh_summaries(*, today: datetime.date, everything: bool = False) -> dict[str, int]:
    """Recount the reports' summary tables up to yesterday (reporting/summaries.py):
    {summary: rows written}. Idempotent: a second run the same day writes the same rows."""
    return refresh_all(today=today, now=timezone.now(), everything=everything)
