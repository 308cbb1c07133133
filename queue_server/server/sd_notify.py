"""Tell systemd how the server is doing (sd_notify(3)): ``READY=1`` once it listens,
``WATCHDOG=1`` while its event loop turns, ``STOPPING=1`` when it stops.

A plain datagram to the unix socket named by ``$NOTIFY_SOCKET`` (a leading ``@`` names an
abstract socket); with no such variable, as outside a ``Type=notify`` unit, nothing is sent.
The unit (``motcua-install server``) sets ``WatchdogSec``; systemd then gives ``$WATCHDOG_USEC``
and restarts a server whose loop stops sending."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections.abc import Mapping

log = logging.getLogger(__name__)


class Notifier:
    """The socket of ``$NOTIFY_SOCKET`` (none: every call does nothing)."""

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        env = os.environ if environ is None else environ
        address = env.get("NOTIFY_SOCKET", "")
        self.address = "\0" + address[1:] if address.startswith("@") else address
        usec = env.get("WATCHDOG_USEC", "")
        pid = env.get("WATCHDOG_PID", "")
        mine = not pid or pid == str(os.getpid())
        self.watchdog_seconds = int(usec) / 1_000_000 if usec.isdigit() and int(usec) > 0 and mine else None

    def send(self, state: str) -> bool:
        """Send ``state`` (e.g. ``READY=1``); False when there is nowhere to send it or it failed."""
        if not self.address:
            return False
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
                sock.sendto(state.encode(), self.address)
        except OSError as exc:
            log.warning("sd_notify %s to %s failed: %s", state, self.address.lstrip("\0"), exc)
            return False
        return True

    async def keep_alive(self) -> None:
        """Send ``WATCHDOG=1`` at half the watchdog's interval until cancelled (nothing without one)."""
        if self.watchdog_seconds is None:
            return
        while True:
            self.send("WATCHDOG=1")
            await asyncio.sleep(self.watchdog_seconds / 2)
