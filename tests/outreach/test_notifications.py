"""Notifications through the real server and the outbox to stand-in gateways (local HTTP
servers): "còn N người nữa", "mời bạn đến quầy số …", retries, dead letters, purging."""

from __future__ import annotations

import asyncio
import dataclasses
import sqlite3
import unicodedata

from bench.gateways import Answer, Gateway
from queue_server.config.settings_outreach import (
    Channel,
    NotificationSettings,
    OutboxSettings,
    OutreachSettings,
    SmsGateway,
    ZaloGateway,
)
from queue_server.store.writer import Batch
from tests.integration.conftest import Clock, run, running_lobby
from tests.integration.sites import site_config

FAST = OutboxSettings(max_attempts=4, retry_first_seconds=0.05, retry_max_seconds=0.2, timeout_seconds=1.0, workers=4)


async def rows_become(db_path, query: str, expected, params=()) -> None:
    """Poll the outbox until ``query`` gives ``expected``: a gateway answers before the
    outcome is committed, so a test that reads the table right after may be a moment early."""
    for _ in range(100):
        found = sqlite3.connect(db_path).execute(query, params).fetchall()
        if found == expected:
            return
        await asyncio.sleep(0.05)
    assert found == expected


def sms_site(gateway: Gateway, near: int = 2, outbox: OutboxSettings = FAST):
    sms = SmsGateway(url=gateway.url + "/send?to={phone_local}", body='{"to": "{phone}", "text": "{text}", "id": "{key}"}')
    notifications = NotificationSettings(channel=Channel.SMS, near_people=near, sms=sms)
    return dataclasses.replace(site_config(), outreach=OutreachSettings(outbox=outbox, notifications=notifications))


async def issue(kiosk, count: int, service: str = "HT") -> list[dict]:
    return [(await kiosk.ok("ticket.issue", service=service))["ticket"] for _ in range(count)]


def test_a_phone_is_told_when_its_turn_is_near_and_when_called(db_path, clock: Clock, gateways) -> None:
    gateway = Gateway()
    gateways.append(gateway)

    async def scenario() -> None:
        async with running_lobby(db_path, sms_site(gateway), clock=clock) as lobby:
            kiosk = await lobby.client("kiosk")
            tickets = await issue(kiosk, 5)
            mine = tickets[4]  # A005: four ahead
            phone = await lobby.client(ticket=mine["code"])
            await phone.error("ticket.notify", "consent_required", phone="0912345678", consent=False)
            await phone.error("ticket.notify", "bad_field", phone="0123", consent=True)
            told = (await phone.ok("ticket.notify", phone="0912 345 678", consent=True))["notify"]
            assert told["phone"] == "091****678"  # masked even to its owner's page
            officer = await lobby.officer("counter-1", "lan")
            await officer.ok("ticket.call_next")  # 3 ahead
            await asyncio.sleep(0.3)
            assert gateway.requests == []  # not near yet
            await officer.ok("ticket.complete")
            await officer.ok("ticket.call_next")  # 2 ahead: near
            [near] = await asyncio.to_thread(gateway.wait_accepted, 1)
            assert near.path == "/send?to=0912345678"
            text = near.json["text"]
            assert text == "Một Cửa: số A005 (Hộ tịch) còn 2 người nữa đến lượt bạn. Vui lòng có mặt tại khu chờ."
            assert unicodedata.is_normalized("NFC", text)
            assert near.json["to"] == "84912345678" and near.json["id"] == near.key == f"test-site:near:{mine['id']}"
            for _ in range(2):
                await officer.ok("ticket.complete")
                await officer.ok("ticket.call_next")
            await officer.ok("ticket.complete")
            called = (await officer.ok("ticket.call_next"))["ticket"]
            assert called["label"] == "A005"
            [_, call] = await asyncio.to_thread(gateway.wait_accepted, 2)
            assert call.json["text"] == "Một Cửa: mời công dân có số A005 đến quầy số 1."
            await asyncio.sleep(0.3)
            assert len(gateway.requests) == 2  # "near" once only, though the queue moved on
            # a sent row keeps no phone number
            await rows_become(db_path, "SELECT state, phone FROM outbox ORDER BY id", [("sent", None), ("sent", None)])

    run(scenario())


