"""Dossiers on a real server (real SQLite file, real websockets): pushes idempotent by code
and version, the scheduled pull from a local stand-in for the one-stop system, the alarms
and the on-time report the manager reads."""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from queue_server.protocol.client import RequestFailed
from tests.core.dossiers.test_rules import hand_counted
from tests.dossiers.one_stop import Changes, item, one_stop_changes
from tests.kiosk.support import (
    INTEGRATION_TOKEN,
    KIOSK_TOKEN,
    MANAGER_TOKEN,
    Clock,
    ask,
    load,
    queue_server,
    write_site,
)
from tests.support.ports import free_port

CALENDAR = """
[dossiers]
warn_working_days = 1
holidays = [2026-11-25]
pickup_service = "KQ"
"""


@pytest.fixture
def workdir() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="dossiers-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


def site(workdir: Path, port: int, extra: str = "") -> Path:
    path = write_site(workdir, port, "sim://k1")
    path.write_text(path.read_text(encoding="utf-8") + CALENDAR + extra, encoding="utf-8")
    return path


def test_pushes_are_idempotent_by_code_and_version_and_alarms_follow_working_days(workdir: Path) -> None:
    port = free_port()
    config = load(site(workdir, port))

    async def scenario() -> None:
        # Monday 2026-11-23; Wednesday the 25th is a holiday in this site's calendar
        async with queue_server(config, workdir / "lobby.db", port, Clock(config.site.tz)):
            async def push(**values: object) -> dict:  # type: ignore[type-arg]
                return await ask(port, INTEGRATION_TOKEN, "dossier.upsert", **values)

            first = await push(code="H12-0001", status="processing", version=5, due_date="2026-11-26",
                               department="Phòng Tư pháp", steps=[{"at": "2026-11-20", "status": "received"}])  # fmt: skip
            assert first["applied"] and first["dossier"]["standing"] == {"progress": "in_time", "days_left": 2, "days_late": None}
            same = await push(code="H12-0001", status="ready", version=5)
            older = await push(code="H12-0001", status="collected", version=4)
            assert not same["applied"] and not older["applied"]
            got = (await ask(port, KIOSK_TOKEN, "dossier.get", code="h12-0001"))["dossier"]
            assert (got["status"], got["version"], got["steps"]) == ("processing", 5, [{"at": "2026-11-20", "status": "received", "unit": "", "note": ""}])
            assert (await push(code="H12-0001", status="processing", version=6, due_date="2026-11-24"))["applied"]
            await push(code="H12-0002", status="supplement", version=1, due_date="2026-11-20", field="Đất đai")
            await push(code="H12-0003", status="processing", version=1, due_date="2026-12-10")
            await push(code="H12-0004", status="ready", version=1, due_date="2026-11-20", result_date="2026-11-19")
            alarms = await ask(port, MANAGER_TOKEN, "dossier.alarms")
            assert alarms["counts"] == {"overdue": 1, "due_soon": 1} and alarms["pull"] is None
            assert [(a["code"], a["standing"]["progress"], a["standing"]["days_late"], a["standing"]["days_left"])
                    for a in alarms["alarms"]] == [("H12-0002", "overdue", 1, None), ("H12-0001", "due_soon", None, 1)]  # fmt: skip
            # bad pushes change nothing and say what is wrong
            for bad, code in (({"steps": [{"at": "hôm qua", "status": "received"}]}, "dossier_invalid"),
                              ({"steps": "received"}, "bad_field"), ({"version": -1}, "bad_field")):  # fmt: skip
                with pytest.raises(RequestFailed) as info:
                    await push(code="H12-0001", status="collected", **bad)
                assert info.value.code == code
            assert (await ask(port, KIOSK_TOKEN, "dossier.get", code="H12-0001"))["dossier"]["status"] == "processing"
            with pytest.raises(RequestFailed) as info:
                await ask(port, KIOSK_TOKEN, "dossier.alarms")
            assert info.value.code == "forbidden"

    asyncio.run(scenario())


