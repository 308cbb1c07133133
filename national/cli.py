"""``motcua-national``: the country's view of the provinces (docs/national.md).

    motcua-national publish --dsn PROVINCE_DSN --province 80 [--role motcua_national]
    motcua-national subscribe --config national.toml --province 80 --publisher-dsn 'host=… user=motcua_national …'
    motcua-national unsubscribe --config national.toml --province 80
    motcua-national status --config national.toml
    motcua-national check --config national.toml
    motcua-national [run] --config national.toml [--host 0.0.0.0] [--port 8790]

``publish`` runs on a province's central database as its owner; the others on the nation's
(``subscribe`` as a superuser: PostgreSQL 15 lets only a superuser create a subscription).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

import psycopg

from national import replication
from national.config import load_national
from national.database import Database
from national.server import Nation, run
from national.settings import NationalConfig
from queue_server.config.site import ConfigError

DEFAULT_PORT = 8790
COMMANDS = ("run", "check", "publish", "subscribe", "unsubscribe", "status")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="motcua-national", description="Cả nước: số liệu ngày của các tỉnh qua sao chép logic của PostgreSQL. The country's view."
    )
    parser.add_argument("command", nargs="?", choices=COMMANDS, default="run")
    parser.add_argument("--config", help="the national configuration file (TOML): run, check, subscribe, unsubscribe, status")
    parser.add_argument("--dsn", help="publish: the province's central database, as its owner")
    parser.add_argument("--province", help="publish, subscribe, unsubscribe: the province's code (e.g. 80)")
    parser.add_argument("--role", default=replication.REPLICATION_ROLE, help="publish: the replication role to make (default %(default)s; '' for none)")
    parser.add_argument("--publisher-dsn", help="subscribe: the province's database as the nation connects to it (its replication role)")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})")
    parser.add_argument("-v", "--verbose", action="store_true", help="log more")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    needs = {
        "publish": ("dsn", "province"),
        "subscribe": ("config", "province", "publisher_dsn"),
        "unsubscribe": ("config", "province"),
    }.get(args.command, ("config",))
    missing = [f"--{name.replace('_', '-')}" for name in needs if not getattr(args, name)]
    if missing:
        parser.error(f"{args.command} cần / needs {', '.join(missing)}")
    try:
        if args.command == "publish":
            return _said(replication.publish(args.dsn, args.province, args.role or None))
        config = load_national(args.config)
        if args.command == "subscribe":
            if args.province not in {p.code for p in config.provinces}:
                print(f"{args.config}: không có [[province]] mã {args.province!r}; no province {args.province!r} in the file", file=sys.stderr)
                return 2
            return _said(replication.subscribe(config.dsn, args.province, args.publisher_dsn))
        if args.command == "unsubscribe":
            return _said(replication.unsubscribe(config.dsn, args.province))
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    except replication.ReplicationError as exc:
        print(f"motcua-national {args.command}: {exc}", file=sys.stderr)
        return 1
    except psycopg.Error as exc:
        print(f"motcua-national {args.command}: PostgreSQL: {str(exc).strip()}", file=sys.stderr)
        return 1
    if args.command == "check":
        print(f"{args.config}: {config.name}, {len(config.provinces)} province(s), {len(config.managers)} manager(s): ok")
        return 0
    if args.command == "status":
        return _status(config)
    asyncio.run(run(Nation(config, Database(config.dsn)), args.host, args.port))
    return 0


def _said(lines: list[str]) -> int:
    for line in lines:
        print(line)
    return 0


def _status(config: NationalConfig) -> int:
    """Each province of the file: its subscription as PostgreSQL reports it; 1 if one is not running."""
    with psycopg.connect(config.dsn, autocommit=True, connect_timeout=10) as conn:
        found = {s.province: s for s in replication.subscriptions(conn)}
    healthy = True
    for entry in config.provinces:
        sub = found.get(entry.code)
        if sub is None:
            healthy = False
            print(f"{entry.code} {entry.name}: chưa đăng ký / not subscribed")
            continue
        healthy &= sub.running and sub.tables_ready == len(replication.TABLES)
        state = "đang chạy / running" if sub.running else "dừng / not running"
        print(f"{entry.code} {entry.name}: {state}, {sub.tables_ready}/{len(replication.TABLES)} tables ready, last message {sub.last_message}")
    return 0 if healthy else 1


if __name__ == "__main__":
    sys.exit(main())
