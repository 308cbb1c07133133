"""Snapshots of the state: a restart replays only the log after the newest, and lands on
exactly the state a replay of the whole log gives."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import sqlite3
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from queue_server import bootstrap
from queue_server.bootstrap import build_hub
from queue_server.core.errors import DomainError
from queue_server.core.events import EventType
from queue_server.core.lobby import Lobby
from queue_server.core.model import TicketState
from queue_server.core.site import CounterSpec
from queue_server.store import snapshots
from queue_server.store.database import connect
from queue_server.store.reader import load_events
from tests.core.conftest import Codes, at, make_site
from tests.core.test_properties import NEXT_DAY, action, command_for, next_morning, opening_morning
from tests.integration.conftest import Clock, run, running_lobby
from tests.integration.sites import site_config


def days_in_the_lobby(actions) -> tuple[Lobby, list]:  # type: ignore[no-untyped-def]
    """Random days at the core's test centre (several mornings): the lobby and its log."""
    lobby, codes, now, log = Lobby(make_site()), Codes(), at(7, 30), []
    for command in opening_morning(now):
        log += lobby.execute(command)
    for kind, n, minutes in actions:
        now = next_morning(now) if minutes == NEXT_DAY else now + dt.timedelta(minutes=minutes)
        for command in command_for(lobby, kind, n, now, codes):
            try:
                log += lobby.execute(command)
            except DomainError:
                pass
    return lobby, log


@settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(actions=st.lists(action, min_size=20, max_size=120), cut=st.integers(0, 10_000))
def test_a_replay_from_any_snapshot_gives_the_state_of_a_full_replay(actions, cut: int) -> None:
    lobby, log = days_in_the_lobby(actions)
    site = lobby.site
    mornings = [i + 1 for i, e in enumerate(log) if e.type is EventType.DAY_OPENED]
    for point in {*mornings, cut % (len(log) + 1)}:  # where the hub takes them, and anywhere
        before = Lobby(site)
        before.replay(log[:point])
        restored = Lobby(site)
        restored.state = snapshots.load(snapshots.dump(before.state), site)
        assert restored.state == before.state
        restored.replay(log[point:])
        assert restored.state == lobby.state, f"from a snapshot at event {point} of {len(log)}"


def test_a_snapshot_keeps_every_part_of_the_state() -> None:
    """A state where every part holds something: the round trip keeps each part."""
    from queue_server.core import commands as c

    lobby, codes = Lobby(make_site()), Codes()
    now = at(9, 0)
    for command in [
        *opening_morning(now),
        c.IssueTicket(now, "HT", codes.ticket()),
        c.IssueTicket(now, "HT", codes.ticket()),
        c.IssueTicket(now, "DD", codes.ticket()),
        c.IssueTicket(now, "HT", codes.ticket(), dossier="000.00.16.H12-261118-0101"),
        c.CallNext(now, 1),
        c.Transfer(now, 1, to_counter=2),
        c.CallNext(now, 1),
        c.MarkSupplement(now, 1, code_hash=hashlib.sha256(b"ABCD-EFGH-2345").hexdigest(), note="Thiếu bản sao CCCD", valid_until=now.date() + dt.timedelta(days=14)),
        c.Complete(now + dt.timedelta(minutes=4), 1),
        c.BookAppointment(now, "HT", at(10, 0), codes.booking()),
        c.SetAnnouncement(now, "Trung tâm nghỉ chiều thứ Bảy", "Closed on Saturday afternoon"),
        c.ReportDevice(now, "kiosk-1", "printer", False, "paper_out"),
        c.ReferenceFee(now, 1, "000.00.16.H57-261201-0002"),
        c.AskHelp(now, "kiosk-1", "Ki-ốt sảnh"),
    ]:
        lobby.execute(command)
    served = next(t for t in lobby.state.tickets.values() if t.state is TicketState.DONE)
    lobby.execute(c.SubmitRating(now + dt.timedelta(minutes=5), served.id, 1))  # "Không hài lòng": a follow-up
    lobby.execute(c.PauseCounter(now + dt.timedelta(minutes=6), 1, reason="lunch"))
    state = lobby.state
    assert state.follow_ups[served.id].is_open and state.counters[1].pause_reason == "lunch"
    empty = [name for name, value in vars(state).items() if not value and not isinstance(value, int)]
    assert empty == [], "the scenario must fill every part of the state"
    assert any(state.targeted.values()) and any(state.queues.values()) and any(state.service_seconds.values())
    assert any(t.dossier for t in state.tickets.values())
    restored = snapshots.load(snapshots.dump(state), state.site)
    for name in vars(state):
        assert getattr(restored, name) == getattr(state, name), name


