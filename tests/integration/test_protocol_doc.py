"""docs/protocol.md is a contract: its examples run against a real server on the demo
configuration, and it documents every operation, event and error code the server has.

An example block (```protocol) has one exchange per line: ``NAME → request``,
``NAME ← reply`` (the reply to the line before), ``NAME ⇠ event`` (an event that NAME
receives). NAME is a device id of the demo site (the connection says hello with its token)
or any other name (the block says hello itself). Replies and events are patterns: objects
match when every key shown matches, "…" matches anything, a list ending in "…" matches on
its first items, and "$name" captures a value the first time and must be equal after it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from queue_server.config.site import load_config
from queue_server.core.errors import ErrorCode
from queue_server.core.events import EventType
from queue_server.protocol.errors import ProtocolErrorCode
from queue_server.server import roles_table
from queue_server.server.ops import load
from tests.integration.client import Client
from tests.integration.conftest import Clock, run, running_lobby

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "protocol.md").read_text(encoding="utf-8")
LINE = re.compile(r"^(?P<name>[\w-]+) (?P<arrow>[→←⇠]) (?P<json>.+)$")


def blocks() -> list[list[tuple[str, str, Any]]]:
    found = []
    for body in re.findall(r"```protocol\n(.*?)```", DOC, flags=re.S):
        lines = []
        for line in body.strip().splitlines():
            match = LINE.match(line)
            assert match, f"not an exchange line: {line!r}"
            lines.append((match["name"], match["arrow"], json.loads(match["json"])))
        found.append(lines)
    return found


def substitute(value: Any, captured: dict[str, Any]) -> Any:
    if isinstance(value, str) and value.startswith("$"):
        return captured[value[1:]]
    if isinstance(value, dict):
        return {k: substitute(v, captured) for k, v in value.items()}
    if isinstance(value, list):
        return [substitute(v, captured) for v in value]
    return value


def matches(pattern: Any, actual: Any, captured: dict[str, Any], where: str = "") -> None:
    if pattern == "…":
        return
    if isinstance(pattern, str) and pattern.startswith("$"):
        name = pattern[1:]
        if name in captured:
            assert actual == captured[name], f"{where}: {actual!r} != ${name} ({captured[name]!r})"
        else:
            captured[name] = actual
        return
    if isinstance(pattern, dict):
        assert isinstance(actual, dict), f"{where}: expected an object, got {actual!r}"
        for key, value in pattern.items():
            assert key in actual, f"{where}: no key {key!r} in {actual!r}"
            matches(value, actual[key], captured, f"{where}.{key}")
        return
    if isinstance(pattern, list):
        assert isinstance(actual, list), f"{where}: expected a list, got {actual!r}"
        if pattern and pattern[-1] == "…":
            assert len(actual) >= len(pattern) - 1, f"{where}: list too short"
            pattern = pattern[:-1]
            actual = actual[: len(pattern)]
        assert len(actual) == len(pattern), f"{where}: {len(actual)} items, the doc shows {len(pattern)}"
        for i, (p, a) in enumerate(zip(pattern, actual, strict=True)):
            matches(p, a, captured, f"{where}[{i}]")
        return
    assert pattern == actual, f"{where}: the doc says {pattern!r}, the server {actual!r}"


def test_every_example_in_the_protocol_document_runs_as_shown(tmp_path: Path) -> None:
    config = load_config(ROOT / "assets" / "demo.toml")
    tokens = {d.id: d.token for d in config.devices}

    async def scenario() -> None:
        async with running_lobby(tmp_path / "doc.db", config=config, clock=Clock()) as lobby:
            connections: dict[str, Client] = {}
            captured: dict[str, Any] = {}
            last_reply: dict[str, dict[str, Any]] = {}
            # devices that listen are connected from the start, as they would be in a centre
            first_lines = {}
            for block in blocks():
                for name, _, message in block:
                    first_lines.setdefault(name, message)
            for name, message in first_lines.items():
                if name in tokens and message.get("op") != "hello":
                    connections[name] = await Client.open(lobby.url)
                    hello = {"id": "doc-hello", "op": "hello", "token": tokens[name]}
                    assert (await connections[name].send_raw(json.dumps(hello)))["ok"]
            for number, block in enumerate(blocks(), start=1):
                for name, arrow, message in block:
                    where = f"block {number}, {name} {arrow}"
                    if name not in connections:
                        connections[name] = await Client.open(lobby.url)
                    client = connections[name]
                    if arrow == "→":
                        last_reply[name] = await client.send_raw(json.dumps(substitute(message, captured)))
                    elif arrow == "←":
                        matches(message, last_reply.pop(name), captured, where)
                    else:
                        skipped = []
                        while True:
                            try:
                                event = await client.next_event(message["ev"], timeout=3)
                            except TimeoutError:
                                raise AssertionError(f"{where}: no event like {message}; saw {skipped}") from None
                            skipped.append(event)
                            try:
                                matches(message, event, dict(captured), where)
                            except AssertionError:
                                continue
                            matches(message, event, captured, where)
                            break
            for client in connections.values():
                await client.close()

    run(scenario())


def _documented(heading: str) -> str:
    start = DOC.index(f"## {heading}\n")
    end = DOC.find("\n## ", start + 1)
    return DOC[start:end]


def test_every_operation_has_its_own_section() -> None:
    assert "## Connecting: `hello`" in DOC
    operations = set(load())
    headings = set()
    for heading in re.findall(r"^### (.+)$", _documented("Operations"), flags=re.M):
        headings.update(part.strip() for part in heading.split(","))
    assert operations - headings == set(), "operations the document does not describe"


def test_every_event_type_is_in_the_events_table() -> None:
    table = _documented("Events")
    assert {e.value for e in EventType} - set(re.findall(r"^\| `([\w.]+)` \|", table, flags=re.M)) == set()


def test_every_error_code_is_in_the_errors_table() -> None:
    table = _documented("Errors")
    listed = set(re.findall(r"`(\w+)`", table))
    codes = {c.value for c in ErrorCode} | {c.value for c in ProtocolErrorCode}
    assert codes - listed == set()


def test_the_roles_table_is_the_servers_own_grants() -> None:
    """The Roles table is written by ``python -m queue_server.server.roles_table --write
    docs/protocol.md`` from the operations' grants; a grant it does not show fails here."""
    assert roles_table.table_in(DOC) == roles_table.render()
