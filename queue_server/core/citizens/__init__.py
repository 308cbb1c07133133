"""Citizens' chip ID cards (căn cước công dân, CCCD): the card's QR code read defensively
(:mod:`.card`), and the keyed hash that is the only form the ID number is kept in
(:mod:`.keyed`). The number is never stored in clear, never shown in full, never sent to
boards, pads or logs."""

from __future__ import annotations

from queue_server.core.citizens.card import CardInvalid, CitizenCard, check_id_number, mask_id, parse_card
from queue_server.core.citizens.keyed import CitizenKey, KeyFileError

__all__ = ["CardInvalid", "CitizenCard", "CitizenKey", "KeyFileError", "check_id_number", "mask_id", "parse_card"]