def four_days(db_path: Path, clock: Clock) -> None:
    async def scenario() -> None:
        async with running_lobby(db_path, clock=clock) as lobby:
            kiosk = await lobby.client("kiosk")
            officer = await lobby.officer("counter-2", user="minh")
            for _ in range(4):
                for n in range(6):
                    await kiosk.ok("ticket.issue", service="HT" if n % 2 else "DD")
                called = await officer.ok("ticket.call_next")
                await officer.ok("ticket.complete", ticket=called["ticket"]["id"])
                clock.advance(days=1)
                await lobby.hub.tick()  # the next morning opens
                officer = await lobby.officer("counter-2", user="minh")

    run(scenario())


def full_replay(db_path: Path, config) -> Lobby:  # type: ignore[no-untyped-def]
    lobby = Lobby(config.site)
    db = connect(db_path)
    lobby.replay(load_events(db))
    db.close()
    return lobby


def test_the_server_keeps_a_snapshot_of_each_morning_and_starts_from_the_newest(db_path: Path, clock: Clock) -> None:
    config = site_config()
    four_days(db_path, clock)
    with sqlite3.connect(db_path) as db:
        kept = [seq for (seq,) in db.execute("SELECT seq FROM snapshots ORDER BY seq")]
        mornings = [
            seq for (seq,) in db.execute("SELECT seq FROM events WHERE type = 'day.opened' ORDER BY seq")
        ]
    assert len(mornings) == 5 and kept == mornings[-snapshots.KEEP :], "the newest mornings' snapshots"
    expected = full_replay(db_path, config).state

    with sqlite3.connect(db_path) as db:  # the log before the newest snapshot is no longer read
        db.execute("DELETE FROM events WHERE seq <= ?", [kept[-1]])
    hub = build_hub(config, db_path, clock=clock)
    try:
        assert hub.lobby.state == expected
        assert hub.recent[-1].seq == expected.seq, "catch-ups still get the recent events"
    finally:
        hub.writer.stop()
        hub.reader.close()


def test_a_changed_configuration_replays_the_whole_log_and_takes_a_new_snapshot(
    db_path: Path, clock: Clock, monkeypatch
) -> None:
    four_days(db_path, clock)
    config = site_config()
    site = config.site
    more = dataclasses.replace(site, counters=(*site.counters, CounterSpec(4, "Quầy 4", {"HT": 1.0})))
    changed = dataclasses.replace(config, site=more)
    monkeypatch.setattr(bootstrap, "SNAPSHOT_AFTER_REPLAYING", 10)
    hub = build_hub(changed, db_path, clock=clock)
    try:
        assert hub.lobby.state == full_replay(db_path, changed).state
        assert 4 in hub.lobby.state.counters, "the new counter is there: the old snapshot was not used"
        seq = hub.lobby.seq
    finally:
        hub.writer.stop()  # waits for the snapshot taken after the long replay
        hub.reader.close()
    with sqlite3.connect(db_path) as db:
        newest = db.execute("SELECT seq, fingerprint FROM snapshots ORDER BY seq DESC LIMIT 1").fetchone()
    assert newest == (seq, snapshots.fingerprint(more))


def test_a_snapshot_beyond_the_log_is_not_used(db_path: Path, clock: Clock) -> None:
    four_days(db_path, clock)
    config = site_config()
    expected = full_replay(db_path, config).state
    with sqlite3.connect(db_path) as db:
        (last,) = db.execute("SELECT max(seq) FROM snapshots").fetchone()
        db.execute("DELETE FROM events WHERE seq > ?", [last - 1])  # a log cut short by hand
    hub = build_hub(config, db_path, clock=clock)
    try:
        assert hub.lobby.seq == last - 1 == full_replay(db_path, config).state.seq
        assert hub.lobby.seq < expected.seq
    finally:
        hub.writer.stop()
        hub.reader.close()

