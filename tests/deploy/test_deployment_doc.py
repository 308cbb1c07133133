"""docs/deployment.md gives only commands the code has: each ``motcua-install`` and
``motcua-server`` in its shell blocks names a real subcommand and real options of it."""

from __future__ import annotations

import argparse
import re
import shlex
from pathlib import Path

from motcua_install.cli import build_parser as install_parser
from queue_server.cli import build_parser as server_parser

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
