"""What leaves the site, field by field: a real server runs a day that makes every event type
the core emits, with the data a lobby gives (a booking checked in on time, a phone number and an
ID number typed in officers' notes, reasons and device details), and what ``redact`` lets out of
each event is exactly the list in docs/province.md "What leaves the site"; ``free_text =
"scrubbed"`` ships the free text without its numbers (hypothesis)."""

from __future__ import annotations

import dataclasses
import json
import re
import sqlite3
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from queue_server.config.settings import PaymentSettings
from queue_server.core.codes import reentry_hash
from queue_server.core.events import EventType
from queue_server.shipping.redact import FREE_TEXT_KEYS, SCRUBBED, central_data, central_json, scrub
from tests.integration.conftest import Clock, run, running_lobby
from tests.integration.sites import site_config

ROOT = Path(__file__).resolve().parents[2]
PHONE, ID_NUMBER = "0912 345 678", "001099012345"
DOSSIER = "000.00.16.H57-261201-0002"  # a fee's reference (fee.referenced), a visit's dossier: it opens the dossier's page
OTHER_DOSSIER = "000.00.16.H57-261201-0003"  # linked by mistake, removed
PAYMENT = PaymentSettings(bank_bin="970436", account="0011000012345", account_name="TTPVHCC", fees={"HT": 50_000})
PHONE_DEVICE = "d2c1f0a9b8e7d6c5b4a39281"  # a phone's browser id (help.ask): kept at the site as a hash only
TYPED = {"note": f"Gọi lại số {PHONE}", "reason": f"CCCD {ID_NUMBER} sai", "detail": f"kỹ thuật: {PHONE}"}


