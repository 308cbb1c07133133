"""The HTTP answers of the servers above the sites — the province's (``motcua-central``) and
the nation's (``motcua-national``) — given from their websockets server's ``process_request``:
a page of :mod:`.pages` with its security headers, a plain text, and ``/healthz``. (The site's
server answers through its own HTTP layer, ``queue_server/server/http.py``.)"""

from __future__ import annotations

import email.utils
import json

from websockets.datastructures import Headers
from websockets.http11 import Response

from queue_server.web.pages import SECURITY_HEADERS, Page, reason


def page_response(page: Page) -> Response:
    """``page`` with the pages' security headers, its own (ETag, Cache-Control) and the date."""
    headers = Headers({**SECURITY_HEADERS, **page.headers})
    headers["Content-Type"] = page.content_type
    headers["Content-Length"] = str(len(page.body))
    headers["Date"] = email.utils.formatdate(usegmt=True)
    return Response(page.status, reason(page.status), headers, page.body)


def plain_response(status: int, body: str, content_type: str) -> Response:
    """A short answer that no cache keeps."""
    data = body.encode()
    headers = Headers({"Content-Type": content_type, "Content-Length": str(len(data)), "Cache-Control": "no-store"})
    return Response(status, reason(status), headers, data)


def health_response(reachable: bool) -> Response:
    """``/healthz``: 200 ``{"status": "ok"}``, or 503 ``{"status": "database_away"}``."""
    if reachable:
        return plain_response(200, json.dumps({"status": "ok"}), "application/json")
    return plain_response(503, json.dumps({"status": "database_away"}), "application/json")
