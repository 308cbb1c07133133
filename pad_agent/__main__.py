"""``motcua-pads``: the rating pads of a centre, tied to its queue server.

    motcua-pads enrol --server ws://HOST:8765/ --state /var/lib/motcua/pads CODE   (once per pad)
    motcua-pads --state /var/lib/motcua/pads [--timeout 30] [-v]
    motcua-pads --config site.toml [--server ws://…] [--timeout 30] [-v]   (the old way)
    python -m pad_agent …   (the same)

``enrol`` writes each pad's own token and server to ``STATE/<device id>/``; ``--state`` runs
every pad enrolled there, each with the configuration the server sends it. Exit 1 when the
server refuses every pad (each refusal is logged in one line), 2 on a usage or setup error.
:mod:`pad_agent.bootstrap` wires the agents (:mod:`pad_agent.app`).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from pad_agent.bootstrap import AgentSetupError, AllRefused, run_agents, run_state
from queue_server.protocol import enrolling


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="motcua-pads",
        description="Run the rating pads of a centre: arm them when a counter completes a ticket, send the ratings.",
        epilog="See docs/web.md (the pad agent) and docs/hardware.md (pad URLs).",
    )
    parser.add_argument(
        "--state", type=Path,
        help="the pads' state folder (one folder per pad, from enrol): each pad's configuration comes from the server",
    )  # fmt: skip
    parser.add_argument(
        "--config", help="the site's TOML file, its pad devices and their pad URLs (the old way; one more release)"
    )
    parser.add_argument("--server", help="with --config: the queue server's address (default: server_url of the file)")
    parser.add_argument(
        "--timeout", type=float, default=30.0,
        help="seconds a pad waits for a press, for pads whose device sets no timeout_seconds option (default 30)",
    )  # fmt: skip
    parser.add_argument("-v", "--verbose", action="store_true", help="log more (INFO)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == [enrolling.ENROL]:
        return enrolling.main("motcua-pads", argv[1:], role="pad", per_device=True)
    parser = build_parser()
    args = parser.parse_args(argv)
    if (args.state is None) == (args.config is None) or (args.state is not None and args.server is not None):
        parser.error("give --state DIR, or --config FILE [--server URL] (one of the two)")
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(name)s %(levelname)s %(message)s",
    )
    if args.timeout <= 0:
        print("motcua-pads: --timeout must be more than 0 seconds", file=sys.stderr)
        return 2
    try:
        if args.state is not None:
            asyncio.run(run_state(args.state, timeout=args.timeout))
        else:
            asyncio.run(run_agents(args.config, server_url=args.server, timeout=args.timeout))
    except AgentSetupError as exc:
        print(f"motcua-pads: {exc}", file=sys.stderr)
        return 2
    except AllRefused as exc:
        print(f"motcua-pads: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
