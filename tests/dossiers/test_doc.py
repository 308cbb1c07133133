"""docs/dossiers.md is a contract: its protocol exchanges run against a real server on the
demo configuration, its [dossier_pull] configuration parses, and its sample page reads as it
says."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from queue_server.config.site import load_config, parse_config
from queue_server.dossiers.pull import read_page
from tests.config.helpers import MINIMAL
from tests.integration.client import Client
from tests.integration.conftest import Clock, run, running_lobby
from tests.integration.test_protocol_doc import LINE, matches, substitute

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "dossiers.md").read_text(encoding="utf-8")


def block(kind: str) -> str:
    """The document's blocks of one kind, run one after the other as one."""
    found = re.findall(rf"```{kind}\n(.*?)```", DOC, flags=re.S)
    assert found, kind
    return "".join(found)


def test_the_exchanges_run_as_shown(tmp_path: Path) -> None:
    config = load_config(ROOT / "assets" / "demo.toml")
    tokens = {d.id: d.token for d in config.devices}
    lines = [LINE.match(line) for line in block("protocol").strip().splitlines()]

    async def scenario() -> None:
        async with running_lobby(tmp_path / "doc.db", config=config, clock=Clock()) as lobby:
            clients: dict[str, Client] = {}
            captured: dict[str, Any] = {}
            last: dict[str, Any] = {}
            for match in lines:
                assert match is not None
                name, arrow, message = match["name"], match["arrow"], json.loads(match["json"])
                if name not in clients:
                    clients[name] = await Client.open(lobby.url)
                    hello = {"id": "doc", "op": "hello", "token": tokens[name]}
                    assert (await clients[name].send_raw(json.dumps(hello)))["ok"]
                if arrow == "→":
                    last[name] = await clients[name].send_raw(json.dumps(substitute(message, captured)))
                else:
                    matches(message, last.pop(name), captured, f"{name} {arrow}")
            for client in clients.values():
                await client.close()

    run(scenario())


def test_the_pull_configuration_parses_and_the_sample_page_reads_as_described() -> None:
    pull = parse_config(MINIMAL + block("toml"), "site.toml").dossier_pull
    assert pull is not None and pull.every_seconds == 300
    dossiers, applicants, rejected, more = read_page(json.loads(block("json")), 1, pull, "motcua")
    assert [(d.code, d.status.value, d.version) for d in dossiers] == [
        ("000.00.16.H12-261118-0101", "processing", 1732500001),
        ("000.00.16.H12-261118-0102", "ready", 1732500007),
    ]
    assert dossiers[0].due_date.isoformat() == "2026-11-25" and dossiers[0].field == "Hộ tịch"  # type: ignore[union-attr]
    assert applicants == {"000.00.16.H12-261118-0101": "001099012345"}
    assert more and len(rejected) == 1 and rejected[0].startswith("page 1, item 3: status: 'Không rõ' is not one of")


def test_no_paragraph_is_said_twice() -> None:
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", DOC) if not p.lstrip().startswith("```")]
    sentences = [s for p in paragraphs for s in re.split(r"(?<=[.:])\s+", p) if len(s) > 60]
    assert sorted({s for s in sentences if sentences.count(s) > 1}) == []
