"""Reports for the manager: a day's, week's or month's figures per field, counter, officer or
day (``report.get``), and the same as a CSV or Excel file (``report.export``)."""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING, Any

from queue_server.config.settings import Role
from queue_server.core.periods import Period
from queue_server.protocol.messages import Field
from queue_server.protocol.periods import PERIOD_FIELDS, asked_days
from queue_server.server.ops import operation
from queue_server.server.report_names import FORMATS, group_name
from queue_server.server.session import Session
from queue_server.store.help_report import help_figures
from queue_server.store.reports import Grouping, Report, build_report
from queue_server.web.exports import report_table, to_csv, to_xlsx

if TYPE_CHECKING:
    from queue_server.server.hub import Hub

FIELDS = {
    **PERIOD_FIELDS,
    "by": Field(str, required=False, choices=tuple(g.value for g in Grouping)),
}


@operation("report.get", (Role.MANAGER, Role.INTEGRATION), FIELDS)
async def report_get(hub: Hub, session: Session, args: dict[str, Any]) -> dict[str, Any]:
    report = await _report(hub, args)
    name_of = _namer(hub, report.by)
    return {
        "report": {
            "period": args["period"] or Period.DAY.value,
            "from": report.first.isoformat(),
            "to": report.last.isoformat(),
            "by": report.by.value,
            "total": {**report.total.as_dict(), **report.total_dossiers.as_dict()},
            "rows": [
                {"key": row.key, "name": name_of(row.key), **row.figures.as_dict(), **row.dossiers.as_dict()}
                for row in report.rows
            ],
            "arrivals_by_hour": list(report.arrivals_by_hour),
            "help": help_figures(hub.reader, report.first, report.last).as_dict(),
            "scale": [
                {"score": level.score, "name_vi": level.name_vi, "name_en": level.name_en}
                for level in sorted(hub.config.site.policy.rating_scale, key=lambda level: -level.score)
            ],
        }
    }


@operation(
    "report.export",
    (Role.MANAGER, Role.INTEGRATION),
    {**FIELDS, "format": Field(str, choices=tuple(FORMATS))},
)
async def report_export(hub: Hub, session: Session, args: dict[str, Any]) -> dict[str, Any]:
    report = await _report(hub, args)
    levels = [(lv.score, lv.name_vi) for lv in sorted(hub.config.site.policy.rating_scale, key=lambda lv: -lv.score)]
    table = report_table(report, _namer(hub, report.by), levels, hub.config.site.name)
    data = to_csv(table) if args["format"] == "csv" else to_xlsx(table)
    span = report.first.isoformat() if report.first == report.last else f"{report.first}_{report.last}"
    return {
        "filename": f"bao-cao_{span}_{report.by.value}.{args['format']}",
        "content_type": FORMATS[args["format"]],
        "data": base64.b64encode(data).decode("ascii"),
    }


async def _report(hub: Hub, args: dict[str, Any]) -> Report:
    _, first, last = asked_days(args, hub.now().date())
    by = Grouping(args["by"] or Grouping.SERVICE.value)
    await hub.settled()
    scale = [level.score for level in hub.config.site.policy.rating_scale]
    return build_report(hub.reader, first, last, by, hub.config.site.tz, scale)


def _namer(hub: Hub, by: Grouping):
    return lambda key: group_name(hub, by.value, key)
