from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from intake.models import user_team_ids
from samen.decorators import role_required
from samen.roles import OFFICIAL, TEAM_LEAD

from . import charts
from .council import council_filename
from .exports import export_filename, table_csv, tables_xlsx
from .forms import CouncilReportForm, ReportFilterForm
from .models import CouncilReport
from .periods import QUARTER, Bucket, Period, default_period
from .selectors import REPORTS, Filters
from .services import council_report_is_stale, council_report_request

READERS = (OFFICIAL, TEAM_LEAD)


@role_required(*READERS)
def index(request):
    return render(
        request,
        "reporting/index.html",
        {
            "reports": REPORTS.values(),
            "council_form": CouncilReportForm(today=timezone.localdate()),
        },
    )


def _filters(request) -> tuple[ReportFilterForm, Filters]:
    """The filters from the query string; a team lead starts with their own team."""
    today = timezone.localdate()
    data = request.GET.copy()
    team_ids = user_team_ids(request.user)
    if "team" not in data and team_ids:
        data["team"] = str(team_ids[0])
    form = ReportFilterForm(data, today=today)
    if form.is_valid():
        return form, Filters(form.cleaned_data["period"], form.cleaned_data["team"], today)
    return form, Filters(default_period(today), None, today)


def _export_name(definition, filters: Filters, *, ext: str, table=None) -> str:
    return export_filename(
        definition.slug,
        period=filters.period if definition.uses_period else None,
        today=filters.today,
        team=filters.team,
        table=table,
        ext=ext,
    )


@role_required(*READERS)
def report(request, slug):
    definition = REPORTS.get(slug)
    if definition is None:
        raise Http404
    form, filters = _filters(request)
    if form.errors:
        messages.warning(
            request, _("The filter could not be used; showing the last twelve months.")
        )
    tables = definition.build(filters)
    subtitle = filters.period.label if definition.uses_period else _("next 12 months")
    if filters.team:
        subtitle = f"{subtitle} · {filters.team.name}"
    export = request.GET.get("export")
    if export == "xlsx":
        response = HttpResponse(
            tables_xlsx(str(definition.title), subtitle, tables),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = content_disposition_header(
            True, _export_name(definition, filters, ext="xlsx")
        )
        return response
    if export == "csv":
        table = next((t for t in tables if t.slug == request.GET.get("table")), None)
        if table is None:
            raise Http404
        response = HttpResponse(table_csv(table), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = content_disposition_header(
            True, _export_name(definition, filters, table=table, ext="csv")
        )
        return response
    query = request.GET.copy()
    query.pop("export", None)
    query.pop("table", None)
    return render(
        request,
        "reporting/report.html",
        {
            "report": definition,
            "form": form,
            "subtitle": subtitle,
            "sections": [(table.for_page(), charts.render(table.for_page())) for table in tables],
            "query": query.urlencode(),
        },
    )


def _council_page(request, form, *, status=200):
    """The council report's page: the quarter to make, and the latest making of each
    quarter (being made, failed, or ready to download). Polled by htmx while one is made."""
    now = timezone.now()
    latest = {}
    for made in CouncilReport.objects.order_by("quarter_start", "-requested_at").distinct(
        "quarter_start"
    ):
        made.stale = council_report_is_stale(made, now=now)
        made.label = Bucket(made.quarter_start, made.quarter_start, QUARTER).label
        latest[made.quarter_start] = made
    reports = sorted(latest.values(), key=lambda r: r.quarter_start, reverse=True)
    context = {
        "council_form": form,
        "council_reports": reports,
        "polling": any(r.status == CouncilReport.Status.PENDING and not r.stale for r in reports),
    }
    if request.headers.get("HX-Request"):
        return render(request, "reporting/partials/council_reports.html", context)
    return render(request, "reporting/council_page.html", context, status=status)


@role_required(*READERS)
def council(request):
    """The quarterly council report: "Maak de rapportage" (POST) asks a Celery task to
    make the PDF; the page shows it being made and then its download."""
    today = timezone.localdate()
    if request.method == "POST":
        form = CouncilReportForm(request.POST, today=today)
        if not form.is_valid():
            return _council_page(request, form, status=400)
        council_report_request(quarter=form.cleaned_data["quarter"], today=today, user=request.user)
        messages.success(
            request, _("The council report is being made; it appears here when it is ready.")
        )
        return redirect("reporting:council")
    form = CouncilReportForm(request.GET or None, today=today)
    if request.GET and not form.is_valid():
        return _council_page(request, form, status=400)
    return _council_page(request, form)


@role_required(*READERS)
def council_download(request, pk):
    """A council PDF made earlier, from the file storage."""
    report = get_object_or_404(CouncilReport, pk=pk, status=CouncilReport.Status.READY)
    period = Period(report.quarter_start, report.quarter_start)
    return FileResponse(
        report.pdf.open("rb"),
        as_attachment=True,
        filename=council_filename(period),
        content_type="application/pdf",
    )
