"""``[central] heartbeat_seconds``: read, defaulted, and each bad value named by file, line and key."""

from __future__ import annotations

import pytest

from queue_server.config.site import ConfigError, parse_config
from tests.config.helpers import MINIMAL

CENTRAL = '\n[central]\ndsn = "postgresql://site_an_binh@central.example.vn/motcua"\n'


def test_the_heartbeat_defaults_to_30_seconds_and_may_be_set() -> None:
    central = parse_config(MINIMAL + CENTRAL).central
    assert central is not None and central.heartbeat_seconds == 30.0
    central = parse_config(MINIMAL + CENTRAL + "heartbeat_seconds = 12.5\n").central
    assert central is not None and central.heartbeat_seconds == 12.5


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("0", "central.heartbeat_seconds: must be a number greater than 0"),
        ("-5", "central.heartbeat_seconds: must be a number greater than 0"),
        ("7200", "central.heartbeat_seconds: must be at most 3600"),
        ('"30"', "central.heartbeat_seconds:"),
    ],
)
def test_a_bad_heartbeat_names_its_file_line_and_key(value: str, problem: str) -> None:
    text = MINIMAL + CENTRAL + f"heartbeat_seconds = {value}\n"
    line = text.splitlines().index(f"heartbeat_seconds = {value}") + 1
    with pytest.raises(ConfigError) as info:
        parse_config(text, "site.toml")
    assert problem in str(info.value), str(info.value)
    assert f"site.toml:{line}:" in str(info.value)


def test_the_documentation_lists_the_heartbeat() -> None:
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs" / "configuration.md").read_text("utf-8")
    assert "| `heartbeat_seconds` |" in doc
