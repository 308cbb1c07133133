"""Where a dossier stands: status, the department that has it, the due date and the working
days left or late, where to collect it; printed on request. A ready dossier offers a number
in the result-collection field (one tap)."""

from __future__ import annotations

from typing import Any

from kivy.app import App
from kivy.properties import BooleanProperty, DictProperty

from kiosk.core.decisions import due_line, local_day
from kiosk.screens.widgets import KioskScreen, escape

STATUS_COLOURS = {
    "ready": (0.05, 0.40, 0.22, 1),
    "collected": (0.2, 0.2, 0.2, 1),
    "overdue": (0.70, 0.10, 0.05, 1),
    "supplement": (0.62, 0.24, 0.0, 1),
    "returned": (0.62, 0.24, 0.0, 1),
}


class DossierResultScreen(KioskScreen):
    dossier = DictProperty({})
    offers_pickup = BooleanProperty(False)

    def show(self, dossier: dict[str, Any]) -> None:
        self.dossier = dossier
        self.offers_pickup = bool(dossier.get("pickup"))
        self.refresh()

    def clear(self) -> None:
        self.dossier = {}
        self.offers_pickup = False
        self.ids.note.text = ""

    def status_key(self) -> str:
        return "overdue" if self.dossier.get("overdue") else self.dossier.get("status", "received")

    def refresh(self) -> None:
        app = App.get_running_app()
        texts = app.texts
        d = self.dossier
        self.ids.title.text = " · ".join(texts.title("dossier.title"))
        if not d:
            return
        status = self.status_key()
        self.ids.status.text = f"{texts(f'status.{status}')}\n[size={int(app.u * 30)}]{texts.other(f'status.{status}')}[/size]"
        self.ids.status.color = STATUS_COLOURS.get(status, (0.04, 0.24, 0.57, 1))
        lines = [texts("dossier.code", code=d["code"])]
        if d.get("procedure"):
            lines.append(texts("dossier.procedure", text=d["procedure"]))
        if d.get("department") and status not in ("ready", "collected"):
            lines.append(texts("dossier.department", text=d["department"]))
        if d.get("due_date"):
            lines.append(texts("dossier.due", date=local_day(d["due_date"])))
            due = due_line(d.get("standing") or {})
            if due is not None:
                lines.append(texts(due[0], **due[1]))
        if d.get("collect_at"):
            lines.append(texts("dossier.collect", text=d["collect_at"]))
        self.ids.lines.text = escape("\n".join(lines))
        self.ids.print.text = texts("dossier.print")
        self.ids.pickup.text = texts("dossier.pickup")
        self.ids.back.text = texts("common.home")

    def printed(self, fault: str | None) -> None:
        texts = App.get_running_app().texts
        if fault is None:
            self.ids.note.text = texts("dossier.printed")
        else:
            self.ids.note.text = texts("admin.test_failed", reason=texts(f"printer.{fault}"))
