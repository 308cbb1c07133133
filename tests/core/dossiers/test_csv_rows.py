"""CSV files of dossiers: every row good or none kept, each bad row reported with its line."""

from __future__ import annotations

import pytest

from queue_server.core.dossiers.csv_rows import CsvProblems, read_dossiers


def test_csv_rows_are_all_good_or_none_kept() -> None:
    good = "code,status,procedure,due_date\nA.1-261120-001,ready,Cấp phép,2026-11-30\n\n"
    assert [d.code for d in read_dossiers("\ufeff" + good)] == ["A.1-261120-001"]
    with pytest.raises(CsvProblems) as info:
        read_dossiers("code,status,colour\nA.1-261120-001,lost,red\nX,ready\n")
    assert str(info.value) == ("line 1: unknown column 'colour' (known: code, procedure, status, department, due_date, collect_at, "
        "field, officer, received_date, result_date, version)")
    with pytest.raises(CsvProblems) as info:
        read_dossiers("code,status\nA.1-261120-001,lost\nx y,ready\nA.2-261120-001\nA.3-261120-001,ready,extra\n")
    assert info.value.problems == [
        "line 2: status: 'lost' is not one of received, processing, supplement, ready, collected, overdue, returned",
        "line 3: code: 'x y' is not a receipt code (3–64 of A–Z, 0–9, '.', '-', '/', '_')",
        "line 4: 1 cells, the header has 2",
        "line 5: 3 cells, the header has 2",
    ]




@pytest.mark.parametrize(
    ("text", "problems"),
    [
        ("", ["line 1: the file is empty (expected a header: code,status,…)"]),
        ("\ufeff", ["line 1: the file is empty (expected a header: code,status,…)"]),
        ("code," + "s" * 131_073 + "\n", ["line 1: field larger than field limit (131072)"]),
        ("code,procedure\n", ["line 1: missing column 'status'"]),
        ("status,Status\n", ["line 1: missing column 'code'", "line 1: a column is named twice"]),
        ("code,status\nA.1-261120-001,ready\na.1-261120-001,collected\n", ["line 3: code A.1-261120-001 is in the file twice"]),
        ("code,status\nA.1-261120-001,ready\nA.2-261120-001," + "r" * 131_073, ["line 3: field larger than field limit (131072)"]),
    ],
)
def test_a_file_that_cannot_be_imported_says_where(text: str, problems: list[str]) -> None:
    with pytest.raises(CsvProblems) as info:
        read_dossiers(text)
    assert info.value.problems == problems


def test_blank_rows_are_skipped_and_the_columns_may_come_in_any_order_and_case() -> None:
    text = " Status , CODE ,Due_Date\nready,A.1-261120-001,30/11/2026\n,,\n\nprocessing,A.2-261120-001,\n"
    dossiers = read_dossiers(text)
    assert [(d.code, d.status.value, d.due_date and d.due_date.isoformat()) for d in dossiers] == [
        ("A.1-261120-001", "ready", "2026-11-30"), ("A.2-261120-001", "processing", None)]  # fmt: skip


def test_a_long_list_of_problems_shows_twenty_and_counts_the_rest() -> None:
    with pytest.raises(CsvProblems) as info:
        read_dossiers("code,status\n" + "A.1-261120-001,lost\n" * 25)
    assert len(info.value.problems) == 25
    lines = str(info.value).splitlines()
    assert len(lines) == 21 and lines[0].startswith("line 2: status:") and lines[-1] == "… and 5 more"


def test_a_file_of_more_rows_than_allowed_is_refused_at_the_first_too_many(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("queue_server.core.dossiers.csv_rows.MAX_ROWS", 2)
    rows = "".join(f"A.{n}-261120-001,ready\n" for n in range(1, 5))
    with pytest.raises(CsvProblems) as info:
        read_dossiers("code,status\n" + rows)
    assert info.value.problems == ["line 4: more than 2 rows; split the file"]
