"""The examples in docs/configuration.md are what the code does."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from queue_server.config.site import ConfigError, parse_config

DOC = (Path(__file__).resolve().parents[2] / "docs" / "configuration.md").read_text("utf-8")
BLOCKS = re.findall(r"(<!-- invalid -->\n|<!-- secrets -->\n)?```toml\n(.*?)```", DOC, re.S)
VALID = [text for mark, text in BLOCKS if not mark]  # the secrets' example: tests/config/test_secrets.py
SECRETS = next(text for mark, text in BLOCKS if mark.startswith("<!-- secrets"))
INVALID = re.findall(r"<!-- invalid -->\n```toml\n(.*?)```.*?```text\n(.*?)```", DOC, re.S)
MINIMAL = VALID[0]


def test_the_doc_has_examples() -> None:
    assert len(VALID) >= 8 and len(INVALID) == 1


@pytest.mark.parametrize("example", VALID, ids=[f"example-{i}" for i in range(len(VALID))])
def test_each_example_parses(example: str) -> None:
    """A block with a [site] table is a whole file; the others go with the minimal file."""
    text = example if "[site]" in example else MINIMAL + "\n" + example
    parse_config(text, "site.toml")


@pytest.mark.parametrize(("example", "expected"), INVALID)
def test_the_error_example_gives_the_error_shown(example: str, expected: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_config(example, "site.toml")
    assert str(info.value) == expected.strip()


def test_every_key_is_documented() -> None:
    from queue_server.config import devices as config_devices
    from queue_server.config import hours as config_hours
    from queue_server.config import site as config

    for keys in (
        config._SITE_KEYS,
        config._POLICY_KEYS,
        config._SERVICE_KEYS,
        config._COUNTER_KEYS,
        config_devices.DEVICE_KEYS,
        config_devices.OFFICER_KEYS,
        config_devices.PAD_OPTIONS,
        config_hours.HOURS_KEYS,
    ):
        for key in keys:
            assert f"`{key}`" in DOC, key
    for table in config._TOP_KEYS:
        assert f"`[{table}]`" in DOC or f"`[[{table}]]`" in DOC, table


def test_every_device_role_is_in_the_device_tables_role_row() -> None:
    from queue_server.config.settings import Role

    row = next(line for line in DOC.splitlines() if line.startswith("| `role` | string, required |"))
    limits = next(line for line in DOC.splitlines() if line.startswith("`<role>` one of"))
    for role in Role:
        assert f"`{role.value}`" in row, role
        assert role is Role.PUBLIC or f"`{role.value}`" in limits, role
    assert "[limits.volunteer]" in DOC and 'role = "volunteer"' in DOC
