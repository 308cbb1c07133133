"""The pages' HTTP routes on the server's port: content types, security headers, caching,
404s, and no way out of the static folder, whatever the path."""

from __future__ import annotations

import http.client
import json
import random
import re

import pytest

from tests.web.conftest import Server


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    running = Server(tmp_path_factory.mktemp("http"))
    yield running
    running.stop()


def get(server: Server, path: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        connection.putrequest("GET", path, skip_accept_encoding=True)
        for name, value in (headers or {}).items():
            connection.putheader(name, value)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


@pytest.mark.parametrize(
    ("path", "marker"),
    [
        ("/console?device=counter-1", b"/static/console.js"),
        ("/dashboard", b"/static/dashboard.js"),
        ("/rate?device=pad-1", b"/static/rate.js"),
        ("/book", b"/static/book.js"),
        ("/t/ABCDEFGH23", b"/static/ticket.js"),
        ("/b/ABCD2345", b"/static/booking.js"),
    ],
)
def test_every_page_is_html_with_a_strict_content_security_policy(server: Server, path: str, marker: bytes) -> None:
    status, headers, body = get(server, path)
    assert status == 200 and marker in body
    assert headers["content-type"] == "text/html; charset=utf-8"
    csp = headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp and "connect-src 'self'" in csp
    assert headers["referrer-policy"] == "no-referrer"  # a ticket page's address is its secret
    assert headers["x-content-type-options"] == "nosniff" and headers["x-frame-options"] == "DENY"
    assert "set-cookie" not in headers


def test_assets_have_their_types_and_revalidate_with_etags(server: Server) -> None:
    for name, kind in (("mc.js", "text/javascript"), ("style.css", "text/css")):
        status, headers, body = get(server, f"/static/{name}")
        assert status == 200 and headers["content-type"].startswith(kind) and body
        assert headers["cache-control"] == "no-cache"
        again, _, empty = get(server, f"/static/{name}", {"If-None-Match": headers["etag"]})
        assert again == 304 and empty == b""


def test_the_booking_qr_code_is_drawn_only_for_a_booking(server: Server) -> None:
    assert get(server, "/b/ABCD2345/qr.svg")[0] == 404  # well formed, but nobody booked it (tests/faults/test_http_doors.py)
    assert get(server, "/b/ABCD2345/other")[0] == 404
    assert get(server, "/b/ABCD0000/qr.svg")[0] == 404  # 0 is not in the code alphabet


@pytest.mark.parametrize(
    "path",
    [
        "/static/../server/http.py",
        "/static/%2e%2e/pages.py",
        "/static/..%2fpages.py",
        "/static//etc/passwd",
        "/static/pages.py",
        "/static/",
        "/static/mc.js/",
        "/t/../../etc/passwd",
        "/t/ABCDEFGH2",
        "/b/abcd2345",
        "/console/x",
        "/etc/passwd",
        "/static/%C3%A9.js",
    ],
)
def test_paths_outside_the_pages_are_not_found(server: Server, path: str) -> None:
    status, headers, body = get(server, path)
    assert status == 404, path
    assert b"import" not in body and b"def " not in body


def test_random_paths_never_serve_a_file_they_do_not_name(server: Server) -> None:
    rng = random.Random(6)
    alphabet = "abcdefghijklmnopqrstuvwxyz./%_-~2ABCDEFGHJK"
    for _ in range(150):
        path = "/" + "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        status, _, _ = get(server, path)
        if status == 200:
            assert re.fullmatch(r"/(console|dashboard|rate|book|static/[\w.]+|t/\w{10}|b/\w{8})", path), path
        else:
            assert status in (404, 426), (path, status)


def test_health_and_metrics_still_answer(server: Server) -> None:
    status, headers, body = get(server, "/healthz")
    assert status == 200 and json.loads(body)["status"] == "ok"
    assert get(server, "/metrics")[0] == 200
    assert get(server, "/")[0] == 426
