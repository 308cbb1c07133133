"""``motcua-pads``: the rating pads of a centre, tied to its queue server.

    motcua-pads --config site.toml [--server ws://…] [--timeout 30] [-v]
    python -m pad_agent …   (the same)

:mod:`pad_agent.bootstrap` wires the agents (:mod:`pad_agent.app`) from the configuration.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence

from pad_agent.bootstrap import AgentSetupError, run_agents
from queue_server.protocol import enrolling


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="motcua-pads",
        description="Run the rating pads of a centre: arm them when a counter completes a ticket, send the ratings.",
        epilog="See docs/web.md (the pad agent) and docs/hardware.md (pad URLs).",
    )
    parser.add_argument("--config", required=True, help="the site's TOML file (its pad devices and their pad URLs)")
    parser.add_argument("--server", help="the queue server's websocket address (default: server_url of the config)")
    parser.add_argument(
        "--timeout", type=float, default=30.0,
        help="seconds a pad waits for a press, for pads whose device sets no timeout_seconds option (default 30)",
    )  # fmt: skip
    parser.add_argument("-v", "--verbose", action="store_true", help="log more (INFO)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == [enrolling.ENROL]:
        return enrolling.main("motcua-pads", argv[1:])
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(name)s %(levelname)s %(message)s",
    )
    if args.timeout <= 0:
        print("motcua-pads: --timeout must be more than 0 seconds", file=sys.stderr)
        return 2
    try:
        asyncio.run(run_agents(args.config, server_url=args.server, timeout=args.timeout))
    except AgentSetupError as exc:
        print(f"motcua-pads: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
