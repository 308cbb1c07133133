"""``motcua-central``'s server: the province dashboard's page and its websocket, on one port.

The protocol is the sites' (docs/protocol.md: ``{"id", "op", …}`` in, ``{"re", "ok", …}``
out); the operations are the province's (docs/province.md):

| op | does |
|---|---|
| ``hello`` ``{token}`` | who is asking: a manager of the province's configuration |
| ``province.live`` | every site the manager sees, now (one computation shared by every dashboard) |
| ``province.site`` ``{site}`` | one site's fields, counters and alarms, now |
| ``province.report`` ``{period, date, by, group, commune, search}`` | figures across the manager's sites, chosen here |
| ``province.export`` ``{…, format}`` | the same as CSV or XLSX |

Every operation is limited to the sites the manager sees: a site outside them is refused
with ``forbidden`` and nothing of it is read. Every message is Vietnamese (English after it). The requests go through the sites' request loop
(:mod:`queue_server.protocol.loop`): hello first within its deadline, a budget of requests per
connection and of failed hellos per address, ids unique on a connection, every failure its
own error code.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.http11 import Request, Response

from province import exports, live, public
from province.board import LiveBoard
from province.database import Database, DatabaseAway
from province.reports import By, build
from province.selection import Group, choose
from province.settings import Manager, ProvinceConfig
from province.summing import keep_summing
from province.take import Taker
from province.waits import ProvinceWaits
from queue_server.protocol.errors import ProtocolError, ProtocolErrorCode
from queue_server.protocol.loop import DEFAULT_LIMITS, Application, Limits, RequestLoop, serve_options
from queue_server.protocol.messages import Field, validate
from queue_server.protocol.pages import PagePeer
from queue_server.protocol.periods import PERIOD_FIELDS, asked_days
from queue_server.store.reports import ReportRangeError
from queue_server.web.pages import asset
from queue_server.web.responses import health_response, page_response, plain_response

log = logging.getLogger(__name__)

MAX_MESSAGE = 64 * 1024  # larger requests are answered message_too_large
SUMMING_TIMEOUT = 120.0  # seconds a statement of the days' summing may take (a month of a big site)
PAGES = {
    "/": "province.html",
    "/province": "province.html",
    "/centres": "centres.html",  # public
    "/province/take": "province_take.html",  # public
}
TAKE_SOCKET = "/take/ws"  # the public page's websocket (province/take.py)
REPORT_FIELDS = {
    **PERIOD_FIELDS,
    "by": Field(str, required=False, choices=tuple(b.value for b in By)),
    # the sites, chosen here (none of these: every site the manager sees)
    "group": Field(str, required=False, choices=tuple(g.value for g in Group)),
    "commune": Field(str, required=False, max_length=64),  # a commune's (or ward's) receiving points
    "search": Field(str, required=False, max_length=100),  # a site's name or id holds this
    "sites": Field(str, required=False, max_length=4000),  # or site ids, comma-separated (programs)
}
FIELD_VI = {
    "period": "kỳ báo cáo (day, week, month)",
    "date": "ngày (dạng 2026-11-23)",
    "by": "cách nhóm (site, service, counter, officer, day)",
    "group": "nhóm đơn vị (centre, ward, commune, point, other)",
    "commune": "mã đơn vị của xã/phường",
    "search": "chuỗi tìm kiếm (tối đa 100 ký tự)",
    "sites": "danh sách mã đơn vị",
    "site": "mã của một đơn vị",
    "format": "định dạng tệp (csv, xlsx)",
}


class Province:
    """The server's state: the configuration, the database, the clock."""

    def __init__(
        self,
        config: ProvinceConfig,
        database: Database,
        clock: Callable[[], dt.datetime] | None = None,
        live_every: float | None = None,
    ) -> None:
        self.config = config
        self.database = database
        self.clock = clock or (lambda: dt.datetime.now(dt.UTC))
        offline_after = dt.timedelta(minutes=config.offline_minutes)
        self.board = LiveBoard(database, self.clock, offline_after, **({"every": live_every} if live_every is not None else {}))
        # every site's public figures per field, for the sites and the public page (issue 22)
        self.waits = ProvinceWaits(Database(database.dsn, database.timeout_seconds), self.clock, offline_after)

    async def visible(self, manager: Manager) -> list[live.SiteNow]:
        return (await self.board.now()).seen_by(manager)

    async def visible_sites(self, manager: Manager) -> list[str]:
        return [site.site for site in await self.visible(manager)]

    async def chosen_sites(self, manager: Manager, asked: str | None) -> list[str]:
        visible = await self.visible_sites(manager)
        if not asked:
            return visible
        chosen = [s.strip() for s in asked.split(",") if s.strip()]
        for site in chosen:
            if not manager.sees(site):
                raise ProtocolError(
                    ProtocolErrorCode.FORBIDDEN,
                    f"Anh/chị không được xem đơn vị {site!r} (You do not see the site {site!r}).",
                    site=site,
                )
            if site not in visible:
                raise ProtocolError(
                    ProtocolErrorCode.BAD_FIELD,
                    f"Đơn vị {site!r} chưa gửi dữ liệu nào lên tỉnh (No site {site!r} has shipped anything).",
                    field="sites",
                )
        return list(dict.fromkeys(chosen))

    async def report_sites(self, manager: Manager, args: Mapping[str, Any]) -> list[str]:
        """The report's sites: by ``sites`` (ids), else by ``group``, ``commune`` and ``search``
        among the manager's own, else all of them; none at all is refused."""
        if args.get("sites"):
            if any(args.get(k) for k in ("group", "commune", "search")):
                raise ProtocolError(
                    ProtocolErrorCode.BAD_FIELD,
                    'Chọn đơn vị theo danh sách mã hoặc theo nhóm/tìm kiếm, không cả hai ("sites" goes alone).',
                    field="sites",
                )
            return await self.chosen_sites(manager, args["sites"])
        chosen = choose(await self.visible(manager), args.get("group"), args.get("commune"), args.get("search"))
        if not chosen:
            raise ProtocolError(
                ProtocolErrorCode.BAD_FIELD,
                "Không có đơn vị nào trong phạm vi của anh/chị khớp với lựa chọn (no site of yours matches the choice).",
                field="search" if args.get("search") else "group",
            )
        return chosen