def test_failures_are_retried_with_back_off_and_a_4xx_is_a_dead_letter(db_path, clock: Clock, gateways) -> None:
    answers = {"0911111111": [Answer(503), Answer(500), Answer(200)], "0922222222": [Answer(400, b'{"error": "bad"}')]}
    answers["0933333333"] = [Answer(200, delay=3.0), Answer(200)]  # the first answer comes after the timeout
    answers["0944444444"] = [Answer(200, delay=0.4)]  # slow, but within the timeout

    def script(received):
        number = received.path.split("to=")[1]
        queue = answers[number]
        return queue.pop(0) if len(queue) > 1 else queue[0]

    gateway = Gateway(script)
    gateways.append(gateway)

    async def scenario() -> None:
        async with running_lobby(db_path, sms_site(gateway, near=10), clock=clock) as lobby:
            kiosk = await lobby.client("kiosk")
            tickets = await issue(kiosk, 4)
            for ticket, number in zip(tickets, answers, strict=True):
                await kiosk.ok("ticket.notify", ticket=ticket["id"], phone=number, consent=True)
            accepted = await asyncio.to_thread(gateway.wait_accepted, 3)
            by_number = collections_by_number(gateway)
            assert by_number["0911111111"] == 3  # 503, 500, then 200
            assert by_number["0933333333"] >= 2  # timed out, then sent again with the same key
            assert by_number["0944444444"] == 1
            assert {r.key for r in accepted} == {f"test-site:near:{t['id']}" for t in (tickets[0], tickets[2], tickets[3])}
            manager = await lobby.client("manager")
            for _ in range(100):  # the gateway answers before the outcome is on disk: wait for it
                status = (await manager.ok("outbox.status"))["outbox"]
                if status["counts"].get("sms") == {"sent": 3, "dead": 1}:
                    break
                await asyncio.sleep(0.05)
            assert by_number["0922222222"] == 1  # a 400 is not tried again
            [dead] = status["dead"]
            assert (dead["phone"], dead["error"], dead["attempts"], dead["kind"]) == ("092****222", "HTTP 400", 1, "near")
            assert status["counts"]["sms"] == {"sent": 3, "dead": 1}
            assert "0922222222" not in str(status) and "84922222222" not in str(status)

    run(scenario())


def collections_by_number(gateway: Gateway) -> dict[str, int]:
    counts: dict[str, int] = {}
    for received in gateway.requests:
        number = received.path.split("to=")[1]
        counts[number] = counts.get(number, 0) + 1
    return counts


def test_a_gateway_that_never_answers_makes_a_dead_letter_after_max_attempts(db_path, clock: Clock, gateways) -> None:
    gateway = Gateway(lambda _: Answer(502))
    gateways.append(gateway)

    async def scenario() -> None:
        async with running_lobby(db_path, sms_site(gateway, near=10), clock=clock) as lobby:
            kiosk = await lobby.client("kiosk")
            [ticket] = await issue(kiosk, 1)
            await kiosk.ok("ticket.notify", ticket=ticket["id"], phone="0987654321", consent=True)
            for _ in range(100):
                row = sqlite3.connect(db_path).execute("SELECT state, attempts, last_error FROM outbox").fetchone()
                if row[0] == "dead":
                    break
                await asyncio.sleep(0.05)
            assert row == ("dead", FAST.max_attempts, "HTTP 502")
            assert len(gateway.requests) == FAST.max_attempts

    run(scenario())


