"""The board's state from a snapshot and events (no Kivy, no server: the server's shapes)."""

from __future__ import annotations

from typing import Any

from display_board.board import Board


def snapshot(**extra: Any) -> dict[str, Any]:
    base = {
        "seq": 10,
        "site": {"id": "s", "name": "Trung tâm Phục vụ hành chính công"},
        "services": [
            {"code": "HT", "name_vi": "Hộ tịch", "name_en": "Civil status", "waiting": 3, "open": True},
            {"code": "DD", "name_vi": "Đất đai", "name_en": "Land", "waiting": 1, "open": True},
            {"code": "KQ", "name_vi": "Nhận kết quả", "name_en": "Results", "waiting": 0, "open": False},
        ],
        "counters": [
            {"number": 1, "name": "Quầy 1", "services": ["HT"], "state": "open", "current": 4, "current_label": "A004"},
            {"number": 2, "name": "Quầy 2", "services": ["DD"], "state": "closed", "current": None, "current_label": None},
            {"number": 3, "name": "Quầy 3", "services": ["KQ"], "state": "paused", "current": None, "current_label": None},
        ],
        "recent_calls": [
            {"ticket": 4, "label": "A004", "service": "HT", "counter": 1, "counter_name": "Quầy 1", "state": "called"},
            {"ticket": 2, "label": "B002", "service": "DD", "counter": 2, "counter_name": "Quầy 2", "state": "done"},
        ],
        "announcement": {"text_vi": "Nghỉ trưa 11:30", "text_en": "Lunch 11:30"},
    }
    base.update(extra)
    return base


def called(seq: int, label: str, counter: int, service: str = "HT", ev: str = "ticket.called") -> dict[str, Any]:
    return {"ev": ev, "seq": seq, "at": "2026-11-23T09:00:00+07:00", "ticket": seq, "label": label,
            "service": service, "counter": counter, "counter_name": f"Quầy {counter}"}  # fmt: skip


def test_a_snapshot_fills_the_board() -> None:
    board = Board()
    board.load_snapshot(snapshot())
    view = board.view(0)
    assert view.synced and view.site_name.startswith("Trung tâm")
    assert [(c.number, c.state, c.label) for c in view.counters] == [(1, "open", "A004"), (2, "closed", None), (3, "paused", None)]
    assert [(c.label, c.counter) for c in view.calls] == [("A004", 1), ("B002", 2)]
    assert view.featured is not None and view.featured.label == "A004" and not view.highlighted
    assert {f.code: f.waiting for f in view.fields} == {"HT": 3, "DD": 1, "KQ": 0}
    assert (view.ticker_vi, view.ticker_en) == ("Nghỉ trưa 11:30", "Lunch 11:30")


def test_a_call_updates_the_counter_the_list_and_the_waiting_and_comes_back_to_be_said() -> None:
    board = Board()
    board.load_snapshot(snapshot())
    call = board.apply(called(11, "B003", 2, "DD"))
    assert call is not None and (call.label, call.counter, call.seq, call.recall) == ("B003", 2, 11, False)
    assert call.at is not None and call.at.utcoffset() is not None
    view = board.view(0)
    assert view.calls[0].label == "B003"
    assert {c.number: c.label for c in view.counters}[2] == "B003"
    assert {f.code: f.waiting for f in view.fields}["DD"] == 0


def test_the_featured_call_is_highlighted_for_a_few_seconds() -> None:
    board = Board(highlight_seconds=8)
    board.load_snapshot(snapshot())
    call = board.apply(called(11, "A005", 1))
    assert call is not None
    board.feature(call, now=100.0)
    assert board.view(100.0).highlighted and board.view(107.9).highlighted
    assert not board.view(108.1).highlighted
    assert board.view(108.1).featured.label == "A005"  # type: ignore[union-attr]


def test_a_recall_moves_the_call_to_the_top_without_counting_it_twice() -> None:
    board = Board()
    board.load_snapshot(snapshot())
    board.apply(called(11, "B003", 2, "DD"))
    call = board.apply(called(12, "A004", 1, ev="ticket.recalled"))
    assert call is not None and call.recall
    assert [c.label for c in board.view(0).calls] == ["A004", "B003", "B002"]
    assert {f.code: f.waiting for f in board.view(0).fields}["HT"] == 3  # a recall is not a new call


