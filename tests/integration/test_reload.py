"""``motcua-server reload`` and SIGHUP against a real ``motcua-server`` process: a bad file is
refused with file:line:key (exit 1) and the server goes on with the old configuration; a good
one reaches the connected kiosk and board (``config.changed``, ``config.get``); the parts built
from the file at start (the notifications' planner and delivery, the phone queue's limits, the
PIN throttle, the dossier look-up) follow it; and ``check`` refuses the issue's three typos."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from pathlib import Path

import pytest

from bench.gateways import Answer, Gateway
from bench.site import PIN, BenchSite
from queue_server.cli import main as server_main
from queue_server.outreach.signing import verify
from tests.integration.client import Client
from tests.support.servers import ServerProcess

SITE = BenchSite(counters=1, boards=1, kiosks=1, site_id="reload-site")
KIOSK = f'id = "kiosk-1"\nrole = "kiosk"\ntoken = "{SITE.kiosk_token(1)}"\n'
BOARD = f'id = "board-1"\nrole = "display"\ntoken = "{SITE.board_token(1)}"\n'

# the three: each stops its app at start, so check and reload refuse them (file:line: key)
TYPOS = {
    "printer": (KIOSK, 'printer = "serail:///dev/ttyUSB0"', "device[1].printer: serail:///dev/ttyUSB0: scheme 'serail' is not supported here"),
    "kiosk option": (KIOSK, "options = { idle_secnds = 30 }", "device[1].options.idle_secnds: unknown option (did you mean 'idle_seconds'?)"),
    "board layout": (BOARD, 'options = { layout = "landscap" }', "device[2].options.layout: must be one of 'auto', 'landscape', 'portrait', not 'landscap'"),
}  # fmt: skip


def site_text(tmp_path: Path, *, after: dict[str, str] | None = None, extra: str = "") -> str:
    """The bench's site file, ``after[device table]`` lines added to a device, ``extra`` tables at the end."""
    text = SITE.write(tmp_path / "base.toml").read_text(encoding="utf-8")
    for table, lines in (after or {}).items():
        assert table in text
        text = text.replace(table, table + lines + "\n", 1)
    return text + extra


def line_of(text: str, needle: str) -> int:
    return next(n for n, row in enumerate(text.splitlines(), 1) if needle in row)


