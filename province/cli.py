"""``motcua-central``: the province's server (docs/province.md).

    motcua-central --config province.toml [--host 0.0.0.0] [--port 8780]
    motcua-central check --config province.toml
    motcua-central demo [--dir var/province]       # a demo province on this machine (make province)
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from province.config import load_province
from province.database import Database
from province.server import Province, run
from queue_server.config.site import ConfigError

DEFAULT_PORT = 8780


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="motcua-central", description="The province's server: every site's figures from the central PostgreSQL.")
    parser.add_argument(
        "command", nargs="?", choices=("run", "check"), default="run",
        help="run the server (default) or check the configuration; `motcua-central demo --help`: a demo province",
    )
    parser.add_argument("--config", required=True, help="the province's configuration file (TOML)")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})")
    parser.add_argument("-v", "--verbose", action="store_true", help="log more")
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["demo"]:
        from province import demo

        logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(levelname)s %(message)s")
        return demo.main(argv[1:])
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    try:
        config = load_province(args.config)
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    if args.command == "check":
        print(f"{args.config}: {config.name}, {len(config.managers)} manager(s): ok")
        return 0
    asyncio.run(run(Province(config, Database(config.dsn)), args.host, args.port))
    return 0


if __name__ == "__main__":
    sys.exit(main())
