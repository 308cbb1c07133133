"""A kiosk or a board starting from a site file with no [central] does not load psycopg (the
province's database driver, ~140 ms): only the server's shipper and a dsn to check need it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "assets" / "demo.toml"

PROBES = {
    "kiosk": "from kiosk.bootstrap import read_settings; read_settings(Path(sys.argv[1]), 'kiosk-1')",
    "board": "from display_board.bootstrap import load_setup; load_setup(Path(sys.argv[1]), 'board-hall')",
}


@pytest.mark.parametrize("app", sorted(PROBES))
def test_starting_a_device_app_does_not_import_psycopg(app: str) -> None:
    probe = f"import sys; from pathlib import Path; {PROBES[app]}; print('psycopg' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", probe, str(DEMO)], cwd=ROOT, capture_output=True, text=True,
                          timeout=60, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})  # fmt: skip
    assert (done.returncode, done.stdout) == (0, "False\n"), done.stderr


def test_a_site_file_with_a_central_dsn_still_has_it_checked() -> None:
    probe = (
        "import sys; from queue_server.config.site import parse_config, ConfigError\n"
        "text = open(sys.argv[1], encoding='utf-8').read() + '\\n[central]\\ndsn = \"not a dsn\"\\n'\n"
        "try:\n    parse_config(text)\nexcept ConfigError as exc:\n    print(exc)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe, str(DEMO)], cwd=ROOT, capture_output=True, text=True,
                          timeout=60, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})  # fmt: skip
    assert "must be a PostgreSQL connection string" in done.stdout, done.stdout + done.stderr
