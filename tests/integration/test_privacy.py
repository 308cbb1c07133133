"""What each role may read of others (docs/protocol.md, "Roles"): kiosks, boards, pads and phones
see no officer, priority category or issuing device, nor why a counter paused; a sign-in never
tells that a PIN was right. Real server, real connections, one per role."""

from __future__ import annotations

from typing import Any

from tests.integration.client import Client
from tests.integration.conftest import Clock, Lobby, run, running_lobby
from tests.integration.sites import PIN, TOKENS

PERSONAL = {"officer", "priority", "source"}


async def _called_priority_ticket(lobby: Lobby) -> dict[str, Any]:
    """A priority ticket issued by the kiosk and called by Lan at counter 1: it has an officer,
    a priority and a source."""
    kiosk = await lobby.client("kiosk")
    issued = (await kiosk.ok("ticket.issue", service="HT", priority="elderly"))["ticket"]
    officer = await lobby.officer("counter-1", user="lan")
    called = (await officer.ok("ticket.call_next"))["ticket"]
    assert called["id"] == issued["id"] and called["officer"] == "lan" and called["source"] == "kiosk"
    return issued


def test_a_kiosk_reads_no_officer_priority_or_source_of_a_ticket(db_path, clock: Clock) -> None:  # type: ignore[no-untyped-def]
    async def scenario() -> None:
        async with running_lobby(db_path, clock=clock) as lobby:
            issued = await _called_priority_ticket(lobby)
            kiosk = await lobby.client("kiosk")
            for reply in (
                await kiosk.ok("ticket.get", ticket=issued["id"]),
                await kiosk.ok("ticket.get", code=issued["code"]),
                await kiosk.ok("ticket.confirm", code=issued["code"]),
            ):
                assert reply["ticket"]["label"] == issued["label"] and reply["ticket"]["state"] == "called"
                assert not PERSONAL & reply["ticket"].keys(), reply["ticket"]
                assert "code" not in reply["ticket"]
            for staff in ("counter-2", "manager", "integration"):
                seen = (await (await lobby.client(staff)).ok("ticket.get", ticket=issued["id"]))["ticket"]
                assert (seen["officer"], seen["priority"], seen["source"]) == ("lan", "elderly", "kiosk")
            phone = await lobby.client(ticket=issued["code"])
            for reply in (await phone.ok("ticket.get"), await phone.ok("ticket.confirm")):
                own = reply["ticket"]
                assert own["priority"] == "elderly"  # its own, as printed on its paper
                assert not {"officer", "source", "code"} & own.keys(), own

    run(scenario())


def test_boards_kiosks_and_pads_see_that_a_counter_paused_not_why(db_path, clock: Clock) -> None:  # type: ignore[no-untyped-def]
    async def scenario() -> None:
        async with running_lobby(db_path, clock=clock) as lobby:
            lobby_roles = {name: await lobby.client(name) for name in ("kiosk", "display", "pad-1")}
            staff = {name: await lobby.client(name) for name in ("manager", "integration")}
            officer = await lobby.officer("counter-1", user="lan")
            await officer.ok("counter.pause", reason="lunch")
            for name, client in lobby_roles.items():
                changed = await client.next_event("counter.changed")
                while changed["state"] != "paused":
                    changed = await client.next_event("counter.changed")
                assert "reason" not in changed and "officer" not in changed, (name, changed)
                for snapshot in (
                    (await client.ok("queue.snapshot"))["snapshot"],
                    (await _hello_again(lobby, name))["snapshot"],
                ):
                    counter = _counter(snapshot, 1)
                    assert counter["state"] == "paused" and not {"pause_reason", "officer"} & counter.keys(), (name, counter)
            for name, client in {**staff, "counter-1": officer}.items():
                assert _counter((await client.ok("queue.snapshot"))["snapshot"], 1)["pause_reason"] == "lunch", name

    run(scenario())


async def _hello_again(lobby: Lobby, name: str) -> dict[str, Any]:
    client = await lobby.client(name)
    return client.hello  # type: ignore[attr-defined,no-any-return]  # set by Lobby.client


def _counter(snapshot: dict[str, Any], number: int) -> dict[str, Any]:
    return next(c for c in snapshot["counters"] if c["number"] == number)


def test_a_right_pin_at_a_counter_the_officer_may_not_use_is_answered_as_a_wrong_pin(db_path, clock: Clock) -> None:  # type: ignore[no-untyped-def]
    async def scenario() -> None:
        async with running_lobby(db_path, clock=clock) as lobby:
            attempts = lobby.hub.config.settings.pin_attempts
            counter_1 = await lobby.client("counter-1")
            wrong = await counter_1.error("officer.sign_in", "bad_pin", user="hoa", pin="0000")
            for _ in range(attempts - 1):  # hoa works at counter 3 only: her right PIN, at counter 1
                right = await counter_1.error("officer.sign_in", "bad_pin", user="hoa", pin=PIN)
                assert right == wrong  # the same code and words: nothing tells the PIN was right
            counter_3 = await Client.open(lobby.url, local_addr=("127.0.0.33", 0))  # another address
            lobby.clients.append(counter_3)
            await counter_3.ok("hello", token=TOKENS["counter-3"])
            await counter_3.error("officer.sign_in", "pin_locked", user="hoa", pin=PIN)  # each was counted

    run(scenario())
