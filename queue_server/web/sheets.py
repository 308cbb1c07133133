"""The one writer of tables as files: CSV (UTF-8 with a byte-order mark, so Excel shows
Vietnamese right; the tables one after the other, a blank line between) or Excel .xlsx
(openpyxl, one sheet a table). Every export — a site's reports, insight and planning, the
province's reports — is written here.

    data = sheets_to_csv(sheets)    # bytes
    data = sheets_to_xlsx(sheets)   # bytes

A text cell is never a formula. A spreadsheet reads a CSV cell beginning with ``= + - @``, a
tab or a carriage return as a formula (``=HYPERLINK(…)`` as a site's name), so such a text goes
into the CSV behind a ``'`` (OWASP's advice on CSV injection); in the .xlsx every text is a
string cell, never a formula (with Excel's quote-prefix mark where it begins so). Numbers stay
numbers: -5 is a number, "-5" is a text.
"""

from __future__ import annotations

import csv
import dataclasses
import io
from collections.abc import Iterable, Sequence
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclasses.dataclass(frozen=True)
class Sheet:
    name: str  # the Excel sheet's name (≤ 31 characters)
    title: str | None  # a first row in bold; None: the headings come first
    headings: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    total: bool = False  # the last row is a total, in bold
    width: float | None = 32  # of the first column, in Excel's characters


def csv_cell(value: Any) -> Any:
    """What goes into a CSV cell: "" for None, a text that a spreadsheet would take for a
    formula behind a ``'``, anything else as it is."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def sheets_to_csv(sheets: Sequence[Sheet], *, titles: bool = True) -> bytes:
    """``titles=False`` leaves the sheets' titles out (the site's report file has none)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)

    def row(values: Iterable[Any]) -> None:
        writer.writerow([csv_cell(value) for value in values])

    for number, sheet in enumerate(sheets):
        if number:
            writer.writerow([])
        if titles and sheet.title is not None:
            row([sheet.title])
        row(sheet.headings)
        for values in sheet.rows:
            row(values)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def sheets_to_xlsx(sheets: Sequence[Sheet]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    for sheet in sheets:
        page = book.create_sheet(sheet.name)
        if sheet.title is not None:
            _append(page, [sheet.title])
            page.cell(1, 1).font = Font(bold=True, size=14)
        _append(page, sheet.headings)
        heading_row = page.max_row
        if sheet.title is not None:
            for cell in page[heading_row]:
                cell.font = Font(bold=True)
        for values in sheet.rows:
            _append(page, values)
        if sheet.total and sheet.rows:
            for cell in page[page.max_row]:
                cell.font = Font(bold=True)
        if sheet.width is not None:
            page.column_dimensions["A"].width = sheet.width
        if sheet.title is not None:
            page.freeze_panes = f"B{heading_row + 1}"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _append(page: Any, values: Iterable[Any]) -> None:
    """A row of cells; every text a string cell (openpyxl would make one beginning with ``=``
    a formula), without the characters that XML 1.0 cannot hold (openpyxl refuses them)."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    page.append([ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value for value in values])
    for cell in page[page.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"
            if cell.value.startswith(FORMULA_STARTS):
                cell.quotePrefix = True
