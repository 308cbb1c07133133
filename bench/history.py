"""A simulated history of a centre whose arrival rates are known: ticket rows for the
``tickets`` table, drawn from Poisson arrivals per field and half-hour.

    centre = SimulatedCentre()
    rows = centre.tickets(first, last, tz, seed=7)     # rows for db["tickets"].insert_all
    centre.rate("HT", day, slot)                        # the true mean arrivals of a half-hour

The planning tests and ``python -m bench.forecast`` forecast from it and compare with the
known rates; every figure the tests check is counted again by hand from these rows.

Each arrival's fate: about 10 % come with an appointment, 5 % are no-shows, 3 % are the closed
half of a transfer, 2 % are cancelled before their call; the rest are served. Waits are
uniform over 0–30 minutes; service times exponential with the field's mean.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import random
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

# Half-hour → share of the field's peak rate, weekdays: 07:30–11:30 and 13:30–17:00.
WEEKDAY_PROFILE = {
    15: 0.6, 16: 1.0, 17: 1.2, 18: 1.1, 19: 1.0, 20: 0.9, 21: 0.8, 22: 0.6,
    27: 0.5, 28: 0.8, 29: 0.9, 30: 0.9, 31: 0.8, 32: 0.7, 33: 0.5,
}  # fmt: skip
SATURDAY_PROFILE = {slot: share for slot, share in WEEKDAY_PROFILE.items() if slot < 23}
WEEKDAY_FACTOR = (1.3, 1.0, 1.0, 0.95, 1.1, 0.6, 0.0)  # Monday … Sunday (closed)

PEAK_RATES = {"HT": 8.0, "DD": 5.0, "DKKD": 3.0, "CC": 12.0}  # arrivals per half-hour at the peak
MEAN_SERVICE_MINUTES = {"HT": 6.0, "DD": 12.0, "DKKD": 9.0, "CC": 4.0}
BOOKED_SHARE = 0.10
TRANSFERRED_SHARE = 0.03


def poisson(rng: random.Random, mean: float) -> int:
    """A Poisson draw by Knuth's product of uniforms (means up to a few hundred)."""
    if mean <= 0:
        return 0
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


@dataclasses.dataclass(frozen=True)
class SimulatedCentre:
    peak_rates: Mapping[str, float] = dataclasses.field(default_factory=lambda: dict(PEAK_RATES))
    service_minutes: Mapping[str, float] = dataclasses.field(default_factory=lambda: dict(MEAN_SERVICE_MINUTES))

    def rate(self, service: str, day: dt.date, slot: int) -> float:
        """The true mean arrivals of ``service`` in half-hour ``slot`` of ``day`` (all kinds)."""
        profile = SATURDAY_PROFILE if day.weekday() == 5 else WEEKDAY_PROFILE
        return self.peak_rates[service] * WEEKDAY_FACTOR[day.weekday()] * profile.get(slot, 0.0)

    def walk_in_rate(self, service: str, day: dt.date, slot: int) -> float:
        """The true mean walk-ins: arrivals without an appointment that are not a transfer's closed half."""
        return self.rate(service, day, slot) * (1 - BOOKED_SHARE) * (1 - TRANSFERRED_SHARE)

    def tickets(self, first: dt.date, last: dt.date, tz: ZoneInfo, seed: int = 7, first_id: int = 1) -> list[dict[str, Any]]:
        rng = random.Random(seed)
        rows: list[dict[str, Any]] = []
        for offset in range((last - first).days + 1):
            day = first + dt.timedelta(days=offset)
            numbers: dict[str, int] = {}
            for service in self.peak_rates:
                for slot in range(48):
                    for _ in range(poisson(rng, self.rate(service, day, slot))):
                        start = dt.datetime.combine(day, dt.time(), tz) + dt.timedelta(minutes=30 * slot + 30 * rng.random())
                        numbers[service] = numbers.get(service, 0) + 1
                        rows.append(self._ticket(rng, first_id + len(rows), day, service, numbers[service], start))
        return rows

    def _ticket(self, rng: random.Random, id: int, day: dt.date, service: str, number: int, issued: dt.datetime) -> dict[str, Any]:
        fate = rng.random()
        booked = rng.random() < BOOKED_SHARE
        called = issued + dt.timedelta(minutes=30 * rng.random())
        state = "done" if fate < 0.90 else "no_show" if fate < 0.95 else "cancelled" if fate < 0.97 else "transferred"
        served = called + dt.timedelta(minutes=0.5 * rng.random())
        done = served + dt.timedelta(minutes=rng.expovariate(1 / self.service_minutes[service]))
        return {
            "id": id, "day": day.isoformat(), "label": f"{service}{number:03d}", "code": f"SIM{id:09d}",
            "service": service, "number": number, "state": state, "priority": None,
            "appointment": f"BOOK{id:08d}" if booked else None, "issued_at": issued.isoformat(),
            "arrival_at": issued.isoformat(), "called_at": None if state == "cancelled" else called.isoformat(),
            "served_at": served.isoformat() if state == "done" else None,
            "done_at": done.isoformat() if state == "done" else None,
            "counter": None if state == "cancelled" else 1, "recalls": 0, "returns": 0,
        }  # fmt: skip
