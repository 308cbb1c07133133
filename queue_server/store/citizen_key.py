"""The citizens' key in its file beside the database: ``lobby.db`` → ``lobby.db.citizen-key``.

    key = key_beside(Path("var/lobby.db"))   # made (0600) if missing

The key is 32 random bytes, made by the server the first time with mode 0600. It is not in
the site's configuration on purpose: that file is copied to every kiosk and board. Back the
key up with the database: a new key makes the stored hashes match nothing (bookings and
dossiers then need the number again). The hash itself is pure:
:class:`queue_server.core.citizens.CitizenKey`.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from queue_server.core.citizens.keyed import KEY_BYTES, CitizenKey, KeyFileError

SUFFIX = ".citizen-key"


def key_beside(db_path: Path) -> CitizenKey:
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
        return CitizenKey(path.read_bytes())
    except OSError as exc:
        raise KeyFileError(f"{path}: cannot read the citizen key: {exc.strerror}") from None
