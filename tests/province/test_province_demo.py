"""`make province` as a newcomer runs it: one command, a cluster of its own, a province of the
2025 map shipping (a provincial centre, a ward's and a commune's centre, the commune's two
receiving points: no district), the province dashboard showing them grouped and named from the
map with figures that move; Ctrl-C stops it all."""

from __future__ import annotations

import asyncio
import json
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from province.cluster import home
from queue_server.config.site import parse_config
from tests.integration.client import Client
from tests.support.demo import DEMO
from tests.support.ports import free_port
from tests.support.servers import ServerProcess
from tests.web.conftest import new_browser, screenshot
from tests.web.pages import click, type_into, wait

COMMUNE = ["xa-duong-minh-chau", "duong-minh-chau-suoi-da", "duong-minh-chau-phan"]  # what demo-commune-token sees


def _page_groups(port: int, tmp_path: Path) -> list[str]:
    """The province page in Chromium, as the director signs in: its groups' titles."""
    driver = new_browser(tmp_path)
    try:
        driver.get(f"http://127.0.0.1:{port}/province")
        type_into(driver, "#device-token", "demo-province-token")
        click(driver, "#token-save")
        wait(driver, "#live-summary", "Đang hiện 5 / 5 đơn vị")
        wait(driver, '#sites tr[data-site="phuong-go-dau"] .unit', "Phường Gò Dầu")  # its ward, named from the map
        screenshot(driver, "province-demo-2025")
        # in one reading: the table is drawn again every 5 s
        return list(driver.execute_script("return [...document.querySelectorAll('#sites tr.group')].map((g) => g.textContent)"))
    finally:
        driver.quit()


