"""The one writer of CSV and Excel files never lets a text become a formula: hostile names read
back from the real files — CSV through the csv module, Excel through openpyxl — as text (behind
a ``'`` in the CSV, a string cell in Excel), and numbers, negative ones too, stay numbers. Then
a site whose field and counter names are formulas exports its report, quality and planning
files through a real server."""

from __future__ import annotations

import base64
import csv
import dataclasses
import io
import re
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from queue_server.web.sheets import (
    FORMULA_STARTS,
    Sheet,
    csv_cell,
    sheets_to_csv,
    sheets_to_xlsx,
)
from tests.integration.conftest import run, running_lobby
from tests.integration.sites import site_config

HYPERLINK = '=HYPERLINK("http://x","y")'
hostile = st.builds(lambda start, rest: start + rest, st.sampled_from(FORMULA_STARTS), st.text(max_size=20))
numbers = st.one_of(st.integers(-(10**9), 10**9), st.floats(-1e6, 1e6, allow_nan=False).map(lambda x: round(x, 2)))


def read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def read_xlsx(data: bytes) -> dict[str, list[list[Any]]]:
    """Each sheet's cells, each cell as (value, data_type)."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    return {page.title: [[(c.value, c.data_type) for c in row] for row in page.iter_rows()] for page in book}


def as_excel_shows(text: str) -> str:
    """A text as a cell of the .xlsx holds it: no XML-illegal characters, line ends as ``\\n``."""
    return re.sub(r"\r\n?", "\n", ILLEGAL_CHARACTERS_RE.sub("", text))


@settings(max_examples=60, deadline=None)
@given(
    title=hostile,
    heading=hostile,
    rows=st.lists(st.tuples(hostile, numbers, hostile, numbers), min_size=1, max_size=4),
)
def test_a_text_that_begins_like_a_formula_stays_text(title: str, heading: str, rows: list[tuple[Any, ...]]) -> None:
    sheets = [Sheet("Một", title, (heading, "Số"), ((heading, -1),)), Sheet("Hai", None, ("Tên", "a", heading, "b"), tuple(rows))]

    lines = read_csv(sheets_to_csv(sheets))
    assert lines == [
        ["'" + title],
        ["'" + heading, "Số"],
        ["'" + heading, "-1"],
        [],
        ["Tên", "a", "'" + heading, "b"],
        *(["'" + name, str(n), "'" + other, str(m)] for name, n, other, m in rows),
    ]
    assert read_csv(sheets_to_csv(sheets, titles=False))[0] == ["'" + heading, "Số"]

    book = read_xlsx(sheets_to_xlsx(sheets))
    assert book["Một"] == [
        [(as_excel_shows(title), "s"), (None, "n")],
        [(as_excel_shows(heading), "s"), ("Số", "s")],
        [(as_excel_shows(heading), "s"), (-1, "n")],
    ]
    assert book["Hai"][1:] == [
        [(as_excel_shows(name), "s"), (n, "n"), (as_excel_shows(other), "s"), (m, "n")] for name, n, other, m in rows
    ]


@given(text=st.text(max_size=20).filter(lambda t: not t.startswith(FORMULA_STARTS)), number=numbers)
def test_other_texts_and_numbers_are_written_as_they_are(text: str, number: float) -> None:
    assert csv_cell(text) == text and csv_cell(number) == number and csv_cell(None) == ""
    line = read_csv(sheets_to_csv([Sheet("Một", None, ("a", "b"), ((text, number),))]))[1]
    assert line == [text, str(number)]


def test_a_formula_in_excel_is_a_text_cell_with_the_quote_prefix() -> None:
    data = sheets_to_xlsx([Sheet("Một", None, ("a", "b", "c"), ((HYPERLINK, "-5", -5),))])
    book = openpyxl.load_workbook(io.BytesIO(data))
    link, minus_text, minus = book["Một"][2]
    assert (link.value, link.data_type, link.quotePrefix) == (HYPERLINK, "s", True)
    assert (minus_text.value, minus_text.data_type, minus_text.quotePrefix) == ("-5", "s", True)
    assert (minus.value, minus.data_type, minus.quotePrefix) == (-5, "n", False)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and 't="inlineStr"><is><t>=HYPERLINK(' in xml


def formula_site():  # type: ignore[no-untyped-def]
    """The test site with fields and counters named like formulas."""
    config = site_config()
    names = {"HT": HYPERLINK, "DD": "+1+1", "KD": "@SUM(A1)"}
    services = tuple(dataclasses.replace(s, name_vi=names[s.code]) for s in config.site.services)
    counters = tuple(dataclasses.replace(c, name=f"-{c.number}+1") for c in config.site.counters)
    return dataclasses.replace(config, site=dataclasses.replace(config.site, services=services, counters=counters))


def test_a_sites_files_name_its_formula_named_fields_as_text(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_lobby(tmp_path / "lobby.db", formula_site()) as lobby:
            kiosk = await lobby.client("kiosk")
            for service in ("HT", "DD"):
                await kiosk.ok("ticket.issue", service=service)
            counter = await lobby.officer("counter-1")
            await counter.ok("ticket.call_next")
            await counter.ok("ticket.complete")
            manager = await lobby.client("manager")

            async def export(op: str, fmt: str, **args: Any) -> bytes:
                return base64.b64decode((await manager.ok(op, format=fmt, **args))["data"])

            exports = {
                "report": {"op": "report.export", "by": "service"},
                "counters": {"op": "report.export", "by": "counter"},
                "insight": {"op": "insight.export", "by": "service"},
                "planning": {"op": "planning.export", "table": "staffing"},
            }
            for name, args in exports.items():
                args = dict(args)
                op = args.pop("op")
                lines = read_csv(await export(op, "csv", **args))
                firsts = {line[0] for line in lines if line}
                cells = {value for page in read_xlsx(await export(op, "xlsx", **args)).values() for row in page for value in row}
                expected = ["'-1+1"] if name == "counters" else ["'" + HYPERLINK, "'+1+1"]
                for text in expected:
                    assert text in firsts, (name, sorted(firsts))
                    assert (text[1:], "s") in cells, name
                assert all(kind != "f" for _, kind in cells), name

    run(scenario())
