"""What runs on each kind of machine: its unit and the command line of its app.

The apps' command lines are the one thing this package knows of them (it imports none of them):
a device starts with its state folder alone (a kiosk also with its scanner, which reads the
enrolment QR on its first-run screen), where its enrolment left its own token and the
server's address (``motcua-kiosk enrol --server URL --state DIR CODE``, run by ``motcua-install
kiosk --enrol CODE`` or by hand, docs/deployment.md); the console is the server's ``/console``
page in Chromium, which keeps the counter's token in its own profile."""

from __future__ import annotations

import enum
import urllib.parse
from dataclasses import dataclass

from motcua_install.layout import Layout


class Role(enum.Enum):
    SERVER = "server"
    KIOSK = "kiosk"
    BOARD = "board"
    PADS = "pads"
    CONSOLE = "console"


@dataclass(frozen=True)
class Screen:
    """A role that owns the machine's screen (a cage session): the groups its app needs."""

    groups: tuple[str, ...]


# video/render: the GPU; input: touchscreens, USB scanners and keypads; audio: the board's voice;
# lp and dialout: USB and serial printers and scanners
SCREENS = {
    Role.KIOSK: Screen(("video", "render", "input", "audio", "lp", "dialout")),
    Role.BOARD: Screen(("video", "render", "input", "audio")),
    Role.CONSOLE: Screen(("video", "render", "input", "audio")),
}

UNITS = {
    Role.SERVER: ("motcua-server.service", "motcua-backup.service", "motcua-backup.timer"),
    Role.KIOSK: ("motcua-kiosk.service",),
    Role.BOARD: ("motcua-board.service",),
    Role.PADS: ("motcua-pads.service",),
    Role.CONSOLE: ("motcua-console.service",),
}

CHROMIUM = "/usr/bin/chromium"

# the devices' apps, each with its ``enrol`` subcommand (``APP enrol --server URL --state DIR CODE``);
# the console is enrolled in its browser (the console page's set-up form), the server not at all
APPS = {Role.KIOSK: "motcua-kiosk", Role.BOARD: "motcua-display", Role.PADS: "motcua-pads"}


def device_command(
    role: Role, layout: Layout, server: str | None, device: str | None = None, scanner: str | None = None
) -> list[str]:
    """The argv of a device's app on this machine; ``scanner``: the kiosk's, which reads the
    enrolment QR before the server has configured it (``motcua-kiosk --scanner``)."""
    state = str(layout.state(role.value))
    if role in APPS:
        if scanner is not None and role is not Role.KIOSK:
            raise ValueError(f"a {role.value} has no scanner")
        return [str(layout.bin(APPS[role])), "--state", state, *(["--scanner", scanner] if scanner else [])]
    if role is Role.CONSOLE:
        if not device or not server:
            raise ValueError("the console needs the server's address and its counter's device id")
        return [
            CHROMIUM,
            "--kiosk",
            "--no-first-run",
            "--noerrdialogs",
            "--disable-translate",
            "--disable-pinch",
            "--overscroll-history-navigation=0",
            "--ozone-platform=wayland",
            f"--user-data-dir={state}/chromium",
            console_url(server, device),
        ]
    raise ValueError(f"{role.value} is not a device")


def console_url(server: str, device: str) -> str:
    """``ws://10.0.0.2:8765/`` and ``counter-1`` → ``http://10.0.0.2:8765/console?device=counter-1``."""
    parts = urllib.parse.urlsplit(server)
    scheme = {"ws": "http", "wss": "https"}[parts.scheme]
    query = urllib.parse.urlencode({"device": device})
    return urllib.parse.urlunsplit((scheme, parts.netloc, "/console", query, ""))


def server_url(text: str) -> str:
    """The server's address as a device is given it: ``ws://HOST:PORT/`` (or wss://)."""
    parts = urllib.parse.urlsplit(text)
    if parts.scheme not in ("ws", "wss") or not parts.hostname:
        raise ValueError(f"{text!r}: give the server's ws:// address, e.g. ws://10.0.0.2:8765/")
    return text
