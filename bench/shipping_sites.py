"""Shipping sites for the benches and tests of the central side: each a real SQLite log of a
short day, its database role (or the pooled role with its key, docs/province.md
"Deployment"), its settings and its shipper (``queue_server/shipping``), started and stopped
together. ``bench.pooler``, ``bench.province``, ``bench.province_sites`` and tests/shipping use
them.

    files = site_logs(folder, sites=170, tickets=30)
    make_site_roles(owner_dsn, [f.stem for f in files])
    shippers = start_shippers(pooler_dsn, files, heartbeat=30)
    ...
    stop_shippers(shippers); drop_site_roles(owner_dsn, [f.stem for f in files])
"""

from __future__ import annotations

import shutil
from pathlib import Path

from bench.site import BenchSite
from bench.year import COUNTERS, write_year
from central import schema as central
from central.roles import group_grants, group_role
from queue_server.config.settings import CentralSettings
from queue_server.shipping.shipper import Shipper

SITE_PASSWORD = "bench-site-secret"  # every site role's (a throwaway cluster of this machine)
GROUP = "bench_sites"


def site_logs(folder: Path, sites: int, tickets: int) -> list[Path]:
    """``sites`` logs of one short day (``tickets`` tickets issued, called and completed),
    each named after its site (``site-0001.db``)."""
    config = BenchSite(counters=COUNTERS, kiosks=2, boards=1).write(folder / "site.toml")
    day = folder / "day.db"
    write_year(config, day, days=1, tickets=tickets)
    files = []
    for n in range(sites):
        copy = folder / f"site-{n:04d}.db"
        shutil.copyfile(day, copy)
        files.append(copy)
    return files


def role_of(site: str) -> str:
    return "bench_" + site.replace("-", "_")


def make_site_roles(owner_dsn: str, sites: list[str]) -> None:
    """A role a site, kept to its own rows (docs/province.md, "Deployment"; the group's rights:
    central/roles.py), with a password (PgBouncer's SCRAM looks it up in the cluster)."""
    with central.connect(owner_dsn) as conn:
        central.migrate(conn)
        database = conn.info.dbname
        exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [GROUP]).fetchone() is not None
        for statement in group_grants(GROUP, database) if exists else group_role(GROUP, database):
            conn.execute(statement)
        with conn.transaction():
            for site in sites:
                role = role_of(site)
                if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role]).fetchone() is None:
                    conn.execute(f"CREATE ROLE {role} LOGIN PASSWORD '{SITE_PASSWORD}' IN ROLE {GROUP}")
            conn.execute(
                "INSERT INTO site_roles (role, site) SELECT unnest(%s::name[]), unnest(%s::text[]) ON CONFLICT DO NOTHING",
                [[role_of(s) for s in sites], sites],
            )


POOLED = "bench_shipper"  # --one-role: every site logs in as this role, and names itself with its key


def key_of(site: str) -> str:
    return f"bench-key-of-{site}-" + "k" * 32


def make_pooled_role(owner_dsn: str, sites: list[str]) -> None:
    """The pooled role (docs/province.md, "Deployment"), a member of the sites' group, and each
    site's key's SHA-256 in ``site_keys``."""
    make_site_roles(owner_dsn, [])
    with central.connect(owner_dsn) as conn:
        if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [POOLED]).fetchone() is None:
            conn.execute(f"CREATE ROLE {POOLED} LOGIN PASSWORD '{SITE_PASSWORD}' IN ROLE {GROUP}")
        conn.execute(
            "INSERT INTO site_keys (site, key_hash) SELECT s, sha256(convert_to('bench-key-of-' || s || '-' || repeat('k', 32), 'UTF8'))"
            " FROM unnest(%s::text[]) s ON CONFLICT DO NOTHING",
            [sites],
        )


def drop_site_roles(owner_dsn: str, sites: list[str]) -> None:
    """The roles gone again (they are the cluster's, not the database's)."""
    drop_roles(owner_dsn, [*map(role_of, sites), POOLED, GROUP])


def drop_roles(owner_dsn: str, roles: list[str]) -> None:
    """These roles, those that are there, dropped in this order (members before their group),
    with what they own and were granted in the owner's database first."""
    with central.connect(owner_dsn) as conn:
        for role in roles:
            if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role]).fetchone() is not None:
                conn.execute(f"DROP OWNED BY {role}")
                conn.execute(f"DROP ROLE {role}")


def site_dsn(dsn_of_owner: str, site: str, role: str | None = None) -> str:
    """The owner's DSN with the site's role (or ``role``) and password instead."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(dsn_of_owner)
    return urlunsplit(parts._replace(netloc=f"{role or role_of(site)}:{SITE_PASSWORD}@{parts.hostname}:{parts.port}"))


def settings(dsn: str, heartbeat: float, **more: object) -> CentralSettings:
    return CentralSettings(dsn=dsn, batch_events=2000, poll_seconds=1.0, retry_max_seconds=5.0, heartbeat_seconds=heartbeat, **more)  # type: ignore[arg-type]


def site_settings(dsn: str, site: str, heartbeat: float, roles: str, spread: float) -> CentralSettings:
    """A site's settings: its own role ("roles"), the pooled role with its key ("pooled"), or
    ``dsn``'s role ("one"); the first connections spread over ``spread`` seconds."""
    spreading = {"start_spread_seconds": spread} if "start_spread_seconds" in CentralSettings.__dataclass_fields__ else {}  # (the code before issue 21 runs this too)
    if roles == "roles":
        return settings(site_dsn(dsn, site), heartbeat, **spreading)
    if roles == "pooled":
        return settings(site_dsn(dsn, site, POOLED), heartbeat, site_key=key_of(site), **spreading)
    return settings(dsn, heartbeat, **spreading)


class CountingShipper(Shipper):
    """A shipper that counts the batches it has shipped."""

    batches = 0

    def ship_once(self) -> int:
        shipped = super().ship_once()
        self.batches += shipped > 0
        return shipped


def start_shippers(dsn: str, files: list[Path], heartbeat: float, own_roles: bool = True, roles: str = "", spread: float = 0.0) -> list[CountingShipper]:
    """A shipper a site log, each with its site's role (or all with ``dsn``'s; or ``roles``:
    :func:`site_settings`), started."""
    roles = roles or ("roles" if own_roles else "one")
    shippers = [CountingShipper(f, f.stem, site_settings(dsn, f.stem, heartbeat, roles, spread)) for f in files]
    for shipper in shippers:
        shipper.start()
    return shippers


def stop_shippers(shippers: list[CountingShipper]) -> None:
    for shipper in shippers:
        shipper._stop.set()  # all told at once, then each waited for
    for shipper in shippers:
        shipper.stop()


