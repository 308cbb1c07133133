"""The board's Kivy widgets: a :class:`BoardScreen` shows a :class:`~.board.BoardView`.

The look lives in ``widgets.kv`` (the parts) and ``landscape.kv`` / ``portrait.kv`` (where the
parts go); this file only copies values into widget properties. A table keeps its cells and
changes only what changed (see :mod:`.cells`): Kivy makes a label's texture again only when
its text or look changed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from kivy.clock import Clock
from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.floatlayout import FloatLayout
from kivy.uix.gridlayout import GridLayout
from kivy.uix.stencilview import StencilView
from kivy.uix.widget import Widget

from display_board.board import BoardView
from display_board.cells import Cell, call_cells, counter_cells, field_cells, grid, reuse

WEEKDAYS_VI = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")


def date_vi(moment: dt.datetime) -> str:
    return f"{WEEKDAYS_VI[moment.weekday()]}, {moment:%d/%m/%Y}"


class Flashing(BoxLayout):
    """A table's row that flashes while ``flashing`` (the called number's: for those who cannot
    hear the call), ``lit`` or not as the board's view says (its ``changes_at`` brings the
    screen back at each change: no timer of the row's own)."""

    flashing = BooleanProperty(False)
    lit = BooleanProperty(False)


class CounterCell(Flashing):
    number = StringProperty("")
    ticket = StringProperty("")
    state = StringProperty("closed")
    note = StringProperty("")


class CallCell(Flashing):
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
    """A grid of ``cols`` columns of equal cells, top to bottom then left to right, that keeps
    its cells' widgets from one :meth:`show` to the next."""

    min_rows = NumericProperty(1)

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._cells: list[Widget] = []  # in the rows' order
        self._keys: list = []
        self._blanks: list[Widget] = []

    def show(self, make: Callable[[], Widget], cells: Sequence[Cell]) -> None:
        keys = [key for key, _ in cells]
        plan = reuse(self._keys, keys)
        widgets = []
        for (_, values), index in zip(cells, plan, strict=True):
            widget = self._cells[index] if index is not None else make()
            for name, value in values.items():
                setattr(widget, name, value)  # Kivy passes on only a value that changed
            widgets.append(widget)
        self._cells, self._keys = widgets, keys
        rows, places = grid(len(widgets), self.cols, self.min_rows)
        while len(self._blanks) < places.count(None):
            self._blanks.append(BoxLayout())
        spare = iter(self._blanks)
        wanted = [widgets[index] if index is not None else next(spare) for index in places]
        placed = self.children[::-1]  # a GridLayout places its children in the order they came
        if self.rows != rows or len(placed) != len(wanted) or any(a is not b for a, b in zip(placed, wanted)):
            self.clear_widgets()  # a cell moved (a new call on top): the same widgets, placed again
            self.rows = rows
            for widget in wanted:
                self.add_widget(widget)


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
    called_today = BooleanProperty(False)  # calls in the last calls list, whatever the big panel shows
    offline = BooleanProperty(False)
    refusal = StringProperty("")  # the server's words refusing this board, shown in the banner
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
        self.called_today = bool(view.calls)
        self.offline = view.offline
        self.refusal = view.refusal
        self.synced = view.synced
        ticker = " · ".join(t for t in (view.ticker_vi, view.ticker_en) if t)
        self.ticker_text = ticker
        flash = (view.flashing, view.flash_lit)
        self._table("counters", self.counters_table, (view.counters, *flash), CounterCell, lambda r: counter_cells(*r))
        self._table("calls", self.calls_table, (view.calls[: int(self.last_calls)], *flash), CallCell, lambda r: call_cells(*r))
        self._table("fields", self.fields_table, view.fields, FieldCell, field_cells)

    def _table(
        self, name: str, table: Table | None, rows: tuple, make: Callable[[], Widget],
        cells: Callable[[tuple], list[Cell]],
    ) -> None:
        """``rows``: what the table shows (with the row that flashes, for the counters and calls)."""
        if table is None or self._shown.get(name) == rows:
            return
        self._shown[name] = rows
        table.show(make, cells(rows))


class LandscapeBoard(BoardScreen):
    """1920×1080, 1366×768: the call and the last calls on the left, counters and fields right."""


class PortraitBoard(BoardScreen):
    """1080×1920, 768×1366: the call on top, then counters, last calls, fields."""
