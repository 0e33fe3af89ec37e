"""The privacy officer's retention page (`/privacy/bewaartermijn/`): the files the monthly
job put up for destruction because their retention passed, open ones first, by reference
(request number and team, never a name); and "Nu controleren", the review at once after a
look at what it will do. Each request is decided and carried out on its own page
(`rights:detail`, `rights:destruction_carry_out`)."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ImproperlyConfigured
from django.db.models import F
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from audit.services import log_read
from samen.decorators import role_required
from samen.models import JobRun
from samen.pagination import page_number
from samen.roles import PRIVACY

from . import retention, tasks
from .models import RetentionFrom, RightsRequest

PAGE_SIZE = 50


def _resolves(name: str) -> bool:
    """Whether another part's page exists (the request's page, the carry-out)."""
    try:
        reverse(name, args=[1])
    except NoReverseMatch:
        return False
    return True


def _settings_in_words() -> dict:
    start = settings.FILE_RETENTION_FROM
    return {
        "years": settings.FILE_RETENTION_YEARS,
        "from_label": RetentionFrom(start).label if start in RetentionFrom.values else start,
    }


@role_required(PRIVACY)
def retention_list(request):
    """Files past their retention, as the job put them up: open requests first (by
    deadline), then the decided and closed ones, newest first. No COUNT: one row more
    than a page tells whether there is a next one."""
    page = page_number(request.GET.get("page", "1"))
    offset = (page - 1) * PAGE_SIZE
    requests = (
        RightsRequest.objects.visible_to(request.user)
        .filter(origin=RightsRequest.Origin.RETENTION)
        .select_related("team")
        # closed_on is empty exactly while a request is open (a database check).
        .order_by(F("closed_on").desc(nulls_first=True), "deadline", "pk")
    )
    rows = list(requests[offset : offset + PAGE_SIZE + 1])
    shown = rows[:PAGE_SIZE]
    if shown:
        # Reference data of a child's file (number, team, dates), no name: logged all the same.
        log_read(request, "retention list", [row.client_id for row in shown])
    today = timezone.localdate()
    return render(
        request,
        "rights/retention_list.html",
        {
            "rows": shown,
            "today": today,
            "page_number": page,
            "has_next": len(rows) > PAGE_SIZE,
            "has_previous": page > 1,
            "last_run": JobRun.objects.filter(job="rights.retention_review").first(),
            "has_detail": _resolves("rights:detail"),
            "has_carry_out": _resolves("rights:destruction_carry_out"),
            **_settings_in_words(),
        },
    )


@role_required(PRIVACY)
@require_http_methods(["GET", "POST"])
def retention_review(request):
    """Nu controleren: GET shows what the review will do (the term, the cut-off date, how
    many files are past it now); POST with `confirmed=1` runs it at once, as the job does
    (recorded as a job run). Nothing is destroyed: it only makes requests to decide on."""
    today = timezone.localdate()
    try:
        years, _start = retention.retention_settings()
    except ImproperlyConfigured:
        messages.error(
            request,
            _(
                "The retention settings cannot be used (FILE_RETENTION_YEARS, "
                "FILE_RETENTION_FROM): ask the administrator. Nothing was checked."
            ),
        )
        return redirect("rights:retention")
    if request.method == "POST" and request.POST.get("confirmed") == "1":
        counts = tasks.retention_review(today.isoformat())
        made = counts["requests"]
        if made:
            messages.success(
                request,
                ngettext(
                    "%(count)d file past its retention was put up for a decision.",
                    "%(count)d files past their retention were put up for a decision.",
                    made,
                )
                % {"count": made},
            )
        else:
            messages.info(request, _("No new files past their retention."))
        return redirect("rights:retention")
    return render(
        request,
        "rights/retention_review.html",
        {
            "cutoff": retention.retention_cutoff(today, years),
            "count": retention.files_past_retention(today).count(),
            "today": today,
            **_settings_in_words(),
        },
    )
