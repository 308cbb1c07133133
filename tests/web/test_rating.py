"""The rating flow against a real server: the pad agent (a subprocess) with a simulated pad
bus on a real pty arms the counter's pad on Complete (done from the console in Chromium),
takes the first press once, times out, reports the bus going away; the on-screen rating
tablet rates too; the ratings show in the manager's report."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support.demo import DEMO_TOKENS
from tests.web.conftest import ROOT, Listener, Server, new_browser, screenshot
from tests.web.pages import click, enter_token, sign_in, text_of, wait

TIMEOUT = 4  # seconds a pad stays armed in this test (30 by default)


def sim_pad(sim_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hardware.cli", "sim-pad", "--name", "pads", "--dir", str(sim_dir), *args],
        cwd=ROOT, capture_output=True, text=True, timeout=20, check=True,
    )


def start_sim_bus(sim_dir: Path, log: Path) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [sys.executable, "-m", "hardware.cli", "sim-pad", "--name", "pads", "--dir", str(sim_dir)],
        cwd=ROOT, stdout=log.open("a"), stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 10
    while not (sim_dir / "pads.sock").exists():
        assert process.poll() is None and time.monotonic() < deadline, log.read_text()
        time.sleep(0.05)
    return process


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def sim_dir(tmp_path: Path) -> Path:
    path = tmp_path / "sim"
    path.mkdir()
    return path


def test_a_pad_press_after_complete_is_recorded_once_and_shows_in_the_report(
    tmp_path: Path, sim_dir: Path, listeners: list[Listener], browsers: list
) -> None:
    bus = start_sim_bus(sim_dir, tmp_path / "sim.log")
    server = Server(tmp_path, sim_dir=sim_dir)
    agent_log = tmp_path / "agent.log"
    agent = subprocess.Popen(
        [sys.executable, "-m", "pad_agent", "--config", str(server.config), "--server", server.ws_url,
         "--timeout", str(TIMEOUT), "-v"],
        cwd=ROOT, stdout=agent_log.open("w"), stderr=subprocess.STDOUT,
    )
    try:
        manager = Listener(server.ws_url, token=DEMO_TOKENS["manager"])
        kiosk = Listener(server.ws_url, token=DEMO_TOKENS["kiosk-1"])
        listeners += [manager, kiosk]
        for _ in range(3):
            kiosk.request("ticket.issue", service="HT")

        console = new_browser()
        browsers.append(console)
        console.get(f"{server.url}/console?device=counter-1")
        enter_token(console, "counter-1")
        sign_in(console, "lan.nguyen", "1001")
        click(console, "#open")
        wait_for_log(agent_log, "pad bus")  # the agent is connected and watching its bus

        sim_pad(sim_dir, "--press", "4", "--address", "1")  # nobody to rate yet: ignored
        click(console, "#call-next")
        wait(console, "#current-label", "A001")
        click(console, "#complete")
        first = manager.wait_for("ticket.completed", label="A001")["ticket"]
        wait_for_log(agent_log, "armed for A001")

        sim_pad(sim_dir, "--press", "4", "--address", "1")
        rating = manager.wait_for("rating.recorded", ticket=first)
        assert rating["score"] == 4 and rating["source"] == "pad-1" and rating["counter"] == 1
        sim_pad(sim_dir, "--press", "1", "--address", "1")  # a second press: no second rating
        sim_pad(sim_dir, "--press", "2", "--address", "3")  # another counter's pad, not armed
        wait_for_log(agent_log, "pad 1: key 1 ignored")  # the agent's word on each press comes first
        wait_for_log(agent_log, "pad 3: key 2 ignored")
        assert manager.count("rating.recorded") == 1

        # the on-screen tablet of counter 1 rates the next ticket; the pad is then disarmed
        tablet = new_browser(width=1280, height=800)
        browsers.append(tablet)
        tablet.get(f"{server.url}/rate?device=pad-1&timeout=60")
        enter_token(tablet, "pad-1")
        wait(tablet, "#idle", "Quầy 1")
        screenshot(tablet, "rate-tablet-idle")
        click(console, "#call-next")
        wait(console, "#current-label", "A002")
        click(console, "#complete")
        second = manager.wait_for("ticket.completed", label="A002")["ticket"]
        wait(tablet, "#ask", "A002")
        screenshot(tablet, "rate-tablet-asking")
        click(tablet, 'button[data-score="3"]')
        wait(tablet, "#thanks")
        screenshot(tablet, "rate-tablet-thanks")
        assert manager.wait_for("rating.recorded", ticket=second)["score"] == 3
        sim_pad(sim_dir, "--press", "1", "--address", "1")
        wait_for_log(agent_log, "pad 1: key 1 ignored", count=2)
        assert manager.count("rating.recorded", ticket=second) == 1

        # nobody presses within the timeout: the pad disarms and a late press rates nothing
        click(console, "#call-next")
        wait(console, "#current-label", "A003")
        click(console, "#complete")
        manager.wait_for("ticket.completed", label="A003")
        wait_for_log(agent_log, "nobody rated", timeout=TIMEOUT + 5)
        sim_pad(sim_dir, "--press", "2", "--address", "1")
        wait_for_log(agent_log, "pad 1: key 2 ignored")
        assert manager.count("rating.recorded") == 2

        report = manager.request("report.get", by="counter")["report"]
        assert report["total"]["ratings"] == {"4": 1, "3": 1, "2": 0, "1": 0}
        assert report["total"]["satisfaction_index"] == 83.3  # (100 + 66.7) / 2
        counter_1 = next(row for row in report["rows"] if row["key"] == 1)
        assert counter_1["served"] == 3 and counter_1["rating_count"] == 2

        # the dashboard's report shows it
        dashboard = new_browser()
        browsers.append(dashboard)
        dashboard.get(f"{server.url}/dashboard")
        enter_token(dashboard, "manager")
        click(dashboard, "#tab-reports")
        wait(dashboard, "#report-satisfaction", "83,3")
        assert "Rất hài lòng" in text_of(dashboard, "#report-table")

        # the pad bus goes away: the agent reports it, the dashboard shows it
        stop(bus)
        fault = manager.wait_for("device.status", device="pad-1", ok=False, timeout=10)
        assert fault["component"] == "pad" and fault["detail"] == "offline"
        click(dashboard, "#tab-live")
        wait(dashboard, "#alarms", "Bàn phím đánh giá")
        screenshot(dashboard, "dashboard-pad-fault")
        bus = start_sim_bus(sim_dir, tmp_path / "sim.log")
        manager.wait_for("device.status", device="pad-1", ok=True, timeout=15)
    finally:
        for listener in listeners:
            listener.close()
        listeners.clear()
        stop(agent)
        stop(bus)
        server.stop()


def test_the_tablet_waits_as_long_as_its_pad_device_says(server: Server, listeners: list[Listener], browsers: list) -> None:
    """pad-3 sets timeout_seconds = 45 in the demo: that, not the address's ?timeout=, counts;
    pad-1 sets none: its ?timeout= counts (the default for pads without the option)."""
    kiosk = Listener(server.ws_url, token=DEMO_TOKENS["kiosk-1"])
    counter = Listener(server.ws_url, token=DEMO_TOKENS["counter-3"])
    listeners += [kiosk, counter]
    kiosk.request("ticket.issue", service="DD")
    tablet = new_browser(width=1280, height=800)
    browsers.append(tablet)
    tablet.get(f"{server.url}/rate?device=pad-3&timeout=10")
    enter_token(tablet, "pad-3")
    wait(tablet, "#idle", "Quầy 3")
    counter.request("officer.sign_in", user="hung.tran", pin="1002")
    counter.request("counter.open")
    counter.request("ticket.call_next")
    counter.request("ticket.complete")
    wait(tablet, "#ask", "B001")
    seconds = int(text_of(tablet, "#countdown").split()[1])
    assert 40 <= seconds <= 45, seconds

    other = new_browser(width=1280, height=800)
    browsers.append(other)
    other.get(f"{server.url}/rate?device=pad-1&timeout=12")
    enter_token(other, "pad-1")
    wait(other, "#idle", "Quầy 1")
    kiosk.request("ticket.issue", service="HT")
    officer = Listener(server.ws_url, token=DEMO_TOKENS["counter-1"])
    listeners.append(officer)
    officer.request("officer.sign_in", user="lan.nguyen", pin="1001")
    officer.request("counter.open")
    officer.request("ticket.call_next")
    officer.request("ticket.complete")
    wait(other, "#ask", "A001")
    seconds = int(text_of(other, "#countdown").split()[1])
    assert 8 <= seconds <= 12, seconds


def wait_for_log(path: Path, text: str, timeout: float = 10, count: int = 1) -> None:
    """Until ``text`` stands ``count`` times in the log (a condition, polled; never a bare sleep)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.read_text().count(text) >= count:
            return
        time.sleep(0.05)
    raise AssertionError(f"{text!r} not in the log {path}:\n{path.read_text()}")
