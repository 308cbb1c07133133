"""Who may see a dossier's public page (``/d/CODE``): a receipt code is structured and easy
to guess (agency, date, a serial number), so the code alone opens nothing.

- **The link**: every link the system gives the applicant (the receipt's QR code, the
  kiosk's slip) carries a *check* of the code, ``/d/CODE?k=CHECK``: the first
  :data:`CHECK_LENGTH` base32 letters (50 bits) of an HMAC of the code under the site's key,
  compared in constant time.
- **The factor**: a typed code needs the last :data:`FACTOR_DIGITS` digits of the applicant's
  ID number. Only their keyed hash, bound to the dossier's code, is kept with the dossier
  (:meth:`DossierKey.factor`); the right digits give the check, hence the link.
- **The budget** (:class:`FactorBudget`): wrong digits are counted per address and per code
  (unknown codes too, with the same answer), so that trying the 10,000 digits of one code, or
  one guess at many codes, soon stops.

    key = DossierKey(citizen_key.derive("dossier-access"))
    key.check("000.00.16.H57-261201-0002")           # 'K3X7Q2M5ZA'
    key.verifies("000.00.16.H57-261201-0002", "k3x7q2m5za")

Pure: the key's bytes and the time come in.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import hashlib
import hmac
import re
from collections import deque

CHECK_LENGTH = 10
FACTOR_DIGITS = 4
_DIGITS = re.compile(rf"\d{{{FACTOR_DIGITS}}}")


class DossierKey:
    """The site's key for dossiers' checks and factors (32 bytes, derived from the citizens' key)."""

    def __init__(self, key: bytes) -> None:
        if len(key) < 32:
            raise ValueError(f"a dossier key is at least 32 bytes, not {len(key)}")
        self._key = key

    def __repr__(self) -> str:
        return "DossierKey(***)"

    def _mac(self, purpose: bytes, *parts: str) -> bytes:
        message = purpose + b"".join(b"\x00" + part.encode("utf-8") for part in parts)
        return hmac.new(self._key, message, hashlib.sha256).digest()

    def check(self, code: str) -> str:
        """The check of a (normalised) receipt code: :data:`CHECK_LENGTH` letters A–Z, 2–7."""
        return base64.b32encode(self._mac(b"check", code)).decode("ascii")[:CHECK_LENGTH]

    def verifies(self, code: str, check: str) -> bool:
        """Whether ``check`` is the code's check (any case), compared in constant time."""
        given = check.strip().upper().encode("utf-8", "replace")
        return hmac.compare_digest(self.check(code).encode("ascii"), given)

    def factor(self, code: str, digits: str) -> str:
        """The keyed hash of the applicant's last digits, bound to the dossier's code."""
        return self._mac(b"factor", code, digits).hex()

    def factor_of_id(self, code: str, id_number: str) -> str:
        """The factor kept for a dossier whose applicant has this (checked) ID number."""
        return self.factor(code, id_number[-FACTOR_DIGITS:])


def factor_digits(text: str) -> str | None:
    """The digits a citizen typed (spaces and dots tolerated), or None unless exactly
    :data:`FACTOR_DIGITS` ASCII digits."""
    digits = "".join(text.split()).replace(".", "")
    return digits if _DIGITS.fullmatch(digits) and digits.isascii() else None


@dataclasses.dataclass
class FactorBudget:
    """Wrong factors per code and per address within ``window``: a code or an address that
    reached its limit is refused until its oldest failure in the window is older than it.
    At most ``remembered`` codes and addresses each are kept (those that failed longest ago
    are forgotten first)."""

    per_code: int = 5
    per_address: int = 20
    window: dt.timedelta = dt.timedelta(hours=1)
    remembered: int = 10_000
    _codes: dict[str, deque[dt.datetime]] = dataclasses.field(default_factory=dict, repr=False)
    _addresses: dict[str, deque[dt.datetime]] = dataclasses.field(default_factory=dict, repr=False)

    def refused_until(self, address: str, code: str, now: dt.datetime) -> dt.datetime | None:
        """None if a try may be made now, else when the next one may."""
        until = [
            self._free_at(table, key, limit, now)
            for table, key, limit in ((self._codes, code, self.per_code), (self._addresses, address, self.per_address))
        ]
        blocked = [at for at in until if at is not None]
        return max(blocked) if blocked else None

    def failed(self, address: str, code: str, now: dt.datetime) -> None:
        """Count a wrong factor (or an unknown code) against both."""
        for table in (self._codes, self._addresses):
            key = code if table is self._codes else address
            times = table.pop(key, deque())
            times.append(now)
            table[key] = times  # the latest failure last: the first key is the longest forgotten
            while len(table) > self.remembered:
                del table[next(iter(table))]

    def _free_at(
        self, table: dict[str, deque[dt.datetime]], key: str, limit: int, now: dt.datetime
    ) -> dt.datetime | None:
        times = table.get(key)
        if times is None:
            return None
        while times and times[0] <= now - self.window:
            times.popleft()
        if len(times) < limit:
            return None
        return times[-limit] + self.window