Handler = Callable[[Province, Manager, dict[str, Any]], Awaitable[dict[str, Any]]]


async def op_live(province: Province, manager: Manager, args: dict[str, Any]) -> dict[str, Any]:
    board = await province.board.now()  # one computation for every open dashboard
    return {
        "at": board.at.isoformat(),
        "offline_minutes": province.config.offline_minutes,
        "sites": [row.as_dict() for row in board.seen_by(manager)],
    }


async def op_site(province: Province, manager: Manager, args: dict[str, Any]) -> dict[str, Any]:
    site = args["site"].strip()
    if not site or "," in site:
        raise ProtocolError(
            ProtocolErrorCode.BAD_FIELD, 'Trường "site" phải là mã của một đơn vị (one site\'s id).', field="site"
        )
    (site,) = await province.chosen_sites(manager, site)
    now = province.clock()
    return {"site": await province.database.query(lambda conn: live.site_detail(conn, site, now))}


async def _report(province: Province, manager: Manager, args: dict[str, Any]):
    try:
        period, first, last = asked_days(args, province.clock().astimezone(province.config.tz).date())
    except ProtocolError as exc:
        raise _in_vietnamese(exc) from None
    by = By(args["by"] or By.SITE.value)
    sites = await province.report_sites(manager, args)
    try:
        report = await province.database.query(lambda conn: build(conn, sites, first, last, by, province.config.tz))
    except ReportRangeError as exc:
        raise ProtocolError(
            ProtocolErrorCode.BAD_FIELD, f"Khoảng thời gian báo cáo không dùng được ({exc}).", field="date"
        ) from None
    configs = await province.database.query(lambda conn: live.configs(conn, sites))
    return period, report, exports.Namer(configs)


async def op_report(province: Province, manager: Manager, args: dict[str, Any]) -> dict[str, Any]:
    period, report, names = await _report(province, manager, args)
    return {
        "report": {
            "period": period.value,
            "from": report.first.isoformat(),
            "to": report.last.isoformat(),
            "by": report.by.value,
            "sites": [{"site": s, "name": names.site(s)} for s in report.sites],
            "total": report.total.as_dict(),
            "rows": [
                {"site": row.site, "key": row.key, "name": names.row(report.by, row), **row.figures.as_dict()}
                for row in report.rows
            ],
            "arrivals_by_hour": list(report.arrivals_by_hour),
        }
    }


