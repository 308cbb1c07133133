"""Reports as files: CSV (UTF-8 with a byte-order mark, so Excel shows Vietnamese right) and
Excel .xlsx (openpyxl), with the same table in both.

    table = report_table(report, name_of, levels)
    data = to_csv(table)      # bytes
    data = to_xlsx(table)     # bytes
"""

from __future__ import annotations

import csv
import dataclasses
import io
from collections.abc import Callable, Sequence
from typing import Any

from queue_server.store.reports import Figures, Grouping, Report

GROUP_HEADINGS = {
    Grouping.SERVICE: "Lĩnh vực (Field)",
    Grouping.COUNTER: "Quầy (Counter)",
    Grouping.OFFICER: "Cán bộ (Officer)",
    Grouping.DAY: "Ngày (Day)",
}
TOTAL = "Tổng cộng (Total)"


@dataclasses.dataclass(frozen=True)
class Table:
    title: str
    headings: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]  # the last row is the total
    hours: tuple[int, ...]  # arrivals per hour, 0–23


def report_table(
    report: Report, name_of: Callable[[Any], str], levels: Sequence[tuple[int, str]], site_name: str = ""
) -> Table:
    """``levels``: (score, Vietnamese name) of the rating scale, best first."""
    headings = (GROUP_HEADINGS[report.by], *figure_headings(levels))
    body = [(name_of(row.key), *figure_values(row.figures, levels)) for row in report.rows]
    body.append((TOTAL, *figure_values(report.total, levels)))
    period = report.first.isoformat() if report.first == report.last else f"{report.first} – {report.last}"
    title = f"Báo cáo {period}" + (f" — {site_name}" if site_name else "")
    return Table(title, headings, tuple(body), report.arrivals_by_hour)


def figure_headings(levels: Sequence[tuple[int, str]]) -> tuple[str, ...]:
    """The headings of a report's figures, in the order of :func:`figure_values`."""
    return (
        "Số đã cấp (Issued)",
        "Đã phục vụ (Served)",
        "Vắng mặt (No-shows)",
        "Đã hủy (Cancelled)",
        "Chuyển tiếp (Transferred)",
        "Chờ TB, phút (Avg wait, min)",
        "Chờ P90, phút (P90 wait, min)",
        "Phục vụ TB, phút (Avg service, min)",
        *(f"{name} ({score})" for score, name in levels),
        "Lượt đánh giá (Ratings)",
        "Chỉ số hài lòng 0–100 (Satisfaction index)",
    )


def figure_values(figures: Figures, levels: Sequence[tuple[int, str]]) -> tuple[Any, ...]:
    return (
        figures.issued,
        figures.served,
        figures.no_show,
        figures.cancelled,
        figures.transferred,
        figures.average_wait_minutes,
        figures.p90_wait_minutes,
        figures.average_service_minutes,
        *(figures.ratings.get(score, 0) for score, _ in levels),
        figures.rating_count,
        figures.satisfaction_index,
    )


def to_csv(table: Table) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(table.headings)
    for row in table.rows:
        writer.writerow(["" if value is None else value for value in row])
    writer.writerow([])
    writer.writerow(["Giờ (Hour)", "Lượt đến (Arrivals)"])
    for hour, count in enumerate(table.hours):
        writer.writerow([f"{hour:02d}:00", count])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(table: Table) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Báo cáo"
    sheet.append([table.title])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(list(table.headings))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in table.rows:
        sheet.append(list(row))
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width = 36
    sheet.freeze_panes = "B3"
    hours = book.create_sheet("Theo giờ")
    hours.append(["Giờ (Hour)", "Lượt đến (Arrivals)"])
    for hour, count in enumerate(table.hours):
        hours.append([f"{hour:02d}:00", count])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
