"""Centres nearby with a shorter wait, on the ticket screen (issue 22).

When a field's wait here is long — a new ticket's estimated wait past the field's target —
the server names the province's centres nearby that serve the same field with fewer people
waiting (``province.nearby``: public figures only, as the central database has them). The
kiosk shows them beside the ticket just issued, under its QR code: the citizen has a number
here either way — nothing is blocked or asked — and reads, in the kiosk's language
(Vietnamese first), where else the wait is shorter, how many are waiting there, its address
and how far it is. Nothing is shown when the wait here is not long, when the server has no
fresh figures of the others ("không có dữ liệu"), or when no centre has a shorter wait.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from queue_server.protocol.client import NotConnected, RequestFailed

log = logging.getLogger(__name__)

TEXTS: dict[str, tuple[str, str]] = {
    "head": ("Ở đây đang chờ lâu. Nơi gần đây chờ ít hơn:", "The wait here is long. Nearby, the wait is shorter at:"),
    "waiting": ("{count} người đang chờ", "{count} waiting"),
    "distance": ("cách đây {km} km", "{km} km away"),
    "keep": ("Số của bạn ở đây vẫn giữ nguyên.", "Your number here stays valid."),
}


def note(reply: Mapping[str, Any], language: str) -> str:
    """The note for ``province.nearby``'s reply, in ``language`` ("vi" or "en"); "" for none."""
    centres = reply.get("centres") or []
    if not reply.get("long") or reply.get("province") != "ok" or not centres:
        return ""
    en = language == "en"

    def say(key: str, **params: object) -> str:
        return TEXTS[key][en].format(**params)

    lines = [say("head")]
    for centre in centres:
        parts = [say("waiting", count=centre["waiting"])]
        if centre.get("distance_km") is not None:
            km = f"{centre['distance_km']:.1f}"
            parts.append(say("distance", km=km if en else km.replace(".", ",")))
        lines.append(f"• {centre['name']}: {', '.join(parts)}")
        if centre.get("address"):
            lines.append(f"   {centre['address']}")
    lines.append(say("keep"))
    return "\n".join(lines)


async def suggest(app: Any, ticket: Mapping[str, Any]) -> None:
    """Ask the server about the ticket's field; show the note if this ticket is still on screen."""
    service = ticket.get("service")
    if not service or ticket.get("appointment"):  # a booked visit: it is this centre's slot
        return
    try:
        reply = await app.context.client.request("province.nearby", service=service)
    except (RequestFailed, NotConnected) as exc:  # (a server before issue 22 does not know the op)
        log.info("province.nearby: %s", exc)
        return
    screen = app.screen("ticket")
    if screen.ticket.get("id") != ticket.get("id"):
        return  # another ticket by now
    text = note(reply, app.texts.language.value)
    screen.ids.nearby.text = text
    if text:
        log.info("suggested %s for %s", ", ".join(c["site"] for c in reply["centres"]), service)
