"""Out of descriptors: the server raises its soft limit to the hard one at start and says
both in /metrics; with every descriptor in use the log gets one line per interval, not one
per failed accept(), and the server answers again once the connections close. A real
``motcua-server`` child with a low RLIMIT_NOFILE."""

from __future__ import annotations

import contextlib
import resource
import socket
import time
import urllib.request
from pathlib import Path

from tests.faults.test_disk import SITE
from tests.support.servers import ServerProcess

SOFT, HARD = 48, 96  # descriptors of the child: enough to serve, few enough to run out


def _low_limits() -> None:
    resource.setrlimit(resource.RLIMIT_NOFILE, (SOFT, HARD))


def _metrics(server: ServerProcess) -> str:
    with urllib.request.urlopen(f"{server.http_url}/metrics", timeout=5) as response:
        return response.read().decode()


def test_out_of_descriptors_the_log_stays_small_and_the_server_answers_again(tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    server = ServerProcess(SITE.write(tmp_path / "site.toml"), tmp_path / "lobby.db", log=log, preexec=_low_limits)
    server.start()
    held: list[socket.socket] = []
    try:
        metrics = _metrics(server)
        assert f'motcua_open_files_limit{{kind="soft"}} {HARD}' in metrics  # raised to the hard limit
        assert f'motcua_open_files_limit{{kind="hard"}} {HARD}' in metrics
        lines_before = len(log.read_text().splitlines())
        for n in range(2 * HARD):  # more connections than the child has descriptors
            client = socket.socket()
            client.settimeout(1)
            client.bind((f"127.0.0.{2 + n % 50}", 0))
            with contextlib.suppress(OSError):
                client.connect(("127.0.0.1", server.port))
            held.append(client)
        deadline = time.monotonic() + 10
        while "accept()" not in log.read_text():  # asyncio's own line, or ours
            assert time.monotonic() < deadline, "the server never ran out of descriptors"
            time.sleep(0.05)
        time.sleep(3)  # held out of descriptors for 3 s: asyncio retries accept() every second
        for client in held:
            client.close()
        held.clear()
        deadline = time.monotonic() + 15
        while not server.writable():
            assert time.monotonic() < deadline, "the server did not answer again"
            time.sleep(0.05)
        written = log.read_text().splitlines()[lines_before:]
        assert len(written) < 20, "\n".join(written[:40])
        assert 1 <= sum("out of descriptors" in line for line in written) <= 2  # one per 10 s
        failures = next(line for line in _metrics(server).splitlines() if line.startswith("motcua_accept_errors_total"))
        assert int(failures.split()[1]) > 1
    finally:
        for client in held:
            client.close()
        server.stop()
