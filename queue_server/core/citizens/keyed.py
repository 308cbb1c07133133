"""The keyed hash of an ID number: the only form it is kept in.

    key = CitizenKey(secrets.token_bytes(KEY_BYTES))
    key.hash("001099012345")                          # 64 hex digits (HMAC-SHA256)

Pure: the key's bytes come in. The server keeps them in a file beside its database
(:mod:`queue_server.store.citizen_key`, read once by the wiring place). Without the key a
stored hash cannot be matched to a number by trying all 10¹² of them.
"""

from __future__ import annotations

import hashlib
import hmac

from queue_server.core.citizens.card import check_id_number

KEY_BYTES = 32


class KeyFileError(Exception):
    """The key file cannot be read or made, or is not a key."""


class CitizenKey:
    def __init__(self, key: bytes) -> None:
        if len(key) != KEY_BYTES:
            raise KeyFileError(f"a citizen key is {KEY_BYTES} bytes, not {len(key)}")
        self._key = key

    def __repr__(self) -> str:
        return "CitizenKey(***)"

    def hash(self, id_number: str) -> str:
        """The keyed hash of a checked ID number (raises ``CardInvalid`` for a bad one)."""
        return hmac.new(self._key, check_id_number(id_number).encode("ascii"), hashlib.sha256).hexdigest()

    def derive(self, purpose: str) -> bytes:
        """A key of its own for ``purpose`` (32 bytes), so that one key file serves several
        jobs and no hash made for one can be used for another (e.g. the dossiers' links:
        :class:`queue_server.core.dossiers.access.DossierKey`)."""
        return hmac.new(self._key, b"derive\x00" + purpose.encode("utf-8"), hashlib.sha256).digest()
