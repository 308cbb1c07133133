"""Local HTTP servers that stand in for an SMS gateway, Zalo ZNS and an integrator's webhook
receiver: they record every request, de-duplicate on the idempotency key as a real gateway
would, and can be told to fail (a status, Zalo's error, a slow or a hanging answer)."""

from __future__ import annotations

import collections
import dataclasses
import http.server
import json
import threading
import time
from collections.abc import Callable
from typing import Any


@dataclasses.dataclass
class Received:
    path: str
    method: str
    headers: dict[str, str]  # names in lower case
    body: bytes
    at: float

    @property
    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def key(self) -> str:
        return self.headers.get("idempotency-key", "")


@dataclasses.dataclass
class Answer:
    status: int = 200
    body: bytes = b'{"ok": true}'
    delay: float = 0.0  # seconds before answering (past the client's timeout: a timeout)


class Gateway:
    """One stand-in server on a free port. ``script`` answers each request (default 200);
    ``accepted`` holds each key answered 2xx once, ``duplicates`` counts the ones seen again."""

    def __init__(self, script: Callable[[Received], Answer] | None = None, zalo: bool = False) -> None:
        self.script = script or (lambda _: Answer(body=b'{"error": 0, "message": "Success"}' if zalo else b'{"ok": true}'))
        self.requests: list[Received] = []
        self.accepted: dict[str, Received] = {}
        self.duplicates: collections.Counter[str] = collections.Counter()
        self.lock = threading.Lock()
        gateway = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def _handle(self) -> None:
                size = int(self.headers.get("Content-Length") or 0)
                received = Received(self.path, self.command, {k.lower(): v for k, v in self.headers.items()}, self.rfile.read(size), time.monotonic())
                answer = gateway.script(received)
                with gateway.lock:
                    gateway.requests.append(received)
                if answer.delay:
                    time.sleep(answer.delay)
                if 200 <= answer.status < 300 and not _zalo_error(answer.body):
                    with gateway.lock:
                        if received.key in gateway.accepted:
                            gateway.duplicates[received.key] += 1
                        else:
                            gateway.accepted[received.key] = received
                try:
                    self.send_response(answer.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(answer.body)))
                    self.end_headers()
                    self.wfile.write(answer.body)
                except OSError:
                    pass  # the client gave up (its timeout)

            do_POST = do_GET = do_PUT = _handle

        class Server(http.server.ThreadingHTTPServer):
            request_queue_size = 256  # the default 5 drops connections under load: 1 s SYN retries

        self.server = Server(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def wait_accepted(self, count: int, timeout: float = 15) -> list[Received]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.accepted) >= count:
                    return list(self.accepted.values())
            time.sleep(0.02)
        raise AssertionError(f"{len(self.accepted)} accepted of {count} within {timeout} s; {len(self.requests)} requests")

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _zalo_error(body: bytes) -> bool:
    try:
        return int(json.loads(body).get("error", 0)) != 0
    except (ValueError, AttributeError):
        return False
