"""Dossier lookup (tra cứu hồ sơ): where a citizen's dossier stands, by its receipt code.

Pure parts: :mod:`.model` (a dossier and its status, checked when made), :mod:`.csv_rows`
(CSV text → dossiers). Sources behind one interface (:mod:`.lookup`): the local table that
the one-stop system fills (``dossier.upsert``, ``motcua-server import-dossiers``) and an HTTP
adapter to the one-stop system itself (:mod:`.http_source`).
"""

from __future__ import annotations

from queue_server.core.dossiers.errors import DossierError, DossierSourceFailed, InvalidDossier
from queue_server.core.dossiers.model import Dossier, DossierStatus, normalize_dossier_code
from queue_server.dossiers.lookup import DossierLookup, DossierSource

__all__ = [
    "Dossier",
    "DossierError",
    "DossierLookup",
    "DossierSource",
    "DossierSourceFailed",
    "DossierStatus",
    "InvalidDossier",
    "normalize_dossier_code",
]
