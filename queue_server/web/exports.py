"""Reports as files, CSV or Excel .xlsx with the same table in both, written by the one writer
(:mod:`queue_server.web.sheets`).

    table = report_table(report, name_of, levels)
    data = to_csv(table)      # bytes
    data = to_xlsx(table)     # bytes
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Any

from queue_server.store.reports import Figures, Grouping, Report
from queue_server.web.sheets import Sheet, sheets_to_csv, sheets_to_xlsx

GROUP_HEADINGS = {
    Grouping.SERVICE: "Lĩnh vực (Field)",
    Grouping.COUNTER: "Quầy (Counter)",
    Grouping.OFFICER: "Cán bộ (Officer)",
    Grouping.DAY: "Ngày (Day)",
}
TOTAL = "Tổng cộng (Total)"
DOSSIER_HEADING = "Đánh giá gắn hồ sơ, % (Ratings with a dossier)"  # the site's own: not in the province's files


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
    headings = (GROUP_HEADINGS[report.by], *figure_headings(levels), DOSSIER_HEADING)
    body = [(name_of(row.key), *figure_values(row.figures, levels), row.dossiers.percent) for row in report.rows]
    body.append((TOTAL, *figure_values(report.total, levels), report.total_dossiers.percent))
    period = report.first.isoformat() if report.first == report.last else f"{report.first} – {report.last}"
    title = f"Báo cáo {period}" + (f" — {site_name}" if site_name else "")
    return Table(title, headings, tuple(body), report.arrivals_by_hour)


def figure_headings(levels: Sequence[tuple[int, str]]) -> tuple[str, ...]:
    """The headings of a report's figures, in the order of :func:`figure_values`."""
    return (
        "Số đã cấp (Issued)",
        "Nhận chuyển đến (Transferred in)",
        "Đã phục vụ (Served)",
        "Vắng mặt (No-shows)",
        "Đã hủy (Cancelled)",
        "Chuyển đi (Transferred away)",
        "Đang chờ (Waiting)",
        "Tại quầy (At a counter)",
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
        figures.transferred_in,
        figures.served,
        figures.no_show,
        figures.cancelled,
        figures.transferred,
        figures.waiting,
        figures.at_counter,
        figures.average_wait_minutes,
        figures.p90_wait_minutes,
        figures.average_service_minutes,
        *(figures.ratings.get(score, 0) for score, _ in levels),
        figures.rating_count,
        figures.satisfaction_index,
    )


def report_sheets(table: Table) -> tuple[Sheet, Sheet]:
    """The report and its arrivals per hour, as the sheets of :mod:`queue_server.web.sheets`."""
    report = Sheet("Báo cáo", table.title, table.headings, table.rows, total=True, width=36)
    hours = tuple((f"{hour:02d}:00", count) for hour, count in enumerate(table.hours))
    return report, Sheet("Theo giờ", None, ("Giờ (Hour)", "Lượt đến (Arrivals)"), hours, width=None)


def to_csv(table: Table) -> bytes:
    """The report's table, a blank line, the arrivals per hour (no title: the file's name has it)."""
    return sheets_to_csv(report_sheets(table), titles=False)


def to_xlsx(table: Table) -> bytes:
    """Two sheets: the report under its title, and the arrivals per hour."""
    return sheets_to_xlsx(report_sheets(table))
