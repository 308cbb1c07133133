"""What the manager's files and rows are called: the export formats' content types, and a
report row's key (a field, counter or officer) as people read it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from queue_server.server.hub import Hub

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
NOT_CALLED = "Chưa gọi (not called)"


def group_name(hub: Hub, kind: str, key: Any) -> str:
    """A report row's key as people read it: a field's, counter's or officer's name (``kind``
    is the grouping's value: service, counter, officer; any other key is written as it is)."""
    site = hub.config.site
    if key is None:
        return NOT_CALLED
    if kind == "service":
        service = site.service(key)
        return service.name_vi if service else str(key)
    if kind == "counter":
        counter = site.counter(key)
        return counter.name if counter else f"Quầy {key}"
    if kind == "officer":
        officer = hub.config.officer(key)
        return officer.name if officer else str(key)
    return str(key)
