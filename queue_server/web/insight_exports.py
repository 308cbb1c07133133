"""The insight reports as tables (:class:`~queue_server.web.sheets.Sheet`), written as CSV or
Excel by :mod:`queue_server.web.sheets`.

    tables = insight_tables(insight, names)
    data = sheets_to_csv(tables)   # bytes: the tables one after the other, a blank line between
    data = sheets_to_xlsx(tables)  # bytes
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Any

from queue_server.store.insight import Insight, InsightGrouping, Quality
from queue_server.store.officer_time import NO_REASON, OfficerDay
from queue_server.web.sheets import Sheet

GROUP_HEADINGS = {
    InsightGrouping.SERVICE: "Lĩnh vực (Field)",
    InsightGrouping.COUNTER: "Quầy (Counter)",
    InsightGrouping.OFFICER: "Cán bộ (Officer)",
    InsightGrouping.UNIT: "Đơn vị (Unit)",
    InsightGrouping.HOUR: "Giờ đến (Arrival hour)",
    InsightGrouping.DAY: "Ngày (Day)",
}
TOTAL = "Tổng cộng (Total)"


@dataclasses.dataclass(frozen=True)
class Names:
    """How keys read in the files: a group's key, an officer's user, a pause reason's code."""

    group: Callable[[Any], str]
    officer: Callable[[str], str]
    reasons: Sequence[tuple[str, str]]  # (code, Vietnamese name) of the configured reasons, in order
    levels: Sequence[tuple[int, str]]  # (score, Vietnamese name) of the rating scale, best first
    targets: Callable[[Any], int | str]  # the target wait shown next to a row ("" where none applies)


def insight_tables(insight: Insight, names: Names, site_name: str = "") -> tuple[Sheet, ...]:
    period = insight.first.isoformat() if insight.first == insight.last else f"{insight.first} – {insight.last}"
    suffix = f" — {site_name}" if site_name else ""
    quality_headings = (
        GROUP_HEADINGS[insight.by],
        "Mục tiêu chờ, phút (Target wait, min)",
        "Lượt công dân (Visits)",
        "Quay lại bổ sung (Return visits)",
        "Giao dịch (Transactions)",
        "Đã gọi (Called)",
        "Gọi trong mục tiêu (Within target)",
        "Mức phục vụ % (Service level %)",
        "Kết thúc tại quầy (Outcomes)",
        "Vắng mặt (No-shows)",
        "Tỷ lệ vắng % (No-show rate %)",
        "Gọi lại (Recalled)",
        "Tỷ lệ gọi lại % (Recall rate %)",
        *(f"{name} ({score})" for score, name in names.levels),
        "Lượt đánh giá (Ratings)",
        "Chỉ số hài lòng 0–100 (Satisfaction index)",
    )
    body = [(names.group(row.key), names.targets(row.key), *_quality(row.quality, names)) for row in insight.rows]
    body.append((TOTAL, "", *_quality(insight.total, names)))
    quality = Sheet("Chất lượng", f"Mức phục vụ và hài lòng {period}{suffix}", quality_headings, tuple(body))
    reason_codes = [code for code, _ in names.reasons]
    extra = sorted({r for d in insight.officer_days for r in d.paused_minutes if r not in reason_codes})
    reason_columns = [*reason_codes, *extra]
    reason_names = dict(names.reasons)
    time_headings = (
        "Cán bộ (Officer)",
        "Ngày (Day)",
        "Phục vụ, phút (Serving, min)",
        "Rảnh, phút (Idle, min)",
        "Tạm dừng, phút (Paused, min)",
        *(f"Tạm dừng: {_reason_name(code, reason_names)}" for code in reason_columns),
        "Kết thúc tại quầy (Outcomes)",
        "Vắng mặt (No-shows)",
        "Tỷ lệ vắng % (No-show rate %)",
        "Gọi lại (Recalled)",
        "Tỷ lệ gọi lại % (Recall rate %)",
    )
    time_rows = tuple(_officer_day(day, names, reason_columns) for day in insight.officer_days)
    officer_time = Sheet("Thời gian cán bộ", f"Thời gian làm việc của cán bộ {period}{suffix}", time_headings, time_rows)
    return quality, officer_time


def _reason_name(code: str, reason_names: dict[str, str]) -> str:
    if code == NO_REASON:
        return "không nêu lý do (none given)"
    return reason_names.get(code, code)


def _quality(q: Quality, names: Names) -> tuple[Any, ...]:
    return (
        q.visits,
        q.return_visits,
        q.transactions,
        q.called,
        q.within_target,
        q.service_level_percent,
        q.outcomes,
        q.no_show,
        q.no_show_rate,
        q.recalled,
        q.recall_rate,
        *(q.ratings.get(score, 0) for score, _ in names.levels),
        q.rating_count,
        q.satisfaction_index,
    )


def _officer_day(day: OfficerDay, names: Names, reasons: Sequence[str]) -> tuple[Any, ...]:
    return (
        names.officer(day.officer),
        day.day.isoformat(),
        day.serving_minutes,
        day.idle_minutes,
        day.paused_total_minutes,
        *(day.paused_minutes.get(code, 0) for code in reasons),
        day.outcomes,
        day.no_show,
        day.no_show_rate,
        day.recalled,
        day.recall_rate,
    )
