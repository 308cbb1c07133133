"""A PostgreSQL cluster of our own, for the tests and the province demo: Debian's binaries,
a folder of ours, a port on 127.0.0.1 only (no Unix socket), started and stopped with
``pg_ctl`` — as the ``postgres`` user when we run as root, since PostgreSQL refuses to run
as root. Trust authentication: for tests and demos on this machine, never for a real
province (docs/province.md says how to set one up).

    cluster = Cluster.create()                 # a temp folder, a free port, initdb
    cluster = Cluster.create(Path("var/pg"), port=5433)   # kept: initdb only the first time
    cluster.start(); dsn = cluster.dsn("postgres")
    cluster.stop("immediate")                  # like a crash: no shutdown checkpoint
    cluster.destroy()
"""

from __future__ import annotations

import glob
import hashlib
import logging
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

USER = "motcua"
log = logging.getLogger(__name__)


def _bin_dir() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(p.split("/")[4]))
    if not found:
        raise RuntimeError("PostgreSQL is not installed: `make test` installs Debian's postgresql package")
    return Path(found[-1]).parent


def _reachable_by_postgres(folder: Path) -> bool:
    """Whether every existing folder above ``folder`` lets others through (o+x)."""
    for parent in [folder, *folder.parents]:
        if parent.exists():
            if parent != folder and not parent.stat().st_mode & 0o001:
                return False
    return True


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def home(root: Path) -> Path:
    """Where a cluster asked for at ``root`` lives: there, or — run as root, with a folder the
    postgres user cannot get to (under /root, a private temp folder) — a folder of the temp
    directory named after ``root``, so that the same ``root`` finds the same cluster again."""
    root = root.resolve()
    if os.geteuid() == 0 and not _reachable_by_postgres(root):
        return Path(tempfile.gettempdir()) / f"motcua-pg-{hashlib.sha1(str(root).encode()).hexdigest()[:12]}"
    return root


class Cluster:
    def __init__(self, root: Path, port: int) -> None:
        self.root = root
        self.data = root / "data"
        self.port = port
        self.bin = _bin_dir()

    @classmethod
    def create(cls, root: Path | None = None, port: int | None = None) -> Cluster:
        if root is None:
            root = Path(tempfile.mkdtemp(prefix="motcua-pg-"))
        asked, root = root.resolve(), home(root)
        if root != asked:
            log.warning("the postgres user cannot reach %s: the cluster lives in %s", asked, root)
        root.mkdir(parents=True, exist_ok=True)
        cluster = cls(root.resolve(), port or _free_port())
        if os.geteuid() == 0:
            shutil.chown(root, "postgres", "postgres")
        if not (cluster.data / "PG_VERSION").exists():
            cluster._run("initdb", "-D", str(cluster.data), "-U", USER, "--auth=trust", "-E", "UTF8", "--no-locale")
        return cluster

    def _run(self, tool: str, *args: str) -> subprocess.CompletedProcess[str]:
        command = [str(self.bin / tool), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"{tool} failed ({done.returncode}): {done.stderr.strip() or done.stdout.strip()}")
        return done

    def start(self) -> None:
        options = f"-p {self.port} -c unix_socket_directories='' -c listen_addresses=127.0.0.1 -c max_connections=200"
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.root / "log"), "-w", "-t", "60", "start")

    def stop(self, mode: str = "fast") -> None:
        """``fast`` is a clean shutdown; ``immediate`` is a crash (recovery at the next start)."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop")

    def running(self) -> bool:
        command = [str(self.bin / "pg_ctl"), "-D", str(self.data), "status"]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, capture_output=True).returncode == 0

    def create_database(self, name: str) -> str:
        """Make the database ``name`` if it is not there; its DSN."""
        import psycopg

        with psycopg.connect(self.dsn(), autocommit=True) as conn:
            if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
                conn.execute(f'CREATE DATABASE "{name}"')
        return self.dsn(name)

    def dsn(self, database: str = "postgres", user: str = USER) -> str:
        return f"postgresql://{user}@127.0.0.1:{self.port}/{database}"

    def destroy(self) -> None:
        if self.running():
            self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)
