"""Dossiers for the manager: the late-dossier alarms (``dossier.alarms``) and the on-time
figures per field and unit (``dossier.report``), as the one-stop statistics count them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from queue_server.config.settings import Role
from queue_server.core.dossiers.ontime import on_time_report
from queue_server.core.dossiers.standing import Progress, alarms
from queue_server.core.periods import Period
from queue_server.protocol.periods import PERIOD_FIELDS, asked_days
from queue_server.server.dossier_sync import read_dossiers
from queue_server.server.dossier_views import calendar_for
from queue_server.server.ops import operation
from queue_server.server.session import Session

if TYPE_CHECKING:
    from queue_server.server.hub import Hub

MAX_ALARMS_SHOWN = 200


@operation("dossier.alarms", (Role.MANAGER, Role.INTEGRATION), {})
async def dossier_alarms(hub: Hub, session: Session, args: dict[str, Any]) -> dict[str, Any]:
    today = hub.now().date()
    warn = hub.config.dossiers.warn_working_days
    found = alarms(read_dossiers(hub), today, calendar_for(hub), warn)
    status = hub.services.pull
    return {
        "today": today.isoformat(),
        "warn_working_days": warn,
        "counts": {p.value: sum(1 for _, s in found if s.progress is p) for p in (Progress.OVERDUE, Progress.DUE_SOON)},
        "alarms": [
            {**d.as_dict(today), "standing": s.as_dict()} for d, s in found[:MAX_ALARMS_SHOWN]
        ],
        "pull": status.as_dict() if status else None,
    }


@operation(
    "dossier.report",
    (Role.MANAGER, Role.INTEGRATION),
    PERIOD_FIELDS,
)
async def dossier_report(hub: Hub, session: Session, args: dict[str, Any]) -> dict[str, Any]:
    period, first, last = asked_days(args, hub.now().date(), default=Period.MONTH)
    rows, total = on_time_report(read_dossiers(hub, since=first), first, last, as_of=hub.now().date())
    return {
        "report": {
            "period": period.value,
            "from": first.isoformat(),
            "to": last.isoformat(),
            "as_of": min(last, hub.now().date()).isoformat(),
            "rows": [row.as_dict() for row in rows],
            "total": {k: v for k, v in total.as_dict().items() if k not in ("field", "unit")},
        }
    }
