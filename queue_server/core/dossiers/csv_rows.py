"""CSV files of dossiers (one a row) → dossiers, every bad row reported with its line.

The first row names the columns: ``code`` and ``status`` are required; ``procedure``,
``department``, ``due_date``, ``collect_at`` may be there. UTF-8 (a byte order mark is fine).
"""

from __future__ import annotations

import csv
import io

from queue_server.core.dossiers.errors import InvalidDossier
from queue_server.core.dossiers.model import SCALAR_FIELDS as FIELDS
from queue_server.core.dossiers.model import Dossier

MAX_ROWS = 1_000_000


class CsvProblems(ValueError):
    """The file cannot be imported; ``problems`` lists ``line N: column: what``."""

    def __init__(self, problems: list[str]) -> None:
        shown = problems[:20] + ([f"… and {len(problems) - 20} more"] if len(problems) > 20 else [])
        super().__init__("\n".join(shown))
        self.problems = problems


def read_dossiers(text: str) -> list[Dossier]:
    """Every row as a dossier, or :class:`CsvProblems` naming each bad row (nothing is kept)."""
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff")))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise CsvProblems(["line 1: the file is empty (expected a header: code,status,…)"]) from None
    except csv.Error as exc:
        raise CsvProblems([f"line 1: {exc}"]) from None
    problems = [f"line 1: unknown column {h!r} (known: {', '.join(FIELDS)})" for h in header if h not in FIELDS]
    problems += [f"line 1: missing column {need!r}" for need in ("code", "status") if need not in header]
    if len(set(header)) != len(header):
        problems.append("line 1: a column is named twice")
    if problems:
        raise CsvProblems(problems)
    dossiers: dict[str, Dossier] = {}
    try:
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                problems.append(f"line {line}: {len(row)} cells, the header has {len(header)}")
                continue
            try:
                dossier = Dossier.from_mapping(dict(zip(header, row, strict=True)))
            except InvalidDossier as exc:
                problems.append(f"line {line}: {exc.field}: {exc.message}")
                continue
            if dossier.code in dossiers:
                problems.append(f"line {line}: code {dossier.code} is in the file twice")
            dossiers[dossier.code] = dossier
            if len(dossiers) > MAX_ROWS:
                raise CsvProblems([f"line {line}: more than {MAX_ROWS} rows; split the file"])
    except csv.Error as exc:
        problems.append(f"line {reader.line_num}: {exc}")
    if problems:
        raise CsvProblems(problems)
    return list(dossiers.values())