@pytest.mark.parametrize("typo", TYPOS)
def test_check_refuses_each_typo_that_would_stop_an_app_with_file_line_and_key(
    typo: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    table, line, expected = TYPOS[typo]
    site = tmp_path / "site.toml"
    text = site_text(tmp_path, after={table: line})
    site.write_text(text, encoding="utf-8")
    assert server_main(["check", "--config", str(site)]) == 1
    assert f"{site}:{line_of(text, line)}: {expected}" in capsys.readouterr().err


def reload(site: Path, db: Path) -> tuple[int, str, str]:
    import contextlib
    import io

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = server_main(["reload", "--config", str(site), "--db", str(db)])
    return code, out.getvalue(), err.getvalue()


def test_a_bad_file_is_refused_and_a_good_one_reaches_kiosk_and_board_by_reload_and_by_sighup(tmp_path: Path) -> None:
    site, db = tmp_path / "site.toml", tmp_path / "lobby.db"
    first = site_text(tmp_path, after={KIOSK: "options = { idle_seconds = 30 }"})
    site.write_text(first, encoding="utf-8")
    server = ServerProcess(site, db).start()
    try:

        async def scenario() -> None:
            kiosk, board = await Client.open(server.url), await Client.open(server.url)
            hello = await kiosk.ok("hello", token=SITE.kiosk_token(1))
            await board.ok("hello", token=SITE.board_token(1))
            assert hello["config"]["version"] == 1 and "idle_seconds = 30" in hello["config"]["toml"]
            # each bad file: refused with its file:line:key, nothing pushed, the old configuration still served
            for table, line, expected in TYPOS.values():
                bad = site_text(tmp_path, after={KIOSK: "options = { idle_seconds = 45 }", table: line})
                site.write_text(bad, encoding="utf-8")
                code, out, err = await asyncio.to_thread(reload, site, db)
                assert code == 1, (out, err)
                assert f"{site}:{line_of(bad, line)}: {expected}" in err
                assert "nothing was reloaded: the running configuration stays" in err
            now = (await kiosk.ok("config.get"))["config"]
            assert now == hello["config"] and kiosk.drain() == [] and board.drain() == []
            ticket = (await kiosk.ok("ticket.issue", service="HT"))["ticket"]  # still serving
            assert ticket["label"].startswith("A")
            # a good file: both devices are sent it
            good = site_text(tmp_path, after={KIOSK: "options = { idle_seconds = 45 }"}).replace("Hộ tịch", "Hộ tịch – Khai sinh")
            site.write_text(good, encoding="utf-8")
            code, out, err = await asyncio.to_thread(reload, site, db)
            assert code == 0, err
            assert f"applied {site}: configuration 2, 2 device(s) sent theirs" in out
            for client in (kiosk, board):
                changed = await client.next_event("config.changed")
                assert changed["config"]["version"] == 2 and "Hộ tịch – Khai sinh" in changed["config"]["toml"]
            now = (await kiosk.ok("config.get"))["config"]
            assert now["version"] == 2 and "idle_seconds = 45" in now["toml"]
            # SIGHUP sent directly (systemd's ExecReload=kill -HUP $MAINPID) does the same
            site.write_text(good.replace("idle_seconds = 45", "idle_seconds = 60"), encoding="utf-8")
            assert server.process is not None
            os.kill(server.process.pid, signal.SIGHUP)
            changed = await kiosk.next_event("config.changed")
            assert changed["config"]["version"] == 3 and "idle_seconds = 60" in changed["config"]["toml"]
            assert (await board.next_event("config.changed"))["config"]["version"] == 3
            await kiosk.close()
            await board.close()

        asyncio.run(scenario())
        assert server.process is not None and server.process.poll() is None
    finally:
        assert server.stop() == 0


def test_reload_without_a_running_server_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = SITE.write(tmp_path / "site.toml")
    assert server_main(["reload", "--config", str(site), "--db", str(tmp_path / "lobby.db")]) == 2
    assert "no running server for" in capsys.readouterr().err


def test_what_the_server_built_from_the_file_follows_a_reload(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """At start: no webhook, no phone queue, no dossier look-up, 100 PIN attempts. After a reload
    (the webhook's secret in a file, the look-up's key in the environment): a ticket's event is
    delivered and signed, a phone may take a number, the look-up asks the one-stop system with
    its key, one wrong PIN locks. A second reload with the secret file changed: signed with the new;
    a third with the file gone: refused at file:line:key, still signed with the running secret."""
    hooks, one_stop = Gateway(), Gateway(lambda _: Answer(body=b'{"data": {"trangThai": "DXL"}}'))
    monkeypatch.setenv("MOTCUA_TEST_RELOAD_KEY", "reloaded-lookup-key-0007")
    secret = tmp_path / "hook-secret"
    secret.write_text("first-webhook-secret-000000001\n")
    secret.chmod(0o600)
    site, db = tmp_path / "site.toml", tmp_path / "lobby.db"
    site.write_text(site_text(tmp_path), encoding="utf-8")
    extra = f"""
[phone_queue]
per_device_per_day = 2

[[webhook]]
name = "portal"
url = "{hooks.url}/hook"
secret_file = "{secret}"
events = ["ticket.issued"]

[dossier_lookup]
url_template = "{one_stop.url}/hoso/{{code}}"
fields = {{ status = "data.trangThai" }}
statuses = {{ DXL = "processing" }}
headers = {{ X-Api-Key_env = "MOTCUA_TEST_RELOAD_KEY" }}
"""
    server = ServerProcess(site, db).start()
    try:

        async def scenario() -> None:
            kiosk, phone, officer = [await Client.open(server.url) for _ in range(3)]
            await kiosk.ok("hello", token=SITE.kiosk_token(1))
            await phone.ok("hello")
            await officer.ok("hello", token=SITE.counter_token(1))
            device = "phone-browser-0123456789"
            await phone.error("remote.take", "remote_off", service="HT", device=device)
            await kiosk.call("dossier.get", code="HS-0001")
            assert one_stop.requests == []  # no look-up configured yet
            await officer.error("officer.sign_in", "bad_pin", user=SITE.officer(1), pin="0000")

            text = site_text(tmp_path, extra=extra).replace("pin_attempts = 100", "pin_attempts = 1\npin_lockout_seconds = 600")
            site.write_text(text, encoding="utf-8")
            code, out, err = await asyncio.to_thread(reload, site, db)
            assert code == 0, err

            ticket = (await kiosk.ok("ticket.issue", service="HT"))["ticket"]
            [issued] = await asyncio.to_thread(hooks.wait_accepted, 1)
            assert issued.json["label"] == ticket["label"]
            assert verify("first-webhook-secret-000000001", issued.headers["x-motcua-signature"], issued.body, time.time())
            await phone.ok("remote.take", service="HT", device=device)
            await kiosk.call("dossier.get", code="HS-0001")
            assert [r.headers.get("x-api-key") for r in one_stop.requests] == ["reloaded-lookup-key-0007"]
            await officer.error("officer.sign_in", "bad_pin", user=SITE.officer(1), pin="0000")
            await officer.error("officer.sign_in", "pin_locked", user=SITE.officer(1), pin=PIN)  # 1 attempt now

            secret.write_text("second-webhook-secret-00000002\n")  # rotated: read again at the reload
            code, out, err = await asyncio.to_thread(reload, site, db)
            assert code == 0, err
            third = (await kiosk.ok("ticket.issue", service="HT"))["ticket"]  # the phone's number was the 2nd
            delivered = await asyncio.to_thread(hooks.wait_accepted, 3)
            second = next(r for r in delivered if r.json["label"] == third["label"])
            assert verify("second-webhook-secret-00000002", second.headers["x-motcua-signature"], second.body, time.time())
            # the secret's file gone: the reload is refused at its line and key, the running secret stays
            secret.unlink()
            code, out, err = await asyncio.to_thread(reload, site, db)
            assert code == 1
            where = f"{site}:{line_of(text, 'secret_file')}: webhook[1].secret_file: cannot read {secret}: No such file or directory"
            assert where in err
            fourth = (await kiosk.ok("ticket.issue", service="HT"))["ticket"]
            delivered = await asyncio.to_thread(hooks.wait_accepted, 4)
            last = next(r for r in delivered if r.json["label"] == fourth["label"])
            assert verify("second-webhook-secret-00000002", last.headers["x-motcua-signature"], last.body, time.time())
            for client in (kiosk, phone, officer):
                await client.close()

        asyncio.run(scenario())
    finally:
        server.stop()
        hooks.close()
        one_stop.close()
