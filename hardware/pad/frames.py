"""The Một Cửa pad frame: a small, robust frame for our own rating pads (sans-I/O).

Every frame is 9 bytes; everything between the start and the end byte is printable ASCII,
so a start byte can never appear inside a frame and the parser resynchronises on the next
one, whatever noise or collision came before::

    STX  kind  address  value  check  ETX
    02   'K'   '0' '2'  '0' '4' 'A' 'F' 03     pad 2: key 4 pressed

- ``kind``: ``K`` key pressed (pad → host, value = key 1–9); ``L`` set the LED (host →
  pad, value 0 off, 1 armed, 2 thank you); ``B`` beep (host → pad, value = count).
- ``address``: the pad's address, two hex digits, 01–F7 (00 = every pad, host → pad only).
- ``value``: two hex digits.
- ``check``: two hex digits, chosen so that ``ord(kind) + address + value + check`` is
  0 modulo 256 (a longitudinal redundancy check).

Hex digits are sent upper case and accepted in either case. The same parser reads both
directions; the host ignores ``L`` and ``B`` frames (on a two-wire RS-485 bus it hears its
own commands).
"""

from __future__ import annotations

import collections
import dataclasses
import enum

from hardware.pad.events import Beep, KeyPress, LedState, PadCommand, SetLed

__all__ = [
    "BROADCAST",
    "ETX",
    "FRAME_LENGTH",
    "STX",
    "Frame",
    "FrameError",
    "FrameKind",
    "FrameParser",
    "encode_command",
    "encode_frame",
    "encode_press",
]

STX = 0x02
ETX = 0x03
FRAME_LENGTH = 9
BROADCAST = 0x00
MAX_ADDRESS = 0xF7


class FrameKind(enum.Enum):
    KEY = "K"
    LED = "L"
    BEEP = "B"


class FrameError(enum.Enum):
    """Why bytes between a start byte and the frame's end were thrown away."""

    TRUNCATED = "a new frame started before this one ended (collision)"
    MISSING_END = "no end byte where the frame should end"
    BAD_HEX = "a field is not hexadecimal"
    BAD_CHECKSUM = "the check digits do not match"
    UNKNOWN_KIND = "unknown frame kind"
    BAD_ADDRESS = "address outside 01-F7"


@dataclasses.dataclass(frozen=True)
class Frame:
    kind: FrameKind
    address: int
    value: int


def _checksum(kind: FrameKind, address: int, value: int) -> int:
    return (-(ord(kind.value) + address + value)) & 0xFF


def encode_frame(frame: Frame) -> bytes:
    if not 0 <= frame.address <= MAX_ADDRESS or not 0 <= frame.value <= 0xFF:
        raise ValueError(f"address or value out of range in {frame}")
    check = _checksum(frame.kind, frame.address, frame.value)
    body = f"{frame.kind.value}{frame.address:02X}{frame.value:02X}{check:02X}".encode("ascii")
    return bytes([STX]) + body + bytes([ETX])


def encode_press(press: KeyPress) -> bytes:
    if not 1 <= press.address <= MAX_ADDRESS:
        raise ValueError(f"pad addresses are 1-{MAX_ADDRESS}, not {press.address}")
    if not 1 <= press.key <= 9:
        raise ValueError(f"keys are 1-9, not {press.key}")
    return encode_frame(Frame(FrameKind.KEY, press.address, press.key))


def encode_command(command: PadCommand) -> bytes:
    if isinstance(command, SetLed):
        return encode_frame(Frame(FrameKind.LED, command.address, command.led.value))
    return encode_frame(Frame(FrameKind.BEEP, command.address, max(1, min(command.count, 9))))


class FrameParser:
    """Incremental parser: ``receive_data`` in any pieces, then ``frames_received``."""

    def __init__(self) -> None:
        self.errors: collections.Counter[FrameError] = collections.Counter()
        self.noise_bytes = 0
        self._buffer: bytearray | None = None  # bytes after a start byte
        self._frames: list[Frame] = []

    def receive_data(self, data: bytes) -> None:
        for byte in data:
            if byte == STX:
                if self._buffer is not None:
                    self.errors[FrameError.TRUNCATED] += 1
                self._buffer = bytearray()
                continue
            if self._buffer is None:
                self.noise_bytes += 1
                continue
            self._buffer.append(byte)
            if len(self._buffer) == FRAME_LENGTH - 1:
                body, self._buffer = bytes(self._buffer), None
                result = self._decode(body)
                if isinstance(result, FrameError):
                    self.errors[result] += 1
                else:
                    self._frames.append(result)

    def frames_received(self) -> list[Frame]:
        frames, self._frames = self._frames, []
        return frames

    def presses_received(self) -> list[KeyPress]:
        """Key presses among the frames received (host side: commands are skipped)."""
        return [
            KeyPress(frame.address, frame.value)
            for frame in self.frames_received()
            if frame.kind is FrameKind.KEY
        ]

    def commands_received(self) -> list[PadCommand]:
        """LED and beep commands among the frames received (pad side, simulators)."""
        commands: list[PadCommand] = []
        for frame in self.frames_received():
            if frame.kind is FrameKind.LED and frame.value in {s.value for s in LedState}:
                commands.append(SetLed(frame.address, LedState(frame.value)))
            elif frame.kind is FrameKind.BEEP:
                commands.append(Beep(frame.address, frame.value))
        return commands

    def reset(self) -> None:
        self._buffer = None

    @staticmethod
    def _decode(body: bytes) -> Frame | FrameError:
        if body[-1] != ETX:
            return FrameError.MISSING_END
        try:
            kind = FrameKind(chr(body[0]))
        except ValueError:
            return FrameError.UNKNOWN_KIND
        try:
            text = body[1:7].decode("ascii")
            address, value, check = (int(text[i : i + 2], 16) for i in (0, 2, 4))
        except ValueError:
            return FrameError.BAD_HEX
        if not all(c in "0123456789abcdefABCDEF" for c in text):
            return FrameError.BAD_HEX  # int() also takes "+1", " 1" and "_"
        if check != _checksum(kind, address, value):
            return FrameError.BAD_CHECKSUM
        if address > MAX_ADDRESS or (address == BROADCAST and kind is FrameKind.KEY):
            return FrameError.BAD_ADDRESS
        return Frame(kind, address, value)
