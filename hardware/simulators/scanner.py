"""A simulated serial barcode scanner: ``scan(code)`` sends the code as a scanner would."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from hardware.scanner.lines import Terminator
from hardware.simulators.device import SimulatedSerialDevice
from hardware.simulators.paths import SimPaths

__all__ = ["SimulatedScanner", "terminator_bytes"]

logger = logging.getLogger(__name__)


def terminator_bytes(terminator: Terminator) -> bytes:
    return {Terminator.CR: b"\r", Terminator.LF: b"\n"}.get(terminator, b"\r\n")


class SimulatedScanner(SimulatedSerialDevice):
    """Control requests: ``{"op": "scan", "code": TEXT}``, ``{"op": "raw", "hex": HEX}``."""

    kind = "scanner"

    def __init__(
        self,
        paths: SimPaths,
        *,
        terminator: Terminator = Terminator.CRLF,
        prefix: bytes = b"",
        suffix: bytes = b"",
    ) -> None:
        super().__init__(paths)
        self.terminator = terminator
        self.prefix = prefix
        self.suffix = suffix
        self.scans = 0

    def scan(self, code: str) -> None:
        """Send ``code`` (ASCII, or it is refused with ``ValueError``) framed as configured."""
        try:
            data = code.encode("ascii")
        except UnicodeEncodeError:
            raise ValueError("a scanner sends ASCII only; use raw bytes to send anything else") from None
        self.write(self.prefix + data + self.suffix + terminator_bytes(self.terminator))
        self.scans += 1
        logger.info("%s scanned %r", self.paths.name, code)

    def handle(self, message: Mapping[str, Any]) -> dict[str, Any]:
        if message["op"] == "scan":
            code = message.get("code")
            if not isinstance(code, str):
                raise ValueError('"scan" needs a "code" string')
            self.scan(code)
            return {"scanned": code}
        return super().handle(message)
