"""The hub builds each event's frame once and writes the same bytes to every connection of a
role; those bytes must be exactly what websockets itself would send."""

from __future__ import annotations

import pytest
from websockets.frames import Frame, Opcode
from websockets.protocol import Protocol, Side, State

from queue_server.server.fastpath import text_frame

SIZES = [0, 1, 125, 126, 127, 65_535, 65_536, 300_000]


def _text(size: int) -> str:
    return "Mời công dân số A001 đến quầy 5 " * (size // 40) + "x" * (size % 40)


@pytest.mark.parametrize("size", SIZES)
def test_a_prebuilt_frame_is_the_frame_websockets_would_send(size: int) -> None:
    text = _text(size)
    assert text_frame(text.encode()) == Frame(Opcode.TEXT, text.encode()).serialize(mask=False, extensions=[])


@pytest.mark.parametrize("size", SIZES)
def test_a_prebuilt_frame_is_what_a_websockets_server_connection_writes(size: int) -> None:
    """Through the library's own send path (its sans-I/O protocol on the server's side, open,
    no extension negotiated): the bytes it hands to the transport."""
    text = _text(size)
    server = Protocol(Side.SERVER, state=State.OPEN)
    server.send_text(text.encode())
    assert b"".join(server.data_to_send()) == text_frame(text.encode())
    payload = len(text.encode())
    assert len(text_frame(text.encode())) == payload + (2 if payload < 126 else 4 if payload < 65_536 else 10)
