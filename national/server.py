"""``motcua-national``'s server: the national dashboard's page and its websocket, on one port.

The protocol is the sites' and the province's (docs/protocol.md); the operations are the
nation's (docs/national.md):

| op | does |
|---|---|
| ``hello`` ``{token}`` | who is asking: a manager of the national configuration |
| ``national.sites`` | the provinces the manager sees, each with its sites (names, fields) |
| ``national.report`` ``{period, date, by, provinces}`` | figures by province, site, field or day |
| ``national.replication`` | each of the manager's provinces: its subscription, as PostgreSQL reports it |

Every operation is limited to the provinces the manager sees: a province outside them is
refused with ``forbidden`` and nothing of it is read. The requests go through the sites'
request loop (:mod:`queue_server.protocol.loop`), as the province's do.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from importlib import resources
from typing import Any

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.http11 import Request, Response

from national import replication, reports
from national.database import Database, DatabaseAway
from national.settings import NationalConfig, NationalManager
from queue_server.protocol.errors import ProtocolError, ProtocolErrorCode
from queue_server.protocol.loop import DEFAULT_LIMITS, Application, Limits, RequestLoop, serve_options
from queue_server.protocol.messages import Field, validate
from queue_server.protocol.pages import PagePeer
from queue_server.protocol.periods import PERIOD_FIELDS, asked_days
from queue_server.store.reports import ReportRangeError
from queue_server.web.pages import CONTENT_TYPES, Page, asset
from queue_server.web.responses import health_response, page_response, plain_response

log = logging.getLogger(__name__)

MAX_MESSAGE = 64 * 1024
PAGES = {"/": "national.html", "/national": "national.html"}
OWN_FILES = ("national.html", "national.js")  # national/static; every other /static/ file is the sites' (mc.js, style.css)
REPORT_FIELDS = {
    **PERIOD_FIELDS,
    "by": Field(str, required=False, choices=tuple(b.value for b in reports.By)),
    "provinces": Field(str, required=False, max_length=2000),  # codes, comma-separated; none: all the manager sees
}


class Nation:
    """The server's state: the configuration, the database, the clock."""

    def __init__(self, config: NationalConfig, database: Database, clock: Callable[[], dt.datetime] | None = None) -> None:
        self.config = config
        self.database = database
        self.clock = clock or (lambda: dt.datetime.now(dt.UTC))

    def visible(self, manager: NationalManager) -> list[str]:
        return [p.code for p in self.config.provinces if manager.sees(p.code)]

    def chosen(self, manager: NationalManager, asked: str | None) -> list[str]:
        visible = self.visible(manager)
        if not asked:
            return visible
        chosen = [code.strip() for code in asked.split(",") if code.strip()]
        for code in chosen:
            if code not in {p.code for p in self.config.provinces}:
                raise ProtocolError(ProtocolErrorCode.BAD_FIELD, f"Không có tỉnh {code!r}. No province {code!r}.", field="provinces")
            if not manager.sees(code):
                raise ProtocolError(
                    ProtocolErrorCode.FORBIDDEN, f"Anh/chị không được xem tỉnh {code!r}. You do not see the province {code!r}.", province=code
                )
        return list(dict.fromkeys(chosen))


Handler = Callable[[Nation, NationalManager, dict[str, Any]], Awaitable[dict[str, Any]]]


async def op_sites(nation: Nation, manager: NationalManager, args: dict[str, Any]) -> dict[str, Any]:
    codes = nation.visible(manager)
    found = await nation.database.query(lambda conn: reports.sites(conn, codes))
    return {
        "provinces": [
            {"province": code, "name": nation.config.province_name(code), "sites": [s for s in found if s["province"] == code]}
            for code in codes
        ]
    }


async def op_report(nation: Nation, manager: NationalManager, args: dict[str, Any]) -> dict[str, Any]:
    period, first, last = asked_days(args, nation.clock().astimezone(nation.config.tz).date())
    by = reports.By(args["by"] or reports.By.PROVINCE.value)
    codes = nation.chosen(manager, args["provinces"])
    try:
        report = await nation.database.query(lambda conn: reports.build(conn, codes, first, last, by))
    except ReportRangeError as exc:
        raise ProtocolError(ProtocolErrorCode.BAD_FIELD, str(exc), field="date") from None
    sites = await nation.database.query(lambda conn: reports.sites(conn, codes))
    names = Names(nation.config, sites)
    return {
        "report": {
            "period": period.value,
            "from": report.first.isoformat(),
            "to": report.last.isoformat(),
            "by": by.value,
            "provinces": [{"province": code, "name": nation.config.province_name(code)} for code in codes],
            "total": report.total.as_dict(),
            "rows": [{**names.row(by, row.key), "sites": row.sites, **row.figures.as_dict()} for row in report.rows],
            "arrivals_by_hour": list(report.arrivals_by_hour),
        }
    }


async def op_replication(nation: Nation, manager: NationalManager, args: dict[str, Any]) -> dict[str, Any]:
    codes = nation.visible(manager)
    found = {s.province: s for s in await nation.database.query(replication.subscriptions)}
    rows = []
    for code in codes:
        sub = found.get(code)
        rows.append(
            {
                "province": code,
                "name": nation.config.province_name(code),
                "subscribed": sub is not None,
                "running": bool(sub and sub.running),
                "tables_ready": sub.tables_ready if sub else 0,
                "tables": len(replication.TABLES),
                "last_message": sub.last_message.isoformat() if sub and sub.last_message else None,
            }
        )
    return {"provinces": rows}


