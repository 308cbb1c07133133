"""``motcua-central demo`` (``make province``): a province on this machine in one step.

A PostgreSQL cluster of its own in ``var/province/pg`` (Debian's postgresql, ``initdb`` the
first time, as the ``postgres`` user when run as root; ``max_connections`` left at 100) with
Debian's PgBouncer in front of it in transaction pooling, as a province runs it (the sites and
the province server connect through the pooler), and a province of the 2025 map shipping to
it — Tây Ninh (code 80): no district, its provincial centre (``assets/demo.toml``), the
centres of a ward (Phường Gò Dầu, 25654) and of a commune (Xã Dương Minh Châu, 25552), and
the commune's two receiving points, each its own ``motcua-server`` with its real codes and
kind (:data:`SITES`; the four written from ``assets/demo-commune.toml``) — the province server
on http://127.0.0.1:8780/province, and a little traffic at every site (citizens taking
numbers, officers calling and completing them) so that the figures move. Ctrl-C stops it all.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import random
import re
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from province.cluster import Cluster, Pooler
from province.config import parse_province
from province.database import Database
from province.server import Province, run
from queue_server.protocol.client import QueueClient, RequestFailed

log = logging.getLogger(__name__)
ASSETS = Path(__file__).resolve().parents[1] / "assets"
DATABASE = "motcua"


PROVINCE_CODE = "80"  # Tỉnh Tây Ninh on the 2025 map
COMMUNE_ASSET = "demo-commune.toml"
# the demo's sites' [central] start_spread_seconds: five sites need no spread of their first logins
START_SPREAD_SECONDS = 0


@dataclass(frozen=True)
class DemoSite:
    """A demo site: where its file comes from, where it stands on the map, and who works there
    (the demo's traffic: a kiosk takes numbers, the officer at counter 1 calls them)."""

    site: str
    name: str
    kind: str  # [site] kind
    ward_code: str | None  # [site] ward_code on the 2025 map (the provincial centre: none)
    commune: str | None = None  # a receiving point's commune centre
    address: str = ""
    asset: str = COMMUNE_ASSET
    services: tuple[str, ...] = ("HT", "DD", "CC")
    user: str = "an.pham"
    pin: str = "2001"

    @property
    def kiosk_token(self) -> str:
        return "demo-kiosk-1-token" if self.asset == "demo.toml" else f"demo-{self.site}-kiosk-token"

    @property
    def counter_token(self) -> str:
        return "demo-counter-1-token" if self.asset == "demo.toml" else f"demo-{self.site}-counter-1-token"


SITES = (
    DemoSite("tayninh-hcc", "Trung tâm Phục vụ hành chính công tỉnh Tây Ninh", "centre", None, asset="demo.toml",
             user="lan.nguyen", pin="1001"),
    DemoSite("phuong-go-dau", "Trung tâm Phục vụ hành chính công phường Gò Dầu", "ward", "25654",
             address="Khu phố Thanh Hà, phường Gò Dầu, tỉnh Tây Ninh"),
    DemoSite("xa-duong-minh-chau", "Trung tâm Phục vụ hành chính công xã Dương Minh Châu", "commune", "25552",
             address="Khu phố 1, xã Dương Minh Châu, tỉnh Tây Ninh"),
    DemoSite("duong-minh-chau-suoi-da", "Điểm tiếp nhận Suối Đá", "point", "25552", commune="xa-duong-minh-chau",
             address="Ấp Phước Bình, xã Dương Minh Châu, tỉnh Tây Ninh"),
    DemoSite("duong-minh-chau-phan", "Điểm tiếp nhận Phan", "point", "25552", commune="xa-duong-minh-chau",
             address="Ấp Phước Lợi, xã Dương Minh Châu, tỉnh Tây Ninh"),
)  # fmt: skip
COMMUNE_SITES = [s.site for s in SITES if "xa-duong-minh-chau" in (s.site, s.commune)]

PROVINCE = """\
# Written by `motcua-central demo` — DEMO ONLY, every token below is public.
[province]
name = "Tỉnh Tây Ninh (demo)"
dsn = "{dsn}"

[[manager]]
user = "giam.doc"
name = "Trần Văn Giám (demo)"
token = "demo-province-token"
sites = ["*"]

[[manager]]
user = "xa.duong.minh.chau"
name = "Lê Thị Xã (demo)"
token = "demo-commune-token"
sites = {commune_sites}
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="motcua-central demo", description=__doc__.split("\n\n")[0])
    parser.add_argument("--dir", default="var/province", help="where the cluster, the sites' files and logs go")
    parser.add_argument("--pg-port", type=int, default=5433, help="the cluster's port (default 5433)")
    parser.add_argument("--pooler-port", type=int, default=0, help="PgBouncer's port (default: a free one)")
    parser.add_argument("--port", type=int, default=8780, help="the province server's port (default 8780)")
    parser.add_argument(
        "--site-ports", default="8765,8766,8767,8768,8769", help=f"the {len(SITES)} sites' ports (default 8765,8766,8767,8768,8769)"
    )
    parser.add_argument("--traffic-seconds", type=float, default=4.0, help="a new citizen at each site about this often (0: none)")
    return parser


def main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    folder = Path(args.dir).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    ports = [int(p) for p in args.site_ports.split(",") if p.strip()]
    if len(ports) != len(SITES):
        print(f"motcua-central demo: --site-ports needs {len(SITES)} ports, one a site ({', '.join(s.site for s in SITES)})", file=sys.stderr)
        return 2
    cluster = Cluster.create(folder / "pg", args.pg_port)
    if not cluster.running():
        cluster.start()
    processes: list[subprocess.Popen[bytes]] = []
    pooler: Pooler | None = None
    try:
        cluster.create_database(DATABASE)
        pooler = Pooler.create(cluster, port=args.pooler_port or None, pool_size=10)
        pooler.start()
        dsn = pooler.dsn(DATABASE)  # every client through the pooler: at most 10 server connections
        started = []
        for site, port in zip(SITES, ports, strict=True):  # all at once, then each waited for
            started.append(_start_site(folder, site, port, dsn))
            processes.append(started[-1][0])
        for site, port, (process, log_file, start) in zip(SITES, ports, started, strict=True):
            _wait_listening(site, port, process, log_file, start)
            _wait_healthy(f"http://127.0.0.1:{port}/healthz", process)
        province = PROVINCE.format(dsn=dsn, commune_sites="[" + ", ".join(f'"{s}"' for s in COMMUNE_SITES) + "]")
        (folder / "province.toml").write_text(province, encoding="utf-8")
        config = parse_province((folder / "province.toml").read_text(encoding="utf-8"), str(folder / "province.toml"))
        running = (
            f"\nThe province demo is running (Ctrl-C stops it):\n"
            f"  province dashboard  http://127.0.0.1:{args.port}/province   token demo-province-token"
            f" (or demo-commune-token: Xã Dương Minh Châu and its receiving points)\n"
            + "".join(
                f"  {s.kind:<7} {s.site:<24} http://127.0.0.1:{p}/dashboard   token {_manager_token(s)}\n"
                for s, p in zip(SITES, ports, strict=True)
            )
            + f"  PgBouncer           127.0.0.1:{pooler.port} (transaction pooling) → PostgreSQL 127.0.0.1:{cluster.port}\n"
            + f"  files               {folder}\n"
        )
        asyncio.run(_serve(config, args.port, ports, args.traffic_seconds, running))
    except KeyboardInterrupt:
        pass
    except DemoFailed as exc:
        print(f"motcua-central demo: {exc}", file=sys.stderr, flush=True)
        return 1
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(10)
        if pooler is not None:
            pooler.stop()
        if cluster.running():
            cluster.stop()
    return 0


class DemoFailed(RuntimeError):
    """A part of the demo did not come up: the demo stops, saying which and why."""


def site_file(site: DemoSite, port: int) -> str:
    """The site's file: ``assets/demo.toml`` as it is, or a ward's, commune's or receiving
    point's written from ``assets/demo-commune.toml`` (its [site] table, its own public tokens)."""
    text = (ASSETS / site.asset).read_text(encoding="utf-8")
    if site.asset == "demo.toml":
        return text
    lines = [
        f"# Written by motcua-central demo from assets/{COMMUNE_ASSET} — DEMO ONLY, every token below is public.",
        "[site]",
        f'id = "{site.site}"',
        f'name = "{site.name}"',
        f'kind = "{site.kind}"',
        *([f'commune = "{site.commune}"'] if site.commune else []),
        f'province_code = "{PROVINCE_CODE}"',
        f'ward_code = "{site.ward_code}"',
        f'address = "{site.address}"',
        'timezone = "Asia/Ho_Chi_Minh"',
        'language = "vi"',
        f'public_url = "http://127.0.0.1:{port}"',
        f'server_url = "ws://127.0.0.1:{port}/"',
        "",
        "",
    ]
    return "\n".join(lines) + re.sub(r'^token = "demo-commune-', f'token = "demo-{site.site}-', text, flags=re.MULTILINE)


def _manager_token(site: DemoSite) -> str:
    return "demo-manager-token" if site.asset == "demo.toml" else f"demo-{site.site}-manager-token"


def _start_site(folder: Path, site: DemoSite, port: int, dsn: str) -> tuple[subprocess.Popen[bytes], Path, int]:
    """The site's ``motcua-server``, its log file and where in it this run begins."""
    text = site_file(site, port)
    text += (
        "\n# Added by motcua-central demo: ship the log to the demo province, from the start (the\n"
        "# spread of a province's many sites' first logins, 3 s by default, only kept the demo waiting).\n"
        f'[central]\ndsn = "{dsn}"\nstart_spread_seconds = {START_SPREAD_SECONDS}\n'
    )
    config = folder / f"{site.site}.toml"
    config.write_text(text, encoding="utf-8")
    log_path = folder / f"{site.site}.log"
    with log_path.open("ab") as log_file:
        start = log_file.tell()
        process = subprocess.Popen(
            [sys.executable, "-m", "queue_server.cli", "--config", str(config), "--db", str(folder / f"{site.site}.db"), "--port", str(port)],
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    return process, log_path, start


def _wait_listening(site: DemoSite, port: int, process: subprocess.Popen[bytes], log_path: Path, start: int, timeout: float = 60) -> None:
    """Until the site's own server says it listens on its port (the line ``motcua-server``
    prints once bound): not whatever else answers there. Raises :class:`DemoFailed` if it
    exits first (the port taken by another lobby, say) or says nothing in ``timeout`` s."""
    bound = f"listening on ws://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while True:
        with log_path.open("rb") as log_file:
            log_file.seek(start)
            said = log_file.read().decode("utf-8", "replace")
        if bound in said:
            return
        if process.poll() is not None:
            last = next((line for line in reversed(said.splitlines()) if line.strip()), "")
            raise DemoFailed(
                f"the site {site.site} did not start on port {port} (it exited with {process.returncode}: {last.strip()})."
                f" Is the port taken, by another lobby perhaps? Choose others with --site-ports; its log: {log_path}"
            )
        if time.monotonic() > deadline:
            raise DemoFailed(f"the site {site.site} said nothing of port {port} in {timeout:.0f} s; its log: {log_path}")
        time.sleep(0.1)


def _wait_healthy(url: str, process: subprocess.Popen[bytes], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        with contextlib.suppress(OSError):
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return
        time.sleep(0.2)
    raise DemoFailed(f"no answer from {url} after {timeout:.0f} s" if process.poll() is None else f"the site at {url} exited with {process.returncode}")


async def _serve(config, port: int, site_ports: list[int], every: float, running: str) -> None:
    """The province server; once it listens, ``running`` said and the traffic started."""
    traffic: list[asyncio.Task[None]] = []

    def ready(server: object) -> None:
        print(running, flush=True)
        if every > 0:
            traffic.extend(asyncio.create_task(_traffic(site, p, every)) for site, p in zip(SITES, site_ports, strict=True))

    try:
        await run(Province(config, Database(config.dsn)), "127.0.0.1", port, ready)
    except OSError as exc:
        raise DemoFailed(f"the province server could not listen on port {port} ({exc.strerror}); choose another with --port") from None
    finally:
        for task in traffic:
            task.cancel()


async def _traffic(site: DemoSite, port: int, every: float) -> None:
    """Citizens take numbers now and then; the officer at counter 1 calls and completes."""
    url = f"ws://127.0.0.1:{port}/"
    kiosk = QueueClient(url, token=site.kiosk_token)
    counter = QueueClient(url, token=site.counter_token)
    tasks = [asyncio.create_task(kiosk.run()), asyncio.create_task(counter.run())]
    rng = random.Random(site.site)
    try:
        await kiosk.wait_connected(10)
        await counter.wait_connected(10)
        with contextlib.suppress(RequestFailed):
            await counter.request("officer.sign_in", user=site.user, pin=site.pin)
            await counter.request("counter.open")
        serving = False
        while True:
            await asyncio.sleep(rng.uniform(0.5, 1.5) * every)
            with contextlib.suppress(RequestFailed):
                await kiosk.request("ticket.issue", service=rng.choice(site.services))
            with contextlib.suppress(RequestFailed):
                if serving:
                    await counter.request("ticket.complete")
                    serving = False
                elif rng.random() < 0.6:
                    await counter.request("ticket.call_next")
                    serving = True
    finally:
        await kiosk.close()
        await counter.close()
        for task in tasks:
            task.cancel()
