"""The dossiers of a visit: the counter serving a ticket links it to the codes of the dossiers
received at it (several, a wrong one removed), and the citizen's rating carries them."""

from __future__ import annotations

import pytest

from queue_server.core import commands as c
from queue_server.core.errors import ErrorCode
from queue_server.core.events import EventType
from queue_server.core.lobby import Lobby
from queue_server.core.visit_dossiers import MAX_LINKED

FIRST, SECOND = "000.00.16.H12-261118-0101", "000.00.16.H12-261118-0102"


@pytest.fixture
def served(centre):
    """A001 called at counter 1 by lan."""
    centre.open(1, "lan")
    ticket = centre.issue("HT")
    centre.call_next(1)
    return ticket


def link(centre, ticket, code, counter=1):
    return centre.run(c.LinkDossier(centre.later(seconds=10), counter, ticket.id, code))


def test_the_officer_links_two_dossiers_and_the_rating_carries_them(centre, served):
    (event,) = link(centre, served, " 000.00.16.h12-261118-0101 ")
    assert event.type is EventType.VISIT_DOSSIER_LINKED
    assert event.data == {"ticket": served.id, "label": "A001", "service": "HT", "counter": 1, "officer": "lan", "dossier": FIRST}
    centre.serve(1)
    link(centre, served, SECOND)
    assert served.linked_dossiers == (FIRST, SECOND)
    assert served.as_dict()["linked_dossiers"] == [FIRST, SECOND]
    centre.complete(1)
    rated, *_ = centre.run(c.SubmitRating(centre.later(1), served.id, 4, source="pad-1"))
    assert rated.data["dossiers"] == [FIRST, SECOND]


def test_a_rating_of_a_visit_with_no_dossier_carries_none(centre, served):
    centre.complete(1)
    rated, *_ = centre.run(c.SubmitRating(centre.later(1), served.id, 4))
    assert "dossiers" not in rated.data


def test_a_wrong_code_is_removed_and_the_others_stay(centre, served):
    link(centre, served, FIRST)
    link(centre, served, SECOND)
    (event,) = centre.run(c.UnlinkDossier(centre.later(seconds=5), 1, served.id, FIRST.lower()))
    assert event.type is EventType.VISIT_DOSSIER_UNLINKED and event.data["dossier"] == FIRST
    assert served.linked_dossiers == (SECOND,)


def test_a_code_linked_twice_is_linked_once(centre, served):
    link(centre, served, FIRST)
    assert link(centre, served, FIRST.lower()) == []
    assert served.linked_dossiers == (FIRST,)


@pytest.mark.parametrize("code", ["", "AB", "HS 2026", "hồ-sơ-1", "X" * 65, "-ABC"])
def test_a_bad_code_is_refused_naming_the_field_and_changes_nothing(centre, served, code):
    error = centre.refuse(c.LinkDossier(centre.now, 1, served.id, code), ErrorCode.CODE_INVALID)
    assert error.details == {"field": "code"}
    error = centre.refuse(c.UnlinkDossier(centre.now, 1, served.id, code), ErrorCode.CODE_INVALID)


def test_removing_a_code_not_linked_is_refused(centre, served):
    link(centre, served, FIRST)
    error = centre.refuse(c.UnlinkDossier(centre.now, 1, served.id, SECOND), ErrorCode.DOSSIER_NOT_LINKED)
    assert error.details["field"] == "code"


def test_another_counter_may_not_link_the_ticket(centre, served):
    centre.open(2, "minh")
    error = centre.refuse(c.LinkDossier(centre.now, 2, served.id, FIRST), ErrorCode.TICKET_NOT_HERE)
    assert error.details == {"ticket": served.id, "counter": 2}
    link(centre, served, FIRST)
    centre.refuse(c.UnlinkDossier(centre.now, 2, served.id, FIRST), ErrorCode.TICKET_NOT_HERE)


def test_a_finished_or_waiting_ticket_is_not_linked(centre, served):
    waiting = centre.issue("HT")
    centre.refuse(c.LinkDossier(centre.now, 1, waiting.id, FIRST), ErrorCode.TICKET_NOT_HERE)
    link(centre, served, FIRST)
    centre.complete(1)
    centre.refuse(c.LinkDossier(centre.now, 1, served.id, SECOND), ErrorCode.TICKET_NOT_HERE)
    centre.refuse(c.UnlinkDossier(centre.now, 1, served.id, FIRST), ErrorCode.TICKET_NOT_HERE)
    assert served.linked_dossiers == (FIRST,)


def test_unknown_tickets_and_counters_are_refused(centre, served):
    centre.refuse(c.LinkDossier(centre.now, 1, 999, FIRST), ErrorCode.TICKET_UNKNOWN)
    centre.refuse(c.LinkDossier(centre.now, 9, served.id, FIRST), ErrorCode.COUNTER_UNKNOWN)


def test_a_visit_links_at_most_ten_dossiers(centre, served):
    for n in range(MAX_LINKED):
        link(centre, served, f"HS-{n:03d}")
    error = centre.refuse(c.LinkDossier(centre.now, 1, served.id, "HS-999"), ErrorCode.DOSSIER_LINK_LIMIT)
    assert "10" in error.message
    assert link(centre, served, "HS-000") == []  # one linked already: nothing new, no refusal


def test_replaying_the_links_rebuilds_them(centre, served):
    link(centre, served, FIRST)
    link(centre, served, SECOND)
    centre.run(c.UnlinkDossier(centre.later(), 1, served.id, FIRST))
    rebuilt = Lobby(centre.site)
    rebuilt.replay(centre.log)
    assert rebuilt.state.tickets[served.id].linked_dossiers == (SECOND,)
