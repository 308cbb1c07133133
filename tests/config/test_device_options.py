"""``motcua-server check`` refuses every device option and URL that would stop the device's
app at start: the kiosk's and the board's options are checked by the same functions the apps
use, the URLs by the drivers' own parser (hardware.urls with each driver's schemes)."""

from __future__ import annotations

from pathlib import Path

import pytest

from queue_server.config.board_options import BoardOptionError
from queue_server.config.board_options import parse_options as parse_board_options
from queue_server.config.kiosk_options import KioskOptionError
from queue_server.config.kiosk_options import parse_options as parse_kiosk_options
from queue_server.config.site import ConfigError, parse_config

DEMO = (Path(__file__).resolve().parents[2] / "assets" / "demo.toml").read_text(encoding="utf-8")


def problems_of(text: str) -> str:
    with pytest.raises(ConfigError) as caught:
        parse_config(text, "site.toml")
    return str(caught.value)


@pytest.mark.parametrize(
    "old, new, expected",
    [
        ('printer = "sim://var/sim/kiosk-1-printer?width=576"', 'printer = "serail:///dev/ttyUSB0"',
         "device[1].printer: serail:///dev/ttyUSB0: scheme 'serail' is not supported here"),
        ('printer = "sim://var/sim/kiosk-1-printer?width=576"', 'printer = "sim://?width=576"',
         "device[1].printer: sim://?width=576: nothing after sim://"),
        ("idle_seconds = 30", "idle_secnds = 30", "device[1].options.idle_secnds: unknown option (did you mean 'idle_seconds'?)"),
        ("idle_seconds = 30", "idle_seconds = 2", "device[1].options.idle_seconds: must be a whole number from 5 to 3600, not 2"),
        ("idle_seconds = 30", 'camera = "usb://cam", idle_seconds = 30',
         "device[1].options.camera: usb://cam: scheme 'usb' is not supported here"),
        ("idle_seconds = 30", 'voice_output = "jack", idle_seconds = 30',
         "site.toml:LINE: device[1].options.voice_output: must be one of 'speaker', 'headphones', 'off', not 'jack'"),
        ("idle_seconds = 30", "voice_volume = 1.5, idle_seconds = 30",
         "site.toml:LINE: device[1].options.voice_volume: must be a number from 0.0 to 1.0, not 1.5"),
        ("idle_seconds = 30", 'voice_device = "hw 1", idle_seconds = 30',
         "site.toml:LINE: device[1].options.voice_device: must be an ALSA device name like 'plughw:1,0' or 'default', not 'hw 1'"),
        ('[site]\n', '[site]\nwait_line = 3\n', "site.toml:LINE: site.wait_line: must be a string, not a whole number"),
        ('layout = "landscape"', 'layout = "landscap"',
         "options.layout: must be one of 'auto', 'landscape', 'portrait', not 'landscap'"),
        ("voice_repeat = 2", "voice_repeat = 9", "options.voice_repeat: must be a whole number from 1 to 5, not 9"),
    ],
)
def test_check_refuses_what_would_stop_the_app(old: str, new: str, expected: str) -> None:
    assert old in DEMO
    line = DEMO[: DEMO.index(old)].count("\n") + 1 + old.count("\n")  # the file's line of the key
    expected = expected.replace("LINE", str(line))
    message = problems_of(DEMO.replace(old, new, 1))
    assert expected in message
    assert message.count("\n") == 1  # one problem, nothing else reported


def test_the_kiosks_voice_options() -> None:
    assert parse_kiosk_options({}).voice_output == "speaker" and parse_kiosk_options({}).voice_volume == 1.0
    quiet = parse_kiosk_options({"voice_output": "Headphones", "voice_device": "plughw:1,0"})
    assert (quiet.voice_output, quiet.voice_device, quiet.voice_volume) == ("headphones", "plughw:1,0", 0.6)
    assert parse_kiosk_options({"voice_output": "headphones", "voice_volume": 0.9}).voice_volume == 0.9
    assert parse_kiosk_options({"voice_output": "off"}).voice_output == "off"


def test_the_demo_passes_and_the_apps_accept_what_check_accepts() -> None:
    config = parse_config(DEMO, "demo.toml")
    for device in config.devices:
        if device.role.value == "kiosk":
            parse_kiosk_options(device.options)
        elif device.role.value == "display":
            parse_board_options(device.id, device.options)


@pytest.mark.parametrize(
    "options",
    [{"idle_seconds": 1}, {"printer_width": 300}, {"language": "fr"}, {"window_size": "10x10"}, {"colour": "red"}],
)
def test_a_kiosk_option_the_kiosk_refuses_check_refuses_too(options: dict[str, object]) -> None:
    with pytest.raises(KioskOptionError):
        parse_kiosk_options(options)
    text = DEMO.replace("idle_seconds = 30, ", "", 1).replace(
        "options = { result_seconds = 10", "options = { " + ", ".join(f"{k} = {v!r}".replace("'", '"') for k, v in options.items()) + ", result_seconds = 10", 1
    )
    assert "device[1].options." in problems_of(text)


@pytest.mark.parametrize("options", [{"volume": 2}, {"layout": 3}, {"number_style": "east"}, {"lauout": "auto"}])
def test_a_board_option_the_board_refuses_check_refuses_too(options: dict[str, object]) -> None:
    with pytest.raises(BoardOptionError):
        parse_board_options("board-hall", options)
    rendered = ", ".join(f"{k} = {v!r}".replace("'", '"') for k, v in options.items())
    text = DEMO.replace('options = { layout = "landscape", ', "options = { " + rendered + ", ", 1)
    assert "options." + next(iter(options)) in problems_of(text)