async def op_export(province: Province, manager: Manager, args: dict[str, Any]) -> dict[str, Any]:
    fmt = args.pop("format")
    period, report, names = await _report(province, manager, args)
    return exports.export(report, names, province.config.name, fmt)


PUBLIC = Manager(user="", name="", token="", sites=frozenset())  # the public page: no site's own figures


async def op_public_waits(province: Province, manager: Manager, args: dict[str, Any]) -> dict[str, Any]:
    return public.public_waits(province.waits, province.config.name, args["service"])


PUBLIC_OPS: dict[str, tuple[Handler, dict[str, Field]]] = {
    "public.waits": (op_public_waits, public.PUBLIC_FIELDS),  # the public page's (no token)
}
OPS: dict[str, tuple[Handler, dict[str, Field]]] = {
    **PUBLIC_OPS,
    "province.live": (op_live, {}),
    "province.site": (op_site, {"site": Field(str, max_length=64)}),
    "province.report": (op_report, REPORT_FIELDS),
    "province.export": (op_export, {**REPORT_FIELDS, "format": Field(str, choices=tuple(exports.FORMATS))}),
}


HELLO_FIELDS = {
    "token": Field(str, required=False, max_length=256),  # none: the public page (public.waits alone)
    "version": Field(str, required=False, max_length=40),  # the apps' client says both (protocol/version.py)
    "protocol": Field(int, required=False, minimum=0, maximum=1_000_000),
}


@dataclasses.dataclass(eq=False)
class Asker(PagePeer):
    """One connection to the province server: the manager once hello named them."""

    manager: Manager | None = None


class ProvinceServer:
    """The province's hello and operations, on the request loop."""

    def __init__(self, province: Province, limits: Limits = DEFAULT_LIMITS, clock: Callable[[], float] = time.monotonic) -> None:
        self.province = province
        app: Application[Asker, tuple[Handler, dict[str, Field]]] = Application(
            hello=self.hello, hello_fields=HELLO_FIELDS, operations=OPS, run=self.run, unavailable=(DatabaseAway,),
            unavailable_message=lambda exc: "Chưa đọc được cơ sở dữ liệu của tỉnh; xin thử lại sau ít phút"
            " (the central database cannot be reached now).",
        )
        self.loop = RequestLoop(app, limits, MAX_MESSAGE, clock=clock)
        self.clock = clock
        self.public_door = public.budget()  # the public page's requests per address, across connections

    async def handle_connection(self, connection: ServerConnection) -> None:
        await self.loop.serve(connection, Asker.of(connection), lambda asker, data: connection.send(data.decode()))

    async def hello(self, asker: Asker, args: dict[str, Any]) -> dict[str, Any]:
        province = self.province
        if not asker.page_allowed(province.config.origins):
            log.info("hello refused from %s: a page of %r, not of this server", asker.remote, asker.origin)
            raise ProtocolError(
                ProtocolErrorCode.BAD_ORIGIN,
                "Máy chủ này chỉ nhận kết nối từ trang của chính nó"
                " (this server takes connections from its own web pages only: [province] origins).",
                origin=asker.origin,
            )
        if args["token"] is None:  # the public page: its figures alone, on a stranger's budget
            return {"province": province.config.name, "public": True}
        manager = province.config.manager_by_token(args["token"])
        if manager is None:
            raise ProtocolError(
                ProtocolErrorCode.BAD_TOKEN, "Mã này không phải mã quản lý của tỉnh (not a manager's token of the province)."
            )
        sites = await province.visible(manager)
        asker.manager, asker.trusted = manager, True
        return {
            "province": province.config.name,
            "manager": {"user": manager.user, "name": manager.name},
            "whole_province": manager.sites is None,
            "sites": [site.site for site in sites],
            "site_names": {site.site: site.name for site in sites},
            # the province's day, not the browser's: a report of "today" is the sites' today
            "today": province.clock().astimezone(province.config.tz).date().isoformat(),
        }

    async def run(
        self, asker: Asker, operation: tuple[Handler, dict[str, Field]], args: Mapping[str, Any]
    ) -> dict[str, Any]:
        handler, fields = operation
        if asker.manager is None and operation not in PUBLIC_OPS.values():  # the public page's connection
            raise ProtocolError(
                ProtocolErrorCode.FORBIDDEN,
                "Trang công khai chỉ xem được số người chờ của các trung tâm (the public page reads the waits only).",
            )
        try:
            checked = validate(args, fields)
        except ProtocolError as exc:
            raise _in_vietnamese(exc) from None
        if asker.manager is None:
            public.within(self.public_door, asker.address, self.clock())
        return await handler(self.province, asker.manager or PUBLIC, checked)


