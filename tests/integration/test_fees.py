"""Fees by VietQR through the real server: the counter's code and printed receipt, the phone's
code, and the refusals (no fee, a bad dossier code, no printer)."""

from __future__ import annotations

import asyncio
import dataclasses
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

from bench.apps.browser import CHROMIUM
from hardware.printer.sim import list_jobs
from queue_server.config.settings import PaymentSettings
from queue_server.core.payments import vietqr
from tests.integration.conftest import Clock, run, running_lobby
from tests.integration.sites import site_config

PAYMENT = PaymentSettings(bank_bin="970436", account="0011000012345", account_name="TTPVHCC", fees={"HT": 50_000})


def fee_site(printer_dir: Path):
    config = site_config()
    devices = tuple(
        dataclasses.replace(d, printer=f"sim://{printer_dir}?width=576") if d.id == "counter-1" else d
        for d in config.devices
    )
    return dataclasses.replace(config, devices=devices, payment=PAYMENT)


def get(url: str) -> tuple[int, str, bytes]:
    """A GET from another thread (the server runs in the test's event loop)."""
    try:
        with urllib.request.urlopen(url, timeout=5) as reply:
            return reply.status, reply.headers["Content-Type"], reply.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers["Content-Type"], exc.read()


def test_the_counter_prints_a_fee_receipt_whose_code_reads_back(db_path, clock: Clock, tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_lobby(db_path, fee_site(tmp_path / "printer"), clock=clock) as lobby:
            kiosk = await lobby.client("kiosk")
            issued = (await kiosk.ok("ticket.issue", service="HT"))["ticket"]
            other = (await kiosk.ok("ticket.issue", service="DD"))["ticket"]
            officer = await lobby.officer("counter-1", "lan")
            await officer.ok("ticket.call_next")

            fee = (await officer.ok("fee.qr", ticket=issued["id"]))["fee"]
            assert fee["amount"] == 50_000 and fee["reference"] == "A001-261123"
            assert issued["code"] not in fee["vietqr"]  # the follow code is a secret: never to a bank
            printed = (await officer.ok("fee.print", ticket=issued["id"], dossier="HS-2026-000123"))["fee"]
            assert printed["reference"] == "HS-2026-000123"
            [job] = list_jobs(tmp_path / "printer")
            read = subprocess.run(["zbarimg", "--quiet", "--raw", str(job.png)], capture_output=True, text=True)
            assert read.stdout.splitlines() == [printed["vietqr"]]
            assert vietqr.parse(printed["vietqr"]).amount == 50_000

            await officer.error("fee.qr", "no_fee", ticket=other["id"])
            real = (await officer.ok("fee.qr", ticket=issued["id"], dossier="000.00.16.H57-261201-0002"))["fee"]
            assert vietqr.parse(real["vietqr"]).reference == "000.00.16.H57-261201-0002"  # a real receipt code
            bad = await officer.error("fee.print", "bad_field", ticket=issued["id"], dossier="HỒ SƠ 1")
            assert "dossier or ticket code" in bad["message"]
            assert len(list_jobs(tmp_path / "printer")) == 1  # nothing printed for the refusals

            second = await lobby.officer("counter-2", "minh")
            no_printer = await second.error("fee.print", "printer_failed", ticket=issued["id"])
            assert "no printer" in no_printer["message"]

            phone = await lobby.client(ticket=issued["code"])
            mine = (await phone.ok("fee.qr", dossier="HS-1"))["fee"]
            assert mine["reference"] == "000.00.16.H57-261201-0002"  # the counter's: a phone cannot set it
            base = f"http://127.0.0.1:{lobby.port}/t/"
            status, kind, body = await asyncio.to_thread(get, base + issued["code"] + "/vietqr.svg")
            assert (status, kind) == (200, "image/svg+xml") and b"<svg" in body
            assert (await asyncio.to_thread(get, base + other["code"] + "/vietqr.svg"))[0] == 404
            assert (await asyncio.to_thread(get, base + "ABCDEFGH23/vietqr.svg"))[0] == 404

    run(scenario())


def zbar(png: Path) -> list[str]:
    read = subprocess.run(["zbarimg", "--quiet", "--raw", "-Sqrcode.enable", str(png)], capture_output=True, text=True)
    return read.stdout.splitlines()


def drawn_by_chromium(url: str, into: Path) -> list[str]:
    """What a phone's browser draws of ``url`` (headless Chromium's screenshot), read by zbarimg."""
    png = into / "screen.png"
    subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={into / 'profile'}",
         f"--screenshot={png}", "--window-size=800,800", url],
        capture_output=True, timeout=60, check=True,
    )  # fmt: skip
    return zbar(png)


def test_the_receipt_and_the_phone_carry_the_same_reference_also_after_a_restart(
    db_path, clock: Clock, tmp_path: Path
) -> None:
    """The counter prints the fee's receipt with the dossier code; the phone's VietQR code of the
    same ticket (``/t/CODE/vietqr.svg`` as Chromium draws it) carries that code too, not
    ``A001-261123``; and still does once the server has restarted (the log keeps it)."""
    dossier = "000.00.16.H57-261201-0002"
    config = fee_site(tmp_path / "printer")

    async def scenario() -> None:
        async with running_lobby(db_path, config, clock=clock) as lobby:
            kiosk = await lobby.client("kiosk")
            issued = (await kiosk.ok("ticket.issue", service="HT"))["ticket"]
            officer = await lobby.officer("counter-1", "lan")
            await officer.ok("ticket.call_next")
            await officer.ok("fee.print", ticket=issued["id"], dossier=dossier)
            [job] = list_jobs(tmp_path / "printer")
            [on_paper] = zbar(job.png)
            assert vietqr.parse(on_paper).reference == dossier
            svg = f"http://127.0.0.1:{lobby.port}/t/{issued['code']}/vietqr.svg"
            [on_phone] = await asyncio.to_thread(drawn_by_chromium, svg, tmp_path / "before")
            assert vietqr.parse(on_phone).reference == dossier, on_phone
            assert on_phone == on_paper  # the same payment, whichever code is scanned
            mine = (await (await lobby.client(ticket=issued["code"])).ok("fee.qr"))["fee"]
            assert mine["vietqr"] == on_paper
        async with running_lobby(db_path, config, clock=clock) as lobby:
            svg = f"http://127.0.0.1:{lobby.port}/t/{issued['code']}/vietqr.svg"
            [after] = await asyncio.to_thread(drawn_by_chromium, svg, tmp_path / "after")
            assert after == on_paper, after
            officer = await lobby.officer("counter-1", "lan")
            assert (await officer.ok("fee.qr", ticket=issued["id"]))["fee"]["reference"] == dossier

    run(scenario())


def test_a_site_without_payment_has_no_fee(db_path, clock: Clock) -> None:
    async def scenario() -> None:
        async with running_lobby(db_path, clock=clock) as lobby:
            kiosk = await lobby.client("kiosk")
            issued = (await kiosk.ok("ticket.issue", service="HT"))["ticket"]
            manager = await lobby.client("manager")
            error = await manager.error("fee.qr", "no_fee", ticket=issued["id"])
            assert "[payment]" in error["message"]

    run(scenario())
