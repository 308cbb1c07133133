"""The manager's quality reports and follow-ups: service level, visits and transactions,
officer time, no-show and recall rates, satisfaction per field, counter, officer, unit, hour
or day (``insight.get``, ``insight.export``); closing the follow-up of a "Không hài lòng"
rating with a note (``follow_up.close``)."""

from __future__ import annotations

import asyncio
import base64
import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from queue_server.config.settings import Role
from queue_server.core import commands
from queue_server.core.periods import Period
from queue_server.protocol.messages import Field
from queue_server.protocol.periods import asked_days
from queue_server.server.ops import operation
from queue_server.server.report_names import FORMATS, group_name
from queue_server.server.session import Session
from queue_server.store.insight import Insight, InsightGrouping, build_insight
from queue_server.web.insight_exports import Names, insight_tables
from queue_server.web.sheets import sheets_to_csv, sheets_to_xlsx

if TYPE_CHECKING:
    from queue_server.server.hub import Hub

FIELDS = {
    "period": Field(str, required=False, choices=tuple(p.value for p in Period)),
    "date": Field(str, required=False, max_length=10),
    "by": Field(str, required=False, choices=tuple(g.value for g in InsightGrouping)),
}
MAX_NOTE_FIELD = 2000  # the core says how long a note may be (text_too_long); this bounds the frame


@operation("insight.get", (Role.MANAGER, Role.INTEGRATION), FIELDS)
async def insight_get(hub: Hub, session: Session, args: dict[str, Any]) -> dict[str, Any]:
    insight = await _insight(hub, args)
    names = _names(hub, insight.by)
    policy = hub.config.site.policy
    return {
        "insight": {
            "period": args["period"] or Period.DAY.value,
            "from": insight.first.isoformat(),
            "to": insight.last.isoformat(),
            "by": insight.by.value,
            "aim_percent": policy.service_level_percent,
            "total": insight.total.as_dict(),
            "rows": [
                {"key": row.key, "name": names.group(row.key), "target_wait_minutes": _target(hub, insight.by, row.key),
                 **row.quality.as_dict()}
                for row in insight.rows
            ],
            "officer_time": [
                {**day.as_dict(), "name": names.officer(day.officer)} for day in insight.officer_days
            ],
            "pause_reasons": pause_reasons(hub),
            "scale": [
                {"score": level.score, "name_vi": level.name_vi, "name_en": level.name_en}
                for level in sorted(policy.rating_scale, key=lambda level: -level.score)
            ],
        }
    }


@operation("insight.export", (Role.MANAGER, Role.INTEGRATION), {**FIELDS, "format": Field(str, choices=tuple(FORMATS))})
async def insight_export(hub: Hub, session: Session, args: dict[str, Any]) -> dict[str, Any]:
    insight = await _insight(hub, args)
    sheets = insight_tables(insight, _names(hub, insight.by), hub.config.site.name)
    data = sheets_to_csv(sheets) if args["format"] == "csv" else sheets_to_xlsx(sheets)
    span = insight.first.isoformat() if insight.first == insight.last else f"{insight.first}_{insight.last}"
    return {
        "filename": f"chat-luong_{span}_{insight.by.value}.{args['format']}",
        "content_type": FORMATS[args["format"]],
        "data": base64.b64encode(data).decode("ascii"),
    }


@operation(
    "follow_up.close",
    (Role.MANAGER,),
    {"item": Field(int, minimum=1), "note": Field(str, max_length=MAX_NOTE_FIELD)},
)
async def follow_up_close(hub: Hub, session: Session, args: dict[str, Any]) -> dict[str, Any]:
    assert session.device is not None  # a manager is a configured device
    await hub.execute(commands.CloseFollowUp(now=hub.now(), item=args["item"], note=args["note"], by=session.device.id))
    return {"follow_up": hub.lobby.state.follow_ups[args["item"]].as_dict()}


def pause_reasons(hub: Hub) -> list[dict[str, str]]:
    return [
        {"code": r.code, "name_vi": r.name_vi, "name_en": r.name_en} for r in hub.config.site.policy.pause_reasons
    ]


async def _insight(hub: Hub, args: dict[str, Any]) -> Insight:
    _, first, last = asked_days(args, hub.now().date())
    by = InsightGrouping(args["by"] or InsightGrouping.SERVICE.value)
    await hub.settled()
    site = hub.config.site
    build = functools.partial(
        _build,
        hub.services.open_database,
        first,
        last,
        by,
        site.tz,
        targets={s.code: s.target_wait_minutes for s in site.services},
        units={s.code: site.unit_of(s) for s in site.services},
        scale=[level.score for level in site.policy.rating_scale],
        until=hub.now(),
    )
    # a month of a busy centre's log takes seconds to walk: not on the loop that calls numbers
    return await asyncio.get_running_loop().run_in_executor(None, build)


def _build(open_database: Callable[..., Any], *args: Any, **kwargs: Any) -> Insight:
    """In a worker thread, on a read-only connection of its own."""
    db = open_database(readonly=True)
    try:
        return build_insight(db, *args, **kwargs)
    finally:
        db.close()


def _target(hub: Hub, by: InsightGrouping, key: Any) -> int | None:
    if by is not InsightGrouping.SERVICE or key is None:
        return None
    service = hub.config.site.service(key)
    return service.target_wait_minutes if service else None


def _names(hub: Hub, by: InsightGrouping) -> Names:
    site = hub.config.site

    def officer(user: str) -> str:
        known = hub.config.officer(user)
        return known.name if known else user

    def group(key: Any) -> str:
        if by is InsightGrouping.HOUR and key is not None:
            return f"{key:02d}:00–{key:02d}:59"
        return group_name(hub, by.value, key)

    def target(key: Any) -> int | str:
        minutes = _target(hub, by, key)
        return "" if minutes is None else minutes

    return Names(
        group=group,
        officer=officer,
        reasons=[(r.code, r.name_vi) for r in site.policy.pause_reasons],
        levels=[(lv.score, lv.name_vi) for lv in sorted(site.policy.rating_scale, key=lambda lv: -lv.score)],
        targets=target,
    )

