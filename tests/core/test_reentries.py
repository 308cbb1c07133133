"""Coming back with the missing papers: a dossier marked "cần bổ sung" gives a re-entry code;
scanned within its days it gives one ticket ahead of the plain queue, to the same officer, else
the same counter, else the same field; used, replaced, expired or unknown codes are refused."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from queue_server.core import codes
from queue_server.core import commands as c
from queue_server.core.errors import ErrorCode
from queue_server.core.events import Event, EventType
from queue_server.core.lobby import Lobby
from queue_server.core.model import ReentryState, TicketState
from queue_server.core.reentries import RETURN_VISIT, Target

from .conftest import MONDAY, Centre, at

CODE = "ABCDEFGH2345"
LAST_DAY = MONDAY + dt.timedelta(days=14)  # what the edge counts: 10 working days


def code(n: int) -> str:
    return codes.ALPHABET[n] * codes.REENTRY_CODE_LENGTH


def mark(centre: Centre, counter: int = 1, code_text: str = CODE, **kw: object) -> Event:
    args: dict[str, object] = {"code_hash": codes.reentry_hash(code_text), "note": "Thiếu bản sao giấy khai sinh", "valid_until": LAST_DAY}
    args.update(kw)
    (event,) = centre.run(c.MarkSupplement(centre.now, counter, **args))  # type: ignore[arg-type]
    return event


def use(centre: Centre, code_text: str = CODE) -> list[Event]:
    return centre.run(c.UseReentry(centre.now, codes.reentry_hash(code_text), centre.codes.ticket(), source="kiosk-1"))


@pytest.fixture
def marked(centre: Centre) -> Event:
    """A001 served by officer1 at counter 1, marked "cần bổ sung" at 08:10, then completed."""
    centre.open(1)
    centre.issue("HT")
    centre.later(5)
    centre.call_next(1)
    centre.serve(1)
    centre.later(5)
    event = mark(centre, dossier="000.00.16.H57-250303-0001")
    centre.complete(1)
    return event


def test_the_code_helpers() -> None:
    assert codes.is_reentry_code(CODE) and not codes.is_reentry_code(CODE[:-1]) and not codes.is_reentry_code("0" * 12)
    digest = codes.reentry_hash(CODE)
    assert codes.is_reentry_hash(digest) and not codes.is_reentry_hash(CODE) and digest != codes.reentry_hash(code(3))
    assert codes.format_reentry_code(CODE) == "ABCD-EFGH-2345"


def test_marking_keeps_the_note_the_last_day_and_only_the_hash(centre: Centre, marked: Event) -> None:
    assert marked.type is EventType.REENTRY_ISSUED
    assert marked.data["note"] == "Thiếu bản sao giấy khai sinh"
    assert (marked.data["counter"], marked.data["officer"], marked.data["label"]) == (1, "officer1", "A001")
    assert marked.data["valid_until"] == LAST_DAY.isoformat() and marked.data["replaces"] is None
    assert marked.data["dossier"] == "000.00.16.H57-250303-0001"
    assert CODE not in str(marked.data) and marked.data["code_hash"] == codes.reentry_hash(CODE)
    [reentry] = centre.lobby.state.reentries.values()
    assert reentry.as_dict()["state"] == "live" and "code_hash" not in reentry.as_dict()
    assert reentry.as_dict()["valid_until"] == "2025-03-17" and reentry.as_dict()["used_at"] is None


def test_a_return_visit_goes_to_the_same_officer_wherever_they_sit_ahead_of_the_plain_queue(centre: Centre, marked: Event) -> None:
    centre.run(c.SignOut(centre.later(1), 1))
    centre.open(2, "officer1")  # the officer moved to counter 2
    centre.open(1, "officer9")
    plain = centre.issue("HT")
    centre.later(30)
    issued, used = use(centre)
    assert (issued.type, used.type) == (EventType.TICKET_ISSUED, EventType.REENTRY_USED)
    ticket = centre.ticket(issued.data["ticket"])
    assert (ticket.priority, ticket.target_counter, ticket.source) == (RETURN_VISIT.code, 2, "kiosk-1")
    assert (used.data["target"], used.data["counter"], used.data["officer"]) == (Target.OFFICER, 2, "officer1")
    assert (used.data["from_ticket"], used.data["reentry"]) == (marked.data["ticket"], marked.data["reentry"])
    assert centre.call_next(1).id == plain.id  # counter 1 never takes it
    assert centre.call_next(2).id == ticket.id


def test_a_paused_officer_still_gets_it(centre: Centre, marked: Event) -> None:
    centre.run(c.PauseCounter(centre.later(1), 1))
    issued, used = use(centre)
    assert (used.data["target"], centre.ticket(issued.data["ticket"]).target_counter) == (Target.OFFICER, 1)


def test_with_the_officer_gone_the_same_counter_if_open_takes_it_ahead_of_the_plain_queue(centre: Centre, marked: Event) -> None:
    centre.run(c.SignOut(centre.later(1), 1))
    centre.run(c.SignIn(centre.now, 3, "officer1"))  # signed in elsewhere, that counter not open
    centre.open(1, "officer9")
    centre.open(2)
    plain = centre.issue("HT")
    centre.later(10)
    issued, used = use(centre)
    assert (used.data["target"], used.data["counter"], used.data["officer"]) == (Target.COUNTER, 1, None)
    assert centre.call_next(2).id == plain.id  # counter 2 serves HT but the return is counter 1's
    assert centre.call_next(1).id == issued.data["ticket"]


def test_with_the_counter_closed_too_the_field_takes_it_first(centre: Centre, marked: Event) -> None:
    centre.run(c.CloseCounter(centre.later(1), 1))
    centre.run(c.SignOut(centre.now, 1))
    centre.open(2)
    plain = centre.issue("HT")
    centre.later(10)
    issued, used = use(centre)
    ticket = centre.ticket(issued.data["ticket"])
    assert (used.data["target"], used.data["counter"], ticket.target_counter) == (Target.SERVICE, None, None)
    assert "target_counter" not in issued.data
    assert centre.lobby.state.people_ahead(ticket) == 0 and centre.lobby.state.people_ahead(plain) == 1
    assert centre.call_next(2).id == ticket.id


def test_a_code_is_used_once(centre: Centre, marked: Event) -> None:
    issued, _ = use(centre)
    [reentry] = centre.lobby.state.reentries.values()
    assert (reentry.state, reentry.used_ticket, reentry.used_at) == (ReentryState.USED, issued.data["ticket"], centre.now)
    refused = centre.refuse(c.UseReentry(centre.later(1), codes.reentry_hash(CODE), centre.codes.ticket()), ErrorCode.REENTRY_USED)
    assert refused.details["label"] == issued.data["label"] and "08:10" in refused.message


def test_a_code_used_on_an_earlier_day_says_when_with_no_ticket_of_today(centre: Centre, marked: Event) -> None:
    use(centre)
    centre.at(8, 0, day=1)
    centre.tick()
    refused = centre.refuse(c.UseReentry(centre.now, codes.reentry_hash(CODE), centre.codes.ticket()), ErrorCode.REENTRY_USED)
    assert refused.details["label"] is None and "03/03/2025" in refused.message


def test_an_expired_code_says_its_last_day_and_a_code_on_its_last_day_works(centre: Centre, marked: Event) -> None:
    centre.at(16, 59, day=14)  # Monday 17 March, the last day
    centre.tick()
    centre.at(17, 1, day=14)  # closed: the field's hours hold
    centre.refuse(c.UseReentry(centre.now, codes.reentry_hash(CODE), centre.codes.ticket()), ErrorCode.SERVICE_CLOSED)
    centre.at(7, 30, day=15)
    centre.tick()
    refused = centre.refuse(c.UseReentry(centre.now, codes.reentry_hash(CODE), centre.codes.ticket()), ErrorCode.REENTRY_EXPIRED)
    assert refused.details["valid_until"] == "2025-03-17" and "17/03/2025" in refused.message


def test_on_its_last_day_it_works(centre: Centre, marked: Event) -> None:
    centre.at(9, 0, day=14)
    centre.tick()
    issued, _ = use(centre)
    assert issued.data["day"] == LAST_DAY.isoformat()


def test_the_daily_cap_does_not_hold_a_return_visit_back(make_centre) -> None:  # type: ignore[no-untyped-def]
    centre = make_centre()
    centre.open(3)
    for _ in range(3):  # Đất đai gives 3 numbers a day
        centre.issue("DD")
    centre.call_next(3)
    mark(centre, 3)
    centre.refuse(c.IssueTicket(centre.now, "DD", centre.codes.ticket()), ErrorCode.SERVICE_FULL)
    issued, used = use(centre)
    assert issued.data["service"] == "DD" and used.data["target"] == Target.OFFICER


def test_unknown_and_replaced_codes_are_refused(centre: Centre, marked: Event) -> None:
    centre.refuse(c.UseReentry(centre.now, codes.reentry_hash(code(5)), centre.codes.ticket()), ErrorCode.REENTRY_UNKNOWN)
    centre.issue("HT")
    centre.call_next(1)
    first = mark(centre, code_text=code(6))
    second = mark(centre, code_text=code(7), note="  Thiếu CCCD  ")  # the slip did not print: marked again
    assert (second.data["replaces"], second.data["note"], "dossier" in second.data) == (first.data["reentry"], "Thiếu CCCD", False)
    centre.refuse(c.UseReentry(centre.now, codes.reentry_hash(code(6)), centre.codes.ticket()), ErrorCode.REENTRY_REPLACED)
    assert use(centre, code(7))[1].data["reentry"] == second.data["reentry"]
    assert use(centre)[1].data["reentry"] == marked.data["reentry"]  # another ticket's code is not touched


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"note": "   "}, ErrorCode.NOTE_REQUIRED),
        ({"note": "x" * 301}, ErrorCode.TEXT_TOO_LONG),
        ({"dossier": "H" * 41}, ErrorCode.TEXT_TOO_LONG),
        ({"code_hash": CODE}, ErrorCode.CODE_INVALID),
        ({"code_hash": codes.reentry_hash(CODE)}, ErrorCode.CODE_TAKEN),
        ({"valid_until": MONDAY - dt.timedelta(days=1)}, ErrorCode.REENTRY_INVALID),
        ({"ticket": 99}, ErrorCode.TICKET_NOT_CURRENT),
    ],
)
def test_a_bad_mark_is_refused_and_changes_nothing(centre: Centre, marked: Event, changes: dict[str, object], error: ErrorCode) -> None:
    centre.issue("HT")
    centre.call_next(1)
    args: dict[str, object] = {"code_hash": codes.reentry_hash(code(9)), "note": "Thiếu ảnh", "valid_until": LAST_DAY, **changes}
    centre.refuse(c.MarkSupplement(centre.now, 1, **args), error)  # type: ignore[arg-type]


def test_only_the_current_ticket_of_the_counter_is_marked(centre: Centre) -> None:
    centre.open(1)
    centre.refuse(c.MarkSupplement(centre.now, 1, code_hash=codes.reentry_hash(CODE), note="Thiếu ảnh", valid_until=LAST_DAY), ErrorCode.COUNTER_IDLE)


def test_the_service_level_leaves_a_return_visit_out(centre: Centre, marked: Event) -> None:
    centre.later(60)
    use(centre)
    centre.call_next(1)  # called at once, but it is not a new citizen's wait
    [ht] = [v for v in centre.lobby.service_levels_view(centre.now) if v["service"] == "HT"]
    assert (ht["called"], ht["within_target"]) == (1, 1)  # A001 only


def test_replay_rebuilds_the_reentries_and_old_ones_are_dropped_after_60_days(centre: Centre, marked: Event) -> None:
    use(centre)
    again = Lobby(centre.site)
    again.replay(centre.log)
    assert again.state == centre.lobby.state
    centre.at(8, 0, day=14 + 60)
    centre.tick()
    assert centre.lobby.state.reentries  # kept: a late scan is told "expired"
    centre.at(8, 0, day=14 + 61)
    centre.tick()
    assert not centre.lobby.state.reentries and not centre.lobby.state.reentry_hashes


def test_a_mark_logged_without_an_officer_goes_to_the_counter_or_field() -> None:
    from .conftest import make_site

    lobby = Lobby(make_site())
    data = {"reentry": 1, "ticket": 1, "label": "A001", "service": "HT", "counter": 1, "officer": None, "note": "x",
            "valid_until": LAST_DAY.isoformat(), "code_hash": codes.reentry_hash(CODE), "replaces": None}  # fmt: skip
    lobby.replay([Event(EventType.DAY_OPENED, at(8), {"day": MONDAY.isoformat(), "expired": [], "closed": []}, 1),
                  Event(EventType.REENTRY_ISSUED, at(8), data, 2)])  # fmt: skip
    (_, used) = lobby.execute(c.UseReentry(at(9), codes.reentry_hash(CODE), "K7Q2M9ABCD"))
    assert used.data["target"] == Target.SERVICE
    assert dataclasses.asdict(lobby.state.reentries[1])["state"] is ReentryState.USED
    assert lobby.state.tickets[used.data["ticket"]].state is TicketState.WAITING
