"""The ``origins`` a configuration lists: web pages' origins a server takes besides its own
address (checked at hello by :mod:`queue_server.protocol.origins`)."""

from __future__ import annotations

import urllib.parse

from queue_server.config.checks import Table


def read_origins(table: Table, name: str = "origins") -> tuple[str, ...]:
    """``origins`` of a configuration's table: web pages' origins (``https://hcc.example.gov.vn``)
    taken besides the server's own address; each just a scheme, a host and a port."""
    origins = []
    for key, text in table.texts(name):
        try:
            split = urllib.parse.urlsplit(text)
            split.port  # noqa: B018 - raises ValueError for a bad port
        except ValueError:
            split = None
        if split is None or split.scheme not in ("http", "https") or not split.hostname or split.path not in ("", "/") \
                or split.query or split.fragment or split.username:
            table.problems.add(key, f"must be an origin like https://hcc.example.gov.vn (http:// or https://, a host, a port), not {text!r}")
            continue
        origins.append(text.rstrip("/"))
    return tuple(origins)
