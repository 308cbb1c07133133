"""All the pads of one bus: address → counter map and one arming state machine each (pure).

    bank = PadBank({2: "5", 3: "6"})          # pad 2 at counter 5, pad 3 at counter 6
    bank.arm_counter("5", "A1023", now)        # commands to send to pad 2
    bank.receive_press(KeyPress(2, 4), now)    # RatingAccepted for ticket A1023

``counters=None`` accepts any address (no counter attached): for checking a bus by hand.
``timeouts`` gives pads their own arming timeout (address → seconds; the others take the
settings' ``timeout``): a pad device's ``timeout_seconds`` option.
"""

from __future__ import annotations

import collections
import dataclasses
from collections.abc import Mapping

from hardware.pad.arming import ArmingSettings, PadArming
from hardware.pad.events import IgnoreReason, KeyPress, Outcome, PressIgnored

__all__ = ["PadBank", "UnknownPad"]


class UnknownPad(KeyError):
    """No pad is configured for this counter or address."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "unknown pad"


class PadBank:
    def __init__(
        self,
        counters: Mapping[int, str] | None,
        settings: ArmingSettings = ArmingSettings(),
        timeouts: Mapping[int, float] | None = None,
    ) -> None:
        self.settings = settings
        self.open = counters is None
        timeouts = timeouts or {}
        unknown = sorted(set(timeouts) - set(counters or {}))
        if unknown:
            raise ValueError(f"a timeout is given for pads that are not configured: {unknown}")
        self.pads: dict[int, PadArming] = {
            address: PadArming(address, counter, self._settings_of(address, timeouts))
            for address, counter in (counters or {}).items()
        }
        self._by_counter = {pad.counter: address for address, pad in self.pads.items()}
        if len(self._by_counter) != len(self.pads):
            raise ValueError("two pads are mapped to the same counter")
        self.unknown_presses: collections.Counter[int] = collections.Counter()

    def _settings_of(self, address: int, timeouts: Mapping[int, float]) -> ArmingSettings:
        if address not in timeouts:
            return self.settings
        return dataclasses.replace(self.settings, timeout=timeouts[address])

    def place(
        self, address: int, counter: str, *, timeout: float | None = None, scale: tuple[int, ...] | None = None
    ) -> None:
        """The pad at ``address`` serves ``counter`` from now, with its own ``timeout`` and
        ``scale`` when given (a new configuration, live); the pad that served ``counter`` at
        another address is forgotten. An arming under way keeps its deadline."""
        moved = self._by_counter.get(counter)
        if moved is not None and moved != address:
            del self.pads[moved]
        pad = self.pads.get(address)
        if pad is None:
            pad = self.pads[address] = PadArming(address, counter, self.settings)
        if pad.counter is not None and pad.counter != counter:
            self._by_counter.pop(pad.counter, None)
        changes: dict[str, object] = {}
        if timeout is not None:
            changes["timeout"] = timeout
        if scale:
            changes["scale"] = tuple(scale)
        pad.settings = dataclasses.replace(pad.settings, **changes)  # type: ignore[arg-type]
        pad.counter = counter
        self._by_counter[counter] = address

    def address_of(self, counter: str) -> int:
        try:
            return self._by_counter[counter]
        except KeyError:
            raise UnknownPad(f"no rating pad is configured for counter {counter!r}") from None

    def pad(self, address: int) -> PadArming:
        if address not in self.pads:
            if not self.open:
                raise UnknownPad(f"no rating pad is configured at address {address}")
            self.pads[address] = PadArming(address, None, self.settings)
        return self.pads[address]

    def arm(self, address: int, ticket: str, now: float) -> Outcome:
        return self.pad(address).arm(ticket, now)

    def arm_counter(self, counter: str, ticket: str, now: float) -> Outcome:
        return self.arm(self.address_of(counter), ticket, now)

    def disarm(self, address: int, now: float) -> Outcome:
        return self.pad(address).disarm(now)

    def disarm_counter(self, counter: str, now: float) -> Outcome:
        return self.disarm(self.address_of(counter), now)

    def receive_press(self, press: KeyPress, now: float) -> Outcome:
        if press.address not in self.pads and not self.open:
            self.unknown_presses[press.address] += 1
            reason = IgnoreReason.UNKNOWN_ADDRESS
            return Outcome(events=(PressIgnored(press.address, None, press.key, reason, now),))
        return self.pad(press.address).press(press.key, now)

    def poll(self, now: float) -> Outcome:
        outcome = Outcome()
        for pad in self.pads.values():
            outcome += pad.poll(now)
        return outcome

    @property
    def ignored(self) -> collections.Counter[IgnoreReason]:
        total: collections.Counter[IgnoreReason] = collections.Counter()
        for pad in self.pads.values():
            total += pad.ignored
        if self.unknown_presses:
            total[IgnoreReason.UNKNOWN_ADDRESS] = sum(self.unknown_presses.values())
        return total
