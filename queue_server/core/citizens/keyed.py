"""The keyed hash of an ID number: the only form it is kept in.

    key = CitizenKey.beside(Path("var/lobby.db"))   # var/lobby.db.citizen-key, made if missing
    key.hash("001099012345")                          # 64 hex digits (HMAC-SHA256)

The key is 32 random bytes in a file next to the database, made by the server the first
time with mode 0600. It is not in the site's configuration on purpose: that file is copied
to every kiosk and board. Without the key a stored hash cannot be matched to a number by
trying all 10¹² of them. Back the key up with the database: a new key makes the stored
hashes match nothing (bookings and dossiers then need the number again).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from queue_server.core.citizens.card import check_id_number

KEY_BYTES = 32
SUFFIX = ".citizen-key"


class KeyFileError(Exception):
    """The key file cannot be read or made, or is not a key."""


class CitizenKey:
    def __init__(self, key: bytes) -> None:
        if len(key) != KEY_BYTES:
            raise KeyFileError(f"a citizen key is {KEY_BYTES} bytes, not {len(key)}")
        self._key = key

    def __repr__(self) -> str:
        return "CitizenKey(***)"

    @classmethod
    def beside(cls, db_path: Path) -> CitizenKey:
        """The key of the database at ``db_path``; made (0600) when there is none."""
        path = db_path.with_name(db_path.name + SUFFIX)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        except OSError as exc:
            raise KeyFileError(f"{path}: cannot make the citizen key: {exc.strerror}") from None
        else:
            with os.fdopen(fd, "wb") as out:
                out.write(secrets.token_bytes(KEY_BYTES))
                out.flush()
                os.fsync(out.fileno())
        try:
            return cls(path.read_bytes())
        except OSError as exc:
            raise KeyFileError(f"{path}: cannot read the citizen key: {exc.strerror}") from None

    def hash(self, id_number: str) -> str:
        """The keyed hash of a checked ID number (raises ``CardInvalid`` for a bad one)."""
        return hmac.new(self._key, check_id_number(id_number).encode("ascii"), hashlib.sha256).hexdigest()
