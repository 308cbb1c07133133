"""The server side of the dossier lookup: the HTTP adapter to the one-stop system (against a
real local HTTP service), the ``dossier.get``/``dossier.upsert`` operations on a real server, and
``motcua-server import-dossiers`` while that server runs. (The model and the CSV rows: tests/core/dossiers.)"""

from __future__ import annotations

import asyncio
import datetime as dt
import http.server
import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from queue_server.config.settings import DossierLookupSettings
from queue_server.dossiers import Dossier, DossierSourceFailed, DossierStatus
from queue_server.dossiers.http_source import HttpDossierSource, extract
from queue_server.protocol.client import RequestFailed
from tests.kiosk.support import INTEGRATION_TOKEN, KIOSK_TOKEN, ROOT, Clock, ask, load, queue_server, write_site
from tests.support.ports import free_port

ANSWERS = {
    "/api/hoso/000.00.16.H12-261120-0001": (200, {"data": {"trangThai": "Đang xử lý", "tenThuTuc": "Cấp phép",
                                                            "donVi": "Phòng QLĐT", "ngayHenTra": "30/11/2026"}}),
    "/api/hoso/000.00.16.H12-261120-0002": (200, {"data": {"tenThuTuc": "no status here"}}),
    "/api/hoso/000.00.16.H12-261120-0003": (200, b"<html>not json</html>"),
    "/api/hoso/000.00.16.H12-261120-0004": (500, {"error": "down"}),
    "/api/hoso/000.00.16.H12-261120-0005": (200, {"data": {"trangThai": "Không rõ"}}),
    "/api/hoso/000.00.16.H12-261120-0006": (200, {"data": {"trangThai": "Đang xử lý", "ngayHenTra": "hôm qua"}}),
}  # fmt: skip
SLOW = "/api/hoso/000.00.16.H12-261120-0009"
CUT_SHORT = "/api/hoso/000.00.16.H12-261120-0008"  # says 400 bytes, sends 20 and closes


class OneStop(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        if self.path == SLOW:
            time.sleep(1.5)
        if self.path == CUT_SHORT:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "400")
            self.end_headers()
            self.wfile.write(b'{"data": {"trangThai"')
            self.close_connection = True
            return
        status, body = ANSWERS.get(self.path, (404, {"error": "not found"}))
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        try:
            self.wfile.write(data)
        except BrokenPipeError:
            pass

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def one_stop() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), OneStop)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/api/hoso/{{code}}"
    server.shutdown()
    server.server_close()


def settings(url: str, timeout: float = 0.5) -> DossierLookupSettings:
    return DossierLookupSettings(
        url_template=url,
        timeout_seconds=timeout,
        fields={"status": "data.trangThai", "procedure": "data.tenThuTuc", "department": "data.donVi",
                "due_date": "data.ngayHenTra", "collect_at": "data.noiTra"},
        statuses={"đang xử lý": "processing", "Đã có kết quả": "ready"},
    )  # fmt: skip


def find(source: HttpDossierSource, code: str) -> Dossier | None:
    return asyncio.run(source.find(code))


def test_the_http_adapter_maps_the_one_stop_answer(one_stop: str) -> None:
    dossier = find(HttpDossierSource(settings(one_stop)), "000.00.16.H12-261120-0001")
    assert dossier == Dossier(
        "000.00.16.H12-261120-0001", DossierStatus.PROCESSING, "Cấp phép", "Phòng QLĐT", dt.date(2026, 11, 30), ""
    )
    assert find(HttpDossierSource(settings(one_stop)), "000.00.16.H12-261120-0404") is None  # 404: unknown


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("000.00.16.H12-261120-0002", "the answer has no 'data.trangThai' (mapped to 'status')"),
        ("000.00.16.H12-261120-0003", "is not JSON"),
        ("000.00.16.H12-261120-0004", "HTTP 500"),
        ("000.00.16.H12-261120-0005", "the answer's status is unusable"),
        ("000.00.16.H12-261120-0006", "the answer's due_date is unusable"),
        ("000.00.16.H12-261120-0009", "no answer within 0.5 s"),
        ("000.00.16.H12-261120-0008", "was cut short"),
    ],
)
def test_the_http_adapter_fails_clearly(one_stop: str, code: str, message: str) -> None:
    with pytest.raises(DossierSourceFailed) as info:
        find(HttpDossierSource(settings(one_stop)), code)
    assert message in str(info.value)


def test_an_unreachable_one_stop_system_is_a_clear_failure() -> None:
    url = f"http://127.0.0.1:{free_port()}/api/{{code}}"
    with pytest.raises(DossierSourceFailed, match="cannot reach"):
        find(HttpDossierSource(settings(url)), "000.00.16.H12-261120-0001")


