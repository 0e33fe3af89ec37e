"""Reports as files for the officials' own spreadsheets: CSV (one table; semicolons and a
byte-order mark, as Dutch Excel expects) and XLSX (every table on its own sheet, numbers
as numbers, suppressed cells as "<5"). Every text cell goes through
`samen.spreadsheets.safe_cell`, so no name becomes a live formula."""

import csv
import io
import re

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from samen.spreadsheets import safe_cell, safe_row

from .tables import SUPPRESSED, Count, Median, Share, Table


def table_csv(table: Table) -> str:
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerows(safe_row(row) for row in table.as_lists())
    return out.getvalue()


def _sheet_title(title: str, taken: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\']", "", title)[:28].strip() or "Tabel"
    name, n = base, 2
    while name in taken:
        name, n = f"{base[:26]} {n}", n + 1
    taken.add(name)
    return name


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
        sheet = book.create_sheet(_sheet_title(table.title, taken))
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
