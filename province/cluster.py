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

    pooler = Pooler.create(cluster)            # PgBouncer in transaction pooling in front of it
    pooler.start(); dsn = pooler.dsn("postgres")   # every client through it: a few server connections
    pooler.stop()

``max_connections`` is left at PostgreSQL's default (100) unless asked: the sites reach the
cluster through the pooler, as in a province (docs/province.md, "Connections: PgBouncer").
"""

from __future__ import annotations

import glob
import hashlib
import logging
import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
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

    def start(self, max_connections: int | None = None) -> None:
        """Start it; ``max_connections`` left at PostgreSQL's default (100) unless given."""
        options = f"-p {self.port} -c unix_socket_directories='' -c listen_addresses=127.0.0.1"
        if max_connections is not None:
            options += f" -c max_connections={max_connections}"
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


PGBOUNCER = Path("/usr/sbin/pgbouncer")  # Debian's pgbouncer package (the Makefile's DEB_PACKAGES)

POOLER_INI = """\
; Written by province/cluster.py Pooler: a test's or the demo's pooler (docs/province.md has a province's).
[databases]
* = host=127.0.0.1 port={cluster_port}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {port}
unix_socket_dir =
pool_mode = transaction
default_pool_size = {pool_size}
reserve_pool_size = 0
max_client_conn = {max_clients}
max_db_connections = {pool_size}
server_idle_timeout = 30
server_reset_query =
auth_type = scram-sha-256
auth_file = {folder}/userlist.txt
auth_user = {user}
admin_users = {user}
stats_users = {user}
ignore_startup_parameters = extra_float_digits
logfile = {folder}/pgbouncer.log
pidfile = {folder}/pgbouncer.pid
"""


