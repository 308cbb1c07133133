"""``[central] heartbeat_seconds``, ``site_key``, ``start_spread_seconds``, ``requests_idle_seconds``: read,
defaulted, and each bad value named by file, line and key."""

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


def test_the_site_key_and_the_spreads_default_and_may_be_set() -> None:
    central = parse_config(MINIMAL + CENTRAL).central
    assert central is not None and (central.site_key, central.start_spread_seconds, central.requests_idle_seconds) == ("", 3.0, 15.0)
    key = "Zm9vYmFyYmF6cXV4" * 3
    central = parse_config(MINIMAL + CENTRAL + f'site_key = "{key}"\nstart_spread_seconds = 30\nrequests_idle_seconds = 5\n').central
    assert central is not None and (central.site_key, central.start_spread_seconds, central.requests_idle_seconds) == (key, 30.0, 5.0)
    central = parse_config(MINIMAL + CENTRAL + 'start_spread_seconds = 0\n').central  # no spread at all (make province's sites)
    assert central is not None and central.start_spread_seconds == 0.0
    assert key not in repr(central)


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ('site_key = "too short"', "central.site_key: must be at least 32 printable characters"),
        ('site_key = "' + "x" * 20 + '\\t' + "x" * 20 + '"', "central.site_key: must be at least 32 printable characters"),
        ("start_spread_seconds = -1", "central.start_spread_seconds: must be a number greater than 0"),
        ("requests_idle_seconds = 601", "central.requests_idle_seconds: must be at most 600"),
    ],
)
def test_a_bad_site_key_or_spread_names_its_line_and_key(line: str, problem: str) -> None:
    text = MINIMAL + CENTRAL + line + "\n"
    with pytest.raises(ConfigError) as info:
        parse_config(text, "site.toml")
    assert problem in str(info.value), str(info.value)
    assert f"site.toml:{text.splitlines().index(line) + 1}:" in str(info.value)
