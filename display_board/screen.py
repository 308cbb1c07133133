"""The board's Kivy widgets: a :class:`BoardScreen` shows a :class:`~.board.BoardView`.

The look lives in ``widgets.kv`` (the parts) and ``landscape.kv`` / ``portrait.kv`` (where the
parts go); this file only copies values into widget properties, rebuilding a table only when
its rows changed.
"""

from __future__ import annotations

import datetime as dt
import math

from kivy.clock import Clock
from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.floatlayout import FloatLayout
from kivy.uix.gridlayout import GridLayout
from kivy.uix.stencilview import StencilView

from .board import BoardView, CallRow, CounterRow, FieldRow

WEEKDAYS_VI = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")
COUNTER_STATES_VI = {"open": "Đang mở", "paused": "Tạm dừng", "closed": "Đóng"}


def date_vi(moment: dt.datetime) -> str:
    return f"{WEEKDAYS_VI[moment.weekday()]}, {moment:%d/%m/%Y}"


class CounterCell(BoxLayout):
    number = StringProperty("")
    ticket = StringProperty("")
    state = StringProperty("closed")
    note = StringProperty("")


class CallCell(BoxLayout):
    label = StringProperty("")
    counter = StringProperty("")
    newest = BooleanProperty(False)


class FieldCell(BoxLayout):
    name = StringProperty("")
    waiting = StringProperty("")
    open = BooleanProperty(True)


class Header(BoxLayout):
    screen = ObjectProperty(None, rebind=True)


class FeaturedCall(BoxLayout):
    screen = ObjectProperty(None, rebind=True)
    on = BooleanProperty(False)


class OfflineBanner(BoxLayout):
    screen = ObjectProperty(None, rebind=True)


class Table(GridLayout):
    """A grid filled with ``cols`` columns of equal cells, top to bottom then left to right."""

    min_rows = NumericProperty(1)

    def fill(self, cells: list) -> None:  # list of widgets
        self.clear_widgets()
        rows = max(self.min_rows, math.ceil(len(cells) / max(self.cols, 1)))
        self.rows = rows
        grid: list = [None] * (rows * self.cols)
        for index, cell in enumerate(cells):
            column, row = divmod(index, rows)
            grid[row * self.cols + column] = cell
        for cell in grid:
            self.add_widget(cell if cell is not None else BoxLayout())


class Ticker(StencilView):
    """The manager's announcement scrolling right to left; hidden when there is none."""

    text = StringProperty("")
    offset = NumericProperty(0)
    speed = NumericProperty(120)  # pixels a second
    text_width = NumericProperty(0)

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        Clock.schedule_interval(self._scroll, 1 / 30)

    def on_text(self, *_args) -> None:
        self.offset = 0

    def _scroll(self, dt_: float) -> None:
        if not self.text:
            return
        self.offset += self.speed * dt_
        if self.offset > self.width + self.text_width:
            self.offset = 0


class BoardScreen(FloatLayout):
    """The common part of both layouts; ``landscape.kv`` and ``portrait.kv`` place the parts."""

    u = NumericProperty(10)  # one hundredth of the screen's short side: every size is in u
    site_name = StringProperty("")
    date_text = StringProperty("")
    time_text = StringProperty("")
    featured_label = StringProperty("")
    featured_counter = StringProperty("")
    featured_name = StringProperty("")
    highlighted = BooleanProperty(False)
    offline = BooleanProperty(False)
    synced = BooleanProperty(False)
    ticker_text = StringProperty("")
    counter_cols = NumericProperty(2)
    call_cols = NumericProperty(2)
    field_cols = NumericProperty(1)
    last_calls = NumericProperty(8)
    counters_table = ObjectProperty(None)
    calls_table = ObjectProperty(None)
    fields_table = ObjectProperty(None)

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._shown: dict[str, tuple] = {}

    def show(self, view: BoardView, local_now: dt.datetime) -> None:
        self.site_name = view.site_name
        self.date_text = date_vi(local_now)
        self.time_text = f"{local_now:%H:%M}"
        featured = view.featured
        self.featured_label = featured.label if featured else ""
        self.featured_counter = f"Quầy {featured.counter}" if featured else ""
        self.featured_name = featured.counter_name if featured else ""
        self.highlighted = view.highlighted
        self.offline = view.offline
        self.synced = view.synced
        ticker = " · ".join(t for t in (view.ticker_vi, view.ticker_en) if t)
        self.ticker_text = ticker
        self._table("counters", self.counters_table, view.counters, _counter_cell)
        calls = view.calls[: int(self.last_calls)]
        self._table("calls", self.calls_table, calls, lambda row: _call_cell(row, row == (calls[0] if calls else None)))
        self._table("fields", self.fields_table, view.fields, _field_cell)

    def _table(self, name: str, table: Table | None, rows: tuple, make) -> None:
        if table is None or self._shown.get(name) == rows:
            return
        self._shown[name] = rows
        table.fill([make(row) for row in rows])


def _counter_cell(row: CounterRow) -> CounterCell:
    if row.state == "closed":
        ticket, note = "", "Đóng"
    elif row.label:
        ticket, note = row.label, ("Tạm dừng" if row.state == "paused" else "")
    else:
        ticket, note = "", COUNTER_STATES_VI.get(row.state, row.state)
    return CounterCell(number=str(row.number), ticket=ticket, state=row.state, note=note)


def _call_cell(row: CallRow, newest: bool) -> CallCell:
    return CallCell(label=row.label, counter=f"Quầy {row.counter}", newest=newest)


def _field_cell(row: FieldRow) -> FieldCell:
    return FieldCell(name=row.name_vi, waiting=str(row.waiting), open=row.open)


class LandscapeBoard(BoardScreen):
    """1920×1080, 1366×768: the call and the last calls on the left, counters and fields right."""


class PortraitBoard(BoardScreen):
    """1080×1920, 768×1366: the call on top, then counters, last calls, fields."""
