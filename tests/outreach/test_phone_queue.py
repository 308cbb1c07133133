"""A number from the phone through the real server: the same queue as the kiosk's, the
limits (per browser, per phone number, a share of the cap), the confirmation at the centre,
the expiry of an unconfirmed number once called, and the one rejoin."""

from __future__ import annotations

import dataclasses
import sqlite3

from queue_server.config.settings_outreach import (
    Channel,
    NotificationSettings,
    OutreachSettings,
    PhoneQueueSettings,
    SmsGateway,
)
from tests.integration.conftest import Clock, run, running_lobby
from tests.integration.sites import site_config
from tests.outreach.test_notifications import FAST

QUEUE = PhoneQueueSettings(per_device_per_day=1, per_phone_per_day=1, share_percent=20, confirm_minutes=5, rejoin_minutes=15)
DEVICE_A, DEVICE_B, DEVICE_C = "a" * 22, "b" * 22, "c" * 22


def phone_site(queue: PhoneQueueSettings = QUEUE):
    sms = SmsGateway(url="http://127.0.0.1:9/unused")  # a closed port: messages stay pending, which is fine here
    notifications = NotificationSettings(channel=Channel.SMS, near_people=1, sms=sms)
    outreach = OutreachSettings(outbox=FAST, notifications=notifications, phone_queue=queue)
    return dataclasses.replace(site_config(), outreach=outreach)


async def take(lobby, service="HT", device=DEVICE_A, **more):
    phone = await lobby.client()
    await phone.ok("hello")  # a phone that follows no ticket yet
    reply = await phone.call("remote.take", service=service, device=device, **more)
    return phone, reply


def test_a_number_from_the_phone_joins_the_kiosks_queue_within_the_limits(db_path, clock: Clock) -> None:
    async def scenario() -> None:
        async with running_lobby(db_path, phone_site(), clock=clock) as lobby:
            board = await lobby.client("display")
            kiosk = await lobby.client("kiosk")
            await kiosk.ok("ticket.issue", service="HT")
            _, reply = await take(lobby, phone="0912345678", consent=True)
            ticket = reply["ticket"]
            assert reply["ok"] and ticket["label"] == "A002" and ticket["url"].endswith("/t/" + ticket["code"])
            assert (await board.next_event("ticket.issued"))["label"] == "A001"
            assert (await board.next_event("ticket.issued"))["label"] == "A002"  # the boards see it as any other
            assert (await kiosk.ok("ticket.issue", service="HT"))["ticket"]["label"] == "A003"

            _, again = await take(lobby, device=DEVICE_A)
            assert again["error"]["code"] == "remote_limit" and "1 số một ngày" in again["error"]["message"]
            _, same_phone = await take(lobby, device=DEVICE_B, phone="+84 912 345 678", consent=True)
            assert same_phone["error"]["code"] == "remote_limit"
            _, no_consent = await take(lobby, device=DEVICE_B, phone="0987654321")
            assert no_consent["error"]["code"] == "consent_required"
            _, first_kd = await take(lobby, service="KD", device=DEVICE_B)  # KD: cap 3, so 1 for phones
            assert first_kd["ok"]
            _, second_kd = await take(lobby, service="KD", device=DEVICE_C)
            assert second_kd["error"]["code"] == "remote_limit" and "Đăng ký kinh doanh" in second_kd["error"]["message"]
            _, bad = await take(lobby, device="short")
            assert bad["error"]["code"] == "bad_field"
            _, unknown = await take(lobby, service="XX", device=DEVICE_C)
            assert unknown["error"]["code"] == "service_unknown"
            rows = sqlite3.connect(db_path).execute("SELECT ticket, device, phone_hash IS NOT NULL FROM remote_tickets").fetchall()
            assert rows == [(ticket["id"], DEVICE_A, 1), (first_kd["ticket"]["id"], DEVICE_B, 0)]
            assert "0912345678" not in str(rows)

    run(scenario())


def test_a_phone_number_is_confirmed_at_the_kiosk_or_by_a_tap_once_called(db_path, clock: Clock) -> None:
    async def scenario() -> None:
        async with running_lobby(db_path, phone_site(), clock=clock) as lobby:
            scanned_phone, scanned = await take(lobby, device=DEVICE_A)
            tapped_phone, tapped = await take(lobby, device=DEVICE_B)
            kiosk = await lobby.client("kiosk")
            await kiosk.ok("ticket.confirm", code=scanned["ticket"]["code"])  # its QR code scanned at the kiosk
            follower = await lobby.client(ticket=tapped["ticket"]["code"])
            early = await follower.error("ticket.confirm", "forbidden")
            assert "quét mã" in early["message"]  # a tap counts only once called
            officer = await lobby.officer("counter-1", "lan")
            await officer.ok("ticket.call_next")  # A001, confirmed at the kiosk
            clock.advance(minutes=10)
            await lobby.hub.housekeeping.expire_remote()
            assert lobby.hub.lobby.state.tickets[scanned["ticket"]["id"]].state.value == "called"  # confirmed: no expiry
            await officer.ok("ticket.complete")
            await officer.ok("ticket.call_next")  # A002, not confirmed yet
            status = (await follower.ok("remote.status"))["remote"]
            assert status["remote"] and not status["confirmed"] and status["confirm_by"]
            clock.advance(minutes=4)
            confirmed = await follower.ok("ticket.confirm")
            assert confirmed["remote"]["confirmed"] is True
            clock.advance(minutes=4)
            await lobby.hub.housekeeping.expire_remote()
            assert lobby.hub.lobby.state.tickets[tapped["ticket"]["id"]].state.value == "called"

    run(scenario())


