"""What a board shows, from the server's snapshot and events; no Kivy, no clock of its own.

    board = Board(counters=frozenset({6, 7}), services=None)
    board.load_snapshot(hello["snapshot"], at)  # at: the wall clock, for how recent its calls are
    call = board.apply(event)           # a Call when the event is a call or recall, to be spoken
    board.feature(call, now)            # the big panel shows it, highlighted for a few seconds,
                                        # and its rows in the tables flash (``flash_seconds``)
    board.connection(status, now)       # "connected" / "connecting" / "disconnected"
    view = board.view(now)              # a BoardView for the screen
    board.changes_at(now)               # when that view will change with no event (or None)

``now`` is a monotonic time in seconds (highlight, the "Mất kết nối" banner). A board limited to
some counters or fields shows only those, whatever the server sends.

The big panel ("Now calling") shows the call being announced, else the newest call still in
progress: called, its citizen not yet at the counter (no ``ticket.serving``, and not ended). A
board that (re)starts from a snapshot takes as in progress only the calls whose ticket is still
``called`` and that were made within ``calling_minutes``; every other call is history, in the
last calls list only.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from typing import Any

from display_board.announcer import Call

_CALL_EVENTS = ("ticket.called", "ticket.recalled")
FLASH_PERIOD = 1.0  # seconds: a flashing row is lit, then not, then lit again (under 3 a second: WCAG 2.3.1)
_ENDS = ("ticket.no_show", "ticket.completed", "ticket.transferred")
_ANSWERED = (*_ENDS, "ticket.serving", "ticket.cancelled")  # the call is no longer in progress


@dataclasses.dataclass(frozen=True)
class CounterRow:
    number: int
    name: str
    state: str  # open, paused, closed
    label: str | None  # the ticket it is calling or serving


@dataclasses.dataclass(frozen=True)
class CallRow:
    label: str
    counter: int
    counter_name: str


@dataclasses.dataclass(frozen=True)
class FieldRow:
    code: str
    name_vi: str
    name_en: str
    waiting: int
    open: bool


@dataclasses.dataclass(frozen=True)
class BoardView:
    site_name: str
    featured: CallRow | None
    highlighted: bool
    counters: tuple[CounterRow, ...]
    calls: tuple[CallRow, ...]  # newest first, the featured one included
    fields: tuple[FieldRow, ...]
    ticker_vi: str
    ticker_en: str
    offline: bool  # show "Mất kết nối": the numbers may be stale
    synced: bool  # a snapshot has been loaded at least once
    refusal: str = ""  # the server's words when it refuses this board (revoked, protocol): shown at once
    flashing: CallRow | None = None  # the call whose rows flash now (for those who cannot hear it)
    flash_lit: bool = False  # the flashing rows are lit now (the first half of each FLASH_PERIOD)


class Board:
    def __init__(
        self,
        *,
        counters: frozenset[int] | None = None,
        services: frozenset[str] | None = None,
        highlight_seconds: float = 10.0,
        offline_after_seconds: float = 5.0,
        keep_calls: int = 10,
        calling_minutes: float = 15.0,
        flash_seconds: float = 10.0,
    ) -> None:
        self.only_counters = counters or None
        self.only_services = services or None
        self.highlight_seconds = highlight_seconds
        self.offline_after_seconds = offline_after_seconds
        self.keep_calls = keep_calls
        self.calling_minutes = calling_minutes
        self.flash_seconds = flash_seconds
        self.site_name = ""
        self._counters: dict[int, CounterRow] = {}
        self._counter_services: dict[int, frozenset[str]] = {}
        self._fields: dict[str, FieldRow] = {}
        self._calls: list[CallRow] = []
        self._featured: CallRow | None = None
        self._calling: set[CallRow] = set()  # calls in progress: their citizen not yet at the counter
        self._highlight_until = float("-inf")
        self._flash_from = self._flash_until = float("-inf")
        self._ticker = ("", "")
        self._lost_since: float | None = None  # set by the first connection() report
        self._synced = False
        self._refusal = ""

    # ---- from the server -------------------------------------------------------------------

    def load_snapshot(self, snapshot: dict[str, Any], at: dt.datetime | None = None) -> None:
        """Everything afresh (first connection, or a gap too old for a catch-up); ``at``: the
        time now, so that a call left ``called`` long ago is not shown as being called."""
        self.site_name = snapshot.get("site", {}).get("name", self.site_name)
        self._counter_services = {
            c["number"]: frozenset(c.get("services", ())) for c in snapshot.get("counters", ())
        }
        self._counters = {
            c["number"]: CounterRow(c["number"], c.get("name", ""), c.get("state", "closed"), c.get("current_label"))
            for c in snapshot.get("counters", ())
            if self._shows_counter(c["number"])
        }
        self.load_services(snapshot.get("services", ()))
        self._calls = [
            CallRow(c["label"], c["counter"], c.get("counter_name") or "")
            for c in snapshot.get("recent_calls", ())
            if c.get("counter") is not None and self._shows_call(c["counter"], c.get("service"))
        ][: self.keep_calls]
        self._calling = {
            CallRow(c["label"], c["counter"], c.get("counter_name") or "")
            for c in snapshot.get("recent_calls", ())
            if c.get("state") == "called" and self._recent(c.get("called_at"), at)
        } & set(self._calls)
        if self._featured is not None and self._featured not in self._calling:
            self._featured = None
        announcement = snapshot.get("announcement") or {}
        self._ticker = (announcement.get("text_vi", ""), announcement.get("text_en", ""))
        self._synced = True

    def load_services(self, services: Iterable[dict[str, Any]]) -> None:
        """The fields' live figures (a snapshot's ``services`` or a ``services.list`` reply)."""
        self._fields = {
            s["code"]: FieldRow(s["code"], s.get("name_vi", ""), s.get("name_en", ""), s.get("waiting", 0), s.get("open", True))
            for s in services
            if self._shows_service(s["code"])
        }

    def apply(self, event: dict[str, Any]) -> Call | None:
        """Update from one event; a call or recall comes back as a :class:`Call` to announce."""
        kind = event.get("ev")
        counter = event.get("counter")
        service = event.get("service")
        label = event.get("label")
        if kind in _ANSWERED:
            self._answered(counter, label)
        if kind == "day.opened":
            self._new_day()
        elif kind == "announcement.changed":
            self._ticker = (event.get("text_vi", ""), event.get("text_en", ""))
        elif kind == "counter.changed" and counter in self._counters:
            row = self._counters[counter]
            state = event.get("state", row.state)
            self._counters[counter] = dataclasses.replace(
                row, name=event.get("name") or row.name, state=state, label=None if state == "closed" else row.label
            )
        elif kind == "ticket.issued" or kind == "ticket.returned":
            self._count(service, +1)
        elif kind == "ticket.cancelled":
            if counter is None:
                self._count(service, -1)
            else:
                self._clear_counter(counter, label)
        elif kind in _ENDS:
            self._clear_counter(counter, label)
            if kind == "ticket.transferred":
                self._count(event.get("to_service") or service, +1)
        elif kind == "ticket.serving":
            self._set_counter(counter, label)
        elif kind in _CALL_EVENTS and isinstance(counter, int) and isinstance(label, str):
            if not self._shows_call(counter, service):
                return None
            if kind == "ticket.called":
                self._count(service, -1)
            self._set_counter(counter, label)
            row = CallRow(label, counter, event.get("counter_name") or self._counter_name(counter))
            self._calls = [row] + [c for c in self._calls if c != row]
            del self._calls[self.keep_calls :]
            self._calling = {c for c in self._calling if c.counter != counter} | {row}  # a counter calls one at a time
            return Call(
                seq=event.get("seq", 0),
                ticket=event.get("ticket"),
                label=label,
                counter=counter,
                counter_name=row.counter_name,
                at=_parse_time(event.get("at")),
                recall=kind == "ticket.recalled",
            )
        return None

    def configure(
        self,
        *,
        counters: frozenset[int] | None,
        services: frozenset[str] | None,
        highlight_seconds: float,
        offline_after_seconds: float,
        keep_calls: int,
        flash_seconds: float = 10.0,
    ) -> None:
        """New settings from the server (config.changed): what is shown, and for how long. The
        counters and fields shown change with the next snapshot or ``services.list``."""
        self.only_counters = counters or None
        self.only_services = services or None
        self.highlight_seconds = highlight_seconds
        self.offline_after_seconds = offline_after_seconds
        self.keep_calls = keep_calls
        self.flash_seconds = flash_seconds
        if flash_seconds <= 0:
            self._flash_until = float("-inf")  # turned off: a row flashing now stops

    def rename(self, site_name: str, fields: dict[str, tuple[str, str]], counters: dict[int, str]) -> None:
        """The names of the site's configuration (config.changed): the site, each field
        (Vietnamese, English) and each counter, at once on the screen."""
        if site_name:
            self.site_name = site_name
        for code, (name_vi, name_en) in fields.items():
            if code in self._fields:
                self._fields[code] = dataclasses.replace(self._fields[code], name_vi=name_vi, name_en=name_en)
        for number, name in counters.items():
            if number in self._counters and name:
                self._counters[number] = dataclasses.replace(self._counters[number], name=name)

    def refused(self, words: str | None) -> None:
        """The server refused this board (its words), or took it again (None)."""
        self._refusal = words or ""

    def feature(self, call: Call, now: float) -> None:
        """Show ``call`` in the big panel, highlighted (it is being announced now); its rows in
        the counters and last calls tables flash for ``flash_seconds`` (none when 0)."""
        self._featured = CallRow(call.label, call.counter, call.counter_name)
        self._highlight_until = now + self.highlight_seconds
        self._flash_from = now
        self._flash_until = now + self.flash_seconds if self.flash_seconds > 0 else float("-inf")

    def connection(self, status: str, now: float) -> None:
        if status == "connected":
            self._lost_since = None
        elif self._lost_since is None:
            self._lost_since = now

    # ---- for the screen --------------------------------------------------------------------

    def view(self, now: float) -> BoardView:
        featured = self._featured or next((c for c in self._calls if c in self._calling), None)
        offline = self._lost_since is not None and now - self._lost_since >= self.offline_after_seconds
        return BoardView(
            site_name=self.site_name,
            featured=featured,
            highlighted=self._featured is not None and now < self._highlight_until,
            counters=tuple(self._counters[n] for n in sorted(self._counters)),
            calls=tuple(self._calls),
            fields=tuple(self._fields.values()),
            ticker_vi=self._ticker[0],
            ticker_en=self._ticker[1],
            offline=offline or bool(self._refusal),
            synced=self._synced,
            refusal=self._refusal,
            flashing=self._flashing(now),
            flash_lit=self._flashing(now) is not None and int((now - self._flash_from) / (FLASH_PERIOD / 2)) % 2 == 0,
        )

    def _flashing(self, now: float) -> CallRow | None:
        return self._featured if self._featured is not None and now < self._flash_until else None

    def changes_at(self, now: float) -> float | None:
        """The next moment after ``now`` at which :meth:`view` changes by itself, with no event
        (the highlight or the flashing ends, the banner appears), or None: the screen need not look before."""
        moments: list[float] = []
        if self._featured is not None and now < self._highlight_until:
            moments.append(self._highlight_until)
        if self._flashing(now) is not None:  # the rows go on or off, or stop
            half = FLASH_PERIOD / 2
            moments.append(min(self._flash_from + (int((now - self._flash_from) / half) + 1) * half, self._flash_until))
        if self._lost_since is not None and now < self._lost_since + self.offline_after_seconds:
            moments.append(self._lost_since + self.offline_after_seconds)
        return min(moments, default=None)

    # ---- inside ----------------------------------------------------------------------------

    def _new_day(self) -> None:
        self._calls = []
        self._calling = set()
        self._featured = None
        self._counters = {n: dataclasses.replace(r, state="closed", label=None) for n, r in self._counters.items()}
        self._fields = {code: dataclasses.replace(f, waiting=0) for code, f in self._fields.items()}

    def _answered(self, counter: Any, label: Any) -> None:
        """The call of ``label`` at ``counter`` is over (served, ended): history, not "now calling"."""
        self._calling = {c for c in self._calling if (c.label, c.counter) != (label, counter)}
        featured = self._featured
        if featured is not None and (featured.label, featured.counter) == (label, counter):
            self._featured = None

    def _recent(self, called_at: Any, at: dt.datetime | None) -> bool:
        when = _parse_time(called_at)
        return at is None or when is None or at - when <= dt.timedelta(minutes=self.calling_minutes)

    def _shows_service(self, code: str) -> bool:
        if self.only_services is not None:
            return code in self.only_services
        if self.only_counters is not None:
            return any(code in self._counter_services.get(n, ()) for n in self.only_counters)
        return True

    def _shows_counter(self, number: int) -> bool:
        if self.only_counters is not None:
            return number in self.only_counters
        if self.only_services is not None:
            return bool(self._counter_services.get(number, frozenset()) & self.only_services)
        return True

    def _shows_call(self, counter: int, service: str | None) -> bool:
        if self.only_counters is not None:
            return counter in self.only_counters
        if self.only_services is not None:
            return service in self.only_services
        return True

    def _count(self, service: str | None, delta: int) -> None:
        field = self._fields.get(service) if service is not None else None
        if field is not None:
            self._fields[field.code] = dataclasses.replace(field, waiting=max(0, field.waiting + delta))

    def _set_counter(self, counter: Any, label: Any) -> None:
        row = self._counters.get(counter)
        if row is not None:
            self._counters[counter] = dataclasses.replace(row, label=label, state="open" if row.state == "closed" else row.state)

    def _clear_counter(self, counter: Any, label: Any) -> None:
        row = self._counters.get(counter)
        if row is not None and row.label == label:
            self._counters[counter] = dataclasses.replace(row, label=None)

    def _counter_name(self, counter: int) -> str:
        row = self._counters.get(counter)
        return row.name if row else f"Quầy {counter}"


def _parse_time(value: Any) -> dt.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None
