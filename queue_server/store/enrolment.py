"""The devices' tokens and enrolment codes in the store, each kept as its SHA-256 hash only.

- ``device_tokens``: a device's own token (``enrolled_at``), or a token written in the site
  file that was revoked (no ``enrolled_at``); ``revoked_at`` once revoked or replaced.
- ``enrolment_codes``: one-time codes, each bound to one device, until ``expires_at``;
  ``used_at`` once used (or voided by a revocation). Written by the server (the dashboard)
  and by ``motcua-server enrol`` on its own connection while the server runs: the server
  reads a code at the hello that gives it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import sqlite3
from collections.abc import Mapping, Sequence
from typing import Any


def digest(secret: str) -> str:
    """The SHA-256 hash (hex) a token or a code is kept as."""
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclasses.dataclass(frozen=True)
class Code:
    code_hash: str
    device: str
    expires_at: str  # ISO 8601, UTC
    used_at: str | None


def find_code(conn: sqlite3.Connection, code_hash: str) -> Code | None:
    row = conn.execute(
        "SELECT code_hash, device, expires_at, used_at FROM enrolment_codes WHERE code_hash = ?", [code_hash]
    ).fetchone()
    return Code(*row) if row is not None else None


def tokens(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    """Every token row, oldest first."""
    cursor = conn.execute(
        "SELECT token_hash, device, enrolled_at, revoked_at FROM device_tokens ORDER BY coalesce(enrolled_at, revoked_at)"
    )
    return [dict(zip(("token_hash", "device", "enrolled_at", "revoked_at"), row, strict=True)) for row in cursor]


def add_code(conn: sqlite3.Connection, row: Mapping[str, Any]) -> None:
    conn.execute(
        "INSERT INTO enrolment_codes (code_hash, device, created_at, expires_at) VALUES (?, ?, ?, ?)",
        [row["code_hash"], row["device"], row["created_at"], row["expires_at"]],
    )


def write(
    conn: sqlite3.Connection,
    revocations: Sequence[tuple[str, str]],
    token_rows: Sequence[Mapping[str, Any]],
    code_rows: Sequence[Mapping[str, Any]],
    used: Sequence[tuple[str, str]],
) -> None:
    """In the writer's transaction: ``revocations`` (device, at) revoke every token of the
    device and void its open codes; then the new tokens, the new codes, the codes used."""
    for device, at in revocations:
        conn.execute("UPDATE device_tokens SET revoked_at = ? WHERE device = ? AND revoked_at IS NULL", [at, device])
        conn.execute("UPDATE enrolment_codes SET used_at = ? WHERE device = ? AND used_at IS NULL", [at, device])
    for row in token_rows:
        conn.execute(
            "INSERT OR REPLACE INTO device_tokens (token_hash, device, enrolled_at, revoked_at) VALUES (?, ?, ?, ?)",
            [row["token_hash"], row["device"], row["enrolled_at"], row["revoked_at"]],
        )
    for row in code_rows:
        add_code(conn, row)
    conn.executemany("UPDATE enrolment_codes SET used_at = ? WHERE code_hash = ?", [(at, h) for h, at in used])
