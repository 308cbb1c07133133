"""``motcua-server book``: book the next free slot of a field (today's, or tomorrow's first
when today has none left), as a citizen's phone does.

It goes through the running server's own operations on a public connection — ``hello``,
``appointment.slots`` for the server's day, ``appointment.book`` for the first slot with a
free place — so the booking is exactly one a citizen could have made on ``/book``. The code
it gives can then be scanned at a kiosk (``motcua-hw sim-scanner --send CODE``) to check in.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import logging

from queue_server.protocol.client import QueueClient, RequestFailed

log = logging.getLogger(__name__)


class BookingFailed(Exception):
    """The booking could not be made; the message says why, for the person at the shell."""


@dataclasses.dataclass(frozen=True)
class Booked:
    code: str  # the code as the server keeps it (ABCD2345)
    code_display: str  # as people read it (ABCD-2345)
    service: str
    slot_start: dt.datetime
    url: str  # what the booking's QR code holds


async def book_next_slot(server_url: str, service: str, *, connect_timeout: float = 5.0) -> Booked:
    """Book ``service``'s first slot with a free place — today, else tomorrow — on the server at
    ``server_url``."""
    if not server_url.startswith(("ws://", "wss://")):
        raise BookingFailed(f"{server_url!r} is not a queue server's address (ws://HOST:PORT/)")
    client = QueueClient(server_url, backoff=(0.2, 0.5))
    running = asyncio.create_task(client.run())
    try:
        try:
            await client.wait_connected(connect_timeout)
        except TimeoutError:
            raise BookingFailed(f"no queue server answers at {server_url} (is the lobby running?)") from None
        assert client.hello is not None
        day = dt.date.fromisoformat(client.hello["snapshot"]["day"])
        try:
            slot, listed = None, 0
            for when in (day, day + dt.timedelta(days=1)):  # late in the evening: tomorrow's first slot
                slots = (await client.request("appointment.slots", service=service, day=when.isoformat()))["slots"]
                listed += len(slots)
                slot = next((s for s in slots if s["free"] > 0), None)
                if slot is not None:
                    break
            if slot is None and not listed:
                raise BookingFailed(f"{service} takes no bookings on {day} or the day after")
            if slot is None:
                raise BookingFailed(f"{service} has no free booking slot left on {day} or the day after")
            reply = await client.request("appointment.book", service=service, slot_start=slot["start"])
        except RequestFailed as exc:
            raise BookingFailed(f"the server refused: {exc.code}: {exc.message}") from None
    finally:
        await client.close()
        running.cancel()
        await asyncio.gather(running, return_exceptions=True)
    appointment = reply["appointment"]
    log.info("booked %s at %s", appointment["code"], appointment["slot_start"])
    return Booked(
        code=appointment["code"],
        code_display=appointment["code_display"],
        service=appointment["service"],
        slot_start=dt.datetime.fromisoformat(appointment["slot_start"]),
        url=reply["url"],
    )
