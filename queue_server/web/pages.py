"""Which path is which page: a pure lookup from a request path to a :class:`Page` (status,
body, headers). ``server/http.py`` turns it into an HTTP response.

Files are served only from a table of the names under ``static/``, made once on first use:
no part of a request path ever reaches the file system, so ``..``, ``%2e%2e``, absolute or
encoded paths cannot read anything else. Pages get a strict Content-Security-Policy (scripts,
styles and images from this server only; the websocket on this host), ``no-referrer`` (a
ticket page's address holds its secret code) and no framing.

| path | page |
|---|---|
| ``/console?device=ID`` | officer console of a counter PC |
| ``/dashboard`` | manager dashboard |
| ``/rate?device=ID`` | on-screen rating tablet at a counter |
| ``/t/CODE`` | a citizen's phone following a ticket (the ticket's QR code) |
| ``/book`` | booking an appointment |
| ``/q`` | taking a number from a phone (the same queue as the kiosk's) |
| ``/volunteer?device=ID`` | a volunteer's phone: help requests, numbers and check-ins for citizens |
| ``/b/CODE`` | one booking (its QR code); ``/b/CODE/qr.svg`` the QR code itself |
| ``/d/CODE`` | a citizen's phone following a dossier (the receipt's QR code) |
| ``/r/CODE`` | a re-entry code's page (the SMS's link; its QR code ``/r/CODE/qr.svg``: ``server/op_reentry.py``) |
| ``/static/NAME`` | scripts, styles |
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import http
import urllib.parse
from collections.abc import Container, Mapping
from importlib import resources

from queue_server.core import codes
from queue_server.core.dossiers.errors import InvalidDossier
from queue_server.core.dossiers.model import DOSSIER_PATH, normalize_dossier_code
from queue_server.web.qr import qr_svg

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".txt": "text/plain; charset=utf-8",
}

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}

PAGES = {
    "/console": "console.html",
    "/dashboard": "dashboard.html",
    "/rate": "rate.html",
    "/book": "book.html",
    "/q": "q.html",
    "/volunteer": "volunteer.html",
}


@dataclasses.dataclass(frozen=True)
class Page:
    status: int
    body: bytes
    content_type: str
    headers: Mapping[str, str] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True)
class _Asset:
    body: bytes
    content_type: str
    etag: str


@functools.cache
def _assets() -> dict[str, _Asset]:
    """Every file under ``static/`` by name, read once."""
    found = {}
    for entry in resources.files(__package__).joinpath("static").iterdir():
        suffix = "." + entry.name.rsplit(".", 1)[-1] if "." in entry.name else ""
        if entry.is_file() and suffix in CONTENT_TYPES:
            body = entry.read_bytes()
            etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
            found[entry.name] = _Asset(body, CONTENT_TYPES[suffix], etag)
    return found


def page_for(
    path: str, public_url: str, if_none_match: str | None = None, bookings: Container[str] = frozenset()
) -> Page | None:
    """The page at ``path`` (no query string), or None when this module has no such path. A
    booking's QR code is drawn only for a code of ``bookings`` (drawing costs; cached)."""
    if path in PAGES:
        return _file(PAGES[path], if_none_match)
    if path.startswith("/static/"):
        return _file(path.removeprefix("/static/"), if_none_match)
    if path.startswith(codes.TICKET_PATH):
        code = path.removeprefix(codes.TICKET_PATH)
        return _file("ticket.html", if_none_match) if codes.is_ticket_code(code) else not_found()
    if path.startswith(codes.REENTRY_PATH):
        return _file("reentry.html", if_none_match) if codes.is_reentry_code(path.removeprefix(codes.REENTRY_PATH)) else not_found()
    if path.startswith(DOSSIER_PATH):
        return _file("dossier.html", if_none_match) if _is_dossier_code(path.removeprefix(DOSSIER_PATH)) else not_found()
    if path.startswith(codes.BOOKING_PATH):
        rest = path.removeprefix(codes.BOOKING_PATH)
        code, _, tail = rest.partition("/")
        if not codes.is_booking_code(code) or tail not in ("", "qr.svg"):
            return not_found()
        if tail == "qr.svg":
            if code not in bookings:
                return not_found()
            payload = public_url.rstrip("/") + codes.BOOKING_PATH + code
            return Page(200, qr_svg(payload), CONTENT_TYPES[".svg"], {"Cache-Control": "no-store"})
        return _file("booking.html", if_none_match)
    return None


def asset(name: str, if_none_match: str | None = None) -> Page:
    """A file of ``static/`` by its name (404 for any other name): for other servers' pages."""
    return _file(name, if_none_match)


def _is_dossier_code(text: str) -> bool:
    try:
        return normalize_dossier_code(urllib.parse.unquote(text)) != ""
    except InvalidDossier:
        return False


def _file(name: str, if_none_match: str | None) -> Page:
    asset = _assets().get(name)
    if asset is None:
        return not_found()
    headers = {"ETag": asset.etag, "Cache-Control": "no-cache"}  # always revalidate: upgrades show at once
    if if_none_match is not None and asset.etag in (tag.strip() for tag in if_none_match.split(",")):
        return Page(304, b"", asset.content_type, headers)
    return Page(200, asset.body, asset.content_type, headers)


def not_found() -> Page:
    body = (
        "<!doctype html><html lang=vi><meta charset=utf-8><title>Không tìm thấy</title>"
        "<h1>Không tìm thấy trang này</h1><p>Page not found.</p></html>"
    ).encode()
    return Page(404, body, CONTENT_TYPES[".html"], {"Cache-Control": "no-store"})


def reason(status: int) -> str:
    return http.HTTPStatus(status).phrase
