"""``/d/CODE/status.json``: what the phone page of a dossier (``/d/CODE``, reached from the
receipt's QR code) shows. The same look-up as ``dossier.get`` (the local table, then the
one-stop system), answered as JSON over plain HTTP so that a phone needs no device token.
A dossier holds no personal data, and its code is printed on the citizen's receipt."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from queue_server.core.dossiers.model import DOSSIER_PATH
from queue_server.protocol.errors import ProtocolError, ProtocolErrorCode
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


async def dossier_status(hub: Hub, path: str) -> tuple[int, dict[str, Any]]:
    """(HTTP status, body) for ``/d/CODE/status.json``."""
    from urllib.parse import unquote

    code = unquote(path.removeprefix(DOSSIER_PATH).removesuffix(STATUS_SUFFIX))
    try:
        dossier = await find_dossier(hub, code)
    except ProtocolError as exc:
        return HTTP_STATUS.get(exc.code, 400), {"ok": False, "error": {"code": exc.code.value, "message": exc.message}}
    return 200, {"ok": True, "dossier": dossier_view(hub, dossier), "today": hub.now().date().isoformat()}
