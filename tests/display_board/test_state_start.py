"""A board with no site file: started as ``motcua-display --state DIR`` alone (the server's
address and its own token) in an empty working folder, it gets its configuration in hello,
shows calls, takes a reloaded configuration live (a renamed field, another layout, other voice
settings) in the same process, and says in words on its screen when the server refuses it (a
revoked device, a protocol of another release). Real windows under Xvfb, a real server in this
event loop with a real SQLite file."""

from __future__ import annotations

import asyncio
from pathlib import Path

from display_board.__main__ import main as display_main
from display_board.bootstrap import load_state_setup
from queue_server.config.site import parse_config
from queue_server.protocol.version import unsupported_message
from queue_server.server import enrolment
from queue_server.server.reconfig import apply_config
from queue_server.server.trust import REVOKED_WORDS
from tests.display_board.conftest import BoardProcess, site_file
from tests.integration.client import Client
from tests.support.demo import DEMO_TOKENS, OFFICERS
from tests.support.ports import free_port
from tests.support.servers import running_server

RENAMED = "Hộ tịch – Khai sinh, kết hôn"


def board_site(tmp_path: Path, port: int, pack: Path) -> str:
    text = site_file(
        tmp_path, port, {"board-hall": {"layout": "landscape", "voice_pack": str(pack), "voice_repeat": 1, "highlight_seconds": 60}}
    ).read_text(encoding="utf-8")
    return text.replace("[site]\n", f'[site]\nserver_url = "ws://127.0.0.1:{port}/"\n', 1)


def state_folder(tmp_path: Path, port: int, token: str, name: str = "state") -> Path:
    state = tmp_path / name
    state.mkdir()
    (state / "server").write_text(f"ws://127.0.0.1:{port}/\n")
    (state / "token").write_text(token + "\n")
    return state


async def hello(url: str, token: str) -> Client:
    client = await Client.open(url)
    await client.ok("hello", token=token)
    return client


def test_motcua_display_takes_a_state_folder_or_a_site_file_not_both(capsys, tmp_path: Path) -> None:
    for argv in (
        [],
        ["--state", str(tmp_path), "--config", str(tmp_path / "site.toml"), "--device", "board-hall"],
        ["--config", str(tmp_path / "site.toml")],
        ["--state", str(tmp_path), "--device", "board-hall"],
    ):
        try:
            display_main(argv)
        except SystemExit as exc:
            assert exc.code == 2
        else:
            raise AssertionError(f"{argv} was taken")
        assert "give --state DIR, or --config FILE --device ID" in capsys.readouterr().err
    assert display_main(["--state", str(tmp_path / "none")]) == 2
    assert "enrol this device first (e.g. motcua-display enrol" in capsys.readouterr().err


