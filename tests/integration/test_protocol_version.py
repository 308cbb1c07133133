"""``hello``'s ``protocol`` over a real connection: a version this server does not speak is refused
with ``protocol_unsupported`` in words a device's screen shows (Vietnamese first), and a device one
release older, whose hello says no protocol at all, keeps working: its configuration, its
requests, the configuration pushed to it on a reload."""

from __future__ import annotations

import dataclasses
import unicodedata

from queue_server.protocol.version import PROTOCOL, SUPPORTED
from queue_server.server.reconfig import apply_config
from tests.integration.conftest import Clock, run, running_lobby
from tests.integration.sites import TOKENS


def test_a_protocol_the_server_does_not_speak_is_refused_in_words_vietnamese_first(db_path, clock: Clock) -> None:
    async def scenario() -> None:
        async with running_lobby(db_path, clock=clock) as lobby:
            kiosk = await lobby.client()
            newer = PROTOCOL + 1
            error = await kiosk.error("hello", "protocol_unsupported", token=TOKENS["kiosk"], protocol=newer)
            message = error["message"]
            assert message.startswith(f"Thiết bị dùng giao thức phiên bản {newer}, máy chủ chỉ hỗ trợ phiên bản 1")
            assert "cần cập nhật phần mềm của thiết bị hoặc máy chủ" in message
            assert message.index("(The device speaks protocol") > message.index("cập nhật")  # English second
            assert unicodedata.is_normalized("NFC", message)
            assert error["details"]["supported"] == sorted(SUPPORTED)
            await kiosk.error("ticket.issue", "hello_first", service="HT")  # it is nobody: nothing is done
            assert lobby.hub.lobby.state.tickets == {}
            old = await lobby.client()
            await old.error("hello", "protocol_unsupported", token=TOKENS["kiosk"], protocol=0)

    run(scenario())


def test_a_device_one_release_older_saying_no_protocol_keeps_working(db_path, clock: Clock) -> None:
    async def scenario() -> None:
        async with running_lobby(db_path, clock=clock) as lobby:
            older = await lobby.client()
            hello = await older.ok("hello", token=TOKENS["kiosk"])  # no "protocol": what the release before sent
            assert hello["protocol"] == PROTOCOL and hello["role"] == "kiosk"
            assert hello["config"]["version"] == 1 and 'id = "kiosk"' in hello["config"]["toml"]  # its own table
            ticket = (await older.ok("ticket.issue", service="HT"))["ticket"]
            assert ticket["label"] == "A001"
            renamed = dataclasses.replace(lobby.hub.config, raw={**lobby.hub.config.raw, "policy": {"recent_services": 7}})
            assert apply_config(lobby.hub, renamed) >= 1
            changed = await older.next_event("config.changed")
            assert changed["config"]["version"] == 2 and "recent_services = 7" in changed["config"]["toml"]
            current = await lobby.client()
            assert (await current.ok("hello", token=TOKENS["display"], protocol=PROTOCOL))["role"] == "display"

    run(scenario())
