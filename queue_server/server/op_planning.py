"""Planning for the manager: a day's forecast arrivals and the counters each field needs per
half-hour (``planning.forecast``), arrivals and waits by weekday × hour over a period
(``planning.heatmap``), and both as CSV or Excel files (``planning.export``).

The history comes from the store (``store/history.py``); the figures from the pure
``queue_server/core/planning`` package. docs/web.md explains each figure.
"""

from __future__ import annotations

import base64
import datetime as dt
from typing import TYPE_CHECKING, Any

from queue_server.config.settings import Role
from queue_server.core.planning.forecast import DEFAULT_WEEKS, MAX_WEEKS, forecast, history_days, plannable
from queue_server.core.planning.heatmap import heat_map
from queue_server.core.planning.slots import busy_span, slot_label
from queue_server.core.planning.staffing import staffing
from queue_server.protocol.errors import ProtocolError, ProtocolErrorCode
from queue_server.protocol.messages import Field
from queue_server.protocol.periods import parse_day
from queue_server.server.ops import operation
from queue_server.server.report_names import FORMATS
from queue_server.server.session import Session
from queue_server.store.history import arrival_cells, booked_by_slot, service_minutes, walk_ins_by_slot
from queue_server.web.planning_exports import heat_map_sheets, staffing_sheets
from queue_server.web.sheets import sheets_to_csv, sheets_to_xlsx

if TYPE_CHECKING:
    from queue_server.server.hub import Hub

ROLES = (Role.MANAGER, Role.INTEGRATION)
HEAT_MAP_DAYS = 28  # the default period: the four weeks up to today
MAX_DAYS = 366
FORECAST_FIELDS = {
    "date": Field(str, required=False, max_length=10),
    "weeks": Field(int, required=False, minimum=1, maximum=MAX_WEEKS),
}
HEAT_MAP_FIELDS = {
    "from": Field(str, required=False, max_length=10),
    "to": Field(str, required=False, max_length=10),
}
TABLES = ("staffing", "heatmap")


@operation("planning.forecast", ROLES, FORECAST_FIELDS)
async def planning_forecast(hub: Hub, session: Session, args: dict[str, Any]) -> dict[str, Any]:
    return {"forecast": await _forecast_view(hub, args)}


@operation("planning.heatmap", ROLES, HEAT_MAP_FIELDS)
async def planning_heatmap(hub: Hub, session: Session, args: dict[str, Any]) -> dict[str, Any]:
    return {"heatmap": await _heat_map_view(hub, args)}


@operation(
    "planning.export",
    ROLES,
    {**FORECAST_FIELDS, **HEAT_MAP_FIELDS, "table": Field(str, choices=TABLES), "format": Field(str, choices=tuple(FORMATS))},
)
async def planning_export(hub: Hub, session: Session, args: dict[str, Any]) -> dict[str, Any]:
    site_name = hub.config.site.name
    if args["table"] == "staffing":
        for name in HEAT_MAP_FIELDS:
            _refuse_field(args, name, "a staffing table")
        view = await _forecast_view(hub, args)
        sheets, filename = staffing_sheets(view, site_name), f"ke-hoach-quay_{view['date']}"
    else:
        for name in FORECAST_FIELDS:
            _refuse_field(args, name, "a heat map")
        view = await _heat_map_view(hub, args)
        sheets, filename = heat_map_sheets(view, site_name), f"gio-cao-diem_{view['from']}_{view['to']}"
    data = sheets_to_csv(sheets) if args["format"] == "csv" else sheets_to_xlsx(sheets)
    return {
        "filename": f"{filename}.{args['format']}",
        "content_type": FORMATS[args["format"]],
        "data": base64.b64encode(data).decode("ascii"),
    }


async def _forecast_view(hub: Hub, args: dict[str, Any]) -> dict[str, Any]:
    site = hub.config.site
    day = _day(args, "date") or hub.now().date() + dt.timedelta(days=1)
    weeks = args["weeks"] or DEFAULT_WEEKS
    if not plannable(day, weeks):
        raise ProtocolError(
            ProtocolErrorCode.BAD_FIELD, f'The field "date" must leave {weeks} weeks of history within the calendar.', field="date"
        )
    await hub.settled()
    days = history_days(day, weeks)
    expected = forecast(
        day, [s.code for s in site.services], walk_ins_by_slot(hub.reader, days, site.tz), booked_by_slot(hub.reader, day, site.tz), weeks
    )
    minutes = service_minutes(hub.reader, days[-1], day - dt.timedelta(days=1))
    plan = staffing(expected, site.services, minutes, site.policy.default_service_minutes, site.policy.service_level_percent)
    span = busy_span(*(f.arrivals for f in expected.fields))
    fields = []
    for service, field, staff in zip(site.services, expected.fields, plan.fields, strict=True):
        fields.append(
            {
                "service": service.code,
                "name_vi": service.name_vi,
                "name_en": service.name_en,
                "target_wait_minutes": staff.target_wait_minutes,
                "service_minutes": staff.service_minutes,
                "measured": staff.measured,
                "total_arrivals": round(field.total, 2),
                "walk_in": [round(field.walk_in[s], 2) for s in span],
                "booked": [field.booked[s] for s in span],
                "arrivals": [round(field.arrivals[s], 2) for s in span],
                "counters": [staff.counters[s] for s in span],
            }
        )
    return {
        "date": day.isoformat(),
        "weeks": weeks,
        "days_used": [d.isoformat() for d in expected.days_used],
        "level_percent": plan.level_percent,
        "slots": [slot_label(s) for s in span],
        "fields": fields,
        "total": {
            "arrivals": [round(sum(f.arrivals[s] for f in expected.fields), 2) for s in span],
            "counters": [plan.total[s] for s in span],
        },
    }


async def _heat_map_view(hub: Hub, args: dict[str, Any]) -> dict[str, Any]:
    today = hub.now().date()
    last = _day(args, "to") or today
    first = _day(args, "from")
    if first is None:
        if last < dt.date.min + dt.timedelta(days=HEAT_MAP_DAYS):
            raise ProtocolError(ProtocolErrorCode.BAD_FIELD, f'"to" leaves no {HEAT_MAP_DAYS} days before it.', field="to")
        first = last - dt.timedelta(days=HEAT_MAP_DAYS - 1)
    if last < first:
        raise ProtocolError(ProtocolErrorCode.BAD_FIELD, '"to" is before "from".', field="to")
    if (last - first).days >= MAX_DAYS:
        raise ProtocolError(ProtocolErrorCode.BAD_FIELD, f"A heat map covers at most {MAX_DAYS} days.", field="to")
    await hub.settled()
    result = heat_map(arrival_cells(hub.reader, first, last, hub.config.site.tz), first, last)
    return {
        "from": first.isoformat(),
        "to": last.isoformat(),
        "days": list(result.days),
        "arrivals": [list(row) for row in result.arrivals],
        "arrivals_per_day": [list(row) for row in result.arrivals_per_day],
        "average_wait": [list(row) for row in result.average_wait],
    }


def _day(args: dict[str, Any], name: str) -> dt.date | None:
    if args.get(name) is None:
        return None
    return parse_day(args[name], name)


def _refuse_field(args: dict[str, Any], name: str, table: str) -> None:
    if args.get(name) is not None:
        raise ProtocolError(ProtocolErrorCode.BAD_FIELD, f'The field "{name}" does not apply to {table}.', field=name)