def test_issue_return_cancel_complete_and_transfer_keep_the_counts() -> None:
    board = Board()
    board.load_snapshot(snapshot())
    board.apply({"ev": "ticket.issued", "seq": 11, "service": "HT", "label": "A010"})
    board.apply({"ev": "ticket.returned", "seq": 12, "service": "DD", "label": "B001"})
    board.apply({"ev": "ticket.cancelled", "seq": 13, "service": "HT", "label": "A006", "counter": None})
    board.apply({"ev": "ticket.completed", "seq": 14, "service": "HT", "label": "A004", "counter": 1})
    board.apply({"ev": "ticket.transferred", "seq": 15, "service": "HT", "to_service": "DD", "label": "A009", "counter": 1})
    view = board.view(0)
    assert {f.code: f.waiting for f in view.fields} == {"HT": 3, "DD": 3, "KQ": 0}
    assert {c.number: c.label for c in view.counters}[1] is None


def test_counter_changes_and_a_new_day() -> None:
    board = Board()
    board.load_snapshot(snapshot())
    board.apply({"ev": "counter.changed", "seq": 11, "counter": 2, "name": "Quầy 2 – Đất đai", "state": "open"})
    assert board.view(0).counters[1].state == "open" and board.view(0).counters[1].name == "Quầy 2 – Đất đai"
    board.apply({"ev": "day.opened", "seq": 12, "day": "2026-11-24", "expired": [], "closed": [1, 2]})
    view = board.view(0)
    assert view.calls == () and view.featured is None
    assert all(c.state == "closed" and c.label is None for c in view.counters)
    assert all(f.waiting == 0 for f in view.fields)


def test_the_ticker_follows_the_manager() -> None:
    board = Board()
    board.load_snapshot(snapshot())
    board.apply({"ev": "announcement.changed", "seq": 11, "text_vi": "", "text_en": ""})
    assert board.view(0).ticker_vi == ""


def test_a_board_limited_to_counters_shows_only_theirs() -> None:
    board = Board(counters=frozenset({2, 3}))
    board.load_snapshot(snapshot())
    view = board.view(0)
    assert [c.number for c in view.counters] == [2, 3]
    assert [c.label for c in view.calls] == ["B002"]  # the snapshot's recent calls are everyone's
    assert {f.code for f in view.fields} == {"DD", "KQ"}
    assert board.apply(called(11, "A005", 1)) is None  # not this board's counter
    board.load_services(snapshot()["services"])  # a services.list reply lists every field
    assert {f.code for f in board.view(0).fields} == {"DD", "KQ"}


def test_a_board_limited_to_fields_shows_their_counters_and_calls() -> None:
    board = Board(services=frozenset({"HT"}))
    board.load_snapshot(snapshot())
    view = board.view(0)
    assert [c.number for c in view.counters] == [1]
    assert [c.label for c in view.calls] == ["A004"]
    assert [f.code for f in view.fields] == ["HT"]
    assert board.apply(called(11, "B005", 2, "DD")) is None


def test_the_banner_shows_only_after_a_few_seconds_without_the_server() -> None:
    board = Board(offline_after_seconds=5)
    assert not board.view(0).offline  # starting: nothing reported yet
    board.connection("connecting", 10.0)
    assert not board.view(14.9).offline and board.view(15.0).offline
    board.connection("connected", 16.0)
    assert not board.view(16.0).offline
    board.connection("disconnected", 20.0)
    board.connection("connecting", 22.0)  # retrying does not restart the count
    assert board.view(25.0).offline


def test_malformed_events_change_nothing() -> None:
    board = Board()
    board.load_snapshot(snapshot())
    before = board.view(0)
    for event in [{}, {"ev": "ticket.called"}, {"ev": "ticket.called", "counter": "1", "label": 5},
                  {"ev": "counter.changed", "counter": 99}, {"ev": "ticket.serving", "counter": None},
                  {"ev": "whatever", "seq": 1}]:  # fmt: skip
        assert board.apply(event) is None
    assert board.view(0) == before


