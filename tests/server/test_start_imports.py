"""A queue server that ships nothing to a province and prints no fee receipt does not load the
province's database driver (psycopg with its bundled libpq, libssl, Kerberos, LDAP: ~11 MB
resident) nor the printer, pad and scanner drivers (Pillow's fonts, pyserial, CUPS: ~3.5 MB),
though its site file names device URLs. Both were loaded at every start before
(docs/performance.md, "Memory"). A fresh process serves the demo site and says, once it
listens, which modules it holds; then it stops on SIGTERM as the CLI's server does."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.support.demo import DEMO, ROOT

NOT_AT_START = ("psycopg", "central", "serial", "hardware.printer", "hardware.pad", "hardware.scanner")

PROBE = """
import asyncio, json, os, signal, sys
from pathlib import Path
from queue_server.bootstrap import serve
from queue_server.config.site import load_config

def ready(server):
    print(json.dumps(sorted(sys.modules)), flush=True)
    os.kill(os.getpid(), signal.SIGTERM)

asyncio.run(serve(load_config(Path(sys.argv[1])), Path(sys.argv[2]), "127.0.0.1", 0, ready))
"""


def test_a_site_without_central_starts_without_psycopg_or_device_drivers(tmp_path: Path) -> None:
    assert "printer = " in DEMO.read_text(encoding="utf-8")  # device URLs to check
    done = subprocess.run([sys.executable, "-c", PROBE, str(DEMO), str(tmp_path / "lobby.db")], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)  # fmt: skip
    assert done.returncode == 0, done.stderr
    modules = json.loads(done.stdout.splitlines()[-1])
    assert "queue_server.server.op_payments" in modules and "hardware.urls" in modules
    assert [name for name in modules if name.startswith(NOT_AT_START)] == []
