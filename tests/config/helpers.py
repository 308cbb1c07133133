"""A small valid site file to break in tests, and ways to look at what went wrong."""

from __future__ import annotations

from queue_server.config.settings import SiteConfig
from queue_server.config.site import ConfigError, parse_config
from queue_server.core import pins

PIN = "2468"
PIN_HASH = pins.hash_pin(PIN)

# The smallest valid file: one service, one counter, defaults for the rest.
MINIMAL = """\
[site]
id = "xa-an-binh"
name = "Bộ phận Một cửa UBND xã An Bình"

[[service]]
code = "HT"
prefix = "A"
name_vi = "Hộ tịch"
name_en = "Civil status"

[[counter]]
number = 1
services = ["HT"]
"""

BASE = f"""\
[site]
id = "test-site"
name = "Trung tâm thử nghiệm"
public_url = "http://127.0.0.1:8765"

[policy]
max_priority_in_row = 3

[hours]
days = "mon-fri"
times = ["07:30-11:30", "13:30-17:00"]

[[service]]
code = "HT"
prefix = "A"
name_vi = "Hộ tịch"
name_en = "Civil status"

[[service]]
code = "DD"
prefix = "B"
name_vi = "Đất đai"
name_en = "Land"
daily_cap = 100

[[service]]
code = "TP"
prefix = "C"
name_vi = "Tư pháp"
name_en = "Justice"

[[counter]]
number = 1
services = {{ HT = 1.0, TP = 2.0 }}

[[counter]]
number = 2
services = ["DD"]

[[counter]]
number = 3
name = "Quầy 3"
services = {{ DD = 1.5 }}

[[device]]
id = "kiosk-1"
role = "kiosk"
token = "test-kiosk-1-token"

[[device]]
id = "counter-1"
role = "counter"
token = "test-counter-1-token"
counter = 1

[[device]]
id = "pad-1"
role = "pad"
token = "test-pad-1-token-x"
counter = 1
pad = "sim://pads"
pad_address = 1

[[officer]]
user = "lan"
name = "Nguyễn Thị Lan"
pin_hash = "{PIN_HASH}"
counters = [1]
"""


def swap(text: str, old: str, new: str, nth: int = 1) -> str:
    """``text`` with the ``nth`` occurrence of ``old`` replaced by ``new``."""
    start = -1
    for _ in range(nth):
        start = text.index(old, start + 1)
    return text[:start] + new + text[start + len(old) :]


def line_of(text: str, snippet: str, nth: int = 1) -> int:
    """The 1-based line of the ``nth`` line that contains ``snippet``."""
    hits = [i for i, line in enumerate(text.split("\n"), start=1) if snippet in line]
    return hits[nth - 1]


def error_of(text: str) -> ConfigError:
    try:
        parse_config(text)
    except ConfigError as exc:
        return exc
    raise AssertionError("the configuration was accepted")


def message_lines(text: str) -> list[str]:
    return str(error_of(text)).split("\n")[1:]


def parse(text: str = BASE) -> SiteConfig:
    return parse_config(text)