def test_the_on_time_report_on_a_server_matches_the_hand_count(workdir: Path) -> None:
    port = free_port()
    config = load(site(workdir, port))

    async def scenario() -> None:
        async with queue_server(config, workdir / "lobby.db", port, Clock(config.site.tz)):
            for d in hand_counted():
                values = {k: v for k, v in d.as_dict().items() if v not in (None, "", [])}
                await ask(port, INTEGRATION_TOKEN, "dossier.upsert", **values)
            report = (await ask(port, MANAGER_TOKEN, "dossier.report", period="month", date="2026-09-14"))["report"]
            assert (report["from"], report["to"]) == ("2026-09-01", "2026-09-30")
            assert [(r["field"], r["unit"], r["received"], r["early"], r["on_time"], r["late"], r["returned"],
                     r["pending_in_time"], r["pending_overdue"]) for r in report["rows"]] == [
                ("Hộ tịch", "Phòng Tư pháp", 4, 1, 1, 1, 0, 1, 1),
                ("Đăng ký kinh doanh", "Phòng TC-KH", 1, 0, 1, 0, 0, 0, 0),
                ("Đất đai", "Văn phòng ĐKĐĐ", 3, 1, 0, 0, 1, 1, 1),
            ]  # fmt: skip
            assert report["total"]["on_time_percent"] == 80.0 and report["total"]["received"] == 8
            with pytest.raises(RequestFailed) as info:
                await ask(port, MANAGER_TOKEN, "dossier.report", date="14/09/2026")
            assert info.value.code == "bad_field"

    asyncio.run(scenario())


def test_the_server_pulls_on_its_schedule_and_a_failing_one_stop_system_is_reported(workdir: Path) -> None:
    changes = Changes([item("H12-0101", 1001, ngayHenTra="2026-11-24"), item("H12-0102", 1002, "Đã có kết quả", soCCCD="001099012345"),
                       item("H12-0103", 1003, ngayHenTra="2026-11-20")])  # fmt: skip
    port = free_port()
    with one_stop_changes(changes) as url:
        pull = (f'\n[dossier_pull]\nurl_template = "{url}"\nitems = "ketQua.danhSach"\nnext_page = "ketQua.conTiep"\n'
                'every_seconds = 0.2\ntimeout_seconds = 0.5\n'
                '[dossier_pull.fields]\ncode = "soHoSo"\nstatus = "trangThai"\nversion = "phienBan"\ndue_date = "ngayHenTra"\n'
                'applicant_id = "soCCCD"\n'
                '[dossier_pull.statuses]\n"Đang xử lý" = "processing"\n"Đã có kết quả" = "ready"\n')  # fmt: skip
        config = load(site(workdir, port, pull))

        async def until(check, limit: float = 10.0) -> dict:  # type: ignore[no-untyped-def,type-arg]
            for _ in range(int(limit / 0.1)):
                alarms = await ask(port, MANAGER_TOKEN, "dossier.alarms")
                if check(alarms):
                    return alarms  # type: ignore[no-any-return]
                await asyncio.sleep(0.1)
            raise AssertionError(f"not within {limit} s: {alarms}")

        async def scenario() -> None:
            async with queue_server(config, workdir / "lobby.db", port, Clock(config.site.tz)):
                alarms = await until(lambda a: a["pull"] and a["pull"]["last_run"] and a["pull"]["last_run"]["cursor"] == 1003)
                assert alarms["counts"] == {"overdue": 1, "due_soon": 1}
                got = (await ask(port, KIOSK_TOKEN, "dossier.get", code="H12-0102"))["dossier"]
                assert got["status"] == "ready" and got["version"] == 1002
                found = (await ask(port, KIOSK_TOKEN, "citizen.find", id_number="001099012345"))["citizen"]
                assert [d["code"] for d in found["dossiers"]] == ["H12-0102"]  # the pulled applicant, by hash
                # a push newer than the pull wins; the pull's older copy changes nothing
                await ask(port, INTEGRATION_TOKEN, "dossier.upsert", code="H12-0103", status="ready", version=2000)
                changes.items.append(item("H12-0103", 1004, ngayHenTra="2026-11-20"))
                await until(lambda a: a["pull"]["last_run"]["cursor"] == 1004)
                assert (await ask(port, KIOSK_TOKEN, "dossier.get", code="H12-0103"))["dossier"]["status"] == "ready"
                # the one-stop system fails: reported to the manager, nothing else changes
                changes.faults[1] = "500"
                alarms = await until(lambda a: a["pull"]["last_run"]["failure"] is not None)
                assert "HTTP 503" in alarms["pull"]["last_run"]["failure"] and alarms["counts"]["due_soon"] == 1
                changes.faults.clear()
                changes.items.append(item("H12-0104", 1005))
                alarms = await until(lambda a: a["pull"]["last_run"]["cursor"] == 1005 and a["pull"]["last_run"]["failure"] is None)
                assert alarms["pull"]["last_ok_at"] is not None

        asyncio.run(scenario())


