"""The devices' trust in the log: each enrolment, revocation and rotation is an event that
names the device and nothing secret, and changes nothing else of the lobby."""

from __future__ import annotations

import copy

from queue_server.core import commands as c
from queue_server.core.events import EventType
from tests.core.conftest import Centre


def test_an_enrolment_a_revocation_and_a_rotation_are_events_that_change_nothing_else(centre: Centre) -> None:
    before = copy.deepcopy(centre.lobby.state)
    (enrolled,) = centre.run(c.EnrolDevice(centre.now, "kiosk-1"))
    (rotated,) = centre.run(c.RotateDevice(centre.later(1), "kiosk-1", expires_at="2025-03-03T09:15:00+07:00"))
    (again,) = centre.run(c.EnrolDevice(centre.later(1), "kiosk-1", replaced=True))
    (revoked,) = centre.run(c.RevokeDevice(centre.later(1), "kiosk-1"))
    assert [e.type for e in (enrolled, rotated, again, revoked)] == [
        EventType.DEVICE_ENROLLED, EventType.DEVICE_ROTATED, EventType.DEVICE_ENROLLED, EventType.DEVICE_REVOKED,
    ]  # fmt: skip
    assert enrolled.data == {"device": "kiosk-1", "replaced": False}
    assert rotated.data == {"device": "kiosk-1", "expires_at": "2025-03-03T09:15:00+07:00"}
    assert again.data == {"device": "kiosk-1", "replaced": True}
    assert revoked.data == {"device": "kiosk-1"}
    after = centre.lobby.state
    assert after.seq == before.seq + 4
    after.seq = before.seq
    assert after == before