def test_extract_follows_dotted_paths() -> None:
    assert extract({"a": {"b": [1, {"c": 2}]}}, "a.b.1.c") == 2
    with pytest.raises(KeyError):
        extract({"a": []}, "a.0")


def test_dossier_operations_and_the_csv_import_on_a_running_server(workdir: Path, one_stop: str) -> None:
    port = free_port()
    site = write_site(workdir, port, "sim://k1")
    site.write_text(
        site.read_text(encoding="utf-8")
        + f'\n[dossier_lookup]\nurl_template = "{one_stop}"\ntimeout_seconds = 0.5\n'
        + '[dossier_lookup.fields]\nstatus = "data.trangThai"\nprocedure = "data.tenThuTuc"\n'
        + '[dossier_lookup.statuses]\n"Đang xử lý" = "processing"\n',
        encoding="utf-8",
    )
    config = load(site)
    db = workdir / "lobby.db"
    csv = workdir / "dossiers.csv"

    async def scenario() -> None:
        async with queue_server(config, db, port, Clock(config.site.tz)):
            stored = await ask(port, INTEGRATION_TOKEN, "dossier.upsert", code="a.1-261120-001", status="ready",
                               procedure="Chứng thực bản sao", collect_at="Quầy 10")  # fmt: skip
            assert stored["dossier"]["code"] == "A.1-261120-001"
            got = await ask(port, KIOSK_TOKEN, "dossier.get", code="A.1-261120-001")
            assert got["dossier"] == {"code": "A.1-261120-001", "procedure": "Chứng thực bản sao", "status": "ready",
                                      "department": "", "due_date": None, "collect_at": "Quầy 10", "overdue": False,
                                      "field": "", "officer": "", "received_date": None, "result_date": None,
                                      "steps": [], "version": None,
                                      "standing": {"progress": "done", "days_left": None, "days_late": None}}  # fmt: skip
            # not pushed: asked of the one-stop system
            remote = await ask(port, KIOSK_TOKEN, "dossier.get", code="000.00.16.H12-261120-0001")
            assert remote["dossier"]["status"] == "processing" and remote["dossier"]["procedure"] == "Cấp phép"
            for code, error in (("000.00.16.H12-261120-0404", "dossier_unknown"),
                                ("000.00.16.H12-261120-0009", "dossier_source_failed"),
                                ("hồ sơ của tôi", "dossier_invalid")):  # fmt: skip
                with pytest.raises(RequestFailed) as info:
                    await ask(port, KIOSK_TOKEN, "dossier.get", code=code)
                assert info.value.code == error
            for bad, error in (({"status": "lost"}, "bad_field"), ({"status": "ready", "due_date": "soon"}, "dossier_invalid"),
                               ({"status": "ready", "name": "Nguyễn Văn A"}, "unknown_field")):  # fmt: skip
                with pytest.raises(RequestFailed) as info:
                    await ask(port, INTEGRATION_TOKEN, "dossier.upsert", code="A.9-261120-001", **bad)
                assert info.value.code == error
            with pytest.raises(RequestFailed) as info:
                await ask(port, KIOSK_TOKEN, "dossier.upsert", code="A.9-261120-001", status="ready")
            assert info.value.code == "forbidden"

            # the CSV import, while the server runs
            csv.write_text("code,status,department,due_date\nB.1-261120-001,processing,Sở Xây dựng,30/11/2026\n"
                           "A.1-261120-001,collected,,\n", encoding="utf-8")  # fmt: skip
            done = await asyncio.to_thread(cli, "import-dossiers", "--db", str(db), "--csv", str(csv))
            assert done.returncode == 0 and "2 dossier(s) imported" in done.stdout
            got = await ask(port, KIOSK_TOKEN, "dossier.get", code="B.1-261120-001")
            assert got["dossier"]["department"] == "Sở Xây dựng" and got["dossier"]["due_date"] == "2026-11-30"
            assert (await ask(port, KIOSK_TOKEN, "dossier.get", code="A.1-261120-001"))["dossier"]["status"] == "collected"
            # a bad file changes nothing
            csv.write_text("code,status\nB.1-261120-001,ready\nB.2,lost\n", encoding="utf-8")
            refused = await asyncio.to_thread(cli, "import-dossiers", "--db", str(db), "--csv", str(csv))
            assert refused.returncode == 1 and "line 3: status: 'lost'" in refused.stderr
            got = await ask(port, KIOSK_TOKEN, "dossier.get", code="B.1-261120-001")
            assert got["dossier"]["status"] == "processing"

    asyncio.run(scenario())
    missing = cli("import-dossiers", "--db", str(workdir / "none.db"), "--csv", str(csv))
    assert missing.returncode == 1 and "no such database file" in missing.stderr


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "queue_server.cli", *args], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