def test_a_ready_dossier_gets_one_pick_up_ticket_carrying_its_code(workdir: Path) -> None:
    port = free_port()
    config = load(site(workdir, port))

    async def scenario() -> None:
        async with queue_server(config, workdir / "lobby.db", port, Clock(config.site.tz)) as hub:
            await ask(port, INTEGRATION_TOKEN, "dossier.upsert", code="H12-0201", status="ready", collect_at="Quầy 1")
            await ask(port, INTEGRATION_TOKEN, "dossier.upsert", code="H12-0202", status="processing")
            await ask(port, INTEGRATION_TOKEN, "dossier.upsert", code="H12-0203", status="ready")
            assert (await ask(port, KIOSK_TOKEN, "dossier.get", code="H12-0201"))["pickup"] is True
            assert (await ask(port, KIOSK_TOKEN, "dossier.get", code="H12-0202"))["pickup"] is False
            first = await ask(port, KIOSK_TOKEN, "dossier.pickup", code="h12-0201")
            ticket = first["ticket"]
            assert (ticket["service"], ticket["dossier"], ticket["label"], first["existing"]) == ("KQ", "H12-0201", "K001", False)
            again = await ask(port, KIOSK_TOKEN, "dossier.pickup", code="H12-0201")
            assert again["existing"] and again["ticket"]["id"] == ticket["id"]  # a second scan: the same ticket
            assert hub.lobby.state.tickets[ticket["id"]].dossier == "H12-0201"
            for code, error in (("H12-0202", "dossier_not_ready"), ("H12-0299", "dossier_unknown"),
                                ("H12-0203", "service_full")):  # fmt: skip
                with pytest.raises(RequestFailed) as info:
                    await ask(port, KIOSK_TOKEN, "dossier.pickup", code=code)
                assert info.value.code == error
            assert len([t for t in hub.lobby.state.tickets.values() if t.service == "KQ"]) == 1  # nothing else issued

    asyncio.run(scenario())


def test_without_a_pick_up_field_no_pick_up_ticket_is_offered(workdir: Path) -> None:
    port = free_port()
    config = load(write_site(workdir, port, "sim://k1"))

    async def scenario() -> None:
        async with queue_server(config, workdir / "lobby.db", port, Clock(config.site.tz)):
            await ask(port, INTEGRATION_TOKEN, "dossier.upsert", code="H12-0301", status="ready")
            assert (await ask(port, KIOSK_TOKEN, "dossier.get", code="H12-0301"))["pickup"] is False
            with pytest.raises(RequestFailed) as info:
                await ask(port, KIOSK_TOKEN, "dossier.pickup", code="H12-0301")
            assert info.value.code == "pickup_unavailable"

    asyncio.run(scenario())


def test_a_partial_push_merges_and_a_versioned_dossier_takes_only_newer_versions(workdir: Path) -> None:
    """docs/dossiers.md "Push": a field left out keeps its stored value, "" clears it; once a
    dossier has a version, a push without one is refused (it could not be ordered)."""
    port = free_port()
    config = load(site(workdir, port))

    async def scenario() -> None:
        async with queue_server(config, workdir / "lobby.db", port, Clock(config.site.tz)):
            async def push(**values: object) -> dict:  # type: ignore[type-arg]
                return await ask(port, INTEGRATION_TOKEN, "dossier.upsert", **values)

            async def stored(code: str) -> dict:  # type: ignore[type-arg]
                return (await ask(port, KIOSK_TOKEN, "dossier.get", code=code))["dossier"]  # type: ignore[no-any-return]

            await push(code="H12-0100", status="processing", version=3, procedure="Đăng ký khai sinh",
                       department="Phòng Tư pháp", due_date="2026-11-26", collect_at="Quầy 10")  # fmt: skip
            newer = await push(code="H12-0100", status="ready", version=4, result_date="23/11/2026", collect_at="")
            assert newer["applied"]
            for shown in (newer["dossier"], await stored("H12-0100")):  # the reply shows what is stored
                assert (shown["status"], shown["procedure"], shown["department"], shown["due_date"],
                        shown["result_date"], shown["collect_at"], shown["version"]) == (
                    "ready", "Đăng ký khai sinh", "Phòng Tư pháp", "2026-11-26", "2026-11-23", "", 4)  # fmt: skip
            assert (await push(code="H12-0100", status="processing", version=4, due_date=""))["dossier"]["due_date"] == "2026-11-26"
            # a push without a version to a versioned dossier: refused, nothing changes
            with pytest.raises(RequestFailed) as info:
                await push(code="H12-0100", status="collected")
            assert (info.value.code, info.value.details) == ("dossier_invalid", {"field": "version", "stored_version": 4})
            assert (await stored("H12-0100"))["status"] == "ready"
            assert (await push(code="H12-0100", status="collected", version=5))["applied"]
            # a dossier that never had a version takes pushes without one, merged the same way
            await push(code="H12-0101", status="received", procedure="Cấp phiếu lý lịch tư pháp")
            unversioned = await push(code="H12-0101", status="processing", department="Sở Tư pháp")
            assert unversioned["applied"] and (unversioned["dossier"]["procedure"], unversioned["dossier"]["version"]) == (
                "Cấp phiếu lý lịch tư pháp", None)  # fmt: skip

    asyncio.run(scenario())
