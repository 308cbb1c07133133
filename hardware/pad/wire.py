"""The frame formats a pad bus can speak, behind one small interface."""

from __future__ import annotations

import enum
from typing import Protocol

from hardware.pad.events import KeyPress, PadCommand
from hardware.pad.frames import FrameParser, encode_command
from hardware.pad.frames import encode_press as encode_frame_press
from hardware.pad.qsystem import QSystemParser
from hardware.pad.qsystem import encode_press as encode_qsystem_press

__all__ = ["PadParser", "PadProtocol"]


class PadParser(Protocol):
    noise_bytes: int

    def receive_data(self, data: bytes) -> None: ...

    def presses_received(self) -> list[KeyPress]: ...

    def reset(self) -> None: ...


class PadProtocol(enum.Enum):
    #: Our documented frame (``hardware.pad.frames``), with LED and beep commands.
    MOTCUA = "motcua"
    #: apertum QSystem's RS-485 button units: ``01 address key 07``, no commands.
    QSYSTEM = "qsystem"

    @property
    def default_baudrate(self) -> int:
        return 57600 if self is PadProtocol.QSYSTEM else 9600

    @property
    def takes_commands(self) -> bool:
        return self is PadProtocol.MOTCUA

    def parser(self) -> PadParser:
        return QSystemParser() if self is PadProtocol.QSYSTEM else FrameParser()

    def encode_press(self, press: KeyPress) -> bytes:
        """The bytes a pad sends for ``press`` (simulators, tests)."""
        if self is PadProtocol.QSYSTEM:
            return encode_qsystem_press(press)
        return encode_frame_press(press)

    def encode_command(self, command: PadCommand) -> bytes | None:
        """The bytes for ``command``, or ``None`` when these pads take no commands."""
        return encode_command(command) if self.takes_commands else None
