"""Reports as files for the officials' own spreadsheets: CSV (one table; semicolons and a
byte-order mark, as Dutch Excel expects) and XLSX (every table on its own sheet, numbers
as numbers, suppressed cells as "<5"). Every text cell goes through
`samen.spreadsheets.safe_cell`, so no name becomes a live formula."""

import csv
import datetime
import io
import re

from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from samen.spreadsheets import safe_cell, safe_row

from .periods import Period
from .tables import SUPPRESSED, Count, Median, Share, Table

# Excel allows 31 characters in a sheet name: every table has a short one of its own, whole
# words, unique within a report (tests/reporting/test_export_names.py checks the Dutch).
SHEET_NAME_LENGTH = 31
SHEET_NAMES = {
    "requests-by-referrer": _("Requests by referrer"),
    "requests-by-route": _("Requests by route"),
    "triage-outcomes": _("Triage outcomes"),
    "outcomes-by-referrer": _("Outcomes by referrer"),
    "basis-by-product": _("WIJ help by product"),
    "referral-shares": _("Referral shares"),
    "reindications": _("Re-indications"),
    "intensity-outcome": _("Intensity and outcome"),
    "too-light": _("Help too light"),
    "too-heavy": _("Help too heavy"),
    "forecast-total": _("Re-triages ahead"),
    "forecast-teams": _("Re-triages per team"),
    "contact": _("Contact in 5 working days"),
    "end-evaluations": _("End-evaluations"),
    "out-of-sight": _("Out of sight"),
    "running": _("Running per product"),
    "providers": _("Running per provider"),
    "flagged-ended": _("Flagged and ended"),
    "running-left": _("Still running, ZIN and PGB"),
    "extensions": _("Extensions"),
    "early-handovers": _("Ended early"),
    "early-handover-reasons": _("Reasons for ending early"),
    "after-trajectory": _("After the help at WIJ"),
    "basis-helped": _("Children and families helped"),
    "waiting-time": _("Waiting time"),
    "trajectory-duration": _("Duration of the help"),
    "scaling": _("Scaling up and down"),
    "end-results": _("End results"),
    "end-reasons": _("End reasons"),
    "satisfaction": _("Client satisfaction"),
    "combined-help": _("Combined help"),
    "ijw-requests": _("Requests and outcome"),
    "ijw-requests-by-referrer": _("Requests per referrer"),
    "ijw-referrer-outcomes": _("Referrer and outcome"),
    "ijw-product-outcomes": _("Product and outcome"),
    "ijw-answers": _("Answers in time"),
    "ijw-retours": _("Retours in time"),
}

# The first part of an export's file name, per report (Dutch, as the officials say it).
FILE_NAMES = {
    "instroom": "clientstromen",
    "basis-jeugdhulp": "basis-jeugdhulp",
    "matched-care": "matched-care",
    "prognose": "prognose",
    "termijnen": "termijnen",
    "transitie": "transitie",
    "verzoeken-om-toewijzing": "verzoeken-om-toewijzing",
}


def table_csv(table: Table) -> str:
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerows(safe_row(row) for row in table.as_lists())
    return out.getvalue()


def sheet_name(table: Table) -> str:
    """The table's short sheet name; its slug when it has none (never cut mid-word)."""
    name = re.sub(r"[\[\]:*?/\\']", "", str(SHEET_NAMES.get(table.slug, ""))).strip()
    return name if 0 < len(name) <= SHEET_NAME_LENGTH else table.slug[:SHEET_NAME_LENGTH]


def _sheet_title(table: Table, taken: set[str]) -> str:
    base, n = sheet_name(table), 2
    name = base
    while name in taken:  # only when a report shows one table twice
        suffix = f" {n}"
        name, n = f"{base[: SHEET_NAME_LENGTH - len(suffix)].rstrip()}{suffix}", n + 1
    taken.add(name)
    return name


def period_part(period: Period) -> str:
    """The period in a file name: 2026-K3, 2026-03, 2026, 2025-12-tot-2026-11, or dates."""
    start, end = period.start, period.end
    whole_months = start.day == 1 and (end + datetime.timedelta(days=1)).day == 1
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    if whole_months and months == 12 and start.month == 1:
        return f"{start.year}"
    if whole_months and months == 3 and start.month % 3 == 1:
        return f"{start.year}-K{(start.month - 1) // 3 + 1}"
    if whole_months and months == 1:
        return f"{start:%Y-%m}"
    if whole_months:
        return f"{start:%Y-%m}-tot-{end:%Y-%m}"
    return f"{start:%Y-%m-%d}-tot-{end:%Y-%m-%d}"


def export_filename(
    report_slug: str, *, period: Period | None, today: datetime.date, team, table=None, ext: str
) -> str:
    """clientstromen-2026-K3-wij-beijum.xlsx: the report, the table (CSV), the period (or
    the day of a forecast) and the team; Dutch, no person data."""
    parts = [FILE_NAMES.get(report_slug, report_slug)]
    if table is not None:
        parts.append(slugify(sheet_name(table)))
    parts.append(period_part(period) if period else f"vanaf-{today:%Y-%m-%d}")
    parts.append(slugify(team.name) if team else "alle-teams")
    return f"{'-'.join(p for p in parts if p)}.{ext}"


def _xlsx_value(cell):
    if isinstance(cell, Count):
        return SUPPRESSED if cell.hidden else cell.n
    if isinstance(cell, Share):
        return None if cell.value is None else cell.value / 100
    if isinstance(cell, Median):
        return cell.value
    return safe_cell(str(cell))


def tables_xlsx(title: str, subtitle: str, tables: list[Table]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    taken: set[str] = set()
    bold = Font(bold=True)
    for table in tables:
        sheet = book.create_sheet(_sheet_title(table, taken))
        sheet.append([safe_cell(str(table.title))])
        sheet["A1"].font = Font(bold=True, size=13)
        sheet.append([safe_cell(f"{title} · {subtitle}")])
        sheet.append([])
        sheet.append(safe_row([str(table.row_header), *map(str, table.columns)]))
        for cell in sheet[4]:
            cell.font = bold
        for row in table.rows:
            sheet.append([safe_cell(str(row.label)), *(_xlsx_value(cell) for cell in row.cells)])
            excel_row = sheet.max_row
            if row.total:
                for cell in sheet[excel_row]:
                    cell.font = bold
            for index, cell in enumerate(row.cells, start=2):
                if isinstance(cell, Share):
                    sheet.cell(excel_row, index).number_format = "0.0%"
        if table.note:
            sheet.append([])
            sheet.append([safe_cell(str(table.note))])
        sheet.column_dimensions["A"].width = 40
        for index in range(2, len(table.columns) + 2):
            sheet.column_dimensions[get_column_letter(index)].width = 16
        sheet.freeze_panes = "B5"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
