from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from intake.models import user_team_ids
from samen.decorators import role_required
from samen.roles import OFFICIAL, TEAM_LEAD

from . import charts
from .council import council_filename, council_pdf
from .exports import export_filename, table_csv, tables_xlsx
from .forms import CouncilReportForm, ReportFilterForm
from .periods import default_period
from .selectors import REPORTS, Filters

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
            "sections": [(table, charts.render(table)) for table in tables],
            "query": query.urlencode(),
        },
    )


@role_required(*READERS)
def council(request):
    """The quarterly council report as a PDF download."""
    today = timezone.localdate()
    form = CouncilReportForm(request.GET or None, today=today)
    if not form.is_valid():
        return render(
            request,
            "reporting/index.html",
            {"reports": REPORTS.values(), "council_form": form},
            status=400 if request.GET else 200,
        )
    period = form.cleaned_data["quarter"]
    response = HttpResponse(council_pdf(period, today), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, council_filename(period))
    return response
