"""Who a connection is: device tokens, officer PINs, and the throttle on wrong PINs."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hmac

from queue_server.config.settings import Device, SiteConfig


def device_for_token(config: SiteConfig, token: str) -> Device | None:
    """The device with this token, compared in constant time."""
    found = None
    for device in config.devices:
        if device.token and hmac.compare_digest(device.token.encode(), token.encode()):
            found = device
    return found


@dataclasses.dataclass
class _Failures:
    count: int = 0
    locked_until: dt.datetime | None = None


MAX_LOCKOUT = dt.timedelta(hours=1)
_MAX_DOUBLINGS = 12  # 2**12 s is past an hour: a lockout of a second or more has reached MAX_LOCKOUT by then


class PinThrottle:
    """After ``attempts`` wrong PINs in a row for one user (or from one address), sign-ins
    for it are refused for ``lockout``; each further lockout doubles, up to an hour.

    An attempt is counted when it is let through (:meth:`reserve`), before its PIN is
    checked, and a right PIN takes the count back (:meth:`succeeded`): however many sign-ins
    are in flight at once, from however many connections, at most ``attempts`` PINs of a
    user (or from an address) are checked before the lock.

    At most ``remembered`` users and addresses are kept: guessing with made-up user names
    cannot grow memory without bound. The oldest entry that is not locked out is forgotten
    first, so a flood of made-up names does not lift a real user's lockout."""

    def __init__(self, attempts: int, lockout: dt.timedelta, remembered: int = 10_000) -> None:
        self.attempts = attempts
        self.lockout = lockout
        self.remembered = remembered
        self._failures: dict[str, _Failures] = {}

    def locked_until(self, keys: tuple[str, ...], now: dt.datetime) -> dt.datetime | None:
        until = [f.locked_until for k in keys if (f := self._failures.get(k)) and f.locked_until]
        latest = max(until, default=None)
        return latest if latest is not None and latest > now else None

    def reserve(self, keys: tuple[str, ...], now: dt.datetime) -> dt.datetime | None:
        """Count an attempt for every key before its PIN is checked, and None; or, when one
        of them is locked, the end of that lock, counting nothing. The attempt stays counted
        as a wrong PIN unless :meth:`succeeded` takes it back."""
        locked = self.locked_until(keys, now)
        if locked is not None:
            return locked
        for key in keys:
            self._count(key, now)
        return None

    def _count(self, key: str, now: dt.datetime) -> None:
        failures = self._failures.pop(key, None) or _Failures()
        self._failures[key] = failures  # the most recent last
        while len(self._failures) > self.remembered:
            unlocked = (k for k, f in self._failures.items() if f.locked_until is None or f.locked_until <= now)
            del self._failures[next(unlocked, next(iter(self._failures)))]
        failures.count += 1
        if failures.count >= self.attempts:
            doublings = min(failures.count - self.attempts, _MAX_DOUBLINGS)  # capped before it can overflow
            failures.locked_until = now + min(self.lockout * 2**doublings, MAX_LOCKOUT)

    def succeeded(self, keys: tuple[str, ...]) -> None:
        """A right PIN: its keys start again from no wrong PIN."""
        for key in keys:
            self._failures.pop(key, None)
