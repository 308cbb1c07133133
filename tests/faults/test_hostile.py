"""Ten thousand random and malformed messages at one live server: it stays up, every message
gets exactly one reply (a documented error code with a message, or a success), and nothing
changes that a successful request did not change.

One server and one set of connections serve every hypothesis example (a server per example
would make this take minutes); the per-connection rate limits are lifted so that the flood
reaches the parser and the handlers instead of the limiter (which test_limits.py covers).
"""

from __future__ import annotations

import contextlib
import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from websockets.sync.client import ClientConnection, connect

from queue_server.core.errors import ErrorCode
from queue_server.protocol.errors import ProtocolErrorCode
from queue_server.server.app import Limits
from queue_server.server.ops import load
from tests.faults.conftest import ThreadedServer
from tests.integration.sites import TOKENS

MESSAGES = 10_000
PER_EXAMPLE = 20
KNOWN_CODES = {c.value for c in ProtocolErrorCode} | {c.value for c in ErrorCode}
UNLIMITED = Limits(public_rate=1e9, public_burst=1e9, device_rate=1e9, device_burst=1e9, hello_seconds=3600)
OPS = sorted(load()) + ["hello", "", "x", "ticket.", "TICKET.ISSUE", "ticket.issue ", "__class__"]
READ_ONLY = {  # a success of any other operation may change the state
    "hello", "services.list", "queue.snapshot", "ticket.get", "appointment.slots", "appointment.get",
    "stats.summary", "report.get", "report.export", "counter.status", "dossier.get",
}
FIELDS = [
    "service", "priority", "ticket", "code", "user", "pin", "score", "since", "token", "booking", "day",
    "slot_start", "name", "phone", "text_vi", "text_en", "component", "ok", "detail", "counter", "reason",
    "from", "to", "note", "id", "op",
]
CONNECTIONS = ("stranger", "kiosk", "display", "counter-1", "pad-1", "manager", "phone")

scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30)
    | st.sampled_from(["HT", "DD", "KD", "elderly", "2468", "lan", "2026-11-23", "A001", "\u0000", "\ud800"])
)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=10,
)
requests = st.builds(
    lambda request_id, op, fields: {"id": request_id, "op": op, **fields},
    st.integers(min_value=-(2**63), max_value=2**63) | st.text(min_size=1, max_size=64) | json_values,
    st.sampled_from(OPS) | st.text(max_size=20),
    st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=10), json_values, max_size=4),
)
raw_text = st.one_of(
    st.text(max_size=80),
    st.binary(max_size=80),
    st.builds(lambda depth: "[" * depth + "]" * depth, st.integers(1, 100_000)),  # nesting past the recursion limit
    st.builds(lambda depth: '{"a":' * depth + "1" + "}" * depth, st.integers(1, 5_000)),
    st.sampled_from(["NaN", "1e999999", '{"id": 1, "op": "services.list", "id": 2}', "\ufeff{}", "{" * 3, "null"]),
    st.builds(lambda digits: '{"id": ' + "9" * digits + ', "op": "services.list"}', st.integers(1, 6000)),
)
messages = st.lists(
    st.tuples(st.sampled_from(CONNECTIONS), st.one_of(requests.map(json.dumps), raw_text)),
    min_size=PER_EXAMPLE,
    max_size=PER_EXAMPLE,
)


class Lobbyists:
    """One connection per role (and one that never said hello), reused by every example."""

    def __init__(self, server: ThreadedServer) -> None:
        self.server = server
        self.stack = contextlib.ExitStack()
        self.connections: dict[str, ClientConnection] = {}
        for name in CONNECTIONS:
            self.connections[name] = self._open(name)

    def _open(self, name: str) -> ClientConnection:
        connection = self.stack.enter_context(connect(self.server.url, max_size=None))
        if name == "phone":
            self.ask(connection, {"id": "hello", "op": "hello"})
        elif name != "stranger":
            assert self.ask(connection, {"id": "hello", "op": "hello", "token": TOKENS[name]})["ok"]
        return connection

    def ask(self, connection: ClientConnection, message: Any) -> dict[str, Any]:
        connection.send(message if isinstance(message, str | bytes) else json.dumps(message))
        while True:
            reply = json.loads(connection.recv(timeout=10))
            if "ev" not in reply:
                return reply

    def close(self) -> None:
        self.stack.close()


def _sent_id(raw: str | bytes) -> Any:
    """The id the server should answer to, when the message has a usable one (else None)."""
    try:
        message = json.loads(raw)
    except (ValueError, RecursionError, UnicodeDecodeError):
        return None
    if not isinstance(message, dict):
        return None
    request_id = message.get("id")
    if isinstance(request_id, bool) or not isinstance(request_id, int | str):
        return None
    if isinstance(request_id, str) and not 0 < len(request_id) <= 64:
        return None
    return request_id


def test_ten_thousand_hostile_messages_each_get_one_proper_answer_and_change_nothing(tmp_path) -> None:  # type: ignore[no-untyped-def]
    sent = 0
    with ThreadedServer(tmp_path / "lobby.db", UNLIMITED) as server:
        lobby = Lobbyists(server)
        hub = server.hub
        assert hub is not None

        @settings(
            max_examples=MESSAGES // PER_EXAMPLE,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        )
        @given(batch=messages)
        def hostile(batch: list[tuple[str, str | bytes]]) -> None:
            nonlocal sent
            seq, tickets = hub.lobby.seq, len(hub.lobby.state.tickets)
            changed = False
            for name, raw in batch:
                reply = lobby.ask(lobby.connections[name], raw)
                sent += 1
                assert set(reply) >= {"re", "ok"}, reply
                expected_id = _sent_id(raw)
                if expected_id is not None:
                    assert reply["re"] == expected_id, (raw, reply)
                if reply["ok"]:
                    op = json.loads(raw)["op"]
                    changed |= op not in READ_ONLY
                else:
                    assert reply["error"]["code"] in KNOWN_CODES, (raw, reply)
                    assert reply["error"]["code"] != "internal_error", (raw, reply)
                    assert isinstance(reply["error"]["message"], str) and reply["error"]["message"], reply
            if not changed:
                assert (hub.lobby.seq, len(hub.lobby.state.tickets)) == (seq, tickets), batch
            # every connection carries on after what it was sent
            for name in ("kiosk", "manager"):
                assert lobby.ask(lobby.connections[name], {"id": f"check-{sent}", "op": "services.list"})["ok"]

        hostile()
        log = hub.reader.query("SELECT count(*) AS n FROM events")
        assert next(log)["n"] == hub.lobby.seq, "the log holds exactly what the server decided"
        lobby.close()
    assert sent >= MESSAGES


def test_a_lone_surrogate_echoed_in_a_reply_is_escaped_and_the_connection_lives(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Found by the test above: a reply echoing "\\ud800" could not be sent as UTF-8, and
    the connection died with an internal error."""
    with ThreadedServer(tmp_path / "lobby.db", UNLIMITED) as server:
        lobby = Lobbyists(server)
        kiosk = lobby.connections["kiosk"]
        reply = lobby.ask(kiosk, '{"id": "\\ud800", "op": "\\udfff"}')
        assert (reply["re"], reply["error"]["code"]) == ("\ud800", "unknown_op")
        assert lobby.ask(kiosk, {"id": 2, "op": "services.list"})["ok"]
        lobby.close()
