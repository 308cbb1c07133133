"""``motcua-kiosk``'s command line: the kiosk itself (:mod:`kiosk.app`, Kivy), or a subcommand
that needs no window and imports no Kivy.

    motcua-kiosk --state /var/lib/motcua/kiosk [--scanner URL] [--server ws://…] [--size 960x540] [-v]
    motcua-kiosk --config site.toml --device kiosk-1 [--server ws://…] [--size 960x540] [-v]
    motcua-kiosk enrol --server ws://10.0.0.2:8765/ --state /var/lib/motcua/kiosk CODE
    motcua-kiosk classify-code https://hcc.example.gov.vn/t/ABCDEFGH23 --public-url https://hcc.example.gov.vn

``classify-code`` says what the kiosk makes of a scanned text (ticket, booking, dossier, ID
card, or why it refuses it): with ``motcua-hw scan``, which prints what a scanner reads, it
checks a scanner and the site's links when installing (docs/kiosk.md).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from kiosk.core.scans import DEFAULT_DOSSIER_PATTERN, ClassifiedCode, CodeClassifier
from queue_server.protocol import enrolling

__all__ = ["classify_code", "main"]

CLASSIFY = "classify-code"


def build_classify_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=f"motcua-kiosk {CLASSIFY}",
        description="Classify TEXT as the kiosk would classify a scan of it: "
        "exit 0 for a code it takes, 1 for one it refuses.",
    )
    parser.add_argument("text", help="the scanned text")
    parser.add_argument("--public-url", action="append", default=[], metavar="URL",
                        help="the centre's public URL (links of other sites are refused); repeat for several")
    parser.add_argument("--dossier-pattern", default=DEFAULT_DOSSIER_PATTERN, metavar="REGEX",
                        help="receipt codes (default %(default)s)")  # fmt: skip
    return parser


def classify_code(argv: Sequence[str]) -> int:
    args = build_classify_parser().parse_args(argv)
    try:
        classifier = CodeClassifier(args.public_url, dossier_pattern=args.dossier_pattern)
    except ValueError as exc:
        print(f"motcua-kiosk {CLASSIFY}: {exc}", file=sys.stderr, flush=True)
        return 2
    result = classifier.classify(args.text)
    if isinstance(result, ClassifiedCode):
        print(f"{result.kind.value} {result.value}", flush=True)
        return 0
    print(f"rejected ({result.reason.value}): {result.message}", flush=True)
    return 1


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == [CLASSIFY]:
        return classify_code(argv[1:])
    if argv[:1] == [enrolling.ENROL]:
        return enrolling.main("motcua-kiosk", argv[1:], role="kiosk")
    from kiosk.start import main as run_kiosk  # Kivy from here on

    return run_kiosk(argv)


if __name__ == "__main__":
    sys.exit(main())
