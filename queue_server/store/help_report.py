"""The help requests' figures of the manager's reports (docs/web.md "Help requests"): how many
citizens asked for help at the kiosks and phones, how many a volunteer answered, and how long
they waited for one — read from the event log (``help.requested``, ``help.taken``,
``help.closed``), by the request's day."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from typing import Any

import sqlite_utils

HELP_TYPES = ("help.requested", "help.taken", "help.closed")


@dataclasses.dataclass(frozen=True)
class HelpFigures:
    requested: int
    from_kiosks: int
    from_phones: int
    answered: int  # taken by a volunteer, or closed by one on the spot
    unanswered: int
    average_answer_seconds: float | None  # from the press to the volunteer's "Tôi đến"
    longest_answer_seconds: float | None
    by_volunteer: dict[str, int]  # requests each volunteer answered

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def help_events_query(first: dt.date, last: dt.date) -> tuple[str, list[str]]:
    """The help events of the days ``first``..``last``: a search of the index on the events'
    (type, at) (store/schema.py ``_v9``), never a scan of the whole log."""
    # the events' times are the site's local ISO times: a day's margin each side, then the
    # requests' own day decides (their answers come the same day: a new day drops the rest)
    low = (first - dt.timedelta(days=1)).isoformat()
    high = (last + dt.timedelta(days=2)).isoformat()
    marks = ", ".join("?" for _ in HELP_TYPES)
    sql = f"SELECT type, data FROM events WHERE type IN ({marks}) AND at >= ? AND at < ? ORDER BY seq"
    return sql, [*HELP_TYPES, low, high]


def help_figures(db: sqlite_utils.Database, first: dt.date, last: dt.date) -> HelpFigures:
    """The figures of the requests asked on the days ``first``..``last`` (the site's days)."""
    sql, params = help_events_query(first, last)
    rows = db.execute(sql, params).fetchall()
    asked: dict[int, str] = {}
    answered: dict[int, tuple[str, float]] = {}
    for kind, text in rows:
        data = json.loads(text)
        request = data["request"]
        if kind == "help.requested":
            if first.isoformat() <= data["day"] <= last.isoformat():
                asked[request] = data["kind"]
        elif request in asked and request not in answered:
            answered[request] = (data["volunteer"], float(data["waited_seconds"]))
    waits = [seconds for _, seconds in answered.values()]
    volunteers: dict[str, int] = {}
    for volunteer, _ in answered.values():
        volunteers[volunteer] = volunteers.get(volunteer, 0) + 1
    return HelpFigures(
        requested=len(asked),
        from_kiosks=sum(1 for kind in asked.values() if kind == "kiosk"),
        from_phones=sum(1 for kind in asked.values() if kind == "phone"),
        answered=len(answered),
        unanswered=len(asked) - len(answered),
        average_answer_seconds=round(sum(waits) / len(waits), 1) if waits else None,
        longest_answer_seconds=max(waits) if waits else None,
        by_volunteer=dict(sorted(volunteers.items())),
    )