class Names:
    """A report row's key with its names: the province's from the configuration, a site's and a
    field's from the sites' newest configuration snapshots."""

    def __init__(self, config: NationalConfig, sites: list[dict[str, Any]]) -> None:
        self.config = config
        self.sites = {(s["province"], s["site"]): s for s in sites}
        self.fields: dict[str, str] = {}
        for site in sites:
            for code, name in site["fields"].items():
                self.fields.setdefault(code, name)

    def row(self, by: reports.By, key: tuple[Any, ...]) -> dict[str, Any]:
        if by is reports.By.PROVINCE:
            return {"province": key[0], "name": self.config.province_name(key[0])}
        if by is reports.By.SITE:
            site = self.sites.get((key[0], key[1]), {})
            return {"province": key[0], "site": key[1], "name": site.get("name", key[1]), "unit": site.get("unit"),
                    "province_name": self.config.province_name(key[0])}  # fmt: skip
        if by is reports.By.FIELD:
            return {"field": key[0], "name": self.fields.get(key[0], key[0]) if key[0] else "Không rõ lĩnh vực"}
        return {"day": key[0], "name": key[0]}


OPS: dict[str, tuple[Handler, dict[str, Field]]] = {
    "national.sites": (op_sites, {}),
    "national.report": (op_report, REPORT_FIELDS),
    "national.replication": (op_replication, {}),
}
HELLO_FIELDS = {
    "token": Field(str, max_length=256),
    "version": Field(str, required=False, max_length=40),
    "protocol": Field(int, required=False, minimum=0, maximum=1_000_000),
}


@dataclasses.dataclass(eq=False)
class Asker(PagePeer):
    """One connection to the national server: the manager once hello named them."""

    manager: NationalManager | None = None


class NationalServer:
    def __init__(self, nation: Nation, limits: Limits = DEFAULT_LIMITS, clock: Callable[[], float] = time.monotonic) -> None:
        self.nation = nation
        app: Application[Asker, tuple[Handler, dict[str, Field]]] = Application(
            hello=self.hello, hello_fields=HELLO_FIELDS, operations=OPS, run=self.run, unavailable=(DatabaseAway,)
        )
        self.loop = RequestLoop(app, limits, MAX_MESSAGE, clock=clock)

    async def handle_connection(self, connection: ServerConnection) -> None:
        await self.loop.serve(connection, Asker.of(connection), lambda asker, data: connection.send(data.decode()))

    async def hello(self, asker: Asker, args: dict[str, Any]) -> dict[str, Any]:
        config = self.nation.config
        if not asker.page_allowed(config.origins):
            raise ProtocolError(
                ProtocolErrorCode.BAD_ORIGIN,
                "Máy chủ này chỉ nhận kết nối từ trang của chính nó ([national] origins)."
                " This server takes connections from its own web pages only.",
                origin=asker.origin,
            )
        manager = config.manager_by_token(args["token"])
        if manager is None:
            raise ProtocolError(ProtocolErrorCode.BAD_TOKEN, "Mã không phải của cán bộ quản lý cấp quốc gia. Not a national manager's token.")
        asker.manager, asker.trusted = manager, True
        codes = self.nation.visible(manager)
        return {
            "national": config.name,
            "manager": {"user": manager.user, "name": manager.name},
            "whole_country": manager.provinces is None,
            "provinces": [{"province": code, "name": config.province_name(code)} for code in codes],
        }

    async def run(self, asker: Asker, operation: tuple[Handler, dict[str, Field]], args: Mapping[str, Any]) -> dict[str, Any]:
        handler, fields = operation
        assert asker.manager is not None  # the loop lets no operation through before hello
        return await handler(self.nation, asker.manager, validate(args, fields))


def _own(name: str) -> bytes:
    return resources.files(__package__).joinpath("static", name).read_bytes()


def process_request(nation: Nation) -> Callable[[ServerConnection, Request], Awaitable[Response | None]]:
    async def respond(connection: ServerConnection, request: Request) -> Response | None:
        path = request.path.split("?", 1)[0]
        if request.headers.get("Upgrade", "").lower() == "websocket" and path in ("/", "/ws"):
            return None
        if path == "/healthz":
            return health_response(await nation.database.reachable())
        name = PAGES.get(path) or (path.removeprefix("/static/") if path.startswith("/static/") else None)
        if name in OWN_FILES:
            return page_response(Page(200, _own(name), CONTENT_TYPES["." + name.rsplit(".", 1)[1]], {"Cache-Control": "no-cache"}))
        if name is None:
            return plain_response(404, "Không tìm thấy. Not found.\n", "text/plain; charset=utf-8")
        return page_response(asset(name, request.headers.get("If-None-Match")))

    return respond


async def start(nation: Nation, host: str, port: int, limits: Limits = DEFAULT_LIMITS) -> Server:
    server = NationalServer(nation, limits)
    return await serve(server.handle_connection, host, port, process_request=process_request(nation), **serve_options(limits))


async def run(nation: Nation, host: str, port: int) -> None:
    import signal

    server = await start(nation, host, port)
    stop = asyncio.get_running_loop().create_future()

    def stopping() -> None:
        if not stop.done():
            stop.set_result(None)

    for sig in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(sig, stopping)
    address = ", ".join(f"{s.getsockname()[0]}:{s.getsockname()[1]}" for s in server.sockets)
    print(f"motcua-national: {nation.config.name} on http://{address}/national", flush=True)
    try:
        await stop
    finally:
        server.close()
        await server.wait_closed()
        nation.database.close()