def test_a_board_runs_from_its_state_folder_and_takes_a_new_configuration_live(short_pack: Path, tmp_path: Path) -> None:
    port = free_port()
    site = board_site(tmp_path, port, short_pack)
    config = parse_config(site, tmp_path / "server-only" / "site.toml")
    state = state_folder(tmp_path, port, DEMO_TOKENS["board-hall"])
    cwd = tmp_path / "cwd"
    cwd.mkdir()

    async def scenario() -> None:
        async with running_server(config, tmp_path / "lobby.db", port) as running:
            url = running.url
            kiosk = await hello(url, DEMO_TOKENS["kiosk-1"])
            counter = await hello(url, DEMO_TOKENS["counter-1"])
            await counter.ok("officer.sign_in", user=OFFICERS[1][0], pin=OFFICERS[1][1])
            await counter.ok("counter.open")
            board = await BoardProcess.start_state(state, cwd)
            try:
                state_ = await board.wait_for(lambda s: s["view"]["synced"] and s["live"], what="the snapshot")
                assert state_["layout"] == "LandscapeBoard" and state_["options"]["voice_repeat"] == 1
                assert "Hộ tịch" in {f["name_vi"] for f in state_["view"]["fields"]}
                await kiosk.ok("ticket.issue", service="HT")
                label = (await counter.ok("ticket.call_next"))["ticket"]["label"]
                shown = await board.wait_for(
                    lambda s: s["spoken"] and s["spoken"][-1]["label"] == label and s["featured_text"] == label,
                    what=f"{label} called and on screen",
                )
                assert shown["view"]["featured"]["label"] == label and shown["featured_text"] == label
                assert shown["spoken"][-1]["repeat"] == 1 and shown["spoken"][-1]["missing"] == []
                await board.shot("state-start-called.png")

                # motcua-server reload: a renamed field, the portrait layout, the voice said twice
                renamed = parse_config(
                    site.replace('name_vi = "Hộ tịch"', f'name_vi = "{RENAMED}"', 1)
                    .replace('layout = "landscape", voice_pack', 'layout = "portrait", voice_pack', 1)
                    .replace("voice_repeat = 1", "voice_repeat = 2", 1),
                    tmp_path / "server-only" / "site.toml",
                )
                assert renamed.device("board-hall").options["layout"] == "portrait"
                assert apply_config(running.hub, renamed) >= 1
                live = await board.wait_for(
                    lambda s: RENAMED in {f["name_vi"] for f in s["view"]["fields"]} and s["layout"] == "PortraitBoard",
                    what="the new configuration",
                )
                assert live["options"]["voice_repeat"] == 2 and live["view"]["featured"]["label"] == label
                cells = (await board.ask("cells"))["tables"]["fields"]
                assert any(text == RENAMED for cell in cells for text, _renders in cell["labels"]), cells
                await board.shot("state-start-reloaded.png")
                await kiosk.ok("ticket.issue", service="HT")
                await counter.ok("ticket.complete")
                second = (await counter.ok("ticket.call_next"))["ticket"]["label"]
                said = await board.wait_for(lambda s: s["spoken"][-1]["label"] == second, what=f"{second} called")
                assert said["spoken"][-1]["repeat"] == 2  # the new voice settings
                assert board.process.returncode is None  # the same process: no restart

                # revoked from the dashboard: disconnected at once, then refused, in words on screen
                await enrolment.revoke(running.hub, running.hub.config.device("board-hall"))
                refused = await board.wait_for(lambda s: s["refusal_shown"], what="the refusal on screen")
                assert refused["refusal_shown"] == REVOKED_WORDS and refused["offline_shown"]
                assert refused["banner"][:2] == ["MÁY CHỦ TỪ CHỐI BẢNG NÀY", REVOKED_WORDS]
                await board.shot("state-start-revoked.png")
            finally:
                await board.stop()
                for client in (kiosk, counter):
                    await client.close()
        files = sorted(p.relative_to(cwd).as_posix() for p in cwd.rglob("*") if p.is_file())
        assert files and all(f.startswith("var/voice/calls/") for f in files), files  # the calls' sound only

    asyncio.run(scenario())


def test_a_board_of_an_incompatible_protocol_says_so_on_its_screen(short_pack: Path, tmp_path: Path) -> None:
    port = free_port()
    config = parse_config(board_site(tmp_path, port, short_pack), tmp_path / "site.toml")
    state = state_folder(tmp_path, port, DEMO_TOKENS["board-hall"])
    cwd = tmp_path / "cwd"
    cwd.mkdir()

    async def scenario() -> None:
        async with running_server(config, tmp_path / "lobby.db", port):
            board = await BoardProcess.start_state(state, cwd, size="1080x1920", protocol=99)
            try:
                shown = await board.wait_for(lambda s: s["refusal_shown"], what="the refusal on screen")
                assert shown["refusal_shown"] == unsupported_message(99)
                assert shown["banner"][1].startswith("Thiết bị dùng giao thức phiên bản 99, máy chủ chỉ hỗ trợ phiên bản 1")
                assert shown["offline_shown"] and not shown["view"]["synced"]
                await board.shot("state-start-protocol.png")
            finally:
                await board.stop()

    asyncio.run(scenario())


def test_a_board_given_another_devices_token_says_whose_it_is_vietnamese_first(
    short_pack: Path, tmp_path: Path, capsys
) -> None:
    """A kiosk's token in a board's state folder stops the board with words (the server sends it a
    kiosk's configuration); a counter PC's gets no configuration at all: the board is refused."""
    port = free_port()
    config = parse_config(board_site(tmp_path, port, short_pack), tmp_path / "site.toml")
    kiosk_token = state_folder(tmp_path, port, DEMO_TOKENS["kiosk-1"], "kiosk-token")
    counter_token = state_folder(tmp_path, port, DEMO_TOKENS["counter-1"], "counter-token")

    async def scenario() -> None:
        async with running_server(config, tmp_path / "lobby.db", port):
            assert await asyncio.to_thread(display_main, ["--state", str(kiosk_token)]) == 2
            said = capsys.readouterr().err
            assert said.startswith(
                "motcua-display: Mã thiết bị (token) này là của ki-ốt kiosk-1, không phải của bảng hiển thị: "
            ), said
            assert "(This token is the kiosk kiosk-1's, not a display board's" in said
            refused = await asyncio.to_thread(load_state_setup, counter_token, None, tmp_path / "var")
            assert refused.config is None and refused.refusal.startswith(
                "Mã thiết bị (token) này là của máy tính quầy counter-1, không phải của ki-ốt, bảng hiển thị hay"
            ), refused.refusal

    asyncio.run(scenario())
