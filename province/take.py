"""The public page's websocket (``/take/ws``): a citizen takes a number or books a slot at any
centre of the province, through the central database (docs/province.md, "A number or a
booking at any centre").

| op | does |
|---|---|
| ``hello`` ``{device}`` | anyone (no token); ``device``: the browser's random id, its own budget |
| ``take.places`` ``{service}`` | the fields, and the places that serve ``service`` (a commune with receiving points is one place), each site with whether its link is down |
| ``take.slots`` ``{place, service, day}`` | the place's free slots, the union of its sites' (asked of each site, through the central database) |
| ``take.request`` ``{request, secret, site, kind, service, slot_start}`` | asks the site (a number: ``take``; a booking: ``book``); the same request id again is the same request |
| ``take.answer`` ``{request, secret}`` | the request's state and the site's answer, for the phone that holds its secret |

A request to a site whose link is down (``sites.last_contact`` older than ``offline_minutes``)
is refused at once. Numbers and bookings asked cost a budget per address and per browser, here,
before the site's own rules (which count them again, per browser and phone's address).
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import functools
import logging
import re
import secrets
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import psycopg
from websockets.asyncio.server import ServerConnection

from central import remote_requests as central
from province.database import DatabaseAway
from province.settings import ProvinceConfig
from queue_server.protocol.budgets import DAY, Allowance, DoorBudget
from queue_server.protocol.errors import ProtocolError, ProtocolErrorCode
from queue_server.protocol.loop import DEFAULT_LIMITS, Application, Limits, Peer, RequestLoop
from queue_server.protocol.messages import Field, validate
from queue_server.protocol.origins import page_allowed

log = logging.getLogger(__name__)

MAX_MESSAGE = 16 * 1024
SLOTS_SECONDS = 20.0  # how long take.slots waits for the place's sites to answer
PURGE_SECONDS = 3600.0  # the requests older than central.KEEP_DAYS are forgotten this often
OFFLINE_VI = (
    "Trung tâm này đang mất liên lạc với tỉnh; chưa lấy số hay đặt lịch từ xa được. Vui lòng chọn trung tâm khác"
    " hoặc thử lại sau (this centre is out of touch with the province)."
)
_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_SECRET = re.compile(r"[A-Za-z0-9_-]{16,64}")


@dataclasses.dataclass(frozen=True)
class Budgets:
    """What one address and one browser may ask here, a day (the sites' defaults: 4 at once)."""

    per_address: Allowance = Allowance(8, DAY)
    per_device: Allowance = Allowance(4, DAY)


@dataclasses.dataclass(eq=False)
class Citizen(Peer):
    device: str | None = None
    origin: str | None = None
    local: tuple[str, int] | None = None


@dataclasses.dataclass(frozen=True)
class SiteSeen:
    site: str
    name: str
    kind: str | None
    commune: str | None
    services: tuple[dict[str, Any], ...]
    offline: bool
    last_contact: dt.datetime | None
    days_ahead: int

    def serves(self, service: str) -> dict[str, Any] | None:
        return next((s for s in self.services if s.get("code") == service), None)

    def as_dict(self, service: str | None) -> dict[str, Any]:
        offered = self.serves(service) if service else None
        return {
            "site": self.site,
            "name": self.name,
            "kind": self.kind,
            "offline": self.offline,
            "last_contact": self.last_contact.isoformat() if self.last_contact else None,
            "phone_queue": bool(offered and offered.get("phone_queue")),
            "bookings": bool(offered and offered.get("bookings")),
        }


def sites_seen(conn: psycopg.Connection[Any], now: dt.datetime, offline_after: dt.timedelta) -> list[SiteSeen]:
    """Every site as its newest configuration snapshot describes it, with its last contact."""
    rows = conn.execute(
        "SELECT DISTINCT ON (c.site) c.site, c.config, s.last_contact FROM site_configs c"
        " LEFT JOIN sites s ON s.site = c.site ORDER BY c.site, c.taken_at DESC"
    ).fetchall()
    return [
        SiteSeen(
            site,
            config.get("name") or site,
            config.get("kind"),
            config.get("commune"),
            tuple(config.get("services") or ()),
            last is None or now - last > offline_after,
            last,
            int(config.get("booking_days_ahead") or 14),
        )
        for site, config, last in rows
    ]


def places(sites: list[SiteSeen]) -> dict[str, list[SiteSeen]]:
    """The places a citizen chooses among: a site, or a commune (or ward) and its receiving
    points together (``[site] kind = "point"``, ``commune``), under the commune's id."""
    found: dict[str, list[SiteSeen]] = {}
    for site in sites:
        key = site.commune if site.kind == "point" and site.commune else site.site
        found.setdefault(key, []).append(site)
    return found


class Taker:
    """The public websocket's hello and operations, on the sites' request loop."""

    def __init__(
        self,
        config: ProvinceConfig,
        query: Callable[[Callable[[psycopg.Connection[Any]], Any]], Awaitable[Any]],
        clock: Callable[[], dt.datetime],
        limits: Limits = DEFAULT_LIMITS,
        budgets: Budgets = Budgets(),
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.config = config
        self.query = query
        self.clock = clock
        self.monotonic = monotonic
        self.addresses = DoorBudget(budgets.per_address)
        self.devices = DoorBudget(budgets.per_device)
        self._purged_at = -PURGE_SECONDS
        operations: dict[str, tuple[Callable[[Citizen, dict[str, Any]], Awaitable[dict[str, Any]]], dict[str, Field]]] = {
            "take.places": (self.op_places, {"service": Field(str, required=False, max_length=20)}),
            "take.slots": (
                self.op_slots,
                {"place": Field(str, max_length=64), "service": Field(str, max_length=20), "day": Field(str, max_length=10)},
            ),
            "take.request": (
                self.op_request,
                {
                    "request": Field(str, max_length=36),
                    "secret": Field(str, max_length=64),
                    "site": Field(str, max_length=64),
                    "kind": Field(str, choices=("take", "book")),
                    "service": Field(str, max_length=20),
                    "slot_start": Field(str, required=False, max_length=40),
                },
            ),
            "take.answer": (self.op_answer, {"request": Field(str, max_length=36), "secret": Field(str, max_length=64)}),
        }
        app: Application[Citizen, Any] = Application(
            hello=self.hello,
            hello_fields={
                "device": Field(str, required=False, max_length=64),
                "version": Field(str, required=False, max_length=40),
                "protocol": Field(int, required=False, minimum=0, maximum=1_000_000),
            },
            operations=operations,
            run=self.run,
            unavailable=(DatabaseAway,),
            unavailable_message=lambda exc: "Chưa đọc được cơ sở dữ liệu của tỉnh; xin thử lại sau ít phút"
            " (the central database cannot be reached now).",
        )
        self.loop = RequestLoop(app, limits, MAX_MESSAGE, clock=monotonic)

    async def handle_connection(self, connection: ServerConnection) -> None:
        request = connection.request
        citizen = Citizen(
            origin=request.headers.get("Origin") if request is not None else None,
            local=connection.local_address[:2] if connection.local_address else None,
        )
        await self.loop.serve(connection, citizen, lambda citizen, data: connection.send(data.decode()))

    async def hello(self, citizen: Citizen, args: dict[str, Any]) -> dict[str, Any]:
        if not page_allowed(citizen.origin, self.config.origins, citizen.local):
            raise ProtocolError(
                ProtocolErrorCode.BAD_ORIGIN, "Máy chủ này chỉ nhận kết nối từ trang của chính nó (its own pages only)."
            )
        device = args["device"]
        if device is not None and not _SECRET.fullmatch(device):
            raise _bad("device", "mã trình duyệt (16–64 chữ, số, '-' hoặc '_')")
        citizen.device = device
        return {"province": self.config.name, "timezone": str(self.config.tz), "offline_minutes": self.config.offline_minutes}

    async def run(self, citizen: Citizen, operation: Any, args: Mapping[str, Any]) -> dict[str, Any]:
        handler, fields = operation
        return await handler(citizen, validate(args, fields))

    async def _sites(self) -> list[SiteSeen]:
        now = self.clock()
        offline_after = dt.timedelta(minutes=self.config.offline_minutes)
        return await self.query(lambda conn: sites_seen(conn, now, offline_after))

    async def op_places(self, citizen: Citizen, args: dict[str, Any]) -> dict[str, Any]:
        service = args["service"]
        sites = await self._sites()
        fields: dict[str, str] = {}
        for site in sites:
            for s in site.services:
                fields.setdefault(s["code"], s.get("name_vi") or s["code"])
        names = {site.site: site.name for site in sites}
        shown = []
        for key, members in sorted(places(sites).items()):
            serving = [m for m in members if service is None or m.serves(service)]
            if not serving:
                continue
            shown.append(
                {
                    "place": key,
                    "name": names.get(key) or _shared_name([m.name for m in members]),
                    "points": len(members) > 1 or members[0].kind == "point",
                    "offline": all(m.offline for m in serving),
                    "days_ahead": max(m.days_ahead for m in serving),
                    "sites": [m.as_dict(service) for m in serving],
                }
            )
        return {
            "fields": [{"code": code, "name_vi": name} for code, name in sorted(fields.items(), key=lambda f: f[1])],
            "places": shown,
            "offline_minutes": self.config.offline_minutes,
        }

    async def op_slots(self, citizen: Citizen, args: dict[str, Any]) -> dict[str, Any]:
        """The union of the place's sites' free slots: each time once, at the site with the
        most places free then (the point is a detail of the slot)."""
        try:
            dt.date.fromisoformat(args["day"])
        except ValueError:
            raise _bad("day", "ngày (dạng 2026-11-23)") from None
        sites = await self._sites()
        members = [m for m in places(sites).get(args["place"], []) if (s := m.serves(args["service"])) and s.get("bookings")]
        if not members:
            raise _bad("place", "nơi có nhận đặt lịch lĩnh vực này")
        online = [m for m in members if not m.offline]
        if not online:
            raise ProtocolError(ProtocolErrorCode.FORBIDDEN, OFFLINE_VI)
        asked = {}
        for member in online:
            secret = secrets.token_urlsafe(24)
            request = central.Request(
                central.new_id(), member.site, "slots", {"service": args["service"], "day": args["day"]},
                central.secret_hash(secret),
            )  # fmt: skip
            await self.query(functools.partial(_submit, request=request))
            asked[member.site] = (request.id, secret)
        answers: dict[str, dict[str, Any]] = {}
        deadline = self.monotonic() + SLOTS_SECONDS
        while len(answers) < len(asked) and self.monotonic() < deadline:
            for site, (request_id, secret) in asked.items():
                if site in answers:
                    continue
                found = await self.query(functools.partial(_read, request_id=request_id, secret=secret))
                if found is not None and found[0] == "answered" and found[1] is not None:
                    answers[site] = found[1]
            if len(answers) < len(asked):
                await asyncio.sleep(0.25)
        names = {m.site: m.name for m in members}
        best: dict[str, dict[str, Any]] = {}
        for site, answer in sorted(answers.items()):
            for slot in answer.get("slots", []) if answer.get("ok") else []:
                if slot.get("free", 0) <= 0:
                    continue
                known = best.get(slot["start"])
                if known is None or slot["free"] > known["free"]:
                    best[slot["start"]] = {"start": slot["start"], "free": slot["free"], "site": site, "site_name": names[site]}
        return {
            "slots": [best[start] for start in sorted(best, key=lambda s: dt.datetime.fromisoformat(s))],
            "unanswered": sorted(names[s] for s in asked if s not in answers),
            "offline": sorted(m.name for m in members if m.offline),
        }

    async def op_request(self, citizen: Citizen, args: dict[str, Any]) -> dict[str, Any]:
        request_id, secret = args["request"].lower(), args["secret"]
        if not _ID.fullmatch(request_id):
            raise _bad("request", "mã yêu cầu (UUID)")
        if not _SECRET.fullmatch(secret):
            raise _bad("secret", "mã bí mật (16–64 chữ, số, '-' hoặc '_')")
        if citizen.device is None:
            raise _bad("device", "mã trình duyệt, nói khi chào (hello)")
        if args["kind"] == "book" and not args["slot_start"]:
            raise _bad("slot_start", "giờ hẹn")
        known = await self.query(lambda conn: central.read(conn, request_id, secret))
        if known is not None:  # the phone asks again (a retry): the same request, not a new one
            return {"request": request_id, "state": known[0], "answer": known[1]}
        site = next((s for s in await self._sites() if s.site == args["site"]), None)
        if site is None or site.serves(args["service"]) is None:
            raise _bad("site", "một trung tâm có lĩnh vực này")
        if site.offline:
            raise ProtocolError(ProtocolErrorCode.FORBIDDEN, OFFLINE_VI, site=site.site)
        self._charge(citizen, args["kind"])
        payload: dict[str, Any] = {"service": args["service"], "device": citizen.device, "address": citizen.address}
        if args["kind"] == "book":
            payload["slot_start"] = args["slot_start"]
        request = central.Request(request_id, site.site, args["kind"], payload, central.secret_hash(secret))
        if self.monotonic() - self._purged_at >= PURGE_SECONDS:
            self._purged_at = self.monotonic()
            await self.query(central.purge)
        try:
            state = await self.query(lambda conn: central.submit(conn, request))
        except central.NotTheSameRequest:
            raise _bad("request", "mã yêu cầu mới (mã này đã dùng cho yêu cầu khác)") from None
        return {"request": request_id, "state": state, "answer": None}

    def _charge(self, citizen: Citizen, kind: str) -> None:
        now = self.monotonic()
        for budget, key in ((self.addresses, f"{kind}:{citizen.address}"), (self.devices, f"{kind}:{citizen.device}")):
            wait = budget.take(key, now)
            if wait > 0:
                what = "lấy nhiều số" if kind == "take" else "đặt nhiều lịch hẹn"
                raise ProtocolError(
                    ProtocolErrorCode.RATE_LIMITED,
                    f"Điện thoại hoặc địa chỉ mạng này đã {what} hôm nay; vui lòng thử lại sau"
                    f" ({kind}: too many from this phone or address).",
                    retry_after=round(wait, 1),
                )

    async def op_answer(self, citizen: Citizen, args: dict[str, Any]) -> dict[str, Any]:
        request_id = args["request"].lower()
        if not _ID.fullmatch(request_id):
            raise _bad("request", "mã yêu cầu (UUID)")
        found = await self.query(lambda conn: central.read(conn, request_id, args["secret"]))
        if found is None:
            raise _bad("request", "mã của một yêu cầu của điện thoại này")
        state, answer = found
        return {"request": request_id, "state": state, "answer": answer}


def _shared_name(names: list[str]) -> str:
    """A commune's name, when its own site is not known, from its points' names: the words they
    all begin with, up to a dash ("Xã Phước Đông — điểm Thôn 1", "… Thôn 2" → "Xã Phước Đông")."""
    words = [name.split() for name in names]
    common = []
    for column in zip(*words, strict=False):
        if len(set(column)) != 1:
            break
        common.append(column[0])
    cuts = [i for i, word in enumerate(common) if word in ("—", "–", "-", ":")]
    shared = " ".join(common[: cuts[-1]]) if cuts else ""
    return shared or "Các điểm tiếp nhận: " + ", ".join(names)


def _submit(conn: psycopg.Connection[Any], request: central.Request) -> str:
    return central.submit(conn, request)


def _read(conn: psycopg.Connection[Any], request_id: str, secret: str) -> tuple[str, dict[str, Any] | None] | None:
    return central.read(conn, request_id, secret)


def _bad(field: str, what: str) -> ProtocolError:
    return ProtocolError(ProtocolErrorCode.BAD_FIELD, f'Trường "{field}" phải là {what}.', field=field)
