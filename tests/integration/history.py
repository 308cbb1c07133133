"""A generated history: weeks of a small centre's days driven through the real hub into a
real SQLite file, and a ledger of what the simulation did, kept by the simulation itself.

    history = make_history(tmp_path / "history.db", days=35, seed=14)
    history.legs        # every ticket (a transfer's two halves are two legs), as the simulation saw it
    history.officer     # (officer, day) → seconds serving, idle, paused by reason, as the simulation spent them
    make_history(path, plan=demo_plan())   # the same on the demo centre (for the web pages' tests)

The tests count their expected figures from the ledger by hand, never from the database, so
a report that reads the store wrongly disagrees with them.

Each day (Sundays closed), in the default plan: three fields (HT target 10′, DD target 20′,
KD target 15′; HT and DD belong to agencies, KD to the centre), three counters (1: HT; 2: DD;
3: KD and DD), four officers (tuấn stands in for lan on some days). Citizens arrive at random from 07:30 to
16:00; counters open between 07:30 and 07:50, pause for lunch (with or without a reason)
and now and then for another reason, call the oldest waiting ticket of their fields, recall
some, mark some no-show, transfer some HT citizens to DD, complete the rest; citizens rate
most services. Some citizens give up and are cancelled. Counters close when their day is
over and nobody is left waiting for them.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import heapq
import itertools
import random
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from queue_server.bootstrap import build_hub
from queue_server.config.settings import Device, Officer, Role, ServerSettings, SiteConfig
from queue_server.core import commands as c
from queue_server.core import pins
from queue_server.core.codes import ALPHABET, TICKET_CODE_LENGTH
from queue_server.core.site import CounterSpec, Policy, Service, Site
from tests.integration.sites import ALWAYS, TOKENS, TZ

FIRST_DAY = dt.date(2026, 10, 5)  # a Monday
UNITS = {"HT": "Sở Tư pháp", "DD": "Sở Tài nguyên và Môi trường"}
CENTRE = "Trung tâm Phục vụ hành chính công (thử nghiệm)"
TARGETS = {"HT": 10, "DD": 20, "KD": 15}
REASONS = ("meeting", "helping", "paperwork", "other", None)
PIN = "2468"
SCALE = (1, 2, 3, 4)


@dataclasses.dataclass(frozen=True)
class Plan:
    """Who works where and what comes in, each day."""

    config: SiteConfig
    counters: dict[int, tuple[str, ...]]  # counter → the fields it calls, in the simulation
    officers: dict[int, str]  # counter → its usual officer
    stand_in: tuple[int, str]  # on some days this officer takes this counter
    arrivals: dict[str, tuple[int, int]]  # field → (fewest, most) citizens a day
    transfer: tuple[str, str]  # some citizens of the first field go on to the second

    @property
    def targets(self) -> dict[str, int]:
        return {s.code: s.target_wait_minutes for s in self.config.site.services}

    @property
    def units(self) -> dict[str, str]:
        site = self.config.site
        return {s.code: site.unit_of(s) for s in site.services}


def default_plan() -> Plan:
    return Plan(
        history_config(),
        counters={1: ("HT",), 2: ("DD",), 3: ("KD", "DD")},
        officers={1: "lan", 2: "minh", 3: "hoa"},
        stand_in=(1, "tuan"),
        arrivals={"HT": (8, 14), "DD": (6, 12), "KD": (3, 7)},
        transfer=("HT", "DD"),
    )


def demo_plan() -> Plan:
    """The demo centre (assets/demo.toml): counters 1, 3 and 5, as the web pages' tests see it."""
    from queue_server.config.site import load_config

    config = load_config(Path(__file__).resolve().parents[2] / "assets" / "demo.toml")
    quick = dataclasses.replace(config.settings, synchronous="NORMAL")  # a history, not a centre's disk
    return Plan(
        dataclasses.replace(config, settings=quick),
        counters={1: ("HT",), 3: ("DD",), 5: ("DKKD",)},
        officers={1: "lan.nguyen", 3: "hung.tran", 5: "duc.pham"},
        stand_in=(1, "ngoc.huynh"),
        arrivals={"HT": (6, 10), "DD": (4, 8), "DKKD": (2, 5)},
        transfer=("HT", "DD"),
    )


