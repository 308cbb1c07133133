"""Whatever the file holds, reading it ends in a SiteConfig or a ConfigError, nothing else."""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from queue_server.config import devices as config_devices
from queue_server.config import hours as config_hours
from queue_server.config import site as config
from queue_server.config.site import ConfigError, parse_config
from tests.config.helpers import BASE

DEMO = (Path(__file__).resolve().parents[2] / "assets" / "demo.toml").read_text("utf-8")
FAST = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])

KEYS = sorted(
    {
        *config._TOP_KEYS,
        *config._SITE_KEYS,
        *config._POLICY_KEYS,
        *config._SERVICE_KEYS,
        *config._COUNTER_KEYS,
        *config_devices.DEVICE_KEYS,
        *config_devices.OFFICER_KEYS,
        *config_hours.HOURS_KEYS,
        "score", "name_vi", "name_en", "sat", "mon-fri", "HT", "DD",
    }
)  # fmt: skip


def check(text: str) -> None:
    try:
        parse_config(text)
    except ConfigError as exc:
        assert str(exc)  # a message can always be made
        assert exc.problems


scalars = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["HT", "A", "mon-fri", "07:30-11:30", "25:00-26:00", "kiosk", "counter",
                     "sim://pads", "demo-kiosk-1-token", "Asia/Ho_Chi_Minh", "scrypt$1$1$1$$",
                     "http://x", "", " "]),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([0, 1, 2, 3, 6, 7, 247, 10**6]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.times(),
    st.dates(),
)  # fmt: skip
keys = st.one_of(st.sampled_from(KEYS), st.text(min_size=1, max_size=8))
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=4)
    ),
    max_leaves=12,
)
documents = st.dictionaries(
    st.sampled_from(KEYS) | st.text(min_size=1, max_size=6),
    st.one_of(
        st.dictionaries(keys, values, max_size=6),
        st.lists(st.dictionaries(keys, values, max_size=6), max_size=3),
        values,
    ),
    max_size=8,
)

tables = st.dictionaries(keys, values, max_size=8)
shaped_documents = st.fixed_dictionaries(
    {},
    optional={
        **{name: tables for name in ("site", "policy", "hours")},
        **{
            name: st.lists(tables, max_size=3)
            for name in ("priority", "rating", "service", "counter", "device", "officer")
        },
    },
)


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        return repr(value) if math.isfinite(value) else ("inf" if value > 0 else "-inf")
    if isinstance(value, (int, dt.time, dt.date)):
        return str(value) if not isinstance(value, dt.time) else value.isoformat()
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return "{" + ", ".join(f"{json.dumps(k, ensure_ascii=False)} = {toml_value(v)}" for k, v in value.items()) + "}"


def toml_document(document: dict[str, Any]) -> str:
    return "\n".join(f"{json.dumps(k, ensure_ascii=False)} = {toml_value(v)}" for k, v in document.items())


@FAST
@given(st.text(max_size=300))
def test_random_text(text: str) -> None:
    check(text)


@FAST
@given(documents)
def test_random_toml_documents(document: dict[str, Any]) -> None:
    check(toml_document(document))


@FAST
@given(shaped_documents)
def test_random_documents_shaped_like_a_site_file(document: dict[str, Any]) -> None:
    check(toml_document(document))


@FAST
@given(st.data())
def test_random_values_in_a_valid_file(data: st.DataObject) -> None:
    lines = BASE.split("\n")
    for _ in range(data.draw(st.integers(1, 4))):
        candidates = [i for i, line in enumerate(lines) if " = " in line]
        index = data.draw(st.sampled_from(candidates))
        key = lines[index].split(" = ")[0]
        lines[index] = f"{key} = {toml_value(data.draw(values))}"
    check("\n".join(lines))


@FAST
@given(st.data())
def test_random_line_edits_of_the_demo_file(data: st.DataObject) -> None:
    lines = DEMO.split("\n")
    for _ in range(data.draw(st.integers(1, 5))):
        index = data.draw(st.integers(0, len(lines) - 1))
        action = data.draw(st.sampled_from(["drop", "copy", "cut", "noise"]))
        if action == "drop":
            del lines[index]
        elif action == "copy":
            lines.insert(data.draw(st.integers(0, len(lines))), lines[index])
        elif action == "cut":
            lines[index] = lines[index][: data.draw(st.integers(0, len(lines[index])))]
        else:
            lines[index] += data.draw(st.text(max_size=5))
    check("\n".join(lines))


def test_deep_nesting() -> None:
    check("a = " + "[" * 5000 + "]" * 5000)
    check("a = " + "{b = " * 3000 + "1" + "}" * 3000)
