"""The server installed into a root and started by its unit's own command line: it tells systemd
it is ready and alive, serves, and its nightly backup restores into a server that carries on."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import urllib.request
from pathlib import Path

from websockets.sync.client import connect

from tests.deploy.roots import child_env, exec_start, in_root, installed, provide_commands
from tests.support.demo import DEMO, DEMO_TOKENS
from tests.support.servers import LISTENING


class Notifications:
    """A real ``$NOTIFY_SOCKET``: a unix datagram socket the test reads as systemd would."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / "notify.sock"
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(str(self.path))
        self.sock.settimeout(30)

    def next(self) -> str:
        return self.sock.recv(4096).decode()

    def close(self) -> None:
        self.sock.close()


def start(root: Path, notify: Notifications, watchdog_usec: int = 200_000) -> tuple[subprocess.Popen[str], int]:
    """motcua-server.service's ExecStart, run from the root; the port it listens on."""
    argv = in_root(root, exec_start(root, "motcua-server.service"))
    env = child_env(NOTIFY_SOCKET=str(notify.path), WATCHDOG_USEC=str(watchdog_usec))
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    assert process.stdout is not None
    for line in process.stdout:
        found = LISTENING.match(line)
        if found:
            return process, int(found.group(2))
    raise AssertionError(f"the server exited with {process.wait()} before it listened")


def stop(process: subprocess.Popen[str]) -> int:
    process.send_signal(signal.SIGTERM)
    return process.wait(30)


def issue(port: int) -> str:
    with connect(f"ws://127.0.0.1:{port}/") as ws:
        ws.send(json.dumps({"id": 1, "op": "hello", "token": DEMO_TOKENS["kiosk-1"]}))
        while json.loads(ws.recv()).get("re") != 1:
            pass
        ws.send(json.dumps({"id": 2, "op": "ticket.issue", "service": "HT"}))
        while True:
            reply = json.loads(ws.recv())
            if reply.get("re") == 2:
                assert reply.get("ok"), reply
                return str(reply["ticket"]["label"])


def server_root(tmp_path: Path) -> Path:
    root = installed(tmp_path / "root", "server", "--site", str(DEMO), "--host", "127.0.0.1", "--port", "0")
    provide_commands(root)
    return root


def test_the_units_command_serves_from_the_layout_and_tells_systemd_ready_alive_stopping(tmp_path):
    root = server_root(tmp_path)
    notify = Notifications(tmp_path)
    process, port = start(root, notify)
    try:
        assert notify.next() == "READY=1"
        assert notify.next() == "WATCHDOG=1"
        assert notify.next() == "WATCHDOG=1"  # again, while it runs
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
            assert response.status == 200 and json.load(response)["writable"] is True
        assert (root / "var/lib/motcua/lobby.db").is_file()
    finally:
        code = stop(process)
    while (said := notify.next()) == "WATCHDOG=1":
        pass
    assert said == "STOPPING=1" and code == 0
    notify.close()


def test_the_timers_backup_restored_per_the_docs_brings_the_tickets_back(tmp_path):
    root = server_root(tmp_path)
    notify = Notifications(tmp_path)
    process, port = start(root, notify, watchdog_usec=0)
    try:
        first = issue(port)
        backup = subprocess.run(
            in_root(root, exec_start(root, "motcua-backup.service")), env=child_env(), capture_output=True, text=True
        )
        assert backup.returncode == 0, backup.stderr
    finally:
        assert stop(process) == 0
    (made,) = sorted((root / "var/lib/motcua/backups").glob("lobby-*.db"))
    assert made.with_name(made.name + ".citizen-key").is_file()
    var = root / "var/lib/motcua"
    for lost in var.glob("lobby.db*"):  # the disk is gone
        lost.unlink()
    restore = subprocess.run(
        in_root(root, ["/opt/motcua/bin/motcua-server", "restore", "--from", f"/var/lib/motcua/backups/{made.name}",
                       "--db", "/var/lib/motcua/lobby.db"]),  # fmt: skip
        env=child_env(),
        capture_output=True,
        text=True,
    )
    assert restore.returncode == 0, restore.stderr
    process, port = start(root, notify, watchdog_usec=0)
    try:
        second = issue(port)
    finally:
        assert stop(process) == 0
    notify.close()
    assert first != second and int(second[-3:]) == int(first[-3:]) + 1
