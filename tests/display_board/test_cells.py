"""What the tables' cells say and which shown cell each row goes back into (no Kivy)."""

from __future__ import annotations

import pytest

from display_board.board import CallRow, CounterRow, FieldRow
from display_board.cells import call_cells, counter_cells, field_cells, grid, reuse


def test_a_counter_cell_says_its_ticket_or_its_state() -> None:
    rows = [
        CounterRow(1, "Quầy 1", "open", "A004"),
        CounterRow(2, "Quầy 2", "paused", "B002"),
        CounterRow(3, "Quầy 3", "paused", None),
        CounterRow(4, "Quầy 4", "closed", "C001"),
    ]
    assert counter_cells(rows) == [
        (1, {"number": "1", "ticket": "A004", "state": "open", "note": "", "flashing": False, "lit": False}),
        (2, {"number": "2", "ticket": "B002", "state": "paused", "note": "Tạm dừng", "flashing": False, "lit": False}),
        (3, {"number": "3", "ticket": "", "state": "paused", "note": "Tạm dừng", "flashing": False, "lit": False}),
        (4, {"number": "4", "ticket": "", "state": "closed", "note": "Đóng", "flashing": False, "lit": False}),
    ]
    flashing = [(key, values["lit"]) for key, values in counter_cells(rows, CallRow("A004", 1, "Quầy 1"), True) if values["flashing"]]
    assert flashing == [(1, True)]
    assert not any(values["lit"] for _, values in counter_cells(rows, CallRow("A004", 1, "Quầy 1"), False))
    assert not any(values["flashing"] for _, values in counter_cells(rows, CallRow("C001", 4, "Quầy 4")))  # closed: not shown


def test_the_newest_call_is_marked_and_each_call_is_its_own_key() -> None:
    rows = [CallRow("A005", 1, "Quầy 1"), CallRow("B002", 2, "Quầy 2")]
    assert call_cells(rows) == [
        (rows[0], {"label": "A005", "counter": "Quầy 1", "newest": True, "flashing": False, "lit": False}),
        (rows[1], {"label": "B002", "counter": "Quầy 2", "newest": False, "flashing": False, "lit": False}),
    ]
    assert [(values["flashing"], values["lit"]) for _, values in call_cells(rows, rows[1], True)] == [(False, False), (True, True)]
    assert field_cells([FieldRow("HT", "Hộ tịch", "Civil status", 3, False)]) == [
        ("HT", {"name": "Hộ tịch", "waiting": "3", "open": False})
    ]


@pytest.mark.parametrize(
    ("shown", "keys", "plan"),
    [
        (["a", "b", "c"], ["a", "b", "c"], [0, 1, 2]),  # nothing moved
        (["b", "c", "d"], ["a", "b", "c"], [2, 0, 1]),  # a new call on top: the oldest's cell takes it
        (["a", "b"], ["c", "a", "b"], [None, 0, 1]),  # the list grows: one new cell
        (["a", "b", "c"], ["c"], [2]),  # the list shrinks
        ([], ["a", "b"], [None, None]),  # the first show
        (["a", "a"], ["a", "b"], [0, 1]),  # a key twice (never sent): each cell used once
    ],
)
def test_a_row_goes_back_into_the_cell_that_showed_it(shown, keys, plan) -> None:
    assert reuse(shown, keys) == plan


def test_cells_fill_the_grid_top_to_bottom_then_left_to_right() -> None:
    assert grid(5, cols=2, min_rows=3) == (3, [0, 3, 1, 4, 2, None])
    assert grid(0, cols=2, min_rows=2) == (2, [None, None, None, None])
    assert grid(7, cols=2, min_rows=3) == (4, [0, 4, 1, 5, 2, 6, 3, None])
