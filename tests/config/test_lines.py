"""Finding the line of a key path in the text, however the TOML is written."""

from __future__ import annotations

import pytest

from queue_server.config.checks import KeyPath, format_key
from queue_server.config.lines import LineFinder

TEXT = """\
top = 1                       # 1
[site]                        # 2
id = "x"                      # 3
[[service]]                   # 4
code = "A"                    # 5
[[service]]                   # 6
code = "B"                    # 7
hours.times = ["x"]           # 8
[service.hours]               # 9
days = "mon"                  # 10
[[service]]                   # 11
"code" = "C"                  # 12
hours = { days = "x",         # 13
  times = ["y"] }             # 14
[ counter ]                   # 15
services = { HT = 1, "X Y" = 2 }  # 16
[[device]]                    # 17
"""


@pytest.mark.parametrize(
    ("key", "line"),
    [
        (("top",), 1),
        (("site",), 2),
        (("site", "id"), 3),
        (("site", "name"), 2),  # missing: the table's header
        (("service", 1), 4),
        (("service", 1, "code"), 5),
        (("service", 2, "code"), 7),
        (("service", 2, "hours"), 9),  # the sub-table
        (("service", 2, "hours", "days"), 10),
        (("service", 3, "code"), 12),  # quoted key
        (("service", 3, "hours", "days"), 13),  # inline table
        (("service", 3, "hours", "times", 1), 14),  # inline table, next line
        (("service", 4, "code"), None),  # no 4th [[service]]: the array's key is not found
        (("counter", "services", "HT"), 16),
        (("counter", "services", "X Y"), 16),
        (("device", 1, "token"), 17),
        (("nowhere",), None),
    ],
)
def test_line_of(key: KeyPath, line: int | None) -> None:
    assert LineFinder(TEXT).line_of(key) == line


def test_a_dotted_key_in_an_array_table() -> None:
    text = '[[service]]\ncode = "A"\n[[service]]\nhours.times = ["x"]\n'
    assert LineFinder(text).line_of(("service", 2, "hours", "times", 1)) == 4


def test_a_header_inside_a_multiline_array_is_not_a_table() -> None:
    text = '[hours]\ntimes = [\n  ["a"],\n  "b",\n]\ndays = 1\n'
    assert LineFinder(text).line_of(("hours", "days")) == 6


@pytest.mark.parametrize(
    ("key", "shown"),
    [
        (("service", 2, "prefix"), "service[2].prefix"),
        (("counter", 4, "services", "XY"), "counter[4].services.XY"),
        (("counter", 1, "services", "X Y"), 'counter[1].services."X Y"'),
        (("hours", "times", 2), "hours.times[2]"),
        (("a\nb",), '"a\\u000ab"'),
    ],
)
def test_format_key(key: KeyPath, shown: str) -> None:
    assert format_key(key) == shown