def history_config() -> SiteConfig:
    site = Site(
        site_id="history-site",
        name=CENTRE,
        tz=TZ,
        services=(
            Service("HT", "A", "Hộ tịch", "Civil status", ALWAYS, target_wait_minutes=10, unit=UNITS["HT"]),
            Service("DD", "B", "Đất đai", "Land", ALWAYS, target_wait_minutes=20, unit=UNITS["DD"]),
            Service("KD", "C", "Đăng ký kinh doanh", "Business registration", ALWAYS, target_wait_minutes=15),
        ),
        counters=tuple(
            CounterSpec(n, f"Quầy {n}", {s: 1.0 for s in services})
            for n, services in {1: ("HT",), 2: ("DD",), 3: ("KD", "DD")}.items()
        ),
        policy=Policy(rating_window=dt.timedelta(minutes=10)),
    )
    pin_hash = pins.hash_pin(PIN)
    devices = (
        Device("counter-1", Role.COUNTER, TOKENS["counter-1"], counter=1),
        Device("counter-2", Role.COUNTER, TOKENS["counter-2"], counter=2),
        Device("counter-3", Role.COUNTER, TOKENS["counter-3"], counter=3),
        Device("manager", Role.MANAGER, TOKENS["manager"]),
        Device("integration", Role.INTEGRATION, TOKENS["integration"]),
    )
    officers = (
        Officer("lan", "Nguyễn Thị Lan", pin_hash),
        Officer("minh", "Trần Văn Minh", pin_hash),
        Officer("hoa", "Lê Thị Hoa", pin_hash),
        Officer("tuan", "Phạm Anh Tuấn", pin_hash),
    )
    return SiteConfig(site, devices, officers, ServerSettings(synchronous="NORMAL"))


@dataclasses.dataclass
class Leg:
    """One ticket as the simulation saw it."""

    id: int
    code: str
    day: dt.date
    service: str
    arrival: dt.datetime  # what the wait counts from (a transfer keeps the citizen's arrival)
    called_at: dt.datetime | None = None
    counter: int | None = None
    officer: str | None = None
    outcome: str = "waiting"  # done, no_show, transferred, cancelled
    recalls: int = 0
    rating: int | None = None
    came: dt.datetime | None = None  # when the citizen arrived: their first ticket's issue (None: this one's)
    given_here: bool = True  # a number given here, not the new half of a transfer

    @property
    def arrived(self) -> dt.datetime:
        return self.came or self.arrival


@dataclasses.dataclass
class History:
    path: Path
    plan: Plan
    first: dt.date
    last: dt.date
    legs: list[Leg]
    officer: dict[tuple[str, dt.date], dict[str, float]]  # "serving", "idle", "paused:<reason>" → seconds
    end: dt.datetime  # the last moment simulated


    @property
    def config(self) -> SiteConfig:
        return self.plan.config


class _Sim:
    def __init__(self, plan: Plan, seed: int) -> None:
        self.rng = random.Random(seed)
        self.plan = plan
        self.legs: dict[int, Leg] = {}
        self.waiting: dict[str, list[Leg]] = {s.code: [] for s in plan.config.site.services}
        self.officer: dict[tuple[str, dt.date], dict[str, float]] = {}
        self.order = itertools.count()
        self.now = dt.datetime.combine(FIRST_DAY, dt.time(7, 0), TZ)


class _Clock:
    def __init__(self) -> None:
        self.now = dt.datetime.combine(FIRST_DAY, dt.time(7, 0), TZ)

    def __call__(self) -> dt.datetime:
        return self.now


def make_history(path: Path, days: int = 35, seed: int = 14, plan: Plan | None = None) -> History:
    plan = plan or default_plan()
    clock = _Clock()
    sim = _Sim(plan, seed)
    asyncio.run(_run(path, plan.config, clock, sim, days))
    last = FIRST_DAY + dt.timedelta(days=days - 1)
    return History(path, plan, FIRST_DAY, last, sorted(sim.legs.values(), key=lambda leg: leg.id), sim.officer, clock.now)


async def _run(path: Path, config: SiteConfig, clock: _Clock, sim: _Sim, days: int) -> None:
    hub = build_hub(config, path, clock=clock)
    try:
        for number in range(days):
            day = FIRST_DAY + dt.timedelta(days=number)
            if day.weekday() == 6:
                continue
            await _day(hub, clock, sim, day)
    finally:
        hub.writer.stop()
        hub.reader.close()


