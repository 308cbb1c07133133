"""A device installed in one command with its enrolment code (``motcua-install kiosk --server URL
--enrol CODE``), then started by its unit's own command line from the layout, against a running
server: the kiosk enrols, receives its configuration from the server and issues a ticket that the
server's database holds; the board and the pad agent enrol into their state folders as the user
``motcua``'s files; a refused code leaves the files for another try."""

from __future__ import annotations

import asyncio
import shutil
import signal
import stat
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PIL import Image

from hardware.printer.sim import list_jobs
from hardware.simulators.paths import SimPaths
from hardware.simulators.scanner import SimulatedScanner
from motcua_install.cli import main as install
from tests.deploy.centre import PUBLIC_URL, Centre, running_centre
from tests.deploy.roots import (
    PROJECT,
    bare_machine,
    child_env,
    in_root,
    provide_commands,
    session_command,
    unit_value,
)


@pytest.fixture
def work(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A short folder (the scanner's Unix socket path must be short); the venv's commands the
    install runs (``/opt/motcua/bin/motcua-kiosk enrol``) run this project."""
    monkeypatch.setenv("PYTHONPATH", str(PROJECT))
    path = Path(tempfile.mkdtemp(prefix="deploy-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


def token_files(state: Path) -> list[Path]:
    """The device's token wherever its app keeps it under its state folder (``token``, or
    ``<device id>/token`` for the pads of an agent)."""
    return sorted(state.rglob("token"))


async def until(done: Callable[[], object], what: str, process: asyncio.subprocess.Process, log: Path,
                limit: float = 60, again: Callable[[], None] | None = None) -> None:  # fmt: skip
    """Wait for ``done()`` while the device's process runs (``again()`` every 3 s meanwhile)."""
    deadline = last = time.monotonic()
    deadline += limit
    while not done():
        if process.returncode is not None:
            raise AssertionError(f"the device exited ({process.returncode}) before {what}:\n{log.read_text()[-3000:]}")
        if time.monotonic() > deadline:
            raise AssertionError(f"no {what} in {limit} s:\n{log.read_text()[-3000:]}")
        if again is not None and time.monotonic() - last >= 3:
            again()
            last = time.monotonic()
        await asyncio.sleep(0.2)


async def start_unit(root: Path, unit: str, log: Path) -> asyncio.subprocess.Process:
    """The screen unit's command as cage would run it (under the tests' X display instead), in the
    unit's working folder, with the user motcua's home: the layout's paths under ``root``."""
    argv = in_root(root, session_command(root, unit))
    (cwd,) = in_root(root, [unit_value(root, unit, "WorkingDirectory")])
    env = child_env(HOME=str(root / "var/lib/motcua"), SDL_VIDEO_ALLOW_SCREENSAVER="0")
    env.pop("KIVY_GL_BACKEND", None)
    with log.open("wb") as out:
        return await asyncio.create_subprocess_exec(*argv, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)


async def stop(process: asyncio.subprocess.Process) -> None:
    if process.returncode is None:
        process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(process.wait(), 15)
        except TimeoutError:
            process.kill()
            await process.wait()


async def install_enrolled(centre: Centre, root: Path, role: str, device: str, *more: str) -> int:
    code = await centre.code(device)
    return await asyncio.to_thread(install, [role, "--root", str(root), *more, "--server", centre.url, "--enrol", code])


def test_a_kiosk_installed_with_its_code_gets_its_configuration_from_the_server_and_issues_a_ticket(work: Path) -> None:
    root = work / "root"
    provide_commands(root)

    async def scenario(scanner: SimulatedScanner, scanner_url: str) -> None:
        async with running_centre(work, scanner_url) as centre:
            assert await install_enrolled(centre, root, "kiosk", "kiosk-1", "--files-only") == 0
            state = root / "var/lib/motcua/kiosk"
            (token,) = token_files(state)
            assert stat.S_IMODE(token.stat().st_mode) == 0o600 and stat.S_IMODE(state.stat().st_mode) == 0o700
            assert (state / "server").read_text().strip() == centre.url
            assert not list(root.rglob("*.toml"))  # no site file on the kiosk
            booking = await centre.book("HT", "2026-11-23T09:15:00+07:00")
            log = work / "kiosk.log"
            kiosk = await start_unit(root, "motcua-kiosk.service", log)
            try:
                await until(lambda: centre.connected("kiosk-1"), "hello as kiosk-1", kiosk, log)
                # the kiosk takes the booking's link only for the public URL the server's configuration
                # names, and prints in the folder that configuration names: it has received it
                await until(
                    lambda: centre.tickets(), "ticket", kiosk, log, again=lambda: scanner.scan(f"{PUBLIC_URL}/b/{booking}")
                )
                await until(lambda: list_jobs(work / "printer"), "printed ticket", kiosk, log)
            finally:
                await stop(kiosk)
            (ticket,) = centre.tickets()
            assert ticket["service"] == "HT" and ticket["appointment"] == booking
            (job,) = list_jobs(work / "printer")
            with Image.open(job.png) as image:
                assert image.width == 576  # the printer's width in the server's configuration
            decoded = subprocess.run(["zbarimg", "--quiet", "--raw", str(job.png)], capture_output=True, text=True)
            assert decoded.stdout.split() == [f"{PUBLIC_URL}/t/{ticket['code']}"]

    with SimulatedScanner(SimPaths.of("k1", work / "sim")) as scanner:
        asyncio.run(scenario(scanner, f"sim://k1?dir={work / 'sim'}"))


def test_a_board_installed_with_its_code_starts_from_its_state_folder_and_says_hello(work: Path) -> None:
    root = work / "root"
    provide_commands(root)

    async def scenario() -> None:
        async with running_centre(work) as centre:
            assert await install_enrolled(centre, root, "board", "board-hall", "--files-only") == 0
            log = work / "board.log"
            board = await start_unit(root, "motcua-board.service", log)
            try:
                await until(lambda: centre.connected("board-hall"), "hello as board-hall", board, log)
                assert "board-hall" in centre.server.hub.device_hellos
                await asyncio.sleep(2)
                assert board.returncode is None, log.read_text()[-3000:]  # it runs on its configuration
            finally:
                await stop(board)

    asyncio.run(scenario())


@pytest.mark.parametrize(("role", "device"), [("board", "board-hall"), ("pads", "pad-1")])
def test_a_board_and_a_pad_agent_enrol_at_install_into_their_state_folder_as_the_user_motcua(
    work: Path, capfd: pytest.CaptureFixture[str], role: str, device: str
) -> None:
    root = bare_machine(work / "root")
    provide_commands(root)

    async def scenario() -> None:
        async with running_centre(work) as centre:
            assert await install_enrolled(centre, root, role, device) == 0  # the systemd tools too

    asyncio.run(scenario())
    said = [line.split()[1] if line.startswith("+ ") else line.split(":")[0] for line in capfd.readouterr().out.splitlines()]
    steps = [w for w in said if w in ("systemd-sysusers", "systemd-tmpfiles", "enrolled", "systemctl")]
    assert steps[:4] == ["systemd-sysusers", "systemd-tmpfiles", "enrolled", "systemctl"]  # the unit after its token
    (user,) = [line for line in (root / "etc/passwd").read_text().splitlines() if line.startswith("motcua:")]
    uid, gid = (int(n) for n in user.split(":")[2:4])
    state = root / "var/lib/motcua" / role
    (token,) = token_files(state)
    assert stat.S_IMODE(token.stat().st_mode) == 0o600
    for path in (state, *state.rglob("*")):
        assert (path.stat().st_uid, path.stat().st_gid) == (uid, gid), path
    assert (root / f"etc/systemd/system/{'graphical' if role == 'board' else 'multi-user'}.target.wants/"
            f"motcua-{role}.service").is_symlink()  # fmt: skip


def test_a_refused_code_exits_2_with_the_servers_words_and_leaves_the_files_for_another_try(
    work: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    root = work / "root"

    async def scenario() -> None:
        async with running_centre(work) as centre:
            argv = ["kiosk", "--root", str(root), "--files-only", "--server", centre.url, "--enrol"]
            assert await asyncio.to_thread(install, [*argv, "ABCD-2345"]) == 2  # no venv in the root yet
            assert "motcua-kiosk is not there: install the project into /opt/motcua first" in capfd.readouterr().err
            provide_commands(root)
            assert await asyncio.to_thread(install, [*argv, "ABCD-2345"]) == 2
            err = capfd.readouterr().err
            assert "Mã đăng ký sai, đã dùng hoặc đã hết hạn" in err  # the server's words
            assert "kiosk not enrolled" in err and "--enrol NEWCODE again" in err
            assert (root / "etc/systemd/system/motcua-kiosk.service").is_file()
            assert token_files(root / "var/lib/motcua/kiosk") == []
            assert await asyncio.to_thread(install, [*argv, await centre.code("kiosk-1")]) == 0
            assert len(token_files(root / "var/lib/motcua/kiosk")) == 1

    asyncio.run(scenario())


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["server", "--enrol", "ABCD-2345"], "the server is not enrolled"),
        (["console", "--server", "ws://10.0.0.2:8765/", "--device", "counter-1", "--enrol", "ABCD-2345"],
         "console takes its code in the console page's set-up form"),
        (["kiosk", "--enrol", "ABCD-2345"], "--enrol CODE needs --server ws://HOST:PORT/"),
        (["pads", "--server", "ws://10.0.0.2:8765/", "--enrol", " "], "give the code"),
    ],
)  # fmt: skip
def test_enrol_with_the_wrong_role_or_without_the_server_is_a_usage_error_that_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], said: str
) -> None:
    with pytest.raises(SystemExit) as exit_:
        install([*argv, "--root", str(tmp_path)])
    assert exit_.value.code == 2 and said in capsys.readouterr().err
    assert not any(tmp_path.iterdir())
