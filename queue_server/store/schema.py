"""The database's tables and their migrations (``PRAGMA user_version`` counts them).

- ``events``: the append-only log, ``seq`` monotonic, with the site id; the source of truth.
- ``tickets``, ``appointments``, ``ratings``: tables kept from the log in the same
  transaction, for listings and reports.
- ``contacts``: the only personal data (an appointment's name and phone, the keyed hash of
  an ID number given at booking), kept apart so it can be purged after the retention period
  without touching the log.
- ``dossiers``: dossier statuses pushed by the one-stop system (JSON per dossier code, with
  the one-stop system's ``version`` of it).
  Indexed by (type, at) for the reports that read a few kinds of event over a period.
- ``meta``: the site id and a health probe row.
- ``snapshots``: the state as the log made it at a seq, so a restart replays only what follows.
- ``outbox``, ``ticket_phones``: deliveries to phones and webhooks, and the phone numbers
  left for notifications (personal data, purged like ``contacts``).
- ``remote_tickets``: the numbers taken from a phone (``/q``): the browser that took each, a
  hash of its phone number (for the daily limits; purged), and when it was confirmed.
- ``device_tokens``, ``enrolment_codes``: the devices' own tokens and their one-time
  enrolment codes, each kept as its SHA-256 hash only (store/enrolment.py).
- ``central_requests``: the province page's requests to this site (a number or a booking
  asked through the central database) as decided here: the ticket or booking made, or the
  refusal, keyed by the request's id.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlite_utils


def _v1(db: sqlite_utils.Database) -> None:
    db["events"].create(
        {"seq": int, "site": str, "type": str, "at": str, "data": str}, pk="seq", not_null={"site", "type", "at"}
    )
    db["tickets"].create(
        {
            "id": int,
            "day": str,
            "label": str,
            "code": str,
            "service": str,
            "number": int,
            "state": str,
            "priority": str,
            "appointment": str,
            "slot_start": str,
            "target_counter": int,
            "source": str,
            "counter": int,
            "officer": str,
            "issued_at": str,
            "arrival_at": str,
            "called_at": str,
            "served_at": str,
            "done_at": str,
            "recalls": int,
            "returns": int,
            "transferred_from": int,
            "transferred_to": int,
            "rating": int,
        },
        pk="id",
    )
    db["tickets"].create_index(["day", "service"])
    db["appointments"].create(
        {"code": str, "service": str, "slot_start": str, "state": str, "ticket": int}, pk="code"
    )
    db["ratings"].create(
        {"ticket": int, "score": int, "service": str, "counter": int, "officer": str, "at": str, "source": str},
        pk="ticket",
    )
    db["contacts"].create({"booking": str, "name": str, "phone": str, "created_at": str}, pk="booking")
    db["meta"].create({"key": str, "value": str}, pk="key")


def _v2(db: sqlite_utils.Database) -> None:
    """Dossiers (hồ sơ) pushed by the centre's one-stop system, for the kiosk's lookup."""
    db["dossiers"].create({"code": str, "data": str, "source": str, "updated_at": str}, pk="code")


def _v3(db: sqlite_utils.Database) -> None:
    """Snapshots of the state (store/snapshots.py): a restart replays only the log after one."""
    db["snapshots"].create({"seq": int, "fingerprint": str, "taken_at": str, "state": bytes}, pk="seq")


def _v4(db: sqlite_utils.Database) -> None:
    """Dossiers carry the one-stop system's version (an older or equal push changes nothing);
    dossiers and bookings may carry the keyed hash of their citizen's ID number (never the
    number itself: queue_server/core/citizens/keyed.py)."""
    db.execute("ALTER TABLE dossiers ADD COLUMN version INTEGER")
    db.execute("ALTER TABLE dossiers ADD COLUMN id_hash TEXT")
    db.execute("ALTER TABLE contacts ADD COLUMN id_hash TEXT")
    db["dossiers"].create_index(["id_hash"])
    db["contacts"].create_index(["id_hash"])


def _v5(db: sqlite_utils.Database) -> None:
    """The outbox (store/outbox.py): notifications and webhooks, written with their events;
    and the phone numbers citizens left for notifications (personal data, purged)."""
    db["outbox"].create(
        {
            "id": int,
            "key": str,
            "channel": str,
            "target": str,
            "seq": int,
            "kind": str,
            "ticket": int,
            "phone": str,
            "payload": str,
            "state": str,
            "attempts": int,
            "next_at": str,
            "last_error": str,
            "created_at": str,
            "sent_at": str,
        },
        pk="id",
        not_null={"key", "channel", "target", "state"},
    )
    db["outbox"].create_index(["target", "key"], unique=True)
    db["outbox"].create_index(["state", "next_at"])
    db["ticket_phones"].create({"ticket": int, "phone": str, "created_at": str}, pk="ticket")
    db["remote_tickets"].create(
        {"ticket": int, "day": str, "service": str, "device": str, "phone_hash": str, "confirmed_at": str, "created_at": str},
        pk="ticket",
    )
    db["remote_tickets"].create_index(["day", "device"])


def _v6(db: sqlite_utils.Database) -> None:
    """A dossier may carry its *factor*: the keyed hash of its applicant's last ID digits, bound
    to its code, that opens its public page to a typed code (queue_server/core/dossiers/access.py)."""
    db.execute("ALTER TABLE dossiers ADD COLUMN factor_hash TEXT")


def _v7(db: sqlite_utils.Database) -> None:
    """A booking's id: its reference that is not secret (webhooks carry it, not the code)."""
    db.execute("ALTER TABLE appointments ADD COLUMN id INTEGER")