def test_the_demo_province_comes_up_with_its_2025_sites_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    from province.demo import SITES, START_SPREAD_SECONDS

    folder = tmp_path / "province"
    port, pg_port = free_port(), free_port()
    site_ports = [free_port() for _ in SITES]
    demo = subprocess.Popen(
        [sys.executable, "-m", "province.cli", "demo", "--dir", str(folder), "--pg-port", str(pg_port),
         "--port", str(port), "--site-ports", ",".join(map(str, site_ports)), "--traffic-seconds", "0.3"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as response:
                    if json.load(response)["status"] == "ok":
                        break
            except OSError:
                time.sleep(0.3)
            assert demo.poll() is None, demo.stdout.read().decode() if demo.stdout else ""

        async def look() -> tuple[list[str], list[str], list[dict]]:
            client = await Client.open(f"ws://127.0.0.1:{port}/")
            seen = (await client.ok("hello", token="demo-province-token"))["sites"]
            sites = (await client.ok("province.live"))["sites"]
            commune = await Client.open(f"ws://127.0.0.1:{port}/")
            commune_seen = (await commune.ok("hello", token="demo-commune-token"))["sites"]
            await client.close()
            await commune.close()
            return seen, commune_seen, sites

        # each site is seen once it has shipped (at once: the demo's sites have no spread of
        # their first connection); a few citizens at each, its counter open, once the
        # province's board has counted again (every 5 s: province/board.py) — the wait is that
        deadline = time.monotonic() + 60
        while True:
            seen, commune_seen, sites = asyncio.run(look())
            moving = len(sites) == len(SITES) and all(s["issued"] > 0 and s["counters_open"] == 1 for s in sites)
            if moving or time.monotonic() > deadline:
                break
            time.sleep(0.3)
        assert sorted(seen) == sorted(COMMUNE + ["phuong-go-dau", "tayninh-hcc"])
        assert sorted(commune_seen) == sorted(COMMUNE)
        for site in SITES:  # the demo's sites ship from the start (the production default: 3 s)
            central = parse_config((folder / f"{site.site}.toml").read_text(encoding="utf-8")).central
            assert central is not None and central.start_spread_seconds == START_SPREAD_SECONDS == 0
        placed = {s["site"]: (s["name"], s["kind"], s["commune"], s["province_code"], s["ward_code"], s["unit"]) for s in sites}
        assert placed == {
            "tayninh-hcc": ("Trung tâm Phục vụ hành chính công tỉnh Tây Ninh", "centre", None, "80", None, None),
            "phuong-go-dau": ("Trung tâm Phục vụ hành chính công phường Gò Dầu", "ward", None, "80", "25654", "Phường Gò Dầu"),
            "xa-duong-minh-chau": ("Trung tâm Phục vụ hành chính công xã Dương Minh Châu", "commune", None, "80", "25552", "Xã Dương Minh Châu"),
            "duong-minh-chau-suoi-da": ("Điểm tiếp nhận Suối Đá", "point", "xa-duong-minh-chau", "80", "25552", "Xã Dương Minh Châu"),
            "duong-minh-chau-phan": ("Điểm tiếp nhận Phan", "point", "xa-duong-minh-chau", "80", "25552", "Xã Dương Minh Châu"),
        }, "the 2025 map: no district, every site with its real codes and kind"
        assert all(s["issued"] > 0 and s["counters_open"] == 1 for s in sites), sites
        groups = _page_groups(port, tmp_path)
        assert groups == ["Trung tâm tỉnh (1)", "Phường (1)", "Xã (1)", "Điểm tiếp nhận của Xã Dương Minh Châu (2)"], groups
    finally:
        demo.send_signal(signal.SIGINT)
        out = demo.communicate(timeout=60)[0].decode()
        pooler_left = (home(folder / "pg") / "pgbouncer" / "pgbouncer.pid").exists()  # PgBouncer removes it as it stops
        shutil.rmtree(home(folder / "pg"), ignore_errors=True)  # the demo keeps its cluster; a test does not
    assert demo.returncode == 0, out
    assert "PgBouncer" in out and not pooler_left  # the sites went through the pooler, stopped with the rest
    assert f"http://127.0.0.1:{port}/province" in out and "demo-province-token" in out
    for stopped in (pg_port, *site_ports):  # the cluster and every site
        with socket.socket() as probe:
            assert probe.connect_ex(("127.0.0.1", stopped)) != 0, f"something still listens on port {stopped}"


def test_the_demo_stops_and_says_why_when_a_sites_port_is_taken(tmp_path: Path) -> None:
    """Another lobby (the demo centre of `make run`) already on the first site's port: the
    demo's own site cannot listen there. The demo says so and stops — it never says
    "running", nor sends its traffic into the lobby that was there."""
    occupant = ServerProcess(DEMO, tmp_path / "occupant.db").start()
    folder = tmp_path / "province"
    port, pg_port, *others = (free_port() for _ in range(6))
    try:
        demo = subprocess.Popen(
            [sys.executable, "-m", "province.cli", "demo", "--dir", str(folder), "--pg-port", str(pg_port),
             "--port", str(port), "--site-ports", ",".join(map(str, [occupant.port, *others])), "--traffic-seconds", "0.1"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        assert demo.stdout is not None
        said = ""
        for line in demo.stdout:  # to its end (the demo exits), or to a "running" it must not say
            said += line
            if "running" in line:
                for _ in range(3):  # the traffic's first tickets, wherever they go
                    said += demo.stdout.readline()
                demo.send_signal(signal.SIGINT)
                break
        out, errors = demo.communicate(timeout=60)
        said, errors = said + out, errors or ""
        assert occupant.writable()  # the lobby that was there still is
    finally:
        occupant.stop()
        shutil.rmtree(home(folder / "pg"), ignore_errors=True)
    assert demo.returncode == 1 and "running" not in said, said + errors
    assert f"the site tayninh-hcc did not start on port {occupant.port}" in errors, errors
    assert "--site-ports" in errors
    with sqlite3.connect(tmp_path / "occupant.db") as conn:
        assert conn.execute("SELECT count(*) FROM tickets").fetchone() == (0,)
    for stopped in (pg_port, *others, port):  # the cluster, the other sites, the province: none left
        with socket.socket() as probe:
            assert probe.connect_ex(("127.0.0.1", stopped)) != 0, f"something still listens on port {stopped}"
