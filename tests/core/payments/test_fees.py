"""A ticket's fee as a VietQR code: the field's amount, a reference that never carries the
ticket's secret follow code, and a payload that reads back."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping

import pytest

from queue_server.core import commands as c
from queue_server.core.errors import ErrorCode
from queue_server.core.events import EventType
from queue_server.core.lobby import Lobby
from queue_server.core.model import Ticket
from queue_server.core.payments import vietqr
from queue_server.core.payments.fees import Fee, NoFee, fee_for, ticket_reference
from tests.core.conftest import Centre


@dataclasses.dataclass(frozen=True)
class Terms:
    bank_bin: str = "970436"
    account: str = "0011000012345"
    fees: Mapping[str, int] = dataclasses.field(default_factory=lambda: {"HT": 50_000})


AT = dt.datetime(2026, 11, 23, 8, 30, tzinfo=dt.timezone(dt.timedelta(hours=7)))
TICKET = Ticket(id=7, label="A023", code="K7Q2M9", service="HT", number=23, day=AT.date(), issued_at=AT, arrival_at=AT)


def test_the_reference_is_the_label_and_day_never_the_follow_code() -> None:
    assert ticket_reference(TICKET) == "A023-261123"
    fee = fee_for(Terms(), TICKET)
    assert (fee.amount, fee.reference) == (50_000, "A023-261123") and "K7Q2M9" not in fee.payload
    assert vietqr.parse(fee.payload) == vietqr.VietQR("970436", "0011000012345", 50_000, "A023-261123", "PHI A023-261123")
    assert fee.as_dict() == {"amount": 50_000, "reference": "A023-261123", "vietqr": fee.payload}


# a real receipt code (the national one-stop system's: agency code with dots, day, number) is
# 25 characters: the limit, the same for every code, is 25
@pytest.mark.parametrize("dossier", ["H12-261123-0001", "A", "X" * 21, "000.00.16.H57-261201-0002", "X" * 25])
def test_a_dossier_code_given_by_the_counter_is_the_reference(dossier: str) -> None:
    fee = fee_for(Terms(), TICKET, dossier)
    assert fee == Fee(50_000, dossier, vietqr.build("970436", "0011000012345", 50_000, dossier))
    assert vietqr.parse(fee.payload).reference == dossier


@pytest.mark.parametrize("dossier", ["", "x" * 26, "H12 0001", "HS/1", "hồsơ"])
def test_a_dossier_code_a_bank_transfer_cannot_carry_is_refused(dossier: str) -> None:
    with pytest.raises(vietqr.VietQRError, match=r"1 to 25 letters, digits, '\.' or '-'"):
        fee_for(Terms(), TICKET, dossier)


def test_no_fee_without_payment_terms_or_for_a_field_that_has_none() -> None:
    with pytest.raises(NoFee, match=r"no \[payment\]"):
        fee_for(None, TICKET)
    with pytest.raises(NoFee, match="The field DD has no fee"):
        fee_for(Terms(), dataclasses.replace(TICKET, service="DD"))


def test_the_reference_a_counter_gave_is_kept_by_the_log_until_the_ticket_s_day_ends(centre: Centre) -> None:
    ticket = centre.issue()
    (event,) = centre.run(c.ReferenceFee(centre.now, ticket.id, "000.00.16.H57-261201-0002"))
    assert (event.type, dict(event.data)) == (
        EventType.FEE_REFERENCED,
        {"ticket": ticket.id, "label": "A001", "service": "HT", "reference": "000.00.16.H57-261201-0002"},
    )
    assert centre.run(c.ReferenceFee(centre.now, ticket.id, "000.00.16.H57-261201-0002")) == []  # the same again
    assert centre.run(c.ReferenceFee(centre.now, ticket.id, "HS-2026-000123"))  # a new one replaces it
    replayed = Lobby(centre.site)
    replayed.replay(centre.log)
    assert replayed.state.fee_references == {ticket.id: "HS-2026-000123"} == centre.lobby.state.fee_references
    centre.refuse(c.ReferenceFee(centre.now, 999, "HS-1"), ErrorCode.TICKET_UNKNOWN)
    centre.at(8, day=1)
    centre.tick()
    assert centre.lobby.state.fee_references == {}  # yesterday's ticket is gone, and its reference
