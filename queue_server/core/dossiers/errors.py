"""What can go wrong when looking a dossier up.

    Exception
    └── DossierError
        ├── InvalidDossier       the data of a dossier is wrong (the field is named)
        └── DossierSourceFailed  a source did not answer usably: timeout, HTTP error,
                                 not JSON, a mapped field missing

A dossier that no source knows is not an error here: the lookup returns ``None`` and the
protocol answers ``dossier_unknown``.
"""

from __future__ import annotations


class DossierError(Exception):
    """Base class of the dossier lookup's errors."""


class InvalidDossier(DossierError, ValueError):
    """A dossier's data cannot be used; ``field`` names the culprit."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class DossierSourceFailed(DossierError):
    """A source (the one-stop system) could not answer; ``source`` names it."""

    def __init__(self, source: str, message: str) -> None:
        super().__init__(f"{source}: {message}")
        self.source = source
        self.message = message
