"""What a board is set up with: its site, its device and options, its server (frozen values).

A board started from its state folder (``motcua-display --state DIR``) has the server's view
of the site (``config_text``, docs/protocol.md "config") and takes each new one live; a board
the server refused before it sent any has no site yet (``config`` None) and shows ``refusal``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from queue_server.config.board_options import BoardOptions
from queue_server.config.settings import Device, SiteConfig


@dataclasses.dataclass(frozen=True)
class BoardSetup:
    config: SiteConfig | None  # None: refused by the server before any configuration came
    device: Device | None
    options: BoardOptions
    server_url: str
    var: Path  # where the voice pack is made and the calls' WAVs are written
    tz: dt.tzinfo
    token: str = dataclasses.field(default="", repr=False)  # the board's own (its state folder's or the file's)
    config_text: str | None = None  # the server's view it came from; None: a site file on this machine
    refusal: str = ""  # the server's words when it refused the board at start

    @property
    def from_server(self) -> bool:
        """Its configuration comes from the server (and each new one is applied live)."""
        return self.config_text is not None or self.config is None

    @property
    def shown_services(self) -> frozenset[str] | None:
        return frozenset(self.device.services) or None if self.device is not None else None

    @property
    def shown_counters(self) -> frozenset[int] | None:
        return frozenset(self.device.counters) or None if self.device is not None else None
