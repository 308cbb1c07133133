"""Several tables in one file: CSV (UTF-8 with a byte-order mark, the tables one after the
other, a blank line between) or Excel .xlsx (openpyxl, one sheet a table).

    data = sheets_to_csv(sheets)    # bytes
    data = sheets_to_xlsx(sheets)   # bytes
"""

from __future__ import annotations

import csv
import dataclasses
import io
from collections.abc import Sequence
from typing import Any


@dataclasses.dataclass(frozen=True)
class Sheet:
    name: str  # the Excel sheet's name (≤ 31 characters)
    title: str
    headings: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]


def sheets_to_csv(sheets: Sequence[Sheet]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    for number, sheet in enumerate(sheets):
        if number:
            writer.writerow([])
        writer.writerow([sheet.title])
        writer.writerow(sheet.headings)
        for row in sheet.rows:
            writer.writerow(["" if value is None else value for value in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def sheets_to_xlsx(sheets: Sequence[Sheet]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    for sheet in sheets:
        page = book.create_sheet(sheet.name)
        page.append([sheet.title])
        page["A1"].font = Font(bold=True, size=14)
        page.append(list(sheet.headings))
        for cell in page[2]:
            cell.font = Font(bold=True)
        for row in sheet.rows:
            page.append(list(row))
        page.column_dimensions["A"].width = 32
        page.freeze_panes = "B3"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
