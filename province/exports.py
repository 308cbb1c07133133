"""The province's report as rows with names, and as CSV or XLSX (the sites' file format:
:mod:`queue_server.web.exports`, written by the one writer, :mod:`queue_server.web.sheets`, where
a name is never a formula), with a column naming each row's site."""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Any

from province.reports import By, ProvinceReport, Row
from queue_server.web.exports import TOTAL, Table, figure_headings, figure_values, to_csv, to_xlsx

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
HEADINGS = {
    By.SITE: "Đơn vị (Site)",
    By.SERVICE: "Lĩnh vực (Field)",
    By.COUNTER: "Quầy (Counter)",
    By.OFFICER: "Cán bộ (Officer)",
    By.DAY: "Ngày (Day)",
}
NOT_CALLED = "Chưa gọi (not called)"
LEVELS = ((4, "Rất hài lòng"), (3, "Hài lòng"), (2, "Bình thường"), (1, "Không hài lòng"))


class Namer:
    """Names from the sites' newest configuration snapshots."""

    def __init__(self, configs: Mapping[str, Mapping[str, Any]]) -> None:
        self.configs = configs

    def site(self, site: str | None) -> str:
        return str(self.configs.get(site or "", {}).get("name", site or ""))

    def row(self, by: By, row: Row) -> str:
        if by is By.SITE:
            return self.site(row.site)
        if by is By.DAY:
            return str(row.key)
        if row.key is None:
            return NOT_CALLED
        config = self.configs.get(row.site or "", {})
        if by is By.SERVICE:
            found = next((s["name_vi"] for s in config.get("services", []) if s["code"] == row.key), row.key)
        elif by is By.COUNTER:
            found = next((c["name"] for c in config.get("counters", []) if c["number"] == row.key), f"Quầy {row.key}")
        else:
            found = next((o["name"] for o in config.get("officers", []) if o["user"] == row.key), row.key)
        return str(found)

    def levels(self, sites: tuple[str, ...]) -> tuple[tuple[int, str], ...]:
        """The rating scale, best first: the sites' own when they share one; on several
        scales, every score of any of them ("Mức 5"), as a total's counts add up by score."""
        scales = {
            tuple((r["score"], r["name_vi"]) for r in self.configs[s].get("rating_scale", ()))
            for s in sites
            if s in self.configs
        }
        if len(scales) == 1 and (scale := next(iter(scales))):
            return tuple(sorted(scale, key=lambda level: -level[0]))
        if len(scales) > 1:
            return tuple((score, f"Mức {score}") for score in sorted({s for scale in scales for s, _ in scale}, reverse=True))
        return LEVELS


def table(report: ProvinceReport, names: Namer, province: str) -> Table:
    levels = names.levels(report.sites)
    with_site = report.by not in (By.SITE, By.DAY)
    headings = ((("Đơn vị (Site)",) if with_site else ()) + (HEADINGS[report.by],) + figure_headings(levels))
    body = [
        ((names.site(row.site),) if with_site else ()) + (names.row(report.by, row),) + figure_values(row.figures, levels)
        for row in report.rows
    ]
    body.append((("",) if with_site else ()) + (TOTAL,) + figure_values(report.total, levels))
    span = report.first.isoformat() if report.first == report.last else f"{report.first} – {report.last}"
    return Table(f"Báo cáo {span} — {province}", headings, tuple(body), report.arrivals_by_hour)


def export(report: ProvinceReport, names: Namer, province: str, fmt: str) -> dict[str, Any]:
    made = table(report, names, province)
    data = to_csv(made) if fmt == "csv" else to_xlsx(made)
    span = report.first.isoformat() if report.first == report.last else f"{report.first}_{report.last}"
    return {
        "filename": f"bao-cao-tinh_{span}_{report.by.value}.{fmt}",
        "content_type": FORMATS[fmt],
        "data": base64.b64encode(data).decode("ascii"),
    }
