"""Ratings: one per completed ticket, on the site's scale, within the window after service."""

from __future__ import annotations

import datetime as dt

import pytest

from queue_server.core import commands as c
from queue_server.core.errors import ErrorCode
from queue_server.core.events import EventType
from queue_server.core.site import RatingLevel


@pytest.fixture
def done(centre):
    """A001 served at counter 1 by lan, completed at 08:05."""
    centre.open(1, "lan")
    ticket = centre.issue("HT")
    centre.call_next(1)
    centre.later(5)
    centre.complete(1)
    return ticket


@pytest.mark.parametrize("score", [1, 2, 3, 4])
def test_a_citizen_rates_a_completed_ticket_on_the_four_level_scale(centre, done, score):
    event, *follow_up = centre.run(c.SubmitRating(centre.later(1), done.id, score, source="pad-1"))
    assert event.type is EventType.RATING_RECORDED
    assert [e.type for e in follow_up] == ([EventType.FOLLOW_UP_OPENED] if score == 1 else [])
    assert event.data == {
        "ticket": done.id,
        "label": "A001",
        "service": "HT",
        "counter": 1,
        "officer": "lan",
        "score": score,
        "source": "pad-1",
    }
    assert done.rating == score


@pytest.mark.parametrize("score", [0, 5, -1, 40])
def test_a_score_off_the_scale_is_refused(centre, done, score):
    error = centre.refuse(c.SubmitRating(centre.now, done.id, score), ErrorCode.RATING_INVALID)
    assert "1, 2, 3, 4" in error.message


@pytest.mark.parametrize(("score", "valid"), [(1, True), (3, True), (2, False), (4, False)])
def test_the_scale_is_a_policy(make_centre, score, valid):
    scale = (RatingLevel(3, "Hài lòng", "Satisfied"), RatingLevel(1, "Không hài lòng", "Dissatisfied"))
    centre = make_centre(rating_scale=scale)
    centre.open(1)
    ticket = centre.issue("HT")
    centre.call_next(1)
    centre.complete(1)
    command = c.SubmitRating(centre.now, ticket.id, score)
    if valid:
        centre.run(command)
    else:
        centre.refuse(command, ErrorCode.RATING_INVALID)


@pytest.mark.parametrize(
    ("after", "open_"),
    [(dt.timedelta(0), True), (dt.timedelta(minutes=10), True), (dt.timedelta(minutes=10, seconds=1), False)],
)
def test_a_rating_is_taken_within_the_window_after_completion(centre, done, after, open_):
    command = c.SubmitRating(done.done_at + after, done.id, 4)
    if open_:
        centre.run(command)
    else:
        centre.refuse(command, ErrorCode.RATING_CLOSED)


def test_a_ticket_is_rated_once(centre, done):
    centre.run(c.SubmitRating(centre.now, done.id, 4))
    centre.refuse(c.SubmitRating(centre.now, done.id, 1), ErrorCode.RATING_DUPLICATE)


@pytest.mark.parametrize("end", ["waiting", "called", "serving", "no_show", "cancelled", "transferred"])
def test_only_a_completed_ticket_is_rated(centre, end):
    centre.open(1)
    ticket = centre.issue("HT")
    if end != "waiting":
        centre.call_next(1)
    if end == "serving":
        centre.serve(1)
    elif end == "no_show":
        centre.no_show(1)
    elif end == "cancelled":
        centre.run(c.CancelTicket(centre.now, ticket.id))
    elif end == "transferred":
        centre.transfer(1, to_service="KD")
    error = centre.refuse(c.SubmitRating(centre.now, ticket.id, 4), ErrorCode.TICKET_STATE)
    assert end in error.message


def test_rating_an_unknown_ticket_is_refused(centre):
    centre.refuse(c.SubmitRating(centre.now, 99, 4), ErrorCode.TICKET_UNKNOWN)
