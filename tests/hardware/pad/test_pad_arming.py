"""Arming a pad for one ticket: one rating per ticket, everything else ignored and counted."""

from __future__ import annotations

import pytest

from hardware.pad.arming import ArmingSettings, PadArming, PadState
from hardware.pad.bank import PadBank, UnknownPad
from hardware.pad.events import (
    ArmExpired,
    Beep,
    IgnoreReason,
    KeyPress,
    LedState,
    PressIgnored,
    RatingAccepted,
    SetLed,
)
from hardware.pad.keys import HidPadDecoder, parse_key_map
from hardware.scanner.keymap import KEY, KeyEvent, KeyState


def reasons(pad: PadArming) -> dict[IgnoreReason, int]:
    return dict(pad.ignored)


def test_an_armed_pad_takes_exactly_one_rating() -> None:
    pad = PadArming(2, "5")
    assert pad.arm("A1023", now=100.0).commands == (SetLed(2, LedState.ARMED), Beep(2, 1))
    outcome = pad.press(4, now=103.0)
    assert outcome.events == (RatingAccepted(2, "5", "A1023", 4, 103.0),)
    assert outcome.commands == (SetLed(2, LedState.THANKS), Beep(2, 2))
    assert pad.state is PadState.RATED
    repeat = pad.press(1, now=104.0)
    assert repeat.events == (PressIgnored(2, "5", 1, IgnoreReason.REPEAT, 104.0),)
    assert repeat.commands == ()


def test_presses_when_disarmed_are_ignored() -> None:
    pad = PadArming(2)
    assert pad.press(3, now=1.0).events[0].reason is IgnoreReason.DISARMED  # type: ignore[union-attr]
    pad.arm("A1", now=2.0)
    assert pad.disarm(now=3.0).commands == (SetLed(2, LedState.OFF),)
    pad.press(4, now=5.0)
    assert reasons(pad) == {IgnoreReason.DISARMED: 2}
    assert pad.disarm(now=6.0).commands == ()  # already dark: nothing to send


def test_a_bounce_of_the_accepted_key_is_a_bounce_not_a_repeat() -> None:
    pad = PadArming(2, settings=ArmingSettings(debounce=0.3))
    pad.arm("A1", now=0.0)
    assert isinstance(pad.press(4, now=1.0).events[0], RatingAccepted)
    pad.press(4, now=1.05)
    pad.press(4, now=1.2)
    pad.press(4, now=2.0)
    assert reasons(pad) == {IgnoreReason.BOUNCE: 2, IgnoreReason.REPEAT: 1}


def test_another_key_right_after_is_not_a_bounce() -> None:
    pad = PadArming(2)
    pad.arm("A1", now=0.0)
    pad.press(4, now=1.0)
    assert pad.press(3, now=1.01).events[0].reason is IgnoreReason.REPEAT  # type: ignore[union-attr]


def test_the_arming_times_out_on_poll() -> None:
    pad = PadArming(2, "5", ArmingSettings(timeout=30.0))
    pad.arm("A1", now=100.0)
    assert pad.poll(129.9).events == ()
    outcome = pad.poll(130.0)
    assert outcome.events == (ArmExpired(2, "5", "A1", 130.0),)
    assert outcome.commands == (SetLed(2, LedState.OFF),)
    assert pad.state is PadState.DISARMED and pad.ticket is None


def test_a_press_after_the_timeout_is_expired_even_without_a_poll() -> None:
    pad = PadArming(2, settings=ArmingSettings(timeout=30.0))
    pad.arm("A1", now=100.0)
    outcome = pad.press(4, now=131.0)
    assert [type(e) for e in outcome.events] == [ArmExpired, PressIgnored]
    assert outcome.events[1].reason is IgnoreReason.EXPIRED  # type: ignore[union-attr]


def test_keys_off_the_scale_are_ignored_and_the_pad_stays_armed() -> None:
    pad = PadArming(2)
    pad.arm("A1", now=0.0)
    assert pad.press(7, now=1.0).events[0].reason is IgnoreReason.NOT_ON_SCALE  # type: ignore[union-attr]
    assert isinstance(pad.press(2, now=2.0).events[0], RatingAccepted)


def test_the_scale_and_the_key_to_score_map_are_configurable() -> None:
    pad = PadArming(2, settings=ArmingSettings(scale=(1, 2, 3, 4, 5), scores={1: 5, 5: 1}))
    pad.arm("A1", now=0.0)
    accepted = pad.press(1, now=1.0).events[0]
    assert isinstance(accepted, RatingAccepted) and accepted.score == 5


