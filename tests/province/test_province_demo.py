"""`make province` as a newcomer runs it: one command, a cluster of its own, two demo sites
shipping, the province dashboard showing both with figures that move; Ctrl-C stops it all."""

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
from tests.integration.client import Client
from tests.support.demo import DEMO
from tests.support.ports import free_port
from tests.support.servers import ServerProcess


def test_the_demo_province_comes_up_with_two_sites_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    folder = tmp_path / "province"
    port, pg_port, a, b = (free_port() for _ in range(4))
    demo = subprocess.Popen(
        [sys.executable, "-m", "province.cli", "demo", "--dir", str(folder), "--pg-port", str(pg_port),
         "--port", str(port), "--site-ports", f"{a},{b}", "--traffic-seconds", "0.3"],
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

        async def look() -> list[dict]:
            client = await Client.open(f"ws://127.0.0.1:{port}/")
            hello = await client.ok("hello", token="demo-province-token")
            assert sorted(hello["sites"]) == ["huyen-go-dau", "tayninh-hcc"]
            sites = (await client.ok("province.live"))["sites"]
            district = await Client.open(f"ws://127.0.0.1:{port}/")
            assert (await district.ok("hello", token="demo-district-token"))["sites"] == ["huyen-go-dau"]
            await client.close()
            await district.close()
            return sites

        deadline = time.monotonic() + 30  # a few citizens at each site, its counter open
        while True:
            sites = asyncio.run(look())
            moving = len(sites) == 2 and all(s["issued"] > 0 and s["counters_open"] == 1 for s in sites)
            if moving or time.monotonic() > deadline:
                break
            time.sleep(0.3)
        assert {s["name"] for s in sites} == {
            "Trung tâm Phục vụ hành chính công tỉnh Tây Ninh",
            "Bộ phận Một cửa UBND huyện Gò Dầu",
        }
        assert all(s["issued"] > 0 and s["counters_open"] == 1 for s in sites), sites
        page = urllib.request.urlopen(f"http://127.0.0.1:{port}/province", timeout=5).read().decode()
        assert "province.js" in page
    finally:
        demo.send_signal(signal.SIGINT)
        out = demo.communicate(timeout=60)[0].decode()
        pooler_left = (home(folder / "pg") / "pgbouncer" / "pgbouncer.pid").exists()  # PgBouncer removes it as it stops
        shutil.rmtree(home(folder / "pg"), ignore_errors=True)  # the demo keeps its cluster; a test does not
    assert demo.returncode == 0, out
    assert "PgBouncer" in out and not pooler_left  # the sites went through the pooler, stopped with the rest
    assert f"http://127.0.0.1:{port}/province" in out and "demo-province-token" in out
    for stopped in (pg_port, a, b):  # the cluster and both sites
        with socket.socket() as probe:
            assert probe.connect_ex(("127.0.0.1", stopped)) != 0, f"something still listens on port {stopped}"


def test_the_demo_stops_and_says_why_when_a_sites_port_is_taken(tmp_path: Path) -> None:
    """Another lobby (the demo centre of `make run`) already on the first site's port: the
    demo's own site cannot listen there. The demo says so and stops — it never says
    "running", nor sends its traffic into the lobby that was there."""
    occupant = ServerProcess(DEMO, tmp_path / "occupant.db").start()
    folder = tmp_path / "province"
    port, pg_port, b = (free_port() for _ in range(3))
    try:
        demo = subprocess.Popen(
            [sys.executable, "-m", "province.cli", "demo", "--dir", str(folder), "--pg-port", str(pg_port),
             "--port", str(port), "--site-ports", f"{occupant.port},{b}", "--traffic-seconds", "0.1"],
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
    for stopped in (pg_port, b, port):  # the cluster, the other site, the province: none left
        with socket.socket() as probe:
            assert probe.connect_ex(("127.0.0.1", stopped)) != 0, f"something still listens on port {stopped}"
