"""Webhooks through the real server to stand-in receivers: the events each subscription asked
for, in seq order per subscription through failures, keyed site:seq, signed."""

from __future__ import annotations

import asyncio
import dataclasses
import urllib.request

from bench.gateways import Answer, Gateway
from queue_server.config.settings_outreach import OutreachSettings, Webhook
from tests.integration.conftest import Clock, run, running_lobby
from tests.integration.sites import site_config
from tests.outreach.test_notifications import FAST, rows_become

SECRET = "whsec-portal-0123456789abcdef"


def _metrics(port: int) -> str:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as reply:
        return reply.read().decode()


def hook_site(*hooks: Webhook):
    return dataclasses.replace(site_config(), outreach=OutreachSettings(outbox=FAST, webhooks=hooks))


def test_each_subscription_gets_its_events_in_seq_order_through_failures(db_path, clock: Clock, gateways) -> None:
    failures = iter([Answer(500), Answer(503), Answer(429)])
    audit = Gateway(lambda _: next(failures, Answer(200)))
    portal = Gateway()
    gateways += [audit, portal]
    config = hook_site(
        Webhook("audit", audit.url + "/all", "audit-secret-0123456789"),
        Webhook("portal", portal.url + "/hook", SECRET, frozenset({"ticket.called", "ticket.completed"})),
    )

    async def scenario() -> None:
        async with running_lobby(db_path, config, clock=clock) as lobby:
            kiosk = await lobby.client("kiosk")
            for _ in range(3):
                await kiosk.ok("ticket.issue", service="HT")
            officer = await lobby.officer("counter-1", "lan")
            for _ in range(3):
                await officer.ok("ticket.call_next")
                await officer.ok("ticket.complete")
            last = lobby.hub.lobby.seq
            received = await asyncio.to_thread(audit.wait_accepted, last)
            seqs = [r.json["seq"] for r in sorted(received, key=lambda r: r.at)]
            assert seqs == list(range(1, last + 1))  # every event, once, in order, though the first failed 3 times
            assert [r.key for r in received] == [f"test-site:{s}" for s in seqs]
            wire = [r.json["seq"] for r in audit.requests]
            assert wire[:4] == [1, 1, 1, 1] and wire[4:] == list(range(2, last + 1))  # nothing overtook seq 1
            hooks = await asyncio.to_thread(portal.wait_accepted, 6)
            assert [r.json["ev"] for r in hooks] == ["ticket.called", "ticket.completed"] * 3
            first = hooks[0]
            assert first.json["site"] == "test-site" and first.json["label"] == "A001" and "code" not in first.json
            assert first.headers["x-motcua-event"] == "ticket.called"
            assert first.headers["x-motcua-signature"].startswith("t=")
            assert first.headers["content-type"] == "application/json"

    run(scenario())


def test_a_refused_delivery_is_a_dead_letter_and_the_next_goes_on(db_path, clock: Clock, gateways) -> None:
    answers = iter([Answer(410)])
    receiver = Gateway(lambda _: next(answers, Answer(204, b"")))
    gateways.append(receiver)
    config = hook_site(Webhook("portal", receiver.url + "/hook", SECRET, frozenset({"ticket.issued"})))

    async def scenario() -> None:
        async with running_lobby(db_path, config, clock=clock) as lobby:
            kiosk = await lobby.client("kiosk")
            await kiosk.ok("ticket.issue", service="HT")
            await kiosk.ok("ticket.issue", service="HT")
            [second] = await asyncio.to_thread(receiver.wait_accepted, 1)
            assert second.json["label"] == "A002"
            query = "SELECT state, last_error FROM outbox ORDER BY seq"
            await rows_become(db_path, query, [("dead", "HTTP 410"), ("sent", None)])
            manager = await lobby.client("manager")
            status = (await manager.ok("outbox.status"))["outbox"]
            assert status["counts"] == {"webhook": {"dead": 1, "sent": 1}}
            assert status["dead"][0]["target"] == "portal" and status["dead"][0]["phone"] == ""
            assert status["dead"][0]["at"].endswith("+07:00")  # the site's time, as events have it
            metrics = await asyncio.to_thread(_metrics, lobby.port)
            assert "motcua_outbox_sent_total 1\n" in metrics and "motcua_outbox_failed_attempts_total 1\n" in metrics

    run(scenario())


def test_appointment_events_carry_the_booking_id_the_integration_was_given_and_never_its_code(
    db_path, clock: Clock, gateways
) -> None:
    """The portal books through its integration connection and keeps the reply's ``id``; the
    booked, checked-in and cancelled events that reach its webhook carry that id (the code is
    the citizen's secret: it leaves to no third party)."""
    portal = Gateway()
    gateways.append(portal)
    wanted = frozenset({"appointment.booked", "appointment.checked_in", "appointment.cancelled"})
    config = hook_site(Webhook("portal", portal.url + "/hook", SECRET, wanted))

    async def scenario() -> None:
        async with running_lobby(db_path, config, clock=clock) as lobby:
            integration = await lobby.client("integration")
            kiosk = await lobby.client("kiosk")
            kept = await integration.ok(
                "appointment.book", service="HT", slot_start="2026-11-23T09:30:00+07:00", name="Nguyễn Thị Hoà"
            )
            dropped = await integration.ok("appointment.book", service="HT", slot_start="2026-11-23T10:00:00+07:00")
            ids = (kept["appointment"]["id"], dropped["appointment"]["id"])
            assert all(isinstance(i, int) for i in ids) and ids[0] != ids[1]
            await integration.ok("appointment.cancel", booking=dropped["appointment"]["code"])
            clock.advance(minutes=25)  # 09:25: the 09:30 booking checks in on time
            await kiosk.ok("appointment.check_in", booking=kept["appointment"]["code"])
            hooks = await asyncio.to_thread(portal.wait_accepted, 4)
            seen = [(r.json["ev"], r.json["id"]) for r in sorted(hooks, key=lambda r: r.json["seq"])]
            assert seen == [
                ("appointment.booked", ids[0]),
                ("appointment.booked", ids[1]),
                ("appointment.cancelled", ids[1]),
                ("appointment.checked_in", ids[0]),
            ]
            codes = (kept["appointment"]["code"], dropped["appointment"]["code"])
            for hook in hooks:
                assert "code" not in hook.json and not any(code in hook.body.decode() for code in codes)
            looked_up = await integration.ok("appointment.get", booking=codes[0])
            assert looked_up["appointment"]["id"] == ids[0] and looked_up["appointment"]["state"] == "checked_in"

    run(scenario())
