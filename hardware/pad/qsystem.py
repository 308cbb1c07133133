"""The published RS-485 button-unit frame (apertum QSystem's rating units), sans-I/O.

Each press is four bytes, 57600 baud 8N1::

    01  address  key  07        key: 0x31-0x34 for buttons 1-4

The address can be any byte (even 0x01 or 0x07), so the parser slides a four-byte window
over the input and takes a frame wherever the start byte, a key byte and the end byte line
up; anything else is skipped one byte at a time and counted as noise. A frame cut short by
a collision is lost, and the next good frame is still found. These units take no commands:
no LED, no beep.
"""

from __future__ import annotations

from hardware.pad.events import KeyPress

__all__ = ["END", "FIRST_KEY", "START", "QSystemParser", "encode_press"]

START = 0x01
END = 0x07
FIRST_KEY = 0x31
LAST_KEY = 0x34
_FRAME = 4


def encode_press(press: KeyPress) -> bytes:
    if not 0 <= press.address <= 0xFF:
        raise ValueError(f"addresses are one byte, not {press.address}")
    if not 1 <= press.key <= LAST_KEY - FIRST_KEY + 1:
        raise ValueError(f"these units have keys 1-4, not {press.key}")
    return bytes([START, press.address, FIRST_KEY + press.key - 1, END])


class QSystemParser:
    def __init__(self) -> None:
        self.noise_bytes = 0
        self._buffer = bytearray()
        self._presses: list[KeyPress] = []

    def receive_data(self, data: bytes) -> None:
        self._buffer += data
        buffer = self._buffer
        start = 0
        while len(buffer) - start >= _FRAME:
            if (
                buffer[start] == START
                and buffer[start + 3] == END
                and FIRST_KEY <= buffer[start + 2] <= LAST_KEY
            ):
                self._presses.append(KeyPress(buffer[start + 1], buffer[start + 2] - FIRST_KEY + 1))
                start += _FRAME
            else:
                self.noise_bytes += 1
                start += 1
        # Keep at most three bytes: the possible beginning of the next frame.
        del buffer[:start]

    def presses_received(self) -> list[KeyPress]:
        presses, self._presses = self._presses, []
        return presses

    def reset(self) -> None:
        self._buffer.clear()
