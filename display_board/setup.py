"""What a board is set up with: its site, its device and options, its server (frozen values)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from queue_server.config.board_options import BoardOptions
from queue_server.config.settings import Device, SiteConfig


@dataclasses.dataclass(frozen=True)
class BoardSetup:
    config: SiteConfig
    device: Device
    options: BoardOptions
    server_url: str
    var: Path  # where the voice pack is made and the calls' WAVs are written
    tz: dt.tzinfo
