"""Read the ``[dossier_lookup]`` table: the HTTP adapter to the centre's one-stop system.

Part of :mod:`queue_server.config.site`; ``docs/configuration.md`` describes the keys.
"""

from __future__ import annotations

from queue_server.config.checks import Table, check_json_path, check_url_template, format_key, kind_of, nfc
from queue_server.config.secrets import read_headers
from queue_server.config.settings import DossierLookupSettings
from queue_server.core.dossiers.model import SCALAR_FIELDS as DOSSIER_FIELDS
from queue_server.core.dossiers.model import DossierStatus

__all__ = ["DOSSIER_LOOKUP_KEYS", "free_table", "read_dossier_lookup"]

DOSSIER_LOOKUP_KEYS = ("url_template", "timeout_seconds", "fields", "statuses", "headers")


def read_dossier_lookup(root: Table) -> DossierLookupSettings:
    """The HTTP adapter to the one-stop system; absent: dossiers pushed to the server only."""
    table = root.table("dossier_lookup", DOSSIER_LOOKUP_KEYS)
    if table is None:
        return DossierLookupSettings()
    template = table.text("url_template", required=True)
    if template is not None and (problem := check_url_template(template)):
        table.report("url_template", problem)
    fields: dict[str, str] = {}
    known = tuple(f for f in DOSSIER_FIELDS if f != "code")
    fields_table = table.table("fields", known)
    for name in known if fields_table is not None else ():
        path = fields_table.text(name)  # type: ignore[union-attr]  # the loop runs only if fields_table is not None
        if path is not None and (problem := check_json_path(path)):
            fields_table.report(name, problem)  # type: ignore[union-attr]  # as above
        elif path is not None:
            fields[name] = path
    if fields_table is None or not fields_table.has("status"):
        table.problems.add(table.at("fields") + ("status",), "missing (required): the JSON path of the status")
    statuses = free_table(table, "statuses", "a status of the one-stop system")
    choices = [s.value for s in DossierStatus]
    for theirs, ours in list(statuses.items()):
        if ours not in choices:
            table.problems.add(
                table.at("statuses") + (theirs,), f"must be one of {', '.join(choices)}, not {ours!r}"
            )
            del statuses[theirs]
    headers = read_headers(table)
    return DossierLookupSettings(
        url_template=template,
        timeout_seconds=table.number("timeout_seconds", 5.0, high=60.0),
        fields=fields,
        statuses=statuses,
        headers=headers,
    )


def free_table(table: Table, name: str, what: str) -> dict[str, str]:
    """A table whose keys are the user's own (``{"Đang xử lý" = "processing"}``): text values."""
    data = table.data.get(name)
    if data is None:
        return {}
    if not isinstance(data, dict):
        table.report(name, f"must be a table ([{format_key(table.at(name))}]), not {kind_of(data)}")
        return {}
    sub = Table(data, table.at(name), table.problems, tuple(data))  # keys are free: each is known
    values: dict[str, str] = {}
    for key in data:
        if not nfc(key):
            sub.report(key, f"must be {what}, not empty")
            continue
        value = sub.text(key)
        if value is not None:
            values[nfc(key)] = value
    return values
