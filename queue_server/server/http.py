"""Plain HTTP on the websocket port: ``/healthz``, ``/metrics``, a dossier's
``/d/CODE/status.json`` (:mod:`.dossier_page`; who may see it: :mod:`.dossier_gate`) and the web pages
(:mod:`queue_server.web.pages`: officer console, manager dashboard, rating tablet, citizens'
ticket and booking pages, their scripts and styles).

Only GET and HEAD are answered (anything else: 405 with ``Allow``); every answer carries
``nosniff`` and a Content-Security-Policy, the JSON and text ones too; the routes that do work
for each request are under a budget per address (:mod:`.http_budget`)."""

from __future__ import annotations

import collections
import dataclasses
import email.utils
import json
from typing import TYPE_CHECKING

from websockets.asyncio.server import ServerConnection
from websockets.datastructures import Headers
from websockets.http11 import Request, Response

from queue_server.dossiers.http_source import HttpDossierSource
from queue_server.server.dossier_gate import is_unlock_path, unlock
from queue_server.server.dossier_page import dossier_status, is_status_path
from queue_server.server.http_budget import HttpBudget, budgeted
from queue_server.server.op_payments import fee_page
from queue_server.server.op_reentry import reentry_qr
from queue_server.web.pages import SECURITY_HEADERS, Page, page_for, reason

if TYPE_CHECKING:
    from queue_server.server.hub import Hub


ALLOWED = "GET, HEAD"
DATA_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"  # JSON, text


def make_process_request(hub: Hub, budget: HttpBudget):
    async def process_request(connection: ServerConnection, request: Request) -> Response | None:
        if request.method not in ("GET", "HEAD"):
            refused = _response(connection, 405, "Chỉ nhận GET, HEAD. Method not allowed.\n", "text/plain; charset=utf-8")
            refused.headers["Allow"] = ALLOWED
            return refused
        response = await answer(connection, request)
        if response is not None and request.method == "HEAD":
            return Response(response.status_code, response.reason_phrase, response.headers, b"")
        return response

    async def answer(connection: ServerConnection, request: Request) -> Response | None:
        path = request.path.split("?", 1)[0]
        if request.headers.get("Upgrade", "").lower() == "websocket" and path in ("/", "/ws"):
            return None
        if budgeted(path):
            wait = budget.take(connection.remote_address[0] if connection.remote_address else "?")
            if wait:
                return too_many(connection, path, wait)
        if path == "/healthz":
            writable = await hub.housekeeping.probe()
            body = {"status": "ok" if writable else "store_unwritable", "seq": hub.lobby.seq, "writable": writable}
            return _response(connection, 200 if writable else 503, json.dumps(body), "application/json")
        if path == "/metrics":
            text = metrics_text(hub) + "\n".join([*budget.lines(), *cost_lines(hub)]) + "\n"
            return _response(connection, 200, text, "text/plain; version=0.0.4; charset=utf-8")
        if path in ("/", "/ws"):
            return _response(connection, 426, "This is a websocket endpoint (see docs/protocol.md).\n", "text/plain")
        if is_status_path(path):
            status, body = await dossier_status(hub, path, request.path.partition("?")[2])
            return _response(connection, status, json.dumps(body, ensure_ascii=False), "application/json; charset=utf-8")
        if is_unlock_path(path):
            status, body = unlock(hub, path, request.path.partition("?")[2], connection.remote_address[0])
            return _response(connection, status, json.dumps(body, ensure_ascii=False), "application/json; charset=utf-8")
        page = fee_page(hub, path) or reentry_qr(hub, path) or page_for(
            path, hub.config.settings.public_url, request.headers.get("If-None-Match"), hub.lobby.state.appointments
        )
        if page is not None:
            return page_response(page)
        return _response(connection, 404, "Not found.\n", "text/plain")

    return process_request


def too_many(connection: ServerConnection, path: str, wait: int) -> Response:
    """429 with ``Retry-After``: in JSON for a dossier's status (its page shows the message), else text."""
    message = f"Quá nhiều yêu cầu từ máy này, xin thử lại sau {wait} giây. Too many requests: try again in {wait} s."
    if is_status_path(path):
        body = {"ok": False, "error": {"code": "rate_limited", "message": message, "retry_after": wait}}
        response = _response(connection, 429, json.dumps(body, ensure_ascii=False), "application/json; charset=utf-8")
    else:
        response = _response(connection, 429, message + "\n", "text/plain; charset=utf-8")
    response.headers["Retry-After"] = str(wait)
    return response


def cost_lines(hub: Hub) -> list[str]:
    """What the health probe and the one-stop look-ups cost (docs/protocol.md "Limits")."""
    kept = hub.housekeeping
    lines = [
        "# HELP motcua_health_probes_total /healthz answers: by a test write, or from one just made or under way.",
        "# TYPE motcua_health_probes_total counter",
        f'motcua_health_probes_total{{answer="written"}} {kept.probes_written}',
        f'motcua_health_probes_total{{answer="shared"}} {kept.probes_shared}',
    ]
    for source in hub.services.dossiers.sources:
        if isinstance(source, HttpDossierSource):
            lines += [
                "# HELP motcua_dossier_lookups_total Look-ups of the one-stop system: asked, shared with one under way,"
                " answered unknown from memory, refused as busy.",
                "# TYPE motcua_dossier_lookups_total counter",
                *(
                    f'motcua_dossier_lookups_total{{outcome="{name}"}} {value}'
                    for name, value in dataclasses.asdict(source.counts).items()
                ),
            ]
    return lines


def page_response(page: Page) -> Response:
    headers = Headers()
    headers["Date"] = email.utils.formatdate(usegmt=True)
    headers["Connection"] = "close"
    headers["Content-Type"] = page.content_type
    headers["Content-Length"] = str(len(page.body))
    for name, value in {**SECURITY_HEADERS, **page.headers}.items():
        headers[name] = value
    return Response(page.status, reason(page.status), headers, page.body)


def metrics_text(hub: Hub) -> str:
    tickets = collections.Counter(t.state.value for t in hub.lobby.tickets_today(hub.now()))
    roles = collections.Counter(s.role.value for s in hub.sessions if s.role is not None)
    text = hub.metrics.render(tickets, roles, hub.writer.commits, hub.writer.batches, hub.lobby.seq)
    text += "# TYPE motcua_dossier_page_refused_total counter\n" + "".join(
        f'motcua_dossier_page_refused_total{{reason="{kind.value}"}} {n}\n'
        for kind, n in hub.services.dossier_access.refused.items()
    )  # the public dossier page without its check, wrong factors, spent budgets (dossier_gate)
    if hub.shipping is not None:
        text += "\n".join(hub.shipping.lines(site_seq=hub.lobby.seq)) + "\n"
    if hub.deliverer is not None:  # notifications and webhooks (docs/notifications.md)
        text += (
            "# TYPE motcua_outbox_sent_total counter\n"
            f"motcua_outbox_sent_total {hub.deliverer.sent}\n"
            "# TYPE motcua_outbox_failed_attempts_total counter\n"
            f"motcua_outbox_failed_attempts_total {hub.deliverer.failed}\n"
        )
    return text


def _response(connection: ServerConnection, status: int, body: str, content_type: str) -> Response:
    response = connection.respond(status, body)
    headers = Headers((k, v) for k, v in response.headers.raw_items() if k.lower() != "content-type")
    headers["Content-Type"] = content_type
    headers["Cache-Control"] = "no-store"
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Content-Security-Policy"] = DATA_CSP
    headers["Referrer-Policy"] = "no-referrer"
    return Response(response.status_code, response.reason_phrase, headers, response.body)
