"""The pull of changed dossiers, page by page, against a local HTTP server standing in for
the one-stop system: every page read, bad items named and skipped, and each fault (slow,
5xx, not JSON, a page cut short, a page without its list) ending the run cleanly, keeping
what came before, and resuming from there the next time."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence

import pytest

from queue_server.config.settings import DossierPullSettings
from queue_server.dossiers import Dossier
from queue_server.dossiers.pull import PullRun, pull_changes
from tests.dossiers.one_stop import FIELDS, PAGE_SIZE, STATUSES, Changes, item, one_stop_changes


def settings(url: str, **more: object) -> DossierPullSettings:
    values: dict = {"url_template": url, "items": "ketQua.danhSach", "fields": FIELDS, "statuses": STATUSES,  # type: ignore[type-arg]
                    "next_page": "ketQua.conTiep", "timeout_seconds": 0.5, "page_size": PAGE_SIZE}  # fmt: skip
    return DossierPullSettings(**{**values, **more})


class Table:
    """What the pull stored, newest version kept (as the server's writer does)."""

    def __init__(self) -> None:
        self.rows: dict[str, Dossier] = {}
        self.applicants: dict[str, str] = {}

    async def keep(self, dossiers: Sequence[Dossier], applicants: Mapping[str, str]) -> None:
        self.applicants.update(applicants)
        for d in dossiers:
            old = self.rows.get(d.code)
            if old is None or (d.version or 0) > (old.version or 0):
                self.rows[d.code] = d


def pull(s: DossierPullSettings, since: int, table: Table) -> PullRun:
    return asyncio.run(pull_changes(s, since, table.keep))


def five() -> Changes:
    return Changes([
        item("H12-001", 101, ngayHenTra="30/11/2026", tenThuTuc="Đăng ký khai sinh", linhVuc="Hộ tịch"),
        item("H12-002", 102, "Đã có kết quả", ngayCoKetQua="2026-11-20"),
        item("H12-003", 103, "Trạng thái lạ"),  # an unknown status: rejected, named
        item("H12-004", 104, "Chờ bổ sung"),
        item("H12-005", 105, ngayHenTra="2026-11-24"),
    ])  # fmt: skip


def test_the_pull_reads_every_page_maps_the_fields_and_names_bad_items() -> None:
    changes, table = five(), Table()
    with one_stop_changes(changes) as url:
        run = pull(settings(url), 0, table)
        assert run == PullRun(pages=3, stored=4, rejected=(
            "page 2, item 1: status: 'Trạng thái lạ' is not one of received, processing, supplement, ready, "
            "collected, overdue, returned",), cursor=105)  # fmt: skip
        assert changes.asked == [(0, 1), (0, 2), (0, 3)]
        first = table.rows["H12-001"]
        assert (first.procedure, first.field, first.due_date.isoformat(), first.version) == (  # type: ignore[union-attr]
            "Đăng ký khai sinh", "Hộ tịch", "2026-11-30", 101)
        assert table.rows["H12-002"].status.value == "ready" and table.rows["H12-004"].status.value == "supplement"
        # nothing new: one page, nothing stored, the cursor stays
        again = pull(settings(url), run.cursor, table)
        assert (again.pages, again.stored, again.cursor, again.failure) == (1, 0, 105, None)


def test_without_a_next_page_path_a_short_page_is_the_last() -> None:
    changes, table = five(), Table()
    with one_stop_changes(changes) as url:
        run = pull(settings(url, next_page=None), 0, table)
    assert (run.pages, run.stored) == (3, 4) and changes.asked[-1] == (0, 3)


def test_max_pages_stops_the_run_and_the_next_run_goes_on() -> None:
    changes, table = five(), Table()
    with one_stop_changes(changes) as url:
        run = pull(settings(url, max_pages=1), 0, table)
        assert (run.complete, run.failure, run.cursor, sorted(table.rows)) == (False, "stopped after 1 pages", 102, ["H12-001", "H12-002"])
        rest = pull(settings(url), run.cursor, table)
    assert rest.complete and sorted(table.rows) == ["H12-001", "H12-002", "H12-004", "H12-005"]


@pytest.mark.parametrize(
    ("fault", "message"),
    [
        ("slow", "no answer within 0.5 s"),
        ("500", "HTTP 503"),
        ("not_json", "is not JSON"),
        ("cut_short", "was cut short"),
        ("no_list", "page 2 has no 'ketQua.danhSach'"),
    ],
)
def test_a_failing_page_ends_the_run_keeps_what_came_before_and_the_next_run_resumes(fault: str, message: str) -> None:
    changes, table = five(), Table()
    changes.faults[2] = fault
    with one_stop_changes(changes) as url:
        run = pull(settings(url), 0, table)
        assert not run.complete and message in (run.failure or "")
        assert (run.pages, run.stored, run.cursor) == (1, 2, 102)
        assert sorted(table.rows) == ["H12-001", "H12-002"]
        changes.faults.clear()
        resumed = pull(settings(url), run.cursor, table)
    assert resumed.complete and resumed.failure is None and resumed.cursor == 105
    assert changes.asked[-2:] == [(102, 1), (102, 2)]
    assert sorted(table.rows) == ["H12-001", "H12-002", "H12-004", "H12-005"]


def test_an_unreachable_one_stop_system_fails_the_run_with_nothing_stored() -> None:
    from tests.support.ports import free_port

    table = Table()
    run = pull(settings(f"http://127.0.0.1:{free_port()}/x?tu={{since}}&trang={{page}}"), 7, table)
    assert (run.pages, run.stored, run.cursor, run.complete) == (0, 0, 7, False)
    assert "cannot reach" in (run.failure or "") and not table.rows


def test_an_applicant_s_id_number_is_handed_on_checked_and_a_bad_one_rejects_its_item() -> None:
    changes, table = Changes([
        item("H12-011", 11, soCCCD="001099012345"),
        item("H12-012", 12, soCCCD="12345"),  # not an ID number: the item is rejected, named
        item("H12-013", 13, soCCCD=""),  # none given
    ]), Table()  # fmt: skip
    with one_stop_changes(changes) as url:
        run = pull(settings(url, page_size=10), 0, table)
    assert sorted(table.rows) == ["H12-011", "H12-013"] and table.applicants == {"H12-011": "001099012345"}
    assert run.rejected == ("page 1, item 2: applicant_id: must be 12 digits",)
    assert "12345" not in repr(table.rows)
