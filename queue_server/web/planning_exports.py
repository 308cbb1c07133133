"""The planning tables (:class:`~queue_server.web.sheets.Sheet`), written as CSV or Excel by
:mod:`queue_server.web.sheets`.

    sheets = staffing_sheets(plan_view)             # or heat_map_sheets(heat_view)
    sheets_to_csv(sheets), sheets_to_xlsx(sheets)   # bytes

The views are the JSON-ready dicts the ``planning.*`` operations reply with, so a file holds
exactly what the dashboard shows.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from queue_server.web.sheets import Sheet

WEEKDAYS_VI = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")
FIELD = "Lĩnh vực (Field)"
TOTAL = "Tổng cộng (Total)"


def staffing_sheets(view: dict[str, Any], site_name: str = "") -> tuple[Sheet, ...]:
    """Two sheets: the counters needed, and the forecast arrivals, per field and half-hour."""
    slots = tuple(view["slots"])
    suffix = f" — {site_name}" if site_name else ""

    def sheet(name: str, title: str, key: str, total: str) -> Sheet:
        rows = [(f["name_vi"], *f[key], _sum(f[key])) for f in view["fields"]]
        rows.append((TOTAL, *view["total"][total], _sum(view["total"][total])))
        return Sheet(name, f"{title} {view['date']}{suffix}", (FIELD, *slots, "Cả ngày (Day)"), tuple(rows))

    counters = sheet("Số quầy cần", f"Số quầy cần để đạt {view['level_percent']} % (Counters needed)", "counters", "counters")
    arrivals = sheet("Dự báo lượt đến", "Dự báo lượt đến (Forecast arrivals)", "arrivals", "arrivals")
    details = Sheet(
        "Lĩnh vực",
        f"Thông số theo lĩnh vực {view['date']}{suffix}",
        (FIELD, "Phục vụ TB, phút (Avg service, min)", "Đo từ lịch sử (Measured)", "Chờ mục tiêu, phút (Target wait, min)",
         "Lượt đến dự báo (Forecast arrivals)", "Lịch hẹn đã đặt (Booked)"),
        tuple(
            (f["name_vi"], f["service_minutes"], "có" if f["measured"] else "không", f["target_wait_minutes"],
             f["total_arrivals"], sum(f["booked"]))
            for f in view["fields"]
        ),
    )  # fmt: skip
    return counters, arrivals, details


def heat_map_sheets(view: dict[str, Any], site_name: str = "") -> tuple[Sheet, ...]:
    """Three sheets, weekday × hour: arrivals, arrivals per day, average wait."""
    hours = tuple(f"{hour:02d}:00" for hour in range(24))
    period = f"{view['from']} – {view['to']}" + (f" — {site_name}" if site_name else "")

    def sheet(name: str, title: str, key: str) -> Sheet:
        rows = tuple(
            (f"{WEEKDAYS_VI[w]} ({view['days'][w]} ngày)", *view[key][w]) for w in range(7)
        )
        return Sheet(name, f"{title} {period}", ("Thứ (Weekday)", *hours), rows)

    return (
        sheet("Lượt đến", "Lượt đến theo thứ × giờ (Arrivals)", "arrivals"),
        sheet("Lượt đến mỗi ngày", "Lượt đến trung bình mỗi ngày (Arrivals per day)", "arrivals_per_day"),
        sheet("Chờ trung bình", "Phút chờ trung bình (Average wait, min)", "average_wait"),
    )


def _sum(values: Sequence[float]) -> float:
    return round(sum(values), 2)
