"""docs/hardware.md's printer section stays true: its URLs parse and its commands exist."""

from __future__ import annotations

import argparse
import re
import shlex
from pathlib import Path

import pytest

from hardware.printer import printer_from_url
from hardware.printer.cli import add_commands
from hardware.printer.config import CutMode, StatusPolicy

DOC = Path(__file__).resolve().parents[3] / "docs" / "hardware.md"


def printer_section() -> str:
    text = DOC.read_text(encoding="utf-8")
    start = text.index("## Ticket printers")
    end = text.find("\n## ", start + 1)
    return text[start : end if end > 0 else None]


def test_every_printer_url_in_the_docs_is_accepted() -> None:
    urls = set(re.findall(r"`((?:usb|serial|tcp|file|cups|sim)://[^`\s]+)`", printer_section()))
    assert len(urls) >= 8
    for url in urls:
        printer = printer_from_url(url)
        assert not printer.transport.is_open, url


def test_every_motcua_hw_printer_command_in_the_docs_parses() -> None:
    parser = argparse.ArgumentParser(prog="motcua-hw")
    add_commands(parser.add_subparsers(dest="command", required=True))
    lines = [line.split("#")[0] for line in printer_section().splitlines() if line.startswith("motcua-hw ")]
    assert len(lines) >= 6
    for line in lines:
        parser.parse_args(shlex.split(line)[1:])


@pytest.mark.parametrize("value", [member.value for member in (*CutMode, *StatusPolicy)])
def test_every_setting_value_is_documented(value: str) -> None:
    assert f"`{value}`" in printer_section()
