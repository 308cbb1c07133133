"""Requests from the province's page to one site, and the site's answers, through the central
database (sites are on their own LAN: nothing connects in to them; each polls for its own).

    submit(conn, request)                   # the province: a phone asks (again: the same row)
    claimed = claim(conn, "go-dau")         # the site: its new requests, and those it had claimed
    answer(conn, request_id, {...})         # the site: once decided
    state, answer = read(conn, id, secret)  # the province: the phone polls its answer

A request's life: ``pending`` (asked) → ``claimed`` (the site took it, and will answer it:
after a crash it reads it again) → ``answered``; or ``pending`` → ``expired`` when no site
took it within :data:`CLAIM_SECONDS` (a site whose link went down meanwhile): a request is
claimed before it is decided, so an expired one was never decided.

The id is the phone's (a UUID it made: its idempotency key, the same for every retry) and so
is the secret (only its SHA-256 is kept): only that phone reads the answer. A site's role
reads and answers only its own rows (row-level security, as on the other tables).
"""

from __future__ import annotations

import dataclasses
import hashlib
import uuid
from typing import Any

import orjson
import psycopg

CLAIM_SECONDS = 120  # a request no site took in this long is expired: the phone is told so
KEEP_DAYS = 2  # requests, and their answers (a ticket's follow code, a booking's code), kept this long
KINDS = ("take", "book", "slots")

SCHEMA = """
CREATE TABLE remote_requests (
    id uuid PRIMARY KEY,
    site text NOT NULL,
    kind text NOT NULL CHECK (kind IN ('take', 'book', 'slots')),
    payload jsonb NOT NULL,
    secret_hash text NOT NULL,
    state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'claimed', 'answered', 'expired')),
    answer jsonb,
    created_at timestamptz NOT NULL DEFAULT now(),
    claimed_at timestamptz,
    answered_at timestamptz
);
CREATE INDEX remote_requests_open ON remote_requests (site, created_at) WHERE state IN ('pending', 'claimed');
ALTER TABLE remote_requests ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_site ON remote_requests USING (site = (SELECT site FROM site_roles WHERE role = current_user));
"""


class NotTheSameRequest(Exception):
    """An id already used by another request (another secret, site or payload)."""


@dataclasses.dataclass(frozen=True)
class Request:
    id: str
    site: str
    kind: str
    payload: dict[str, Any]
    secret_hash: str = ""


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_id() -> str:
    return str(uuid.uuid4())


def submit(conn: psycopg.Connection[Any], request: Request) -> str:
    """Ask ``request.site`` (once: the same id again is the same request); returns its state.
    Raises :class:`NotTheSameRequest` if the id is another request's."""
    conn.execute(
        "INSERT INTO remote_requests (id, site, kind, payload, secret_hash) VALUES (%s, %s, %s, %s, %s)"
        " ON CONFLICT (id) DO NOTHING",
        [request.id, request.site, request.kind, orjson.dumps(request.payload).decode(), request.secret_hash],
    )
    row = conn.execute(
        "SELECT site, kind, payload, secret_hash, state FROM remote_requests WHERE id = %s", [request.id]
    ).fetchone()
    if row is None or (row[0], row[1], row[2], row[3]) != (request.site, request.kind, request.payload, request.secret_hash):
        raise NotTheSameRequest(request.id)
    return str(row[4])


def read(conn: psycopg.Connection[Any], request_id: str, secret: str) -> tuple[str, dict[str, Any] | None] | None:
    """The request's state and answer, for the phone that holds its secret (None: no such
    request, or not this secret). A request no site took in :data:`CLAIM_SECONDS` expires now."""
    conn.execute(
        "UPDATE remote_requests SET state = 'expired', answered_at = now()"
        " WHERE id = %s AND state = 'pending' AND created_at < now() - make_interval(secs => %s)",
        [request_id, CLAIM_SECONDS],
    )
    row = conn.execute(
        "SELECT state, answer FROM remote_requests WHERE id = %s AND secret_hash = %s", [request_id, secret_hash(secret)]
    ).fetchone()
    return None if row is None else (str(row[0]), row[1])


def claim(conn: psycopg.Connection[Any], site: str, limit: int = 20) -> list[Request]:
    """The site's requests to decide: those it claimed before and did not answer (a crash in
    between), then its pending ones, claimed now (oldest first)."""
    with conn.transaction():
        rows = conn.execute(
            "SELECT id, kind, payload FROM remote_requests WHERE site = %s AND state = 'claimed' ORDER BY created_at",
            [site],
        ).fetchall()
        rows += conn.execute(
            "UPDATE remote_requests SET state = 'claimed', claimed_at = now() WHERE id IN ("
            " SELECT id FROM remote_requests WHERE site = %s AND state = 'pending'"
            " AND created_at >= now() - make_interval(secs => %s) ORDER BY created_at LIMIT %s FOR UPDATE SKIP LOCKED)"
            " RETURNING id, kind, payload",
            [site, CLAIM_SECONDS, limit],
        ).fetchall()
    return [Request(str(id_), site, kind, payload) for id_, kind, payload in rows]


def answer(conn: psycopg.Connection[Any], request_id: str, answer: dict[str, Any]) -> bool:
    """The site's answer; False if the request was answered already (the same answer: the
    site decided it once, below its own record of it)."""
    done = conn.execute(
        "UPDATE remote_requests SET state = 'answered', answer = %s, answered_at = now()"
        " WHERE id = %s AND state = 'claimed'",
        [orjson.dumps(answer).decode(), request_id],
    )
    return done.rowcount == 1


def purge(conn: psycopg.Connection[Any], days: int = KEEP_DAYS) -> int:
    """Forget the requests older than ``days`` (their answers hold the codes of tickets and
    bookings); returns how many."""
    gone = conn.execute(
        "DELETE FROM remote_requests WHERE created_at < now() - make_interval(days => %s)", [days]
    )
    return gone.rowcount
