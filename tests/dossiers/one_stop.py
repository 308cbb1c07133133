"""A local HTTP server standing in for the one-stop system's list of changed dossiers, with
the faults the pull must survive: slow, 5xx, not JSON, a body cut short, no list."""

from __future__ import annotations

import http.server
import json
import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

PAGE_SIZE = 2


class Changes:
    """The one-stop system's dossiers (its own field names) and the faults of its pages."""

    def __init__(self, items: list[dict[str, Any]]) -> None:
        self.items = items
        self.faults: dict[int, str] = {}  # page → slow | 500 | not_json | cut_short | no_list
        self.asked: list[tuple[int, int]] = []  # (since, page) of each request

    def page(self, since: int, page: int) -> dict[str, Any]:
        newer = sorted((i for i in self.items if i["phienBan"] > since), key=lambda i: i["phienBan"])
        chunk = newer[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
        return {"ketQua": {"danhSach": chunk, "conTiep": page * PAGE_SIZE < len(newer)}}


def handler_for(changes: Changes) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
            since, page = int(query["tu"][0]), int(query["trang"][0])
            changes.asked.append((since, page))
            fault = changes.faults.get(page)
            if fault == "slow":
                time.sleep(1.0)
            status, body = 200, json.dumps(changes.page(since, page), ensure_ascii=False).encode()
            if fault == "500":
                status, body = 503, b'{"loi": "bao tri"}'
            elif fault == "not_json":
                body = b"<html>Service Unavailable</html>"
            elif fault == "no_list":
                body = b'{"ketQua": {}}'
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            try:
                self.wfile.write(body[: len(body) // 2] if fault == "cut_short" else body)
            except BrokenPipeError:
                pass
            if fault == "cut_short":
                self.close_connection = True

        def log_message(self, *args: object) -> None:
            pass

    return Handler


@contextmanager
def one_stop_changes(changes: Changes) -> Iterator[str]:
    """Serve ``changes``; yields the pull's URL template."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler_for(changes))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/api/hoso/thay-doi?tu={{since}}&trang={{page}}"
    finally:
        server.shutdown()
        server.server_close()


def item(code: str, version: int, status: str = "Đang xử lý", **more: Any) -> dict[str, Any]:
    return {"soHoSo": code, "phienBan": version, "trangThai": status, **more}


FIELDS = {
    "code": "soHoSo", "status": "trangThai", "version": "phienBan", "procedure": "tenThuTuc",
    "field": "linhVuc", "department": "donViXuLy", "due_date": "ngayHenTra", "received_date": "ngayTiepNhan",
    "result_date": "ngayCoKetQua", "applicant_id": "soCCCD",
}  # fmt: skip
STATUSES = {"Đang xử lý": "processing", "Đã có kết quả": "ready", "Chờ bổ sung": "supplement"}
