"""What ``motcua-server``'s commands do to a server on this machine, running or not: a device's
one-time enrolment code written into the server's database (``enrol``: the running server reads
it from there) with its QR, and the reload of the configuration (``reload``: SIGHUP to the
process whose id is beside the database, ``DB.pid``, then the verdict it writes, ``DB.reload``,
waited for and printed). :mod:`queue_server.cli` parses the command line and calls these; the
files' names are the server's own (:mod:`queue_server.bootstrap`, which writes them)."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from queue_server.bootstrap import pid_file, verdict_file

if TYPE_CHECKING:
    from queue_server.config.settings import SiteConfig

RELOAD_WAIT = 15.0  # seconds for the server's verdict


class NoRunningServer(Exception):
    """No server process to signal for that database (no pid file, or no such process)."""


def enrol(config: SiteConfig, db_path: Path, device: str) -> int:
    """Print a one-time enrolment code for ``device`` (stdout: the bare code; stderr: until when
    and its QR's text); 2 for a device the site file does not have or that enrols by no code."""
    from queue_server.core.enrolment_qr import enrolment_text
    from queue_server.server.enrolment import new_code
    from queue_server.store.database import connect
    from queue_server.store.schema import migrate

    db = connect(db_path, config.settings.synchronous)
    try:
        migrate(db)
        try:
            code, expires_at = new_code(db.conn, config, device, dt.datetime.now(dt.UTC))
        except LookupError as exc:
            print(exc.args[0], file=sys.stderr)
            return 2
    finally:
        db.close()
    print(code)
    until = dt.datetime.fromisoformat(expires_at).astimezone(config.site.tz).strftime("%H:%M")
    print(f"the enrolment code of {device}, once, until {until}", file=sys.stderr)
    print_enrolment_qr(enrolment_text(config.settings.server_url, code))
    return 0


def print_enrolment_qr(text: str) -> None:
    """The enrolment QR's text (what the dashboard's QR holds: a kiosk's first-run screen scans
    it), and on a terminal the QR itself; on stderr, so stdout stays the bare code."""
    print(f"its QR (scan it at the kiosk's first-run screen): {text}", file=sys.stderr)
    if sys.stderr.isatty():
        import qrcode

        code = qrcode.QRCode(border=2)
        code.add_data(text.encode("ascii"))
        code.print_ascii(out=sys.stderr, invert=True)


def reload(config_path: Path, db_path: Path) -> int:
    """SIGHUP to the server, then its verdict printed: 0 applied, 1 refused or unanswered. The
    server reads the file itself (with its own environment and credentials, which its secrets
    may need: docs/configuration.md, Secrets). :class:`NoRunningServer` when there is none."""
    path = pid_file(db_path)
    try:
        pid = int(path.read_text().strip())
        before = read_verdict(verdict_file(db_path))
        os.kill(pid, signal.SIGHUP)
    except (OSError, ValueError) as exc:
        raise NoRunningServer(f"no running server for {db_path} ({path}: {getattr(exc, 'strerror', None) or exc})") from None
    verdict = await_verdict(verdict_file(db_path), pid, before.get("count", 0) if before.get("pid") == pid else 0)
    if verdict is None:
        print(f"motcua-server: the server (pid {pid}) said nothing of the reload in {RELOAD_WAIT:g} s: see its log", file=sys.stderr)
        return 1
    if not verdict.get("applied"):
        print(verdict.get("message", ""), file=sys.stderr)
        print("motcua-server: nothing was reloaded: the running configuration stays", file=sys.stderr)
        return 1
    print(
        f"motcua-server: the server (pid {pid}) applied {verdict.get('source')}: configuration {verdict['version']}, "
        f"{verdict['told']} device(s) sent theirs"
    )
    if Path(str(verdict.get("source"))).resolve() != config_path.resolve():
        print(f"motcua-server: warning: the server runs {verdict.get('source')}, not {config_path}", file=sys.stderr)
    return 0


def read_verdict(path: Path) -> dict[str, Any]:
    """What ``DB.reload`` says (JSON: the server's pid, its count of reloads, the verdict); {}
    when it is missing or unreadable."""
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def await_verdict(path: Path, pid: int, after: int) -> dict[str, Any] | None:
    """The verdict of ``pid`` past its ``after``-th reload, once it is written; None after
    :data:`RELOAD_WAIT` seconds."""
    deadline = time.monotonic() + RELOAD_WAIT
    while time.monotonic() < deadline:
        found = read_verdict(path)
        if found.get("pid") == pid and isinstance(found.get("count"), int) and found["count"] > after:
            return found
        time.sleep(0.05)
    return None
