"""``motcua-kiosk classify-code``: what the kiosk makes of a scanned text, without a window."""

from __future__ import annotations

import subprocess
import sys

import pytest

from kiosk.cli import main as motcua_kiosk
from tests.kiosk.support import ROOT

SITE = "https://hcc.example.gov.vn"


def test_classify_code_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert motcua_kiosk(["classify-code", f"{SITE}/t/ABCDEFGH23", "--public-url", SITE]) == 0
    assert motcua_kiosk(["classify-code", "https://elsewhere.example/t/ABCDEFGH23", "--public-url", SITE]) == 1
    assert motcua_kiosk(["classify-code", "abcd-2345"]) == 0  # what `motcua-hw scan` printed as read
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "ticket ABCDEFGH23"
    assert out[1].startswith("rejected (other-site): ")
    assert out[2] == "booking ABCD2345"


def test_a_public_url_that_is_not_one_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert motcua_kiosk(["classify-code", "X", "--public-url", "ftp://hcc.example.gov.vn"]) == 2
    assert capsys.readouterr().err == "motcua-kiosk classify-code: 'ftp://hcc.example.gov.vn' is not an http(s) URL\n"


def test_classifying_imports_no_kivy() -> None:
    probe = (
        "import sys; from kiosk.cli import main; code = main(['classify-code', 'ABCD2345']); "
        "assert 'kivy' not in sys.modules, 'kivy imported'; sys.exit(code)"
    )
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=60,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})  # fmt: skip
    assert (done.returncode, done.stdout, done.stderr) == (0, "booking ABCD2345\n", "")