def _in_vietnamese(exc: ProtocolError) -> ProtocolError:
    """A request's field refused by the shared checks, told in Vietnamese first."""
    field = exc.details.get("field")
    if exc.code is ProtocolErrorCode.MISSING_FIELD:
        text = f'Thiếu trường "{field}"'
    elif exc.code is ProtocolErrorCode.UNKNOWN_FIELD:
        text = f"Yêu cầu này không có trường {', '.join(exc.details.get('fields', ()))}"
    elif exc.code is ProtocolErrorCode.BAD_FIELD:
        text = f'Trường "{field}" phải là {FIELD_VI.get(str(field), "một giá trị hợp lệ")}'
    else:
        return exc
    return ProtocolError(exc.code, f"{text} ({exc.message})", **exc.details)


def process_request(province: Province):
    async def respond(connection: ServerConnection, request: Request) -> Response | None:
        path = request.path.split("?", 1)[0]
        if request.headers.get("Upgrade", "").lower() == "websocket" and path in ("/", "/ws", TAKE_SOCKET):
            return None
        if path == "/healthz":
            return health_response(await province.database.reachable())
        if path in PAGES:
            return page_response(asset(PAGES[path], request.headers.get("If-None-Match")))
        if path.startswith("/static/"):
            return page_response(asset(path.removeprefix("/static/"), request.headers.get("If-None-Match")))
        return plain_response(404, "Not found.\n", "text/plain")

    return respond


async def start(
    province: Province, host: str, port: int, limits: Limits = DEFAULT_LIMITS, clock: Callable[[], float] = time.monotonic
) -> Server:
    """Serve ``province``; ``clock`` (seconds, monotonic) counts the budgets of requests."""
    server = ProvinceServer(province, limits, clock)
    taker = Taker(province.config, province.database.query, province.clock, limits, monotonic=clock)

    async def handle(connection: ServerConnection) -> None:
        request = connection.request
        if request is not None and request.path.split("?", 1)[0] == TAKE_SOCKET:
            await taker.handle_connection(connection)  # the public page: anyone, no token
        else:
            await server.handle_connection(connection)

    return await serve(handle, host, port, process_request=process_request(province), **serve_options(limits))


async def run(province: Province, host: str, port: int, ready: Callable[[Server], None] | None = None) -> None:
    import signal

    server = await start(province, host, port)
    summer = Database(province.database.dsn, max(SUMMING_TIMEOUT, province.database.timeout_seconds))
    summing = asyncio.create_task(keep_summing(summer, province.config.tz, province.clock))
    # the live board computed in the background while dashboards are open (province/board.py)
    keeper = asyncio.create_task(province.board.keep_fresh())
    # every site's public live figures per field, written for the sites every 15 s (province/waits.py)
    publisher = asyncio.create_task(province.waits.keep_publishing())
    stop = asyncio.get_running_loop().create_future()
    for sig in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(sig, lambda: stop.done() or stop.set_result(None))
    address = ", ".join(f"{s.getsockname()[0]}:{s.getsockname()[1]}" for s in server.sockets)
    print(f"motcua-central: {province.config.name} on http://{address}/province", flush=True)
    if ready is not None:
        ready(server)
    try:
        await stop
    finally:
        summing.cancel()
        keeper.cancel()
        publisher.cancel()
        province.waits.database.close()
        server.close()
        await server.wait_closed()
        province.database.close()
        summer.close()

