"""``motcua-server enrol`` while the server runs, then ``motcua-kiosk enrol`` (and the board's,
the pads') on the device: its own token in a 0600 file, which then says hello as it; and
``check``'s warning about tokens in the site file."""

from __future__ import annotations

import asyncio
import stat
from pathlib import Path

import pytest

from display_board.__main__ import main as display_main
from kiosk.cli import main as kiosk_main
from pad_agent.__main__ import main as pads_main
from queue_server.cli import main as server_main
from queue_server.config.site import load_config
from tests.integration.conftest import run, running_lobby

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "assets" / "demo.toml"


def site_without_kiosk_token(tmp_path: Path) -> Path:
    """The demo site file with kiosk-1's token taken out (it is enrolled)."""
    lines = DEMO.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == 'id = "kiosk-1"')
    token = next(i for i in range(start, len(lines)) if lines[i].startswith("token"))
    del lines[token]
    site = tmp_path / "site.toml"
    site.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return site


async def in_thread(main, argv: list[str]) -> int:  # type: ignore[no-untyped-def]
    return await asyncio.to_thread(main, argv)


def test_a_code_from_the_command_line_enrols_a_kiosk_that_then_says_hello_with_its_token_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site, db, state = site_without_kiosk_token(tmp_path), tmp_path / "lobby.db", tmp_path / "kiosk-state"
    config = load_config(site)

    async def scenario() -> None:
        async with running_lobby(db, config) as lobby:
            assert await in_thread(server_main, ["enrol", "kiosk-1", "--config", str(site), "--db", str(db)]) == 0
            printed = capsys.readouterr()
            code = printed.out.strip()  # stdout: the bare code; stderr: the QR's text too
            assert f"MOTCUA-ENROL:1:{config.settings.server_url}:{code}" in printed.err
            assert await in_thread(kiosk_main, ["enrol", "--server", lobby.url, "--state", str(state), code]) == 0
            assert "enrolled as kiosk-1" in capsys.readouterr().out
            token_file = state / "token"
            assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
            assert (state / "server").read_text().strip() == lobby.url
            kiosk = await lobby.client(token=token_file.read_text().strip())
            assert kiosk.hello["device"] == "kiosk-1"  # type: ignore[attr-defined]
            # the same code again: refused, in the server's words, exit 2
            assert await in_thread(display_main, ["enrol", "--server", lobby.url, "--state", str(tmp_path / "b"), code]) == 2
            assert "Mã đăng ký sai, đã dùng hoặc đã hết hạn" in capsys.readouterr().err
            assert await in_thread(pads_main, ["enrol", "--server", lobby.url, "--state", str(tmp_path / "p"), "XXXX-2222"]) == 2
            assert not (tmp_path / "p" / "token").exists()

    run(scenario())


def test_enrol_names_the_devices_when_the_id_is_unknown(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert server_main(["enrol", "kiosk-9", "--config", str(DEMO), "--db", str(tmp_path / "lobby.db")]) == 2
    assert "kiosk-9" in capsys.readouterr().err


def test_check_warns_about_tokens_in_the_site_file_and_still_accepts_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert server_main(["check", "--config", str(site_without_kiosk_token(tmp_path))]) == 0
    err = capsys.readouterr().err
    assert "warning: device kiosk-2: a token in the site file — enrol the device instead: motcua-server enrol kiosk-2" in err
    assert "device kiosk-1:" not in err
