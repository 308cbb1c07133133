"""``/d/CODE/status.json``: what the phone page of a dossier (``/d/CODE``, reached from the
receipt's QR code) shows. The same look-up as ``dossier.get`` (the local table, then the
one-stop system), answered as JSON over plain HTTP so that a phone needs no device token —
but only to a request that holds the code's check (``?k=``, the link the applicant was
given): a receipt code is easy to guess (:mod:`.dossier_gate`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from queue_server.core.dossiers.model import DOSSIER_PATH
from queue_server.protocol.errors import ProtocolError, ProtocolErrorCode
from queue_server.server.dossier_gate import check_refusal
from queue_server.server.dossier_views import dossier_view, find_dossier

if TYPE_CHECKING:
    from queue_server.server.hub import Hub

STATUS_SUFFIX = "/status.json"
HTTP_STATUS = {
    ProtocolErrorCode.DOSSIER_INVALID: 400,
    ProtocolErrorCode.DOSSIER_UNKNOWN: 404,
    ProtocolErrorCode.DOSSIER_SOURCE_FAILED: 503,
}


def is_status_path(path: str) -> bool:
    return path.startswith(DOSSIER_PATH) and path.endswith(STATUS_SUFFIX)


async def dossier_status(hub: Hub, path: str, query: str = "") -> tuple[int, dict[str, Any]]:
    """(HTTP status, body) for ``/d/CODE/status.json?k=CHECK``; without the code's check, the
    same refusal for every code (:func:`.dossier_gate.check_refusal`), nothing looked up."""
    from urllib.parse import unquote

    code = unquote(path.removeprefix(DOSSIER_PATH).removesuffix(STATUS_SUFFIX))
    refused = check_refusal(hub, code, query)
    if refused is not None:
        return refused
    try:
        dossier = await find_dossier(hub, code)
    except ProtocolError as exc:
        return HTTP_STATUS.get(exc.code, 400), {"ok": False, "error": {"code": exc.code.value, "message": exc.message}}
    return 200, {"ok": True, "dossier": dossier_view(hub, dossier), "today": hub.now().date().isoformat()}
