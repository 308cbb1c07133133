"""A port on 127.0.0.1 that nothing listens on right now.

Only for addresses that must hold no listener ("the province is away") and for the few
configurations that must name their own server's port before it starts (a public URL, a
kiosk's ``server_url``). A server the test starts itself listens on port 0 and reports the port
it was given (``tests/support/servers.py``): no race with other processes for the number."""

from __future__ import annotations

import socket


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
