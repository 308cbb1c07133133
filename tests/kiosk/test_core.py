"""The kiosk's pure core: the catalogue, the options, the decisions, the timers."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hardware.printer import CoverOpen, PaperOut, PrinterOffline, PrinterTimeout, PrintFailed
from hardware.scanner.lines import DiscardReason
from kiosk.core import decisions
from kiosk.core.decisions import ScanKind, TileState
from kiosk.core.documents import fault_detail
from kiosk.core.idle import IdleTimer, Issuing, OneAtATime, PinThrottle, TapCounter
from kiosk.core.scans import CodeClassifier
from kiosk.core.shown_ticket import PRINT_PATIENCE, Paper, ShownTicket
from kiosk.core.texts import TEXTS, Catalogue, Language, UnknownText, placeholders
from queue_server.config.kiosk_options import KioskOptionError, parse_options, parse_window_size
from tests.kiosk.support import ADMIN_PIN_HASH


@pytest.mark.parametrize("key", sorted(TEXTS))
def test_every_text_has_both_languages_in_nfc_with_the_same_placeholders(key: str) -> None:
    vi, en = TEXTS[key]
    assert vi.strip() and en.strip()
    assert unicodedata.normalize("NFC", vi) == vi and unicodedata.normalize("NFC", en) == en
    assert placeholders(vi) == placeholders(en)


def test_every_screen_and_decision_uses_keys_of_the_catalogue() -> None:
    import re
    from pathlib import Path

    used = set()
    for path in (Path(__file__).resolve().parents[2] / "kiosk").rglob("*.py"):
        used |= set(re.findall(r"""\b(?:texts|t|other)\(\s*f?["']([a-z_]+\.[a-z_]+)["']""", path.read_text()))
        used |= set(re.findall(r"""Notice\(\s*["']([a-z_]+\.[a-z_]+)["']""", path.read_text()))
    assert used and used - set(TEXTS) == set()
    with pytest.raises(UnknownText):
        Catalogue()("no.such_key")


def test_the_catalogue_speaks_vietnamese_first_and_english_second() -> None:
    texts = Catalogue(Language.VI)
    assert texts("ticket.people_ahead", count=3) == "Số người đang chờ trước bạn: 3"
    assert texts.other("ticket.people_ahead", count=3) == "People ahead of you: 3"
    assert Catalogue(Language.EN)("offline.title") == "Service paused"


def test_options_default_and_valid() -> None:
    options = parse_options(
        {"idle_seconds": 45, "admin_pin_hash": ADMIN_PIN_HASH, "printer_width": 384, "language": "EN",
         "fullscreen": False, "window_size": "1280x800", "services": "HT, DD"}  # fmt: skip
    )
    assert options.idle_seconds == 45 and options.language == Language.EN and options.printer_width == 384
    assert options.window_size == (1280, 800) and options.services == ("HT", "DD")
    assert parse_options({}).idle_seconds == 30 and parse_options({}).fullscreen is True


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"idle_second": 30}, "options.idle_second: unknown option (did you mean 'idle_seconds'?)"),
        ({"idle_seconds": 2}, "options.idle_seconds: must be a whole number from 5 to 3600, not 2"),
        ({"idle_seconds": True}, "options.idle_seconds: must be a whole number"),
        ({"idle_seconds": "30"}, "options.idle_seconds: must be a whole number"),
        ({"result_seconds": 1000}, "options.result_seconds: must be a whole number from 3 to 120"),
        ({"printer_width": 400}, "options.printer_width: must be 384, 512 or 576 (dots), not 400"),
        ({"language": "fr"}, "options.language: must be 'vi' or 'en', not 'fr'"),
        ({"fullscreen": "yes"}, "options.fullscreen: must be true or false, not 'yes'"),
        ({"window_size": "big"}, "options.window_size: must be WIDTHxHEIGHT like '1920x1080'"),
        ({"admin_pin_hash": "1234"}, "options.admin_pin_hash:"),
        ({"camera": ""}, "options.camera: must be a non-empty text"),
    ],
)
def test_bad_options_are_named_with_their_key(options: dict, expected: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(KioskOptionError) as info:
        parse_options(options)
    assert str(info.value).startswith(expected)


@given(st.dictionaries(st.text(max_size=20), st.one_of(st.integers(), st.text(max_size=30), st.booleans(), st.floats())))
def test_any_options_either_parse_or_name_a_key(values: dict) -> None:  # type: ignore[type-arg]
    try:
        parse_options(values)
    except KioskOptionError as exc:
        assert str(exc).startswith("options.")


SERVICES = [
    {"code": "HT", "name_vi": "Hộ tịch", "name_en": "Civil status", "open": True, "full": False, "waiting": 3,
     "estimated_wait_minutes": 12.4},
    {"code": "XD", "name_vi": "Xây dựng", "name_en": "Construction", "open": False, "full": False, "waiting": 0,
     "estimated_wait_minutes": None},
    {"code": "KQ", "name_vi": "Nhận kết quả", "name_en": "Results", "open": True, "full": True, "waiting": 0,
     "estimated_wait_minutes": None},
]  # fmt: skip


def test_tiles_say_open_closed_or_full() -> None:
    tiles = decisions.tiles(SERVICES)
    assert [t.state for t in tiles] == [TileState.OPEN, TileState.CLOSED, TileState.FULL]
    assert tiles[0].status().key == "tile.wait" and tiles[0].status().params == {"minutes": 12}
    assert [t.can_issue for t in tiles] == [True, False, False]
    assert [t.code for t in decisions.tiles(SERVICES, ["KQ"])] == ["KQ"]


def test_refusals_say_what_to_do() -> None:
    closed = decisions.issue_refusal("service_closed", {"opens_at": "2026-11-24T07:30:00+07:00"}, "Xây dựng")
    assert Catalogue()(closed.key, **closed.params) == "Xây dựng: ngoài giờ phục vụ. Mở lại lúc 07:30 24/11/2026."
    assert decisions.issue_refusal("service_full", {}, "KQ").key == "issue.full"
    assert decisions.issue_refusal("store_unavailable", {}, "KQ").key == "issue.failed"
    assert decisions.checkin_refusal("booking_wrong_day", {"day": "2026-11-24"}).params == {"day": "24/11/2026"}
    assert decisions.checkin_refusal("booking_unknown", {}).key == "checkin.unknown"
    assert decisions.checkin_refusal("booking_used", {}).key == "checkin.used"
    assert decisions.dossier_refusal("dossier_unknown", "X").key == "dossier.unknown"
    assert decisions.dossier_refusal("dossier_source_failed", "X").key == "dossier.source_failed"


@pytest.mark.parametrize(
    ("scanned", "kind", "notice"),
    [
        ("http://hcc.test/b/ABCD2345", ScanKind.CHECK_IN, None),
        ("abcd-2345", ScanKind.CHECK_IN, None),
        ("000.00.16.H12-221122-0001", ScanKind.LOOKUP_DOSSIER, None),
        ("http://hcc.test/t/ABCDEFGH23", ScanKind.FOLLOW_TICKET, None),
        ("https://elsewhere.example/b/ABCD2345", ScanKind.REJECT, "scan.other_site"),
        ("Hồ sơ", ScanKind.REJECT, "scan.unreadable"),
        ("http://hcc.test/b/ABC", ScanKind.REJECT, "scan.bad_booking"),
        ("hello", ScanKind.REJECT, "scan.unknown"),
    ],
)
def test_a_scanned_code_becomes_an_action(scanned: str, kind: ScanKind, notice: str | None) -> None:
    action = decisions.scan_action(CodeClassifier(["http://hcc.test"]).classify(scanned))
    assert action.kind is kind
    assert (action.notice.key if action.notice else None) == notice


@given(st.text(max_size=600))
def test_any_scan_gets_an_action_never_an_error(scanned: str) -> None:
    action = decisions.scan_action(CodeClassifier(["http://hcc.test"]).classify(scanned))
    assert action.kind is not ScanKind.REJECT or action.notice.key in TEXTS  # type: ignore[union-attr]


def test_misreads_count_garbled_lines_not_blank_ones() -> None:
    assert decisions.misreads([{DiscardReason.EMPTY: 5, DiscardReason.NOT_ASCII: 1}, {DiscardReason.TOO_LONG: 2}]) == 3


def test_printer_faults_become_report_details() -> None:
    assert [fault_detail(e("x")) for e in (PaperOut, CoverOpen, PrinterOffline, PrinterTimeout, PrintFailed)] == [
        "paper_out", "cover_open", "offline", "timeout", "failed",
    ]  # fmt: skip
    assert all(f"printer.{d}" in TEXTS for d in ("paper_out", "cover_open", "offline", "timeout", "failed", "none"))


def test_one_ticket_at_a_time_and_none_right_after() -> None:
    guard = OneAtATime(cooldown=1.0)
    assert guard.try_start(10.0) and not guard.try_start(10.01)  # the double tap
    guard.finish(10.2)
    assert not guard.try_start(10.9) and guard.try_start(11.3)
    guard.reset()
    assert guard.try_start(11.4)


def test_the_guard_holds_a_ticket_until_its_paper_is_out_and_a_lost_connection_does_not_free_it() -> None:
    guard = OneAtATime(cooldown=0.0)
    assert guard.try_start(1.0) and guard.phase is Issuing.ASKING
    guard.answered()  # the number is on screen, the paper printing
    assert guard.phase is Issuing.PRINTING and not guard.try_start(1.5)
    guard.reset()  # the connection dropped: the print goes on, and so does the guard
    assert guard.busy and not guard.try_start(2.0)
    guard.finish(3.0)
    assert guard.try_start(3.0)
    guard.reset()  # a request in flight on a lost connection is forgotten
    assert not guard.busy and guard.try_start(3.1)


def test_a_printed_ticket_stays_its_result_seconds_from_when_it_was_shown_and_at_least_three_more() -> None:
    shown = ShownTicket("code", shown_at=100.0, result_seconds=10)
    assert shown.printing and not shown.may_leave(101.0)
    assert shown.printed(None, 100.5) == 9.5 and shown.paper is Paper.PRINTED and shown.may_leave(100.5)
    slow = ShownTicket("code", shown_at=100.0, result_seconds=10)
    assert slow.printed(None, 109.0) == 3.0  # a slow printer: time to read "take your ticket"


def test_done_during_the_print_goes_home_once_printed_but_not_past_a_fault() -> None:
    shown = ShownTicket("code", shown_at=100.0, result_seconds=10)
    assert not shown.done(100.5)  # the second tap of a double tap on a tile
    assert not shown.done(101.5) and shown.done_asked  # still printing: kept
    assert shown.printed(None, 102.0) == 0.0  # printed: home now
    failing = ShownTicket("code", shown_at=100.0, result_seconds=10)
    assert not failing.done(101.5)
    assert failing.printed("paper_out", 102.0) == 30.0  # not printed: 3 × result_seconds to read and photograph
    assert failing.paper is Paper.NOT_PRINTED and failing.fault == "paper_out" and not failing.done_asked
    assert failing.done(103.0)  # "Xong" after the fault was shown: home


def test_a_print_that_never_ends_does_not_hold_the_screen_for_ever() -> None:
    stuck = ShownTicket("code", shown_at=100.0, result_seconds=10)
    assert not stuck.may_leave(100.0 + PRINT_PATIENCE - 0.1) and not stuck.done(100.0 + PRINT_PATIENCE - 0.1)
    assert stuck.may_leave(100.0 + PRINT_PATIENCE) and stuck.done(100.0 + PRINT_PATIENCE)


def test_idle_timer_admin_taps_and_pin_throttle() -> None:
    idle = IdleTimer(30, last_touch=100.0)
    assert not idle.expired(129.9) and idle.expired(130.0)
    idle.touch(125)
    assert not idle.expired(130) and idle.remaining(130) == 25
    taps = TapCounter(taps=5, window=4.0)
    assert not any(taps.tap(t) for t in (0, 1, 2, 3)) and not taps.tap(5.0)  # too slow
    assert [taps.tap(t) for t in (20, 20.1, 20.2, 20.3, 20.4)] == [False, False, False, False, True]
    throttle = PinThrottle(attempts=3, lockout=60)
    for _ in range(3):
        throttle.failed(100)
    assert throttle.locked_for(130) == 30 and throttle.locked_for(161) == 0


@pytest.mark.parametrize(
    ("text", "size"),
    [("960x540", (960, 540)), ("480x270", (480, 270)), ("7680x4320", (7680, 4320)),
     ("479x270", None), ("480x269", None), ("960 x 540", None), ("big", None)],
)  # fmt: skip
def test_a_window_size_is_read_within_its_bounds(text: str, size: tuple[int, int] | None) -> None:
    assert parse_window_size(text) == size


def test_the_kiosks_size_argument_names_a_bad_size(capsys: pytest.CaptureFixture[str]) -> None:
    from kiosk.start import main

    with pytest.raises(SystemExit) as info:
        main(["--config", "site.toml", "--device", "kiosk-1", "--size", "300x200"])
    assert info.value.code == 2
    assert "'300x200': write the size as WIDTHxHEIGHT from 480x270" in capsys.readouterr().err


def test_the_printed_mark_is_in_both_languages_like_the_rest_of_the_ticket() -> None:
    from kiosk.core.documents import ticket_mark
    from queue_server.core.site import PriorityCategory

    priorities = [PriorityCategory("elderly", "Người cao tuổi", "Elderly")]
    assert ticket_mark({"priority": "elderly"}, priorities, Catalogue()) == "Người cao tuổi · Elderly"
    assert ticket_mark({"priority": "elderly", "appointment": "ABCD2345"}, priorities, Catalogue()) == (
        "Vé theo lịch hẹn · Appointment ticket"
    )
    assert ticket_mark({"priority": "veteran"}, priorities, Catalogue()) == "veteran"  # a category the site dropped
    assert ticket_mark({"priority": None}, priorities, Catalogue()) is None


def test_a_wait_under_half_a_minute_reads_under_a_minute_not_about_0_min() -> None:
    short = decisions.tiles([{"code": "TP", "name_vi": "Tư pháp", "name_en": "Justice", "open": True,
                              "estimated_wait_minutes": 0.4}])[0].status()  # fmt: skip
    assert Catalogue(Language.EN)(short.key, **short.params) == "Under a minute"
    assert Catalogue()(short.key, **short.params) == "Chờ dưới 1 phút"
    waits = [decisions.ticket_wait(m) for m in (None, 0.0, 0.4, 0.6, 12.4)]
    assert [Catalogue(Language.EN)(n.key, **n.params) for n in waits] == [
        "Estimated wait: not known yet",
        "Estimated wait: under a minute",
        "Estimated wait: under a minute",
        "Estimated wait: about 1 min",
        "Estimated wait: about 12 min",
    ]


def test_a_notice_names_the_field_in_each_language_it_is_shown_in() -> None:
    from kiosk.core.texts import Both

    ticket = {"label": "A002", "state": "waiting", "people_ahead": 1, "service": "HT",
              "service_name_vi": "Hộ tịch", "service_name_en": "Civil status"}  # fmt: skip
    notice = decisions.followed_ticket(ticket)
    assert Catalogue()(notice.key, **notice.params) == "Số A002 (Hộ tịch): còn 1 người trước bạn."
    assert Catalogue().other(notice.key, **notice.params) == "Number A002 (Civil status): people ahead of you: 1."
    full = decisions.issue_refusal("service_full", {}, Both("Hộ tịch", "Civil status"))
    assert Catalogue(Language.EN)(full.key, **full.params).startswith("Civil status")
    assert Catalogue(Language.EN).other(full.key, **full.params).startswith("Hộ tịch")
