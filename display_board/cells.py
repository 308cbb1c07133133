"""What the cells of the board's tables say, and which shown cell each row goes into; no Kivy.

    cells = counter_cells(view.counters, view.flashing, view.flash_lit)  # [(key, {"number": "1", …}), …]
    plan = reuse(shown_keys, [key for key, _ in cells])
    rows, slots = grid(len(cells), cols=2, min_rows=4)

A table keeps its cells' widgets: a row goes back into the cell that showed the same thing
(a counter, a field, a call), whatever its place, else into a cell whose row has gone, else
into a new cell. A cell gets only the texts that changed, so a label whose text is the same
keeps its texture (making one is most of what a refresh costs on a TV PC's graphics).
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from typing import Any

from display_board.board import CallRow, CounterRow, FieldRow

COUNTER_STATES_VI = {"open": "Đang mở", "paused": "Tạm dừng", "closed": "Đóng"}

Cell = tuple[Hashable, dict[str, Any]]  # what the cell shows (its key), its widget's properties


def counter_cells(rows: Sequence[CounterRow], flashing: CallRow | None = None, lit: bool = False) -> list[Cell]:
    """``flashing``: the call whose counter's row flashes (while that counter shows its number),
    ``lit`` now or not."""
    cells = [(row.number, _counter(row)) for row in rows]
    for number, values in cells:
        values["flashing"] = flashing is not None and (number, values["ticket"]) == (flashing.counter, flashing.label)
        values["lit"] = values["flashing"] and lit
    return cells


def _counter(row: CounterRow) -> dict[str, Any]:
    if row.state == "closed":
        ticket, note = "", "Đóng"
    elif row.label:
        ticket, note = row.label, ("Tạm dừng" if row.state == "paused" else "")
    else:
        ticket, note = "", COUNTER_STATES_VI.get(row.state, row.state)
    return {"number": str(row.number), "ticket": ticket, "state": row.state, "note": note}


def call_cells(rows: Sequence[CallRow], flashing: CallRow | None = None, lit: bool = False) -> list[Cell]:
    """Newest first; the newest is marked; the row of ``flashing`` flashes (``lit`` now or not)."""
    cells: list[Cell] = []
    for index, row in enumerate(rows):
        flashes = flashing is not None and (row.label, row.counter) == (flashing.label, flashing.counter)
        cells.append((row, {"label": row.label, "counter": f"Quầy {row.counter}", "newest": index == 0, "flashing": flashes, "lit": flashes and lit}))
    return cells


def field_cells(rows: Sequence[FieldRow]) -> list[Cell]:
    return [(row.code, {"name": row.name_vi, "waiting": str(row.waiting), "open": row.open}) for row in rows]


def reuse(shown: Sequence[Hashable], keys: Sequence[Hashable]) -> list[int | None]:
    """For each key, the index in ``shown`` of the cell to show it in: the cell that shows that
    key already, else one whose key is no longer there (in order), else None (a new cell)."""
    where: dict[Hashable, int] = {}
    for index, key in enumerate(shown):
        where.setdefault(key, index)
    plan: list[int | None] = []
    taken: set[int] = set()
    for key in keys:
        index = where.get(key)
        if index is not None and index not in taken:
            taken.add(index)
            plan.append(index)
        else:
            plan.append(None)
    free = iter([index for index in range(len(shown)) if index not in taken])
    return [index if index is not None else next(free, None) for index in plan]


def grid(count: int, cols: int, min_rows: int) -> tuple[int, list[int | None]]:
    """``count`` cells in ``cols`` columns, top to bottom then left to right: the number of
    rows and, for each place of the grid (left to right, then top to bottom), the index of
    the cell there or None (an empty place)."""
    cols = max(cols, 1)
    rows = max(min_rows, math.ceil(count / cols))
    places: list[int | None] = [None] * (rows * cols)
    for index in range(count):
        column, row = divmod(index, rows)
        places[row * cols + column] = index
    return rows, places