def test_the_board_says_when_its_view_will_change_with_no_event() -> None:
    board = Board(highlight_seconds=8, offline_after_seconds=5, flash_seconds=0)
    board.load_snapshot(snapshot())
    assert board.changes_at(0.0) is None  # nothing featured, never disconnected
    call = board.apply(called(11, "A005", 1))
    assert call is not None
    board.feature(call, now=100.0)
    assert board.changes_at(100.0) == 108.0  # the highlight ends
    assert board.view(board.changes_at(100.0)).highlighted is False  # type: ignore[arg-type]
    board.connection("connecting", 104.0)
    assert board.changes_at(104.0) == 108.0 and board.changes_at(108.0) == 109.0  # then the banner
    assert not board.view(108.9).offline and board.view(109.0).offline
    assert board.changes_at(109.0) is None
    board.connection("connected", 110.0)
    assert board.changes_at(110.0) is None


def test_the_called_numbers_rows_flash_for_flash_seconds_and_not_at_all_with_0() -> None:
    board = Board(highlight_seconds=8, flash_seconds=12)
    board.load_snapshot(snapshot())
    call = board.apply(called(11, "A005", 1))
    assert call is not None and board.view(99.0).flashing is None
    board.feature(call, now=100.0)
    flashing = board.view(100.0).flashing
    assert flashing is not None and (flashing.label, flashing.counter) == ("A005", 1)
    # lit half a second, then not, once a second; the view says when it changes next
    assert [board.view(t).flash_lit for t in (100.0, 100.49, 100.5, 100.99, 101.0, 111.2, 111.6)] == [True, True, False, False, True, True, False]
    assert board.changes_at(100.0) == 100.5 and board.changes_at(100.7) == 101.0 and board.changes_at(107.9) == 108.0
    assert board.changes_at(111.7) == 112.0 and board.changes_at(112.0) is None  # the highlight ended at 108
    assert board.view(111.9).flashing == flashing and board.view(112.0).flashing is None
    assert not board.view(112.0).flash_lit
    board.feature(call, now=200.0)  # a recall flashes again
    board.configure(counters=None, services=None, highlight_seconds=8, offline_after_seconds=5, keep_calls=10, flash_seconds=0)
    assert board.view(200.5).flashing is None  # turned off live: the row stops at once
    second = board.apply(called(12, "A006", 1))
    assert second is not None
    board.feature(second, now=300.0)
    assert board.view(300.0).flashing is None and not board.view(300.0).flash_lit and board.changes_at(300.0) == 308.0


def test_a_new_configuration_renames_fields_counters_and_the_site_at_once() -> None:
    board = Board()
    board.load_snapshot(snapshot())
    board.rename("Trung tâm mới", {"HT": ("Hộ tịch – Khai sinh", "Civil status – Births"), "XX": ("?", "?")}, {1: "Quầy 1 – Ưu tiên"})
    view = board.view(0)
    assert view.site_name == "Trung tâm mới"
    assert [(f.code, f.name_vi, f.name_en, f.waiting) for f in view.fields][0] == ("HT", "Hộ tịch – Khai sinh", "Civil status – Births", 3)
    assert "XX" not in {f.code for f in view.fields}  # a field the board does not show stays out
    assert view.counters[0].name == "Quầy 1 – Ưu tiên" and view.counters[0].label == "A004"


def test_a_new_configuration_limits_the_board_from_the_next_snapshot() -> None:
    board = Board()
    board.load_snapshot(snapshot())
    board.configure(counters=frozenset({2}), services=None, highlight_seconds=3, offline_after_seconds=1, keep_calls=10)
    board.load_snapshot(snapshot())
    assert [c.number for c in board.view(0).counters] == [2]
    assert board.highlight_seconds == 3 and board.offline_after_seconds == 1


def test_a_refusal_shows_its_words_at_once_until_the_server_takes_the_board() -> None:
    board = Board(offline_after_seconds=5)
    board.connection("connected", 0)
    board.refused("Thiết bị đã bị thu hồi — xin cấp lại mã đăng ký")
    board.connection("disconnected", 10)
    view = board.view(10)  # no wait for the lost-connection banner: the words are shown now
    assert view.offline and view.refusal == "Thiết bị đã bị thu hồi — xin cấp lại mã đăng ký"
    board.refused(None)
    board.connection("connected", 11)
    assert not board.view(11).offline and board.view(11).refusal == ""