def test_zalo_zns_gets_the_template_and_its_params(db_path, clock: Clock, gateways) -> None:
    def script(received):
        if received.json["phone"] == "84900000000":
            return Answer(200, b'{"error": -108, "message": "Phone number is invalid"}')
        return Answer(200, b'{"error": 0, "message": "Success", "data": {"msg_id": "1"}}')

    gateway = Gateway(script)
    gateways.append(gateway)
    zalo = ZaloGateway(access_token="zalo-oa-token-for-tests", template_near="231001", template_called="231002", url=gateway.url + "/message/template")
    notifications = NotificationSettings(channel=Channel.ZALO, near_people=1, zalo=zalo)
    config = dataclasses.replace(site_config(), outreach=OutreachSettings(outbox=FAST, notifications=notifications))

    async def scenario() -> None:
        async with running_lobby(db_path, config, clock=clock) as lobby:
            kiosk = await lobby.client("kiosk")
            first, second = await issue(kiosk, 2)
            await kiosk.ok("ticket.notify", ticket=second["id"], phone="+84 987 654 321", consent=True)
            await kiosk.ok("ticket.notify", ticket=first["id"], phone="0900000000", consent=True)
            [near] = await asyncio.to_thread(gateway.wait_accepted, 1)
            assert near.path == "/message/template" and near.headers["access_token"] == "zalo-oa-token-for-tests"
            assert near.json == {
                "phone": "84987654321",
                "template_id": "231001",
                "template_data": {"ticket": "A002", "people_ahead": "1", "service": "Hộ tịch"},
                "tracking_id": f"test-site:near:{second['id']}",
            }
            officer = await lobby.officer("counter-1", "lan")
            await officer.ok("ticket.call_next")
            await officer.ok("ticket.complete")
            await officer.ok("ticket.call_next")
            [_, called] = await asyncio.to_thread(gateway.wait_accepted, 2)
            assert called.json["template_id"] == "231002" and called.json["template_data"]["counter"] == "1"
            query = "SELECT state, last_error FROM outbox WHERE ticket = ? AND kind = 'near'"
            await rows_become(db_path, query, [("dead", "Zalo error -108")], [first["id"]])  # no retry mends a wrong number

    run(scenario())


def test_phone_numbers_are_purged_after_the_retention_period(db_path, clock: Clock, gateways) -> None:
    gateway = Gateway(lambda _: Answer(400))
    gateways.append(gateway)

    async def scenario() -> None:
        async with running_lobby(db_path, sms_site(gateway, near=10), clock=clock) as lobby:
            kiosk = await lobby.client("kiosk")
            [ticket] = await issue(kiosk, 1)
            await kiosk.ok("ticket.notify", ticket=ticket["id"], phone="0912345678", consent=True)
            await asyncio.sleep(0.3)
            db = sqlite3.connect(db_path)
            assert db.execute("SELECT phone FROM ticket_phones").fetchall() == [("84912345678",)]
            await lobby.hub.housekeeping.purge()
            assert db.execute("SELECT count(*) FROM ticket_phones").fetchone()[0] == 1  # not old yet
            sent = {"key": "old", "channel": "webhook", "target": "portal", "state": "sent", "created_at": "2026-01-01T00:00:00+00:00"}
            await lobby.hub.write(Batch(outbox=[sent]))
            clock.advance(days=91)
            await lobby.hub.housekeeping.purge()
            assert db.execute("SELECT count(*) FROM ticket_phones").fetchone()[0] == 0
            assert db.execute("SELECT phone, state FROM outbox").fetchall() == [(None, "dead")]  # the dead letter stays

    run(scenario())


def test_a_centre_without_notifications_refuses_a_phone(db_path, clock: Clock) -> None:
    async def scenario() -> None:
        async with running_lobby(db_path, clock=clock) as lobby:
            kiosk = await lobby.client("kiosk")
            [ticket] = await issue(kiosk, 1)
            await kiosk.error("ticket.notify", "notifications_off", ticket=ticket["id"], phone="0912345678", consent=True)
            assert sqlite3.connect(db_path).execute("SELECT count(*) FROM ticket_phones").fetchone()[0] == 0

    run(scenario())
