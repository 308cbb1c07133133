"""docs/deployment.md gives only commands the code has: each ``motcua-install`` and
``motcua-server`` in its shell blocks names a real subcommand and real options of it; and its
enrolment lines enrol devices when run against a real server."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import re
import shlex
import sqlite3
import stat
import subprocess
from pathlib import Path

from motcua_install.cli import build_parser as install_parser
from motcua_install.cli import main as install
from queue_server.cli import build_parser as server_parser
from tests.deploy.centre import Centre, running_centre
from tests.deploy.roots import PROJECT, child_env, in_root, provide_commands

DOC = Path(__file__).resolve().parents[2] / "docs" / "deployment.md"
PARSERS = {"motcua-install": install_parser, "motcua-server": server_parser}


def doc_commands() -> list[list[str]]:
    """Each motcua-install / motcua-server command line of the doc's ``sh`` blocks, from its name on."""
    found = []
    for block in re.findall(r"```sh\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S):
        for line in block.splitlines():
            words = shlex.split(line, comments=True)
            for start, word in enumerate(words):
                if Path(word).name in PARSERS:
                    end = next((i for i in range(start, len(words)) if words[i] in ("&&", "||", ";", "|")), len(words))
                    found.append([Path(word).name, *words[start + 1 : end]])
    return found


def options_of(parser: argparse.ArgumentParser, command: str | None) -> set[str]:
    if command is not None:
        (sub,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        assert command in sub.choices, f"no such command: {parser.prog} {command}"
        parser = sub.choices[command]
    return set(parser._option_string_actions)


def test_every_command_of_the_deployment_doc_exists_with_its_options():
    commands = doc_commands()
    assert {c[0] for c in commands} == set(PARSERS) and len(commands) >= 10
    for name, *words in commands:
        command = words[0] if words and not words[0].startswith("-") else None
        flags = {w.split("=")[0] for w in words if w.startswith("--")}
        missing = flags - options_of(PARSERS[name](), command)
        assert not missing, f"{name} {command}: no option {', '.join(sorted(missing))}"
    roles = {words[0] for name, *words in commands if name == "motcua-install"}
    assert roles == {"server", "kiosk", "board", "console", "pads"}


DOC_SERVER = "ws://10.0.0.2:8765/"  # the server's address in the doc's commands
DOC_CODE = "CODE"
DEVICES = {"kiosk": "kiosk-1", "board": "board-hall", "pads": "pad-1"}  # enrolled by tests/deploy/centre.py
APPS = {"motcua-kiosk": "kiosk", "motcua-display": "board", "motcua-pads": "pads"}


def enrol_lines() -> list[list[str]]:
    """The doc's ``sh`` lines that enrol (``motcua-server enrol``, ``motcua-install … --enrol``,
    ``APP enrol``), from their command on (``runuser -u motcua --`` left out)."""
    found = []
    for block in re.findall(r"```sh\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S):
        for line in block.splitlines():
            words = shlex.split(line, comments=True)
            if "enrol" in words or "--enrol" in words:
                found.append(words[words.index("--") + 1 :] if words[:1] == ["runuser"] else words)
    return found


def test_the_docs_enrol_lines_enrol_devices_for_real_against_a_running_server(tmp_path, monkeypatch):
    """Each line run as written, its paths under roots (the server PC's, each device's), its
    server address the running server's and CODE a code the doc's own ``motcua-server enrol``
    line made for that device."""
    monkeypatch.setenv("PYTHONPATH", str(PROJECT))
    lines = enrol_lines()
    (make_code,) = [w for w in lines if Path(w[0]).name == "motcua-server"]
    assert make_code[1:3] == ["enrol", "kiosk-1"]
    installs = {w[1]: w for w in lines if Path(w[0]).name == "motcua-install"}
    again = [w for w in lines if Path(w[0]).name in APPS]
    assert set(installs) == set(DEVICES) and again and len(lines) == 1 + len(installs) + len(again)

    async def code_for(centre: Centre, device: str) -> str:
        argv = in_root(centre.root, [make_code[0], "enrol", device, *make_code[3:]])
        done = await asyncio.to_thread(subprocess.run, argv, capture_output=True, text=True, env=child_env())
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    def as_run(words: list[str], centre: Centre, code: str) -> list[str]:
        return [centre.url if w == DOC_SERVER else code if w == DOC_CODE else w for w in words]

    async def scenario() -> None:
        async with running_centre(tmp_path) as centre:
            provide_commands(centre.root)
            for role, words in installs.items():
                root = tmp_path / role
                provide_commands(root)
                argv = [*as_run(words[1:], centre, await code_for(centre, DEVICES[role])), "--root", str(root), "--files-only"]
                assert await asyncio.to_thread(install, argv) == 0, words
                assert [stat.S_IMODE(p.stat().st_mode) for p in (root / f"var/lib/motcua/{role}").rglob("token")] == [0o600]
            for words in again:
                role = APPS[Path(words[0]).name]
                root = tmp_path / f"{role}-again"
                provide_commands(root)
                argv = in_root(root, as_run(words, centre, await code_for(centre, DEVICES[role])))
                done = await asyncio.to_thread(subprocess.run, argv, capture_output=True, text=True, env=child_env())
                assert done.returncode == 0, done.stderr
                assert len(list((root / f"var/lib/motcua/{role}").rglob("token"))) == 1
        with contextlib.closing(sqlite3.connect(centre.db)) as db:
            enrolled = [row[0] for row in db.execute("select data from events where type = 'device.enrolled'")]
        assert len(enrolled) == len(installs) + len(again)

    asyncio.run(scenario())
