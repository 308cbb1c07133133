"""Our pad frame and the QSystem frame: split reads, noise, garbage and collisions."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hardware.pad.events import Beep, KeyPress, LedState, SetLed
from hardware.pad.frames import (
    ETX,
    STX,
    Frame,
    FrameError,
    FrameKind,
    FrameParser,
    encode_command,
    encode_frame,
    encode_press,
)
from hardware.pad.qsystem import QSystemParser
from hardware.pad.qsystem import encode_press as qsystem_press


def test_the_documented_example_frame() -> None:
    assert encode_press(KeyPress(2, 4)) == b"\x02K0204AF\x03"
    assert encode_command(SetLed(2, LedState.ARMED)) == b"\x02L0201B1\x03"
    assert encode_command(Beep(0, 2)) == b"\x02B0002BC\x03"


def test_frames_round_trip_both_ways() -> None:
    parser = FrameParser()
    parser.receive_data(encode_press(KeyPress(7, 1)) + encode_command(SetLed(7, LedState.THANKS)))
    parser.receive_data(encode_command(Beep(7, 3)))
    assert parser.frames_received() == [
        Frame(FrameKind.KEY, 7, 1),
        Frame(FrameKind.LED, 7, 2),
        Frame(FrameKind.BEEP, 7, 3),
    ]


def test_the_host_side_sees_presses_only() -> None:
    parser = FrameParser()
    parser.receive_data(encode_command(SetLed(2, LedState.ARMED)) + encode_press(KeyPress(2, 3)))
    assert parser.presses_received() == [KeyPress(2, 3)]


def test_split_at_every_byte_boundary() -> None:
    wire = encode_press(KeyPress(1, 1)) + encode_press(KeyPress(0xF7, 9))
    for cut in range(len(wire) + 1):
        parser = FrameParser()
        parser.receive_data(wire[:cut])
        parser.receive_data(wire[cut:])
        assert parser.presses_received() == [KeyPress(1, 1), KeyPress(0xF7, 9)]


def test_lower_case_hex_is_accepted() -> None:
    parser = FrameParser()
    parser.receive_data(b"\x02K0204af\x03")
    assert parser.presses_received() == [KeyPress(2, 4)]


@pytest.mark.parametrize(
    "wire, error",
    [
        (b"\x02K0204B2\x03", FrameError.BAD_CHECKSUM),
        (b"\x02K02G4B1\x03", FrameError.BAD_HEX),
        (b"\x02K+204B1\x03", FrameError.BAD_HEX),
        (b"\x02X0204B1\x03", FrameError.UNKNOWN_KIND),
        (b"\x02K0204B1X", FrameError.MISSING_END),
        (b"\x02K0004B1\x03", FrameError.BAD_ADDRESS),  # key from the broadcast address
        (b"\x02KFF04B2\x03", FrameError.BAD_ADDRESS),
    ],
)
def test_bad_frames_are_counted_and_the_next_one_is_read(wire: bytes, error: FrameError) -> None:
    parser = FrameParser()
    parser.receive_data(wire + encode_press(KeyPress(3, 2)))
    assert parser.presses_received() == [KeyPress(3, 2)]
    assert parser.errors == {error: 1}


def test_a_collision_truncates_one_frame_and_keeps_the_other() -> None:
    first, second = encode_press(KeyPress(2, 4)), encode_press(KeyPress(5, 1))
    parser = FrameParser()
    parser.receive_data(first[:5] + second + first[5:])  # second talker cut in
    assert parser.presses_received() == [KeyPress(5, 1)]
    assert parser.errors[FrameError.TRUNCATED] == 1
    assert parser.noise_bytes == len(first) - 5


def test_noise_between_frames_is_counted() -> None:
    parser = FrameParser()
    parser.receive_data(b"\x00\xff hello " + encode_press(KeyPress(2, 1)) + b"\x03\x03")
    assert parser.presses_received() == [KeyPress(2, 1)]
    assert parser.noise_bytes == 11


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=500))
def test_random_bytes_never_raise(data: bytes) -> None:
    parser = FrameParser()
    parser.receive_data(data)
    for press in parser.presses_received():
        assert 1 <= press.address <= 0xF7 and 0 <= press.key <= 0xFF


presses = st.builds(KeyPress, st.integers(1, 0xF7), st.integers(1, 9))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.binary(max_size=20), presses), max_size=10), st.data())
def test_frames_in_noise_are_all_found(items: list[tuple[bytes, KeyPress]], data: st.DataObject) -> None:
    wire = b"".join(noise + encode_press(press) for noise, press in items)
    cuts = sorted(data.draw(st.lists(st.integers(0, len(wire)), max_size=6)))
    parser = FrameParser()
    for start, end in zip([0, *cuts], [*cuts, len(wire)]):
        parser.receive_data(wire[start:end])
    found = iter(parser.presses_received())
    assert all(press in found for _, press in items)


# -- QSystem ----------------------------------------------------------------------------


def test_qsystem_frames() -> None:
    assert qsystem_press(KeyPress(2, 4)) == bytes([0x01, 0x02, 0x34, 0x07])
    parser = QSystemParser()
    parser.receive_data(bytes([0x01, 0x02, 0x31, 0x07, 0x01, 0x07, 0x33, 0x07, 0x01, 0x01, 0x32, 0x07]))
    assert parser.presses_received() == [KeyPress(2, 1), KeyPress(7, 3), KeyPress(1, 2)]


def test_qsystem_split_at_every_byte_boundary() -> None:
    wire = qsystem_press(KeyPress(1, 1)) + qsystem_press(KeyPress(0x07, 4)) + qsystem_press(KeyPress(0x01, 2))
    for cut in range(len(wire) + 1):
        parser = QSystemParser()
        parser.receive_data(wire[:cut])
        parser.receive_data(wire[cut:])
        assert parser.presses_received() == [KeyPress(1, 1), KeyPress(7, 4), KeyPress(1, 2)]


def test_qsystem_collision_and_garbage() -> None:
    parser = QSystemParser()
    a, b = qsystem_press(KeyPress(5, 1)), qsystem_press(KeyPress(6, 2))
    parser.receive_data(b"\xff\x00" + a[:2] + b + b"\x01\x09\x39\x07")  # key 9: not a key
    assert parser.presses_received() == [KeyPress(6, 2)]
    # The last three bytes wait in the buffer: they could start a frame.
    assert parser.noise_bytes == 2 + 2 + 1


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=500))
def test_qsystem_random_bytes_never_raise(data: bytes) -> None:
    parser = QSystemParser()
    parser.receive_data(data)
    assert all(1 <= p.key <= 4 for p in parser.presses_received())
    assert len(parser._buffer) < 4


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(st.binary(max_size=12), st.builds(KeyPress, st.integers(0, 255), st.integers(1, 4))), max_size=10),
    st.data(),
)
def test_qsystem_frames_in_noise_are_all_found(items: list[tuple[bytes, KeyPress]], data: st.DataObject) -> None:
    wire = b"".join(noise + qsystem_press(press) for noise, press in items)
    cuts = sorted(data.draw(st.lists(st.integers(0, len(wire)), max_size=6)))
    parser = QSystemParser()
    for start, end in zip([0, *cuts], [*cuts, len(wire)]):
        parser.receive_data(wire[start:end])
    found = iter(parser.presses_received())
    assert all(press in found for _, press in items)


def test_frame_constants() -> None:
    assert (STX, ETX) == (0x02, 0x03)
    with pytest.raises(ValueError):
        encode_frame(Frame(FrameKind.KEY, 0x1FF, 1))
    with pytest.raises(ValueError):
        encode_press(KeyPress(0, 1))
