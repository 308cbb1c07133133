"""Who may see a dossier's public page (docs/web.md "Following a dossier"): the holder of its
link (``/d/CODE?k=CHECK``: the check of the code under the site's key) or of its factor (the
last 4 digits of the applicant's ID number). A typed or guessed code alone learns nothing, not
even whether a dossier has that code: without the check, ``/d/CODE/status.json`` answers the
same for every well-formed code and asks nothing of the one-stop system.

``/d/CODE/unlock.json?digits=NNNN`` trades the digits for the link: the right digits answer
its address; wrong digits and unknown codes answer alike (403 ``dossier_factor_wrong``) and
are counted per address (an IPv4 address, an IPv6 /64) and per code
(:class:`~queue_server.core.dossiers.access.FactorBudget`); past either budget, 429
``dossier_factor_budget`` with ``retry_after`` seconds. Devices with a token (the kiosk, the
manager, the one-stop system) get the link in ``dossier.get``'s ``url``.
"""

from __future__ import annotations

import hmac
import math
import urllib.parse
from typing import TYPE_CHECKING, Any

from queue_server.core.dossiers.access import factor_digits
from queue_server.core.dossiers.errors import InvalidDossier
from queue_server.core.dossiers.model import DOSSIER_PATH, normalize_dossier_code
from queue_server.protocol.ratelimit import address_key
from queue_server.server.dossier_access import CHECK_PARAM, HTTP_STATUS, MESSAGES, Refusal

if TYPE_CHECKING:
    from queue_server.server.hub import Hub

UNLOCK_SUFFIX = "/unlock.json"


def dossier_url(hub: Hub, code: str) -> str:
    """The full link of a dossier's page, with its check (for QR codes and slips)."""
    return hub.config.settings.public_url.rstrip("/") + hub.services.dossier_access.path(code)


def refusal(hub: Hub, kind: Refusal, **details: Any) -> tuple[int, dict[str, Any]]:
    hub.services.dossier_access.refused[kind] += 1
    return HTTP_STATUS[kind], {"ok": False, "error": {"code": kind.value, "message": MESSAGES[kind], **details}}


def check_refusal(hub: Hub, typed: str, query: str) -> tuple[int, dict[str, Any]] | None:
    """None when the query holds the code's check; else the one answer for every code."""
    try:
        code = normalize_dossier_code(typed)
    except InvalidDossier:
        return None  # the look-up answers dossier_invalid, as before: nothing about any dossier
    check = urllib.parse.parse_qs(query).get(CHECK_PARAM, [""])[0]
    if hub.services.dossier_access.key.verifies(code, check):
        return None
    return refusal(hub, Refusal.CHECK_REQUIRED)


def is_unlock_path(path: str) -> bool:
    return path.startswith(DOSSIER_PATH) and path.endswith(UNLOCK_SUFFIX)


def unlock(hub: Hub, path: str, query: str, remote: str) -> tuple[int, dict[str, Any]]:
    """(HTTP status, body) for ``/d/CODE/unlock.json?digits=NNNN`` from the address ``remote``."""
    access = hub.services.dossier_access
    typed = urllib.parse.unquote(path.removeprefix(DOSSIER_PATH).removesuffix(UNLOCK_SUFFIX))
    digits = factor_digits(urllib.parse.parse_qs(query).get("digits", [""])[0])
    try:
        code = normalize_dossier_code(typed)
    except InvalidDossier:
        return refusal(hub, Refusal.INVALID)
    if digits is None:
        return refusal(hub, Refusal.INVALID)
    address, now = address_key(remote), hub.now()
    until = access.budget.refused_until(address, code, now)
    if until is not None:
        return refusal(hub, Refusal.FACTOR_BUDGET, retry_after=math.ceil((until - now).total_seconds()))
    # No await from the budget's answer to the count: concurrent tries cannot pass it together.
    row = hub.reader.execute("SELECT factor_hash FROM dossiers WHERE code = ?", [code]).fetchone()
    stored = row[0] if row is not None and row[0] else ""
    given = access.key.factor(code, digits)
    if not hmac.compare_digest(given.encode("ascii"), stored.encode("ascii")):
        access.budget.failed(address, code, now)
        return refusal(hub, Refusal.FACTOR_WRONG)
    return 200, {"ok": True, "url": access.path(code)}
