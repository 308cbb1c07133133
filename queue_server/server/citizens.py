"""ID numbers as the operations take them: turned into their keyed hash at once, a bad one
answered with a ``card_invalid`` error that names the field it came in. The key is read by
the wiring place (:mod:`queue_server.bootstrap`) and handed here."""

from __future__ import annotations

from queue_server.core.citizens import CardInvalid, CitizenKey
from queue_server.protocol.errors import ProtocolError, ProtocolErrorCode


class Citizens:
    def __init__(self, key: CitizenKey) -> None:
        self._key = key

    def __repr__(self) -> str:
        return "Citizens(***)"

    def hash(self, id_number: str, field: str = "id_number") -> str:
        """The keyed hash of ``id_number``; a ``card_invalid`` error naming ``field`` for a bad one."""
        try:
            return self._key.hash(id_number)
        except CardInvalid as exc:
            raise ProtocolError(ProtocolErrorCode.CARD_INVALID, f"{field}: {exc.message}.", field=field) from None
