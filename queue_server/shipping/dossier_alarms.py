"""The site's late-dossier alarms as the province sees them: how many dossiers are overdue
or due soon, and the first of them — counted by the site's own rules (its working-day
calendar and threshold: :mod:`queue_server.core.dossiers.standing`), since dossiers are not
events of the log.

A dossier's code opens its phone page (``/d/CODE``) and stays at the site; so do its
applicant and steps. What leaves: procedure, field, unit, officer, due date, how late.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from queue_server.config.settings import DossierSettings
from queue_server.core.dossiers.model import Dossier
from queue_server.core.dossiers.standing import Progress, alarms
from queue_server.core.dossiers.workdays import WorkCalendar

MAX_ITEMS = 50


def dossier_summary(dossiers: Iterable[Dossier], today: dt.date, settings: DossierSettings) -> dict[str, Any]:
    calendar = WorkCalendar(holidays=settings.holidays, weekend=settings.weekend, make_up_days=settings.make_up_days)
    found = alarms(dossiers, today, calendar, settings.warn_working_days)
    return {
        "today": today.isoformat(),
        "overdue": sum(1 for _, s in found if s.progress is Progress.OVERDUE),
        "due_soon": sum(1 for _, s in found if s.progress is Progress.DUE_SOON),
        "items": [
            {
                "procedure": d.procedure,
                "field": d.field,
                "unit": d.department,
                "officer": d.officer,
                "due_date": d.due_date.isoformat() if d.due_date else None,
                "progress": s.progress.value,
                "days_late": s.days_late,
                "days_left": s.days_left,
            }
            for d, s in found[:MAX_ITEMS]
        ],
    }
