"""``motcua-hw check-url KIND URL``: a device URL read as the apps and ``motcua-server check``
read it, nothing opened (``motcua-install kiosk --scanner`` asks it)."""

from __future__ import annotations

import pytest

from hardware.cli import main


@pytest.mark.parametrize(
    ("kind", "url"),
    [
        ("scanner", "serial:///dev/ttyACM0?baudrate=9600"),
        ("scanner", "hid:///dev/input/by-id/usb-Honeywell_Scanner-event-kbd"),
        ("printer", "tcp://10.0.0.9:9100"),
        ("pad", "serial:///dev/ttyUSB0"),
    ],
)
def test_a_url_the_apps_open_is_ok(kind: str, url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check-url", kind, url]) == 0
    assert capsys.readouterr().out == f"{kind} {url}: ok\n"


@pytest.mark.parametrize(
    ("kind", "url", "why"),
    [
        ("scanner", "serail:///dev/ttyACM0", "serail:///dev/ttyACM0: scheme 'serail' is not supported here (use one of: serial, hid, sim)"),
        ("scanner", "tcp://10.0.0.9:9100", "scheme 'tcp' is not supported here"),  # a printer's
        ("scanner", "/dev/ttyACM0", "'/dev/ttyACM0' is not a device URL (expected scheme://target)"),
        ("pad", "serial://", "serial://: nothing after serial://"),
    ],
)
def test_a_url_the_apps_refuse_exits_2_and_says_why(kind: str, url: str, why: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check-url", kind, url]) == 2
    said = capsys.readouterr()
    assert said.out == "" and said.err.startswith("motcua-hw check-url: ") and why in said.err