def documented() -> dict[str, set[str]]:
    """docs/province.md "What leaves the site": its table of event types and the fields that leave."""
    text = (ROOT / "docs" / "province.md").read_text(encoding="utf-8")
    section = text.split("## What leaves the site", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `([a-z_.]+)` \| (.*?) \|", section, re.M)
    return {event: set(re.findall(r"`([a-z_]+)`", fields)) for event, fields in rows}


async def a_day(db_path: Path, clock: Clock) -> dict[str, Any]:
    """Every event type, through real connections; the secrets the day made."""
    async with running_lobby(db_path, dataclasses.replace(site_config(), payment=PAYMENT), clock=clock) as lobby:
        kiosk, manager, phone = await lobby.client("kiosk"), await lobby.client("manager"), await lobby.client()
        await phone.ok("hello")
        officer = await lobby.officer()  # counter.changed
        pad = await lobby.client("pad-1")
        served = (await kiosk.ok("ticket.issue", service="HT"))["ticket"]
        await officer.ok("ticket.call_next")
        await officer.ok("ticket.recall")
        await officer.ok("ticket.serve")
        await officer.ok("visit.link_dossier", ticket=served["id"], code=DOSSIER)  # visit.dossier_linked
        await officer.ok("visit.link_dossier", ticket=served["id"], code=OTHER_DOSSIER)
        await officer.ok("visit.unlink_dossier", ticket=served["id"], code=OTHER_DOSSIER)  # visit.dossier_unlinked
        await officer.ok("fee.qr", ticket=served["id"], dossier=DOSSIER)  # fee.referenced
        reentry = (await officer.ok("reentry.mark", ticket=served["id"], note=TYPED["note"], dossier=DOSSIER, print=False))["reentry"]
        await officer.ok("ticket.complete")
        await pad.ok("rating.submit", ticket=served["id"], score=1)  # rating.recorded, follow_up.opened
        await manager.ok("follow_up.close", item=served["id"], note=TYPED["note"])
        absent = (await kiosk.ok("ticket.issue", service="HT"))["ticket"]
        await officer.ok("ticket.call_next")
        await officer.ok("ticket.no_show")
        await officer.ok("ticket.return", ticket=absent["id"])
        await officer.ok("ticket.call_next")
        await officer.ok("ticket.transfer", ticket=absent["id"], service="DD", note=TYPED["note"])
        left = (await kiosk.ok("ticket.issue", service="DD"))["ticket"]
        await manager.ok("ticket.cancel", ticket=left["id"], reason=TYPED["reason"])
        slots = (await phone.ok("appointment.slots", service="HT", day="2026-11-23"))["slots"]
        free = [s for s in slots if s["free"] and s["start"] >= "2026-11-23T09"]
        on_time = (await phone.ok("appointment.book", service="HT", slot_start=free[0]["start"], name="Nguyễn Văn An", phone="0912345678"))["appointment"]  # fmt: skip
        dropped = (await phone.ok("appointment.book", service="HT", slot_start=free[1]["start"]))["appointment"]
        await phone.ok("appointment.cancel", booking=dropped["code"])
        checked = await kiosk.ok("appointment.check_in", booking=on_time["code"])
        await manager.ok("announcement.set", text_vi="Hệ thống tạm dừng lúc 11:30", text_en="Paused at 11:30")
        await kiosk.ok("device.report", component="printer", ok=False, detail=TYPED["detail"])
        rotation = await manager.ok("device.rotate", device="display-floor2")  # device.rotated
        await (await lobby.client()).ok("hello", enrol=rotation["code"])  # device.enrolled
        await manager.ok("device.revoke", device="display-floor2")  # device.revoked
        volunteer = await lobby.client("volunteer")
        asked = await phone.ok("help.ask", device=PHONE_DEVICE, note=TYPED["note"])  # help.requested
        await volunteer.ok("help.take", request=asked["request"]["id"])  # help.taken
        await volunteer.ok("help.close", request=asked["request"]["id"])  # help.closed
        await volunteer.call("dossier.get", code=DOSSIER)  # volunteer.looked_up (not found: never its code)
        waiting = (await kiosk.ok("ticket.issue", service="DD"))["ticket"]
        back = await kiosk.ok("reentry.use", code=reentry["code"])  # reentry.used, for lan's counter
        clock.advance(hours=3)
        await lobby.hub.tick()  # alarm.wait_exceeded (and a wait past the limit)
        code = reentry["code"].replace("-", "")
        return {"codes": [served["code"], absent["code"], left["code"], waiting["code"], checked["ticket"]["code"],
                          back["ticket"]["code"], code, reentry_hash(code)],
                "bookings": [on_time["code"], dropped["code"]]}  # fmt: skip


def site_events(db_path: Path) -> list[tuple[str, str, dict[str, Any]]]:
    with sqlite3.connect(db_path) as db:
        return [(t, text, json.loads(text)) for t, text in db.execute("SELECT type, data FROM events ORDER BY seq")]


def test_every_event_type_leaves_exactly_the_documented_fields_and_no_secret(tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db_path = tmp_path / "lobby.db"
    secrets = run(a_day(db_path, Clock()))
    events = site_events(db_path)
    listed = documented()
    assert {t for t, _, _ in events} == {t.value for t in EventType} == set(listed), "every type made and documented"
    shipped = []
    for event_type, text, data in events:
        left = json.loads(central_json(event_type, text, data))
        assert left == central_data(event_type, data)
        assert set(left) <= listed[event_type], (event_type, set(left) - listed[event_type])
        shipped.append(json.dumps(left, ensure_ascii=False))
    for event_type in listed:  # each documented field is one that a day of this type does ship
        made = set().union(*(json.loads(central_json(t, x, d)).keys() for t, x, d in events if t == event_type))
        assert made == listed[event_type], (event_type, listed[event_type] - made)
    everything = " ".join(shipped)
    for secret in (*secrets["codes"], *secrets["bookings"], DOSSIER, OTHER_DOSSIER, PHONE, ID_NUMBER, "0912345678", "Nguyễn Văn An", *TYPED.values(), "phone-"):
        assert secret not in everything, secret


def test_scrubbed_free_text_leaves_without_its_numbers(tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db_path = tmp_path / "lobby.db"
    run(a_day(db_path, Clock()))
    left = [central_data(t, d, free_text="scrubbed") for t, _, d in site_events(db_path)]
    texts = [value for data in left for key, value in data.items() if key in {"note", "reason", "detail"}]
    # a transfer's note, a follow-up's, a re-entry's papers missing, a help request's; a cancellation's reason; a device's detail
    assert sorted(texts) == sorted([scrub(TYPED["note"])] * 4 + [scrub(TYPED["reason"]), scrub(TYPED["detail"])])
    assert all(SCRUBBED in text and PHONE not in text and ID_NUMBER not in text for text in texts)


separators = st.sampled_from(["", " ", ".", "-"])
numbers = st.one_of(
    st.from_regex(r"0[35789][0-9]{8}", fullmatch=True),  # a mobile number
    st.from_regex(r"\+84[35789][0-9]{8}", fullmatch=True),
    st.from_regex(r"0[0-9]{11}", fullmatch=True),  # a chip ID card's number
    st.from_regex(r"[0-9]{9}", fullmatch=True),  # an old ID card's
)
words = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Nd")), max_size=20)


@given(words, numbers, separators, st.integers(3, 5), words)
def test_scrubbing_takes_out_any_phone_or_id_number_however_it_is_written(before, number, separator, group, after) -> None:  # type: ignore[no-untyped-def]
    written = separator.join(number[i : i + group] for i in range(0, len(number), group))
    text = f"{before} {written} {after}"
    scrubbed = scrub(text)
    digits_only = re.sub(r"[ .\-+]", "", scrubbed)
    assert number.lstrip("+") not in digits_only and not re.search(r"\d{7}", digits_only)
    assert scrubbed.startswith(before) and scrubbed.endswith(after)


@given(words)
def test_text_with_no_digits_is_shipped_as_typed(text: str) -> None:
    assert scrub(text) == text
    for event_type, keys in FREE_TEXT_KEYS.items():
        for key in keys:
            assert central_data(event_type, {key: text}, free_text="scrubbed") == {key: text}
