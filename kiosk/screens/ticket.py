"""The issued ticket: its number large, people ahead, the wait, the counters, and the QR code
to follow it on a phone. Shown as soon as the server has issued it: its note says the paper
is printing, then "take your ticket below", or the printer's fault (take a photo)."""

from __future__ import annotations

from typing import Any

from kivy.app import App
from kivy.properties import BooleanProperty, DictProperty, ObjectProperty

from kiosk.core import decisions
from kiosk.core.documents import called_at
from kiosk.core.texts import Language
from kiosk.screens.widgets import KioskScreen, escape
from queue_server.core.reentries import RETURN_VISIT


class TicketScreen(KioskScreen):
    ticket = DictProperty({})
    printing = BooleanProperty(False)  # its paper is being printed
    fault = ObjectProperty(None, allownone=True)  # a printer.* key when not printed
    late = ObjectProperty(False)

    def show(self, ticket: dict[str, Any], late: bool) -> None:
        """A ticket just issued: its paper is printing."""
        self.ticket, self.late, self.printing, self.fault = ticket, late, True, None
        self.ids.nearby.text = ""  # (kiosk/nearby.py: centres with a shorter wait, when asked)
        self.refresh()

    def printed(self, fault: str | None) -> None:
        """Its paper is out (``fault`` None), or could not be printed."""
        self.printing, self.fault = False, fault
        if self.ticket:
            self.show_paper()

    def called(self, ticket: int, counter: int) -> None:
        """The number on screen was just called (``ticket.called``): say where to go now."""
        if self.ticket.get("id") == ticket:
            self.ticket = {**self.ticket, "state": "called", "counter": counter}
            self.refresh()

    def clear(self) -> None:
        self.ticket, self.late, self.printing, self.fault = {}, False, False, None
        self.ids.qr.data = ""

    def refresh(self) -> None:
        app = App.get_running_app()
        texts = app.texts
        t = self.ticket
        if not t:
            return
        vi = texts.language.value == "vi"
        name = t.get("service_name_vi" if vi else "service_name_en") or t.get("service", "")
        self.ids.heading.text = " · ".join(texts.title("ticket.title"))
        self.ids.number.text = t.get("label", "")
        kind = ""
        if t.get("appointment"):
            kind = texts("ticket.appointment")
        elif t.get("priority") == RETURN_VISIT.code:
            kind = texts("ticket.return_visit")
        elif t.get("priority"):
            kind = texts("ticket.priority")
        self.ids.kind.text = kind
        lines = [texts("ticket.service", name=name)]
        if t.get("dossier"):
            lines.append(texts("pickup.ticket", code=t["dossier"]))
        counter = called_at(t)
        if counter is not None:  # being called already: where to go, in both languages, not a wait
            lines += [texts.text("ticket.go_now", lang, counter=counter) for lang in Language]
        else:
            lines.append(texts("ticket.people_ahead", count=t.get("people_ahead", 0)))
            wait = decisions.ticket_wait(t.get("estimated_wait_minutes"))
            lines.append(texts(wait.key, **wait.params))
            if t.get("counters"):
                lines.append(texts("ticket.counters", counters=", ".join(str(c) for c in t["counters"])))
            lines.append(app.wait_line(t))
        if self.late:
            lines.append(texts("ticket.late"))
        self.ids.lines.text = escape("\n".join(lines))
        self.show_paper()
        self.ids.qr.data = t.get("url", "")
        self.ids.qr_hint.text = texts("ticket.qr")
        self.ids.done.text = texts("ticket.done")

    def show_paper(self) -> None:
        """The note on the paper: printing, printed, or the printer's fault."""
        texts = App.get_running_app().texts
        if self.printing:
            self.ids.printed.text = texts("ticket.printing")
            self.ids.printed.color = (0.25, 0.25, 0.25, 1)
        elif self.fault is None:
            self.ids.printed.text = texts("ticket.printed")
            self.ids.printed.color = (0.05, 0.40, 0.22, 1)
        else:
            reason = texts(f"printer.{self.fault}")
            self.ids.printed.text = texts("ticket.not_printed", reason=reason)
            self.ids.printed.color = (0.70, 0.10, 0.05, 1)