def _at(day: dt.date, hour: int, minute: float) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), TZ) + dt.timedelta(minutes=minute)


async def _day(hub: Any, clock: _Clock, sim: _Sim, day: dt.date) -> None:
    rng = sim.rng
    agenda: list[tuple[dt.datetime, int, Iterator[Any] | tuple[str, Any]]] = []

    def later(when: dt.datetime, what: Any) -> None:
        heapq.heappush(agenda, (when, next(sim.order), what))

    plan = sim.plan
    for service, (fewest, most) in plan.arrivals.items():
        for _ in range(rng.randint(fewest, most)):
            later(_at(day, 7, 30 + rng.uniform(0, 510)), ("arrive", service))
    staff = dict(plan.officers)
    if rng.random() < 0.2:
        staff[plan.stand_in[0]] = plan.stand_in[1]
    for number, officer in staff.items():
        later(_at(day, 7, 30 + rng.uniform(0, 20)), _counter(sim, day, number, officer))
    while agenda:
        when, _, what = heapq.heappop(agenda)
        clock.now = sim.now = when
        if isinstance(what, tuple):
            kind, value = what
            if kind == "arrive":
                leg = await _issue(hub, sim, day, value, when)
                if rng.random() < 0.05:
                    later(when + dt.timedelta(minutes=rng.uniform(5, 25)), ("give_up", leg))
            elif kind == "give_up" and value.outcome == "waiting" and value.called_at is None:
                await hub.execute(c.CancelTicket(when, value.id, reason="left"))
                sim.waiting[value.service].remove(value)
                value.outcome = "cancelled"
            elif kind == "rate" and value.rating is None:
                score = rng.choice((1, 2, 3, 3, 4, 4, 4))
                await hub.execute(c.SubmitRating(when, value.id, score, source="pad"))
                value.rating = score
            continue
        try:
            delay, command = next(what)
        except StopIteration:
            continue
        for cmd in command:
            events = await hub.execute(dataclasses.replace(cmd, now=when))
            for event in events:
                if event.type.value == "ticket.transferred":
                    _transferred(sim, event, when)
        if command and isinstance(command[-1], c.Complete) and rng.random() < 0.75:
            later(when + dt.timedelta(seconds=rng.uniform(5, 120)), ("rate", sim.legs[command[-1].ticket]))
        later(when + dt.timedelta(minutes=delay), what)


async def _issue(hub: Any, sim: _Sim, day: dt.date, service: str, when: dt.datetime) -> Leg:
    code = "".join(sim.rng.choice(ALPHABET) for _ in range(TICKET_CODE_LENGTH))
    (event,) = [e for e in await hub.execute(c.IssueTicket(when, service, code)) if e.type.value == "ticket.issued"]
    leg = Leg(event.data["ticket"], code, day, service, when)
    sim.legs[leg.id] = leg
    sim.waiting[service].append(leg)
    return leg


def _transferred(sim: _Sim, event: Any, when: dt.datetime) -> None:
    old = sim.legs[event.data["ticket"]]
    new = Leg(event.data["new_ticket"], old.code, old.day, event.data["to_service"], old.arrival, came=old.arrived, given_here=False)
    sim.legs[new.id] = new
    sim.waiting[new.service].append(new)
    sim.waiting[new.service].sort(key=lambda leg: (leg.arrival, leg.id))


