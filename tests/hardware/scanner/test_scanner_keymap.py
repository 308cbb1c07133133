"""Keyboard-wedge decoding: synthetic Linux key events in, text out (US layout)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hardware.scanner.keymap import (
    KEY,
    KeyboardLineParser,
    KeyEvent,
    KeymapDecoder,
    KeyState,
    Special,
    key_events_for_text,
)
from hardware.scanner.lines import DiscardReason, LineSettings

DOWN, UP, HOLD = KeyState.DOWN, KeyState.UP, KeyState.HOLD


def tap(name: str) -> list[KeyEvent]:
    return [KeyEvent(KEY[name], DOWN), KeyEvent(KEY[name], UP)]


def typed(events: list[KeyEvent], decoder: KeymapDecoder | None = None) -> list[str | Special]:
    decoder = decoder or KeymapDecoder()
    return [t for t in (decoder.feed(e) for e in events) if t is not None]


def test_letters_are_lower_case_without_shift_and_upper_with_it() -> None:
    shift = KEY["LEFTSHIFT"]
    events = tap("A") + [KeyEvent(shift, DOWN)] + tap("A") + [KeyEvent(shift, UP)] + tap("A")
    assert typed(events) == ["a", "A", "a"]


def test_right_shift_works_too() -> None:
    events = [KeyEvent(KEY["RIGHTSHIFT"], DOWN), *tap("SEMICOLON"), KeyEvent(KEY["RIGHTSHIFT"], UP)]
    assert typed(events) == [":"]


@pytest.mark.parametrize(
    "name, plain, shifted",
    [("1", "1", "!"), ("0", "0", ")"), ("MINUS", "-", "_"), ("DOT", ".", ">"),
     ("SLASH", "/", "?"), ("SEMICOLON", ";", ":"), ("EQUAL", "=", "+"), ("SPACE", " ", " ")],
)  # fmt: skip
def test_digits_and_punctuation(name: str, plain: str, shifted: str) -> None:
    shift = KEY["LEFTSHIFT"]
    assert typed(tap(name)) == [plain]
    assert typed([KeyEvent(shift, DOWN), *tap(name), KeyEvent(shift, UP)]) == [shifted]


def test_caps_lock_flips_letters_only() -> None:
    events = tap("CAPSLOCK") + tap("A") + tap("1") + [KeyEvent(KEY["LEFTSHIFT"], DOWN)] + tap("A")
    assert typed(events) == ["A", "1", "a"]


def test_keypad_digits_and_enter() -> None:
    assert typed(tap("KP4") + tap("KPDOT") + tap("KPENTER")) == ["4", ".", Special.ENTER]


def test_repeats_are_ignored_and_counted() -> None:
    decoder = KeymapDecoder()
    events = [KeyEvent(KEY["A"], DOWN), KeyEvent(KEY["A"], HOLD), KeyEvent(KEY["A"], HOLD), KeyEvent(KEY["A"], UP)]
    assert typed(events, decoder) == ["a"]
    assert decoder.ignored_repeats == 2


def test_a_url_typed_by_a_scanner_comes_back_whole() -> None:
    parser = KeyboardLineParser()
    parser.receive_events(key_events_for_text("https://hcc.example.gov.vn/t/ABCDEFGH23"))
    parser.receive_events(key_events_for_text("000.00.16.H12-221122-0001"))
    assert [c.text for c in parser.codes_received()] == [
        "https://hcc.example.gov.vn/t/ABCDEFGH23",
        "000.00.16.H12-221122-0001",
    ]


def test_an_unknown_key_spoils_only_its_code() -> None:
    parser = KeyboardLineParser()
    events = tap("A") + [KeyEvent(250, DOWN), KeyEvent(250, UP)] + tap("ENTER")
    parser.receive_events(events + key_events_for_text("GOOD"))
    assert [c.text for c in parser.codes_received()] == ["GOOD"]
    assert parser.discards == {DiscardReason.CONTROL_CHARACTER: 1}
    assert parser.unknown_keys == 1


def test_ctrl_held_makes_a_key_unknown() -> None:
    ctrl = KEY["LEFTCTRL"]
    assert typed([KeyEvent(ctrl, DOWN), *tap("C"), KeyEvent(ctrl, UP), *tap("C")]) == [Special.UNKNOWN, "c"]


def test_prefix_suffix_and_tab_terminator() -> None:
    parser = KeyboardLineParser(LineSettings(prefix=b"#"), tab_ends_code=True)
    parser.receive_events(key_events_for_text("#ABC", enter=False) + tap("TAB"))
    assert [c.text for c in parser.codes_received()] == ["ABC"]


def test_events_split_anywhere() -> None:
    events = key_events_for_text("Hello-World/42:x")
    for cut in range(len(events) + 1):
        parser = KeyboardLineParser()
        parser.receive_events(events[:cut])
        parser.receive_events(events[cut:])
        assert [c.text for c in parser.codes_received()] == ["Hello-World/42:x"]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=60))
def test_any_printable_ascii_round_trips(text: str) -> None:
    parser = KeyboardLineParser()
    parser.receive_events(key_events_for_text(text))
    assert [c.text for c in parser.codes_received()] == [text]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 300), st.sampled_from(list(KeyState))), max_size=200))
def test_random_key_events_never_raise(raw: list[tuple[int, KeyState]]) -> None:
    parser = KeyboardLineParser()
    parser.receive_events(KeyEvent(code, state) for code, state in raw)
    for code in parser.codes_received():
        assert code.text.isascii() and code.text.isprintable()