class Pooler:
    """Debian's PgBouncer in transaction pooling in front of a :class:`Cluster`, on a free port
    of 127.0.0.1: at most ``pool_size`` server connections a database, however many clients.

    Clients log in with SCRAM: the cluster's owner by the password this pooler gave it (in
    its ``userlist.txt``, and ``auth_user``), every other role by its own PostgreSQL password,
    which PgBouncer looks up in the cluster (``auth_query``): a site's role made after the
    pooler started is let in without touching its files. Run as root, it runs as the
    ``postgres`` user (PgBouncer refuses root)."""

    def __init__(self, cluster: Cluster, root: Path, port: int, password: str, pool_size: int, max_clients: int) -> None:
        self.cluster = cluster
        self.root = root
        self.port = port
        self.password = password
        self.pool_size = pool_size
        self.max_clients = max_clients

    @classmethod
    def create(
        cls, cluster: Cluster, root: Path | None = None, port: int | None = None, pool_size: int = 20, max_clients: int = 5000
    ) -> Pooler:
        """Its folder (``pgbouncer`` beside the cluster's data unless given), its settings, and
        a password for the cluster's owner (set in the cluster, which must be running)."""
        if not PGBOUNCER.exists():
            raise RuntimeError("PgBouncer is not installed: `make setup` installs Debian's pgbouncer package")
        root = (root or cluster.root / "pgbouncer").resolve()
        root.mkdir(parents=True, exist_ok=True)
        password_file = root / "owner-password"
        if not password_file.exists():
            password_file.write_text(secrets.token_urlsafe(24), encoding="utf-8")
            password_file.chmod(0o600)
        pooler = cls(cluster, root, port or _free_port(), password_file.read_text(encoding="utf-8").strip(), pool_size, max_clients)
        import psycopg

        with psycopg.connect(cluster.dsn(), autocommit=True) as conn:
            conn.execute(f"ALTER ROLE {USER} PASSWORD '{pooler.password}'")  # no parameters here; a URL-safe secret
        (root / "pgbouncer.ini").write_text(
            POOLER_INI.format(cluster_port=cluster.port, port=pooler.port, pool_size=pool_size, max_clients=max_clients,
                              folder=root, user=USER),
            encoding="utf-8",
        )
        (root / "userlist.txt").write_text(f'"{USER}" "{pooler.password}"\n', encoding="utf-8")
        for path in (root, *root.iterdir()):
            path.chmod(0o700 if path.is_dir() else 0o600)
            if os.geteuid() == 0:
                shutil.chown(path, "postgres", "postgres")
        return pooler

    @property
    def pidfile(self) -> Path:
        return self.root / "pgbouncer.pid"

    def start(self, timeout: float = 30.0) -> None:
        """Start it in the background (``-d``); returns once it takes connections. One left
        running from this folder (a demo killed before it could stop it) is stopped first."""
        self.stop()
        # a file descriptor a client: the soft limit raised to the hard one (runuser's PAM
        # session sets 1024, which thousands of sites' connections exceed)
        command = ["sh", "-c", 'ulimit -n "$(ulimit -Hn)"; exec "$@"', "pgbouncer",
                   str(PGBOUNCER), "-d", "-q", str(self.root / "pgbouncer.ini")]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=60)
        if done.returncode != 0:
            raise RuntimeError(f"pgbouncer failed ({done.returncode}): {done.stderr.strip() or self._log_tail()}")
        deadline = time.monotonic() + timeout
        while not self._accepts():
            if time.monotonic() > deadline:
                raise RuntimeError(f"pgbouncer took no connection on port {self.port} in {timeout:.0f} s: {self._log_tail()}")
            time.sleep(0.05)

    def _accepts(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                return True
        except OSError:
            return False

    def _log_tail(self) -> str:
        log_file = self.root / "pgbouncer.log"
        lines = log_file.read_text(encoding="utf-8", errors="replace").splitlines() if log_file.exists() else []
        return lines[-1] if lines else "(no log)"

    def pid(self) -> int | None:
        try:
            return int(self.pidfile.read_text().strip())
        except (OSError, ValueError):
            return None

    def running(self) -> bool:
        pid = self.pid()
        if pid is None:
            return False
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True

    def stop(self, timeout: float = 30.0) -> None:
        """Shut it down at once (SIGTERM: its clients are cut off)."""
        pid = self.pid()
        if pid is None or not self.running():
            return
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while self.running() and time.monotonic() < deadline:
            time.sleep(0.05)

    def dsn(self, database: str = "postgres", user: str = USER, password: str | None = None) -> str:
        """A DSN through the pooler: the owner's with its password, another role's with ``password``."""
        secret = self.password if user == USER and password is None else password
        from urllib.parse import quote

        return f"postgresql://{user}{':' + quote(secret, safe='') if secret else ''}@127.0.0.1:{self.port}/{database}"

    def know(self, role: str) -> None:
        """Put ``role``'s SCRAM secret (as PostgreSQL keeps it) in the pooler's ``auth_file``
        and have it read the file again: that role's logins then need no ``auth_query``, whose
        look-up takes a server connection of the database's pool (docs/province.md,
        "Connections": the pooled role every site logs in as)."""
        import psycopg

        with psycopg.connect(self.cluster.dsn(), autocommit=True) as conn:
            row = conn.execute("SELECT rolpassword FROM pg_authid WHERE rolname = %s", [role]).fetchone()
        if row is None or not str(row[0] or "").startswith("SCRAM-SHA-256$"):
            raise ValueError(f"role {role!r} has no SCRAM password in the cluster")
        users = self.root / "userlist.txt"
        lines = [line for line in users.read_text(encoding="utf-8").splitlines() if not line.startswith(f'"{role}" ')]
        users.write_text("\n".join([*lines, f'"{role}" "{row[0]}"']) + "\n", encoding="utf-8")
        if self.running():
            with psycopg.connect(self.admin_dsn(), autocommit=True, prepare_threshold=None) as admin:
                admin.execute("RELOAD")

    def admin_dsn(self) -> str:
        """PgBouncer's own console (``SHOW POOLS``, ``SHOW CLIENTS``…)."""
        return self.dsn("pgbouncer")
