"""The server's secrets kept out of the site file (``NAME_file``, ``NAME_env``), through a real
``motcua-server`` process to the part that uses each: the SMS gateway's token and the one-stop
system's keys in the headers their stand-in servers receive, the webhook's signature, the payment
account in the VietQR code, the central database's DSN in the connection a stand-in PostgreSQL
sees. And a missing file stops the server from starting, saying file:line:key."""

from __future__ import annotations

import asyncio
import socket
import struct
import sys
import threading
import time
from pathlib import Path

import pytest

from bench.gateways import Answer, Gateway
from bench.site import BenchSite
from queue_server.outreach.signing import verify
from tests.integration.client import Client
from tests.support.servers import ROOT, ServerProcess

SITE = BenchSite(counters=1, boards=0, kiosks=1, site_id="secret-site")
SMS_TOKEN = "Bearer sms-token-from-a-file-0001"
HOOK_SECRET = "whsec-from-the-environment-0002"
LOOKUP_KEY = "lookup-key-from-the-environment-0003"
PULL_TOKEN = "Bearer pull-token-from-a-file-0004"
ACCOUNT = "0011000012345"
CENTRAL_USER = "site_from_env_0005"


class StandInPostgres:
    """A TCP port that reads a PostgreSQL client's start-up message (after refusing SSL and GSS
    encryption) and keeps its parameters: the user and database the DSN named."""

    def __init__(self) -> None:
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.port = self.socket.getsockname()[1]
        self.seen: list[dict[str, str]] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self.socket.accept()
            except OSError:
                return
            with connection:
                try:
                    self._startup(connection)
                except (OSError, struct.error):
                    pass

    def _startup(self, connection: socket.socket) -> None:
        while True:
            length, code = struct.unpack("!ii", connection.recv(8, socket.MSG_WAITALL))
            if code in (80877103, 80877104):  # SSLRequest, GSSENCRequest: "N", not here
                connection.sendall(b"N")
                continue
            body = connection.recv(length - 8, socket.MSG_WAITALL).split(b"\0")
            self.seen.append({k.decode(): v.decode() for k, v in zip(body[0::2], body[1::2], strict=False) if k})
            return

    def close(self) -> None:
        self.socket.close()


def wait_for(condition, what: str, timeout: float = 20) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"never: {what}")
        time.sleep(0.05)


def secret_file(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text + "\n", encoding="utf-8")  # as echo writes it: the one newline is not the secret's
    path.chmod(0o600)
    return path


def write_site(tmp_path: Path, sms: Gateway, hooks: Gateway, one_stop: Gateway, central: int) -> Path:
    secrets = tmp_path / "secrets"
    secrets.mkdir()
    site = SITE.write(tmp_path / "site.toml")
    extra = f"""
[outbox]
retry_first_seconds = 0.05

[notifications]
channel = "sms"
near_people = 5

[notifications.sms]
url = "{sms.url}/send"
headers = {{ Authorization_file = "{secret_file(secrets, "sms-token", SMS_TOKEN)}" }}

[[webhook]]
name = "portal"
url = "{hooks.url}/hook"
secret_env = "MOTCUA_TEST_HOOK_SECRET"
events = ["ticket.issued"]

[dossier_lookup]
url_template = "{one_stop.url}/hoso/{{code}}"
fields = {{ status = "data.trangThai" }}
statuses = {{ DXL = "processing" }}
headers = {{ X-Api-Key_env = "MOTCUA_TEST_LOOKUP_KEY" }}

[dossier_pull]
url_template = "{one_stop.url}/changed?since={{since}}&page={{page}}"
items = "data.items"
fields = {{ code = "maHoSo", status = "trangThai", version = "phienBan" }}
headers = {{ Authorization_file = "{secret_file(secrets, "pull-token", PULL_TOKEN)}" }}

[payment]
bank_bin = "970436"
account_file = "{secret_file(secrets, "account", ACCOUNT)}"
fees = {{ HT = 50000 }}

[central]
dsn_env = "MOTCUA_TEST_CENTRAL_DSN"
poll_seconds = 0.2
"""
    site.write_text(site.read_text(encoding="utf-8") + extra, encoding="utf-8")
    return site


