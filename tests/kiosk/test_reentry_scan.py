"""Coming back with the missing papers at the kiosk, a real Kivy window against a real server,
the scanner on a pty: the re-entry slip's QR code gives a return-visit ticket for the officer who
marked the dossier, at the counter where they sit now, ahead of the plain queue, printed; the
same code again is refused in words and offers a plain number; an expired code says its last
day; with nobody of that day signed in, the field takes it. And the pure parts: what a scan is,
what a refusal says."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

from hardware.printer.sim import list_jobs
from hardware.scanner.dedup import DEFAULT_WINDOW
from hardware.simulators.scanner import SimulatedScanner
from kiosk.core.decisions import Notice, ScanKind, reentry_refusal, scan_action
from kiosk.core.scans import ClassifiedCode, CodeClassifier, CodeKind, RejectedCode, RejectReason
from kiosk.core.texts import Both, Catalogue
from queue_server.core import codes, commands
from tests.kiosk.support import ARTEFACTS, PUBLIC_URL, Clock, Kiosk, load, queue_server, text, write_site, zbar
from tests.support.ports import free_port

DEDUP = DEFAULT_WINDOW + 0.2
COUNTER_2 = '\n[[counter]]\nnumber = 2\nname = "Quầy 2"\nservices = ["HT"]\n'
SAME_OFFICER, EXPIRING, FIELD = "ABCDEFGH2345", "BCDEFGHJ3456", "CDEFGHJK4567"
NOTE = "Thiếu bản sao giấy khai sinh"


def test_a_reentry_link_or_bare_code_is_a_reentry_scan_and_a_broken_one_is_refused() -> None:
    classifier = CodeClassifier((PUBLIC_URL,))
    link = classifier.classify(f"{PUBLIC_URL}/r/{SAME_OFFICER}")
    assert link == ClassifiedCode(CodeKind.REENTRY, SAME_OFFICER, f"{PUBLIC_URL}/r/{SAME_OFFICER}")
    assert classifier.classify("abcd-efgh-2345").kind is CodeKind.REENTRY  # type: ignore[union-attr]  # as the SMS writes it
    broken = classifier.classify(f"{PUBLIC_URL}/r/{SAME_OFFICER[:-1]}")
    assert broken == RejectedCode(RejectReason.BAD_REENTRY_CODE, f"{PUBLIC_URL}/r/{SAME_OFFICER[:-1]}")
    assert CodeClassifier().classify(f"https://elsewhere.vn/x/r/{SAME_OFFICER}").kind is CodeKind.REENTRY  # type: ignore[union-attr]
    assert scan_action(link).kind is ScanKind.REENTRY and scan_action(broken).notice == Notice("scan.bad_reentry")


def test_each_refusal_says_why_in_vietnamese_and_offers_a_plain_number_in_its_field() -> None:
    texts = Catalogue()
    name = Both("Hộ tịch", "Civil status")
    expired = reentry_refusal("reentry_expired", {"valid_until": "2026-11-23", "service": "HT"}, name)
    assert texts(expired.key, **expired.params) == "Mã quay lại bổ sung hồ sơ đã hết hạn (hạn cuối 23/11/2026). Mời bạn lấy số thường."
    assert expired.offer == "HT"
    used = reentry_refusal("reentry_used", {"used_at": "2026-11-23T02:05:00+00:00", "service": "HT"}, name, dt.timezone(dt.timedelta(hours=7)))
    assert texts(used.key, **used.params).startswith("Mã quay lại này đã được dùng lúc 09:05 23/11/2026") and used.offer == "HT"
    assert reentry_refusal("reentry_replaced", {"service": "HT"}, name).key == "reentry.replaced"
    assert reentry_refusal("reentry_unknown", {}, name) == Notice("reentry.unknown")
    assert reentry_refusal("service_closed", {}, name).key == "issue.closed"
    assert reentry_refusal("store_unavailable", {}, name).key == "issue.failed"
    assert reentry_refusal("reentry_expired", {}, name).params == {"day": "?"}


def test_the_scan_gives_the_same_officer_first_and_refuses_used_and_expired_codes(
    workdir: Path, scanner_url: str, scanner: SimulatedScanner
) -> None:
    port = free_port()
    site = write_site(workdir, port, scanner_url)
    site.write_text(site.read_text(encoding="utf-8") + COUNTER_2, encoding="utf-8")
    config = load(site)
    clock = Clock(config.site.tz)
    shots = ARTEFACTS / "reentry"
    printer = workdir / "printer"

    async def scenario() -> None:
        async with queue_server(config, workdir / "lobby.db", port, clock) as hub:

            async def run(command_type: type, **args: object) -> list:
                return await hub.execute(command_type(now=clock.now, **args))

            def plain_code(n: int) -> str:
                return codes.ALPHABET[n] * codes.TICKET_CODE_LENGTH

            # officer lan marks A001's dossier at counter 1 three times over the morning
            await run(commands.SignIn, counter=1, officer="lan")
            await run(commands.OpenCounter, counter=1)
            today = clock.now.date()
            for n, (code, last) in enumerate([(SAME_OFFICER, 14), (EXPIRING, 0), (FIELD, 14)]):
                await run(commands.IssueTicket, service="HT", code=plain_code(n))
                await run(commands.CallNext, counter=1)
                await run(commands.MarkSupplement, counter=1, code_hash=codes.reentry_hash(code), note=NOTE,
                          valid_until=today + dt.timedelta(days=last))  # fmt: skip
                await run(commands.Complete, counter=1)
            # later lan moves to counter 2; a plain number waits already
            await run(commands.SignOut, counter=1)
            await run(commands.SignIn, counter=2, officer="lan")
            await run(commands.OpenCounter, counter=2)
            await run(commands.IssueTicket, service="HT", code=plain_code(9))

            kiosk = await Kiosk.start(site, shots)
            try:
                await kiosk.wait_screen("home", 20)
                scanner.scan(f"{PUBLIC_URL}/r/{SAME_OFFICER}")
                shown = text(await kiosk.wait_screen("ticket"))
                assert "A005" in shown and "Quay lại bổ sung hồ sơ: bạn được ưu tiên" in shown, shown
                assert "Số người đang chờ trước bạn: 0" in shown and "Quầy phục vụ: 2" in shown, shown
                await kiosk.shot("01-return-visit-ticket")
                assert (await kiosk.wait_printed())["fault"] is None
                ticket = (await kiosk.cmd("state"))["ticket"]
                assert (ticket["priority"], ticket["target_counter"]) == ("return-visit", 2)
                assert zbar(list_jobs(printer)[-1].png) == [ticket["url"]]
                await kiosk.done()
                [called] = await run(commands.CallNext, counter=2)
                assert called.data["label"] == "A005"  # ahead of A004, waiting since before

                # the same slip again: refused in words, a plain number offered
                await kiosk.wait_screen("home")
                await asyncio.sleep(DEDUP)
                scanner.scan(f"{PUBLIC_URL}/r/{SAME_OFFICER}")
                shown = text(await kiosk.wait_screen("message"))
                assert "Mã quay lại này đã được dùng lúc 09:00 23/11/2026; mỗi mã chỉ dùng một lần." in shown, shown
                assert "Lấy số thường · Hộ tịch" in shown, shown
                await kiosk.shot("02-used")
                await kiosk.tap("plain")
                shown = text(await kiosk.wait_screen("ticket"))
                assert "A006" in shown and "ưu tiên" not in shown, shown
                assert (await kiosk.wait_printed())["fault"] is None
                await kiosk.done()

                # the next day: the code whose last day was yesterday is expired
                clock.advance(days=1)
                await kiosk.wait_screen("home")
                await asyncio.sleep(DEDUP)
                scanner.scan(f"{PUBLIC_URL}/r/{EXPIRING}")
                shown = text(await kiosk.wait_screen("message"))
                assert "Mã quay lại bổ sung hồ sơ đã hết hạn (hạn cuối 23/11/2026). Mời bạn lấy số thường." in shown, shown
                await kiosk.shot("03-expired")
                await kiosk.tap("back")

                # nobody is signed in yet today: the field takes it, still first
                await kiosk.wait_screen("home")
                scanner.scan(FIELD)  # the bare code, as the SMS gives it
                shown = text(await kiosk.wait_screen("ticket"))
                assert "A001" in shown and "Quay lại bổ sung hồ sơ" in shown and "Quầy phục vụ: 1, 2" in shown, shown
                assert (await kiosk.wait_printed())["fault"] is None
                await kiosk.done()
                reentries = sorted(hub.lobby.state.reentries.values(), key=lambda r: r.id)
                assert [r.state.value for r in reentries] == ["used", "live", "used"]
            finally:
                assert await kiosk.close() == 0

    asyncio.run(scenario())
