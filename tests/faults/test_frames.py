"""The hub builds each event's frame once and writes the same bytes to every connection of a
role; those bytes must be exactly what websockets itself would send."""

from __future__ import annotations

import pytest
from websockets.frames import Frame, Opcode

from queue_server.server.hub import text_frame


@pytest.mark.parametrize("size", [0, 1, 125, 126, 127, 65_535, 65_536, 300_000])
def test_a_prebuilt_frame_is_the_frame_websockets_would_send(size: int) -> None:
    text = "Mời công dân số A001 đến quầy 5 " * (size // 40) + "x" * (size % 40)
    assert text_frame(text.encode()) == Frame(Opcode.TEXT, text.encode()).serialize(mask=False, extensions=[])