def test_re_arming_starts_a_new_ticket() -> None:
    pad = PadArming(2)
    pad.arm("A1", now=0.0)
    pad.press(4, now=1.0)
    pad.arm("A2", now=2.0)
    accepted = pad.press(4, now=2.1)  # same key soon after: arming clears the debounce memory
    assert accepted.events == (RatingAccepted(2, None, "A2", 4, 2.1),)


def test_settings_are_checked() -> None:
    with pytest.raises(ValueError):
        ArmingSettings(timeout=0)
    with pytest.raises(ValueError):
        ArmingSettings(scale=())
    with pytest.raises(ValueError):
        PadArming(1).arm("", now=0.0)


# -- the bank: several pads on a bus --------------------------------------------------


def test_pads_are_told_apart_by_address_and_mapped_to_counters() -> None:
    bank = PadBank({2: "5", 3: "6"})
    assert bank.arm_counter("6", "B7", now=0.0).commands[0] == SetLed(3, LedState.ARMED)
    assert bank.receive_press(KeyPress(2, 4), now=1.0).events[0].reason is IgnoreReason.DISARMED  # type: ignore[union-attr]
    assert bank.receive_press(KeyPress(3, 1), now=1.0).events == (RatingAccepted(3, "6", "B7", 1, 1.0),)
    assert bank.receive_press(KeyPress(9, 1), now=1.0).events == (
        PressIgnored(9, None, 1, IgnoreReason.UNKNOWN_ADDRESS, 1.0),
    )
    assert bank.ignored == {IgnoreReason.DISARMED: 1, IgnoreReason.UNKNOWN_ADDRESS: 1}
    with pytest.raises(UnknownPad):
        bank.arm_counter("99", "X", now=0.0)
    with pytest.raises(UnknownPad):
        bank.arm(9, "X", now=0.0)


def test_the_bank_polls_every_pad() -> None:
    bank = PadBank({2: "5", 3: "6"}, ArmingSettings(timeout=10))
    bank.arm(2, "A", now=0.0)
    bank.arm(3, "B", now=5.0)
    assert [e.address for e in bank.poll(12.0).events] == [2]
    assert [e.address for e in bank.poll(15.0).events] == [3]


def test_an_open_bank_accepts_any_address() -> None:
    bank = PadBank(None)
    bank.arm(42, "T", now=0.0)
    assert bank.receive_press(KeyPress(42, 2), now=1.0).events == (RatingAccepted(42, None, "T", 2, 1.0),)


def test_two_pads_on_one_counter_are_refused() -> None:
    with pytest.raises(ValueError):
        PadBank({2: "5", 3: "5"})


# -- USB pads that type keys ----------------------------------------------------------


def taps(*names: str) -> list[KeyEvent]:
    return [KeyEvent(KEY[n], s) for n in names for s in (KeyState.DOWN, KeyState.UP)]


def test_a_hid_pad_types_digits_on_the_top_row_or_the_keypad() -> None:
    decoder = HidPadDecoder(address=7)
    events = taps("1", "KP4") + [KeyEvent(KEY["2"], KeyState.DOWN), KeyEvent(KEY["2"], KeyState.HOLD)]
    assert decoder.receive_events(events) == [KeyPress(7, 1), KeyPress(7, 4), KeyPress(7, 2)]


def test_a_hid_pad_with_a_letter_key_map() -> None:
    decoder = HidPadDecoder(keys=parse_key_map("a:4,b:3,c:2,d:1"))
    shift = KEY["LEFTSHIFT"]
    events = taps("A") + [KeyEvent(shift, KeyState.DOWN)] + taps("D") + [KeyEvent(shift, KeyState.UP)] + taps("X")
    assert decoder.receive_events(events) == [KeyPress(1, 4), KeyPress(1, 1)]
    assert decoder.unmapped == {"x": 1}


def test_a_bad_key_map_is_refused() -> None:
    for text in ("", "a=1", "ab:1", "a:one"):
        with pytest.raises(ValueError):
            parse_key_map(text)


def test_a_pad_may_have_its_own_timeout() -> None:
    bank = PadBank({2: "5", 3: "6"}, ArmingSettings(timeout=10), timeouts={3: 45.0})
    assert (bank.pad(2).settings.timeout, bank.pad(3).settings.timeout) == (10, 45.0)
    bank.arm(2, "A", now=0.0)
    bank.arm(3, "B", now=0.0)
    assert [e.address for e in bank.poll(11.0).events] == [2]
    assert bank.receive_press(KeyPress(3, 4), now=44.0).events == (RatingAccepted(3, "6", "B", 4, 44.0),)


@pytest.mark.parametrize(("timeouts", "problem"), [({9: 5.0}, r"not configured: \[9\]"), ({2: 0.0}, "must be positive")])
def test_a_pad_timeout_must_name_a_configured_pad_and_be_positive(timeouts: dict[int, float], problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        PadBank({2: "5"}, timeouts=timeouts)