@pytest.fixture
def stand_ins():
    def one_stop(received):  # type: ignore[no-untyped-def]
        if received.path.startswith("/changed"):
            return Answer(body=b'{"data": {"items": []}}')
        return Answer(body=b'{"data": {"trangThai": "DXL"}}')

    opened = (Gateway(), Gateway(), Gateway(one_stop), StandInPostgres())
    yield opened
    for each in opened:
        each.close()


def test_each_secret_from_a_file_or_the_environment_reaches_the_part_that_uses_it(
    tmp_path: Path, stand_ins, monkeypatch: pytest.MonkeyPatch
) -> None:
    sms, hooks, one_stop, central = stand_ins
    monkeypatch.setenv("MOTCUA_TEST_HOOK_SECRET", HOOK_SECRET)
    monkeypatch.setenv("MOTCUA_TEST_LOOKUP_KEY", LOOKUP_KEY)
    monkeypatch.setenv(
        "MOTCUA_TEST_CENTRAL_DSN",
        f"postgresql://{CENTRAL_USER}:pw@127.0.0.1:{central.port}/motcua?sslmode=disable&connect_timeout=2",
    )
    site = write_site(tmp_path, sms, hooks, one_stop, central.port)
    assert "sms-token-from" not in site.read_text() and HOOK_SECRET not in site.read_text()
    server = ServerProcess(site, tmp_path / "lobby.db").start()
    try:

        async def scenario() -> None:
            kiosk = await Client.open(server.url)
            await kiosk.ok("hello", token=SITE.kiosk_token(1))
            ticket = (await kiosk.ok("ticket.issue", service="HT"))["ticket"]
            await kiosk.ok("ticket.notify", ticket=ticket["id"], phone="0912345678", consent=True)
            await kiosk.call("dossier.get", code="HS-0001")
            manager = await Client.open(server.url)
            await manager.ok("hello", token=SITE.manager_token)
            fee = (await manager.ok("fee.qr", ticket=ticket["id"]))["fee"]
            assert ACCOUNT in fee["vietqr"]  # the account read from its file is the one citizens pay to
            await kiosk.close()
            await manager.close()

        asyncio.run(scenario())
        [told] = sms.wait_accepted(1)
        assert told.headers["authorization"] == SMS_TOKEN  # the file's content, its newline left out
        [hook] = hooks.wait_accepted(1)
        assert verify(HOOK_SECRET, hook.headers["x-motcua-signature"], hook.body, time.time())  # signed with the env's
        looked_up = [r for r in one_stop.requests if r.path.startswith("/hoso/")]
        assert looked_up and looked_up[0].headers["x-api-key"] == LOOKUP_KEY
        wait_for(lambda: any(r.path.startswith("/changed") for r in one_stop.requests), "the pull asked")
        pulled = next(r for r in one_stop.requests if r.path.startswith("/changed"))
        assert pulled.headers["authorization"] == PULL_TOKEN
        wait_for(lambda: central.seen, "the shipper connected to the central database")
        assert central.seen[0]["user"] == CENTRAL_USER and central.seen[0]["database"] == "motcua"
    finally:
        server.stop()


def test_a_missing_secret_file_stops_the_server_from_starting_with_file_line_and_key(tmp_path: Path) -> None:
    import subprocess

    site = SITE.write(tmp_path / "site.toml")
    text = site.read_text(encoding="utf-8")
    site.write_text(text + '\n[payment]\nbank_bin = "970436"\naccount_file = "/nonexistent/motcua/account"\n')
    line = len(text.splitlines()) + 4
    done = subprocess.run(
        [sys.executable, "-m", "queue_server.cli", "--config", str(site), "--db", str(tmp_path / "lobby.db"), "--port", "0"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 2 and "listening" not in done.stdout
    assert f"{site}:{line}: payment.account_file: cannot read /nonexistent/motcua/account: No such file or directory" in done.stderr