def test_an_unconfirmed_number_expires_once_called_and_may_rejoin_once(db_path, clock: Clock) -> None:
    async def scenario() -> None:
        async with running_lobby(db_path, phone_site(), clock=clock) as lobby:
            _, taken = await take(lobby, device=DEVICE_A)
            ticket_id = taken["ticket"]["id"]
            follower = await lobby.client(ticket=taken["ticket"]["code"])
            kiosk = await lobby.client("kiosk")
            await kiosk.ok("ticket.issue", service="HT")  # A002, after it
            officer = await lobby.officer("counter-1", "lan")
            await officer.ok("ticket.call_next")
            await follower.error("ticket.rejoin", "rejoin_closed")  # called, not a no-show
            clock.advance(minutes=4)
            await lobby.hub.housekeeping.expire_remote()
            assert lobby.hub.lobby.state.tickets[ticket_id].state.value == "called"  # within the 5 minutes
            clock.advance(minutes=2)
            await lobby.hub.housekeeping.expire_remote()
            assert lobby.hub.lobby.state.tickets[ticket_id].state.value == "no_show"
            event = await follower.next_event("ticket.no_show")
            assert event["label"] == "A001"
            status = (await follower.ok("remote.status"))["remote"]
            assert status["rejoin_until"] is not None
            await officer.ok("ticket.call_next")  # the counter goes on: A002
            rejoined = await follower.ok("ticket.rejoin")
            assert rejoined["ticket"]["state"] == "waiting"
            await follower.next_event("ticket.returned")
            await officer.ok("ticket.complete")
            called = (await officer.ok("ticket.call_next"))["ticket"]
            assert called["label"] == "A001"
            clock.advance(minutes=6)
            await lobby.hub.housekeeping.expire_remote()  # unconfirmed again: no-show again
            assert lobby.hub.lobby.state.tickets[ticket_id].state.value == "no_show"
            once = await follower.error("ticket.rejoin", "rejoin_closed")
            assert "một lần" in once["message"]

    run(scenario())


def test_the_rejoin_window_closes(db_path, clock: Clock) -> None:
    async def scenario() -> None:
        async with running_lobby(db_path, phone_site(), clock=clock) as lobby:
            _, taken = await take(lobby, device=DEVICE_A)
            follower = await lobby.client(ticket=taken["ticket"]["code"])
            officer = await lobby.officer("counter-1", "lan")
            await officer.ok("ticket.call_next")
            await officer.ok("ticket.no_show")
            clock.advance(minutes=16)
            late = await follower.error("ticket.rejoin", "rejoin_closed")
            assert "15 phút" in late["message"]
            kiosk_ticket = (await (await lobby.client("kiosk")).ok("ticket.issue", service="HT"))["ticket"]
            other = await lobby.client(ticket=kiosk_ticket["code"])
            assert (await other.ok("remote.status"))["remote"] == {"remote": False}
            await other.error("ticket.rejoin", "remote_off")

    run(scenario())


def test_confirmations_survive_a_restart_and_a_centre_without_phone_queue_refuses(db_path, clock: Clock) -> None:
    async def first() -> dict:
        async with running_lobby(db_path, phone_site(), clock=clock) as lobby:
            _, taken = await take(lobby, device=DEVICE_A)
            await (await lobby.client("kiosk")).ok("ticket.confirm", code=taken["ticket"]["code"])
            return taken["ticket"]

    async def second(ticket: dict) -> None:
        async with running_lobby(db_path, phone_site(), clock=clock) as lobby:
            assert lobby.hub.remote.tickets[ticket["id"]].confirmed_at is not None
            _, again = await take(lobby, device=DEVICE_A)
            assert again["error"]["code"] == "remote_limit"  # the day's count survived too
        async with running_lobby(db_path, dataclasses.replace(site_config()), clock=clock) as lobby:
            _, off = await take(lobby, device=DEVICE_B)
            assert off["error"]["code"] == "remote_off"

    ticket = run(first())
    run(second(ticket))
