"""A simulated bus of rating pads: ``press(address, key)`` sends a press frame.

It speaks either frame format (:class:`~hardware.pad.wire.PadProtocol`). With the Một Cửa
format it also reads the host's LED and beep commands and remembers each pad's LED, so a
test (or a person, with ``motcua-hw sim-pad``) sees what the pads would show.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from typing import Any

from hardware.pad.events import Beep, KeyPress, LedState, PadCommand, SetLed
from hardware.pad.frames import BROADCAST, FrameParser
from hardware.pad.wire import PadProtocol
from hardware.simulators.device import SimulatedSerialDevice
from hardware.simulators.paths import SimPaths

__all__ = ["SimulatedPadBus"]

logger = logging.getLogger(__name__)


class SimulatedPadBus(SimulatedSerialDevice):
    """Control requests: ``{"op": "press", "address": 2, "key": 4}``, ``{"op": "state"}``,
    ``{"op": "raw", "hex": HEX}``."""

    kind = "pad bus"

    def __init__(
        self,
        paths: SimPaths,
        *,
        protocol: PadProtocol = PadProtocol.MOTCUA,
        on_command: Callable[[PadCommand], None] | None = None,
    ) -> None:
        super().__init__(paths)
        self.protocol = protocol
        self.on_command = on_command
        self.leds: dict[int, LedState] = {}
        self.beeps: dict[int, int] = {}
        self.commands_seen = threading.Condition()
        self._parser = FrameParser()

    def press(self, address: int, key: int) -> None:
        self.write(self.protocol.encode_press(KeyPress(address, key)))
        logger.info("%s: pad %d key %d pressed", self.paths.name, address, key)

    def handle(self, message: Mapping[str, Any]) -> dict[str, Any]:
        op = message["op"]
        if op == "press":
            address, key = message.get("address"), message.get("key")
            if not isinstance(address, int) or not isinstance(key, int):
                raise ValueError('"press" needs whole numbers "address" and "key"')
            self.press(address, key)
            return {"pressed": {"address": address, "key": key}}
        if op == "state":
            return {
                "protocol": self.protocol.value,
                "leds": {str(a): led.name.lower() for a, led in sorted(self.leds.items())},
                "beeps": {str(a): n for a, n in sorted(self.beeps.items())},
            }
        return super().handle(message)

    def on_host_data(self, data: bytes) -> None:
        if not self.protocol.takes_commands:
            logger.debug("%s: ignored %d bytes from the host", self.paths.name, len(data))
            return
        self._parser.receive_data(data)
        commands = self._parser.commands_received()
        with self.commands_seen:
            for command in commands:
                self._apply(command)
            self.commands_seen.notify_all()
        for command in commands:
            if self.on_command is not None:
                self.on_command(command)

    def wait_for(self, predicate: Callable[[], bool], timeout: float = 2.0) -> bool:
        """Wait until ``predicate()`` holds after the host's commands (tests)."""
        with self.commands_seen:
            return self.commands_seen.wait_for(predicate, timeout)

    def _apply(self, command: PadCommand) -> None:
        addresses = list(self.leds) if command.address == BROADCAST else [command.address]
        for address in addresses:
            if isinstance(command, SetLed):
                self.leds[address] = command.led
            elif isinstance(command, Beep):
                self.beeps[address] = self.beeps.get(address, 0) + command.count
