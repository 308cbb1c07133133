"""The controller reports every change to the board, so that the screen shows it at once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from display_board.announcer import Announcer
from display_board.board import Board
from display_board.controller import BoardController
from tests.display_board.test_board_model import called, snapshot


def test_every_change_to_the_board_is_reported_with_the_board_already_changed() -> None:
    later: list[Callable[[], None]] = []  # what the app's clock runs later: a silent call's end
    featured: list[str | None] = []  # the big panel's number at each report
    board = Board()

    def changed() -> None:
        view = board.view(100.0)
        featured.append(view.featured.label if view.featured else None)

    controller = BoardController(
        board, Announcer(), None,
        monotonic=lambda: 100.0,
        wall_clock=lambda: dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC),
        schedule=lambda _seconds, fn: later.append(fn),
        on_change=changed,
    )  # fmt: skip
    controller.on_status("connecting")
    controller.on_snapshot(snapshot())
    controller.on_status("connected")
    assert featured == [None, "A004", "A004"]
    controller.on_event({"ev": "ticket.issued", "seq": 11, "service": "HT", "label": "A010"})
    assert len(featured) == 4  # a waiting count changed
    controller.on_event(called(12, "A005", 1))
    assert featured[-1] == "A005"
    controller.on_event(called(13, "B003", 2, "DD"))
    assert featured[-1] == "A005"  # still being announced; B003 waits its turn
    reports = len(featured)
    later.pop(0)()  # A005's time is over
    assert len(featured) > reports and featured[-1] == "B003"