def _v8(db: sqlite_utils.Database) -> None:
    """Enrolled devices: each device's own token (its hash), and the one-time codes a device
    enrols with (their hash; made by the dashboard or by ``motcua-server enrol``)."""
    db["device_tokens"].create(
        {"token_hash": str, "device": str, "enrolled_at": str, "revoked_at": str}, pk="token_hash", not_null={"device"}
    )
    db["device_tokens"].create_index(["device"])
    db["enrolment_codes"].create(
        {"code_hash": str, "device": str, "created_at": str, "expires_at": str, "used_at": str},
        pk="code_hash",
        not_null={"device", "expires_at"},
    )


def _v9(db: sqlite_utils.Database) -> None:
    """A ticket's dossiers: the codes the officer linked to the visit (a JSON list; NULL: none),
    for the reports' share of ratings linked to a dossier (store/reports.py)."""
    db.execute("ALTER TABLE tickets ADD COLUMN linked_dossiers TEXT")


def _v10(db: sqlite_utils.Database) -> None:
    """Requests from the province's page, as this site decided them (queue_server/server/
    central_requests.py): the ticket or booking made, in the same transaction, or the refusal,
    so that a request read again after a crash is answered from here and never decided twice."""
    db["central_requests"].create(
        {"id": str, "kind": str, "ticket": int, "booking": str, "answer": str, "decided_at": str}, pk="id"
    )


def _v11(db: sqlite_utils.Database) -> None:
    """The events by type and time: the reports that read a few kinds of event over a period
    (the help requests' figures, the officers' time) search them instead of scanning a year's log."""
    db["events"].create_index(["type", "at"], index_name="events_type_at")


MIGRATIONS: tuple[Callable[[sqlite_utils.Database], None], ...] = (_v1, _v2, _v3, _v4, _v5, _v6, _v7, _v8, _v9, _v10, _v11)


def migrate(db: sqlite_utils.Database) -> int:
    """Bring the schema up to date; returns the version. Each step is one transaction."""
    version = db.execute("PRAGMA user_version").fetchone()[0]
    for number, step in enumerate(MIGRATIONS[version:], start=version + 1):
        with db.atomic():
            step(db)
            db.execute(f"PRAGMA user_version = {number}")
    return len(MIGRATIONS)
