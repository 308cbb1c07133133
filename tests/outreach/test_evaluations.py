"""Dossier-linked ratings to the province's procedures system (``[evaluation_sync]``) through
the real server's outbox, against a local stand-in that makes one evaluation per idempotency
key and answers a key it has seen with 409: failures retried with back-off (500s, a lost
answer), a 4xx given up as a dead letter on the dashboard's outbox card, a duplicate delivery
that makes no second evaluation, one dossier at a time in the ratings' order."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import threading
from collections.abc import Iterator

from bench.gateways import Answer, Gateway, Received
from queue_server.config.settings_outreach import EvaluationSync, OutreachSettings
from tests.integration.conftest import Clock, run, running_lobby
from tests.integration.sites import site_config
from tests.outreach.test_notifications import FAST, rows_become

TOKEN = "Bearer dvc-0123456789abcdef"
FIELDS = {"dossier": "maHoSo", "score": "ketQua.mucDo", "level": "ketQua.moTa", "rated_at": "ketQua.thoiDiem", "site": "donVi"}


class ProceduresSystem:
    """The stand-in: ``POST /api/hoso/CODE/danh-gia`` makes an evaluation, once per
    Idempotency-Key (a key seen again: 409, nothing made); ``faults[CODE]`` answers that code's
    first requests (a status; ``"lost"``: made, but answered after the client gave up)."""

    def __init__(self, faults: dict[str, list[int | str]]) -> None:
        self.faults = {code: iter(answers) for code, answers in faults.items()}
        self.evaluations: dict[str, dict] = {}  # key → the body, in the order they were made
        self.wire: list[str] = []  # the code of each request, in arrival order
        self.lock = threading.Lock()
        self.down = False  # every request answered 503 while True
        self.gateway = Gateway(self.answer)

    def answer(self, received: Received) -> Answer:
        code = received.path.split("/")[3]
        with self.lock:
            self.wire.append(code)
            if self.down:
                return Answer(503, b'{"error": "bao tri"}')
            fault = next(self.faults.get(code, iter(())), None)
            if isinstance(fault, int):
                return Answer(fault, b'{"error": "fault"}')
            if received.key in self.evaluations:
                return Answer(409, b'{"error": "da co danh gia"}')
            self.evaluations[received.key] = {"path": received.path, "body": received.json, "headers": received.headers}
        return Answer(201, b'{"ok": true}', delay=FAST.timeout_seconds + 0.5 if fault == "lost" else 0.0)

    def made(self) -> list[str]:
        with self.lock:
            return [e["body"]["maHoSo"] for e in self.evaluations.values()]


def sync_site(system: ProceduresSystem):
    sync = EvaluationSync(
        url_template=system.gateway.url + "/api/hoso/{code}/danh-gia",
        fields=FIELDS,
        scores={4: "RAT_HAI_LONG", 1: "KHONG_HAI_LONG"},
        headers={"Authorization": TOKEN},
    )
    return dataclasses.replace(site_config(), outreach=OutreachSettings(outbox=FAST, evaluation_sync=sync))


def visits() -> Iterator[tuple[tuple[str, ...], int]]:
    """(the dossiers linked, the score) of each visit, in order."""
    yield ("HS-A",), 4  # the system fails twice (500, 503), then makes it
    yield ("HS-B", "HS-C"), 3  # B: made, its answer lost (a retry: 409, no second one); C: 400, a dead letter
    yield (), 2  # no dossier: nothing is sent
    yield ("HS-D",), 1


def test_each_dossier_linked_rating_reaches_the_procedures_system_once_in_order(db_path, clock: Clock, gateways) -> None:
    system = ProceduresSystem({"HS-A": [500, 503], "HS-B": ["lost"], "HS-C": [400]})
    gateways.append(system.gateway)

    async def scenario() -> None:
        async with running_lobby(db_path, sync_site(system), clock=clock) as lobby:
            kiosk, pad, manager = await lobby.client("kiosk"), await lobby.client("pad-1"), await lobby.client("manager")
            officer = await lobby.officer("counter-1", "lan")
            tickets = []
            for codes, score in visits():
                ticket = (await kiosk.ok("ticket.issue", service="HT"))["ticket"]
                await officer.ok("ticket.call_next")
                for code in codes:
                    await officer.ok("visit.link_dossier", ticket=ticket["id"], code=code)
                await officer.ok("ticket.complete")
                await pad.ok("rating.submit", ticket=ticket["id"], score=score)
                tickets.append(ticket["id"])
            query = "SELECT kind, target, state, last_error FROM outbox ORDER BY id"
            await rows_become(db_path, query, [
                ("evaluation", "procedures-system", "sent", None),
                ("evaluation", "procedures-system", "sent", None),
                ("evaluation", "procedures-system", "dead", "HTTP 400"),
                ("evaluation", "procedures-system", "sent", None),
            ])  # fmt: skip
            assert system.made() == ["HS-A", "HS-B", "HS-D"]  # once each, in the ratings' order; C never
            assert system.wire == ["HS-A", "HS-A", "HS-A", "HS-B", "HS-B", "HS-C", "HS-D"]  # nothing overtook a retry
            first = next(iter(system.evaluations.values()))
            assert first["path"] == "/api/hoso/HS-A/danh-gia"
            assert first["headers"]["authorization"] == TOKEN
            assert first["headers"]["idempotency-key"] == f"test-site:evaluation:{tickets[0]}:HS-A"
            rated_at = first["body"]["ketQua"]["thoiDiem"]
            assert first["body"] == {
                "maHoSo": "HS-A",
                "ketQua": {"mucDo": "RAT_HAI_LONG", "moTa": "Rất hài lòng", "thoiDiem": rated_at},
                "donVi": "test-site",
            }
            last = list(system.evaluations.values())[-1]["body"]
            assert last["ketQua"]["mucDo"] == "KHONG_HAI_LONG"
            b = [e["body"]["ketQua"]["mucDo"] for e in system.evaluations.values() if e["body"]["maHoSo"] == "HS-B"]
            assert b == [3]  # a score the mapping leaves out goes as it is
            status = (await manager.ok("outbox.status"))["outbox"]
            assert status["counts"] == {"evaluation": {"sent": 3, "dead": 1}}
            [dead] = status["dead"]
            assert (dead["channel"], dead["target"], dead["kind"], dead["error"]) == (
                "evaluation", "procedures-system", "evaluation", "HTTP 400"
            )
            payloads = [json.loads(p) for (p,) in __import__("sqlite3").connect(db_path).execute("SELECT payload FROM outbox")]
            assert all("phone" not in p for p in payloads)

    run(scenario())


def test_a_restart_sends_what_was_pending_with_the_same_key(db_path, clock: Clock, gateways) -> None:
    """The system is down until after a restart: the rating's evaluation, kept in the outbox
    with its event, is sent by the next server, once, under the same key."""
    system = ProceduresSystem({})
    system.down = True
    gateways.append(system.gateway)
    config = sync_site(system)
    patient = dataclasses.replace(FAST, max_attempts=100)

    async def first() -> None:
        async with running_lobby(db_path, dataclasses.replace(config, outreach=dataclasses.replace(config.outreach, outbox=patient)), clock=clock) as lobby:
            kiosk, pad = await lobby.client("kiosk"), await lobby.client("pad-1")
            officer = await lobby.officer("counter-1", "lan")
            ticket = (await kiosk.ok("ticket.issue", service="HT"))["ticket"]
            await officer.ok("ticket.call_next")
            await officer.ok("visit.link_dossier", ticket=ticket["id"], code="HS-A")
            await officer.ok("ticket.complete")
            await pad.ok("rating.submit", ticket=ticket["id"], score=4)
            while len(system.wire) < 2:  # tried, and tried again
                await asyncio.sleep(0.05)
        await rows_become(db_path, "SELECT state FROM outbox", [("pending",)])

    async def second() -> None:
        async with running_lobby(db_path, config, clock=clock):
            await rows_become(db_path, "SELECT state FROM outbox", [("sent",)])

    run(first())
    system.down = False
    run(second())
    [made] = system.evaluations
    assert system.made() == ["HS-A"] and made.startswith("test-site:evaluation:")


def test_a_reload_that_adds_the_table_starts_sending(db_path, clock: Clock, gateways) -> None:
    """No [evaluation_sync] at start: a linked rating stays in the lobby. The file reloaded with
    it (reconfig.apply_config, what SIGHUP runs): the delivery starts, the next one is sent."""
    from queue_server.server.reconfig import apply_config

    system = ProceduresSystem({})
    gateways.append(system.gateway)

    async def rate(lobby, officer, kiosk, pad, code: str) -> None:  # type: ignore[no-untyped-def]
        ticket = (await kiosk.ok("ticket.issue", service="HT"))["ticket"]
        await officer.ok("ticket.call_next")
        await officer.ok("visit.link_dossier", ticket=ticket["id"], code=code)
        await officer.ok("ticket.complete")
        await pad.ok("rating.submit", ticket=ticket["id"], score=4)

    async def scenario() -> None:
        async with running_lobby(db_path, site_config(), clock=clock) as lobby:
            kiosk, pad = await lobby.client("kiosk"), await lobby.client("pad-1")
            officer = await lobby.officer("counter-1", "lan")
            await rate(lobby, officer, kiosk, pad, "HS-BEFORE")
            assert lobby.hub.deliverer is None
            apply_config(lobby.hub, sync_site(system))
            await rate(lobby, officer, kiosk, pad, "HS-AFTER")
            await rows_become(db_path, "SELECT key, state FROM outbox", [("test-site:evaluation:2:HS-AFTER", "sent")])
            assert system.made() == ["HS-AFTER"]

    run(scenario())