def _counter(sim: _Sim, day: dt.date, number: int, officer: str) -> Iterator[tuple[float, list[Any]]]:
    """One counter's day: yields (minutes until it acts again, the commands it runs now).

    The commands' ``now`` is set by the caller; the ledger of officer time is kept here, from
    the moments this counter acts."""
    rng = sim.rng
    ledger = sim.officer.setdefault((officer, day), {})
    t0 = sim.now  # a placeholder: the caller runs each command at the moment it is yielded
    state: dict[str, Any] = {"activity": "", "since": t0}

    def mark(activity: str) -> None:
        moment = sim.now
        if state["activity"]:
            ledger[state["activity"]] = ledger.get(state["activity"], 0.0) + (moment - state["since"]).total_seconds()
        state["activity"], state["since"] = activity, moment

    lunch_reason = "lunch" if rng.random() < 0.8 else None
    lunch_at = _at(day, 11, 30 + rng.uniform(0, 20))
    lunch_minutes = rng.uniform(60, 90)
    extra_at = _at(day, 14, rng.uniform(0, 120)) if rng.random() < 0.4 else None
    extra_reason = rng.choice(REASONS)
    end = _at(day, 16, 30 + rng.uniform(0, 30))
    yield 0, [c.SignIn(t0, number, officer), c.OpenCounter(t0, number)]
    mark("idle")
    while True:
        now = sim.now
        if lunch_at is not None and now >= lunch_at:
            mark(f"paused:{lunch_reason or ''}")
            yield lunch_minutes, [c.PauseCounter(t0, number, reason=lunch_reason)]
            lunch_at = None
            mark("idle")
            yield 0, [c.OpenCounter(t0, number)]
            continue
        if extra_at is not None and now >= extra_at:
            mark(f"paused:{extra_reason or ''}")
            yield rng.uniform(10, 40), [c.PauseCounter(t0, number, reason=extra_reason)]
            extra_at = None
            mark("idle")
            yield 0, [c.OpenCounter(t0, number)]
            continue
        queue = sorted(
            (leg for s in sim.plan.counters[number] for leg in sim.waiting[s]), key=lambda leg: (leg.arrival, leg.id)
        )
        if not queue:
            if now >= end:
                mark("")
                yield 0, [c.CloseCounter(t0, number), c.SignOut(t0, number)]
                return
            yield rng.uniform(1, 6), []
            continue
        leg = queue[0]
        sim.waiting[leg.service].remove(leg)
        leg.called_at, leg.counter, leg.officer, leg.outcome = now, number, officer, "called"
        mark("serving")
        yield 1, [c.CallTicket(t0, number, leg.id)]
        roll = rng.random()
        if roll < 0.2:
            leg.recalls += 1
            yield rng.uniform(1, 2), [c.Recall(t0, number, leg.id)]
        if roll < 0.08:
            leg.outcome = "no_show"
            mark("idle")
            yield rng.uniform(0, 4), [c.MarkNoShow(t0, number, leg.id)]
            continue
        yield rng.uniform(3, 14), [c.StartServing(t0, number, leg.id)]
        source, destination = sim.plan.transfer
        if leg.service == source and rng.random() < 0.1:
            leg.outcome = "transferred"
            mark("idle")
            yield rng.uniform(0, 4), [c.Transfer(t0, number, leg.id, to_service=destination, note="Cần hồ sơ khác")]
            continue
        leg.outcome = "done"
        mark("idle")
        yield rng.uniform(0, 4), [c.Complete(t0, number, leg.id)]


# --- the hand count, from the ledger: what every quality figure must be ---


def hand_count(legs: Iterable[Leg], targets: dict[str, int] = TARGETS) -> dict[str, Any]:
    legs = list(legs)
    called = [leg for leg in legs if leg.called_at is not None and leg.outcome != "transferred"]
    within = [leg for leg in called if leg.called_at - leg.arrival <= dt.timedelta(minutes=targets[leg.service])]  # type: ignore[operator]
    ended = [leg for leg in legs if leg.outcome in ("done", "no_show", "transferred")]
    no_show = [leg for leg in ended if leg.outcome == "no_show"]
    recalled = [leg for leg in ended if leg.recalls > 0]
    scores = [leg.rating for leg in legs if leg.rating is not None]

    def pct(part: list[Any], whole: list[Any]) -> float | None:
        return round(100 * len(part) / len(whole), 1) if whole else None

    return {
        "visits": sum(1 for leg in legs if leg.given_here),  # a citizen: in the row of their first ticket
        "return_visits": 0,  # the history has no re-entry codes (tests/integration/test_reentry_reports.py has)
        "transactions": sum(1 for leg in legs if leg.outcome in ("done", "transferred")),
        "called": len(called),
        "within_target": len(within),
        "service_level_percent": pct(within, called),
        "outcomes": len(ended),
        "no_show": len(no_show),
        "no_show_rate": pct(no_show, ended),
        "recalled": len(recalled),
        "recall_rate": pct(recalled, ended),
        "ratings": {str(score): scores.count(score) for score in SCALE},
        "rating_count": len(scores),
        "satisfaction_index": round(sum((s - 1) / 3 for s in scores) / len(scores) * 100, 1) if scores else None,
    }
