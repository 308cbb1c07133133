"""docs/province.md's pgbouncer.ini and its look-up function, run: Debian's PgBouncer started with
the page's settings (its addresses and files made this machine's, TLS left out) in front of the
test cluster; a site's role, the pooled role (with a site's key) and the province's role log in with SCRAM through ``auth_query``."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

import psycopg
import pytest

from central import schema as central
from province.cluster import Cluster, Pooler
from tests.support.ports import free_port

DOC = Path(__file__).resolve().parents[2] / "docs" / "province.md"
LOOKUP_PASSWORD = "another long random secret"  # the page's
SITE_PASSWORD = "a long random secret"
SITE_KEY = "the pooled role's site key, 32 characters or more"


def page_ini() -> str:
    block = re.search(r"```ini\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    assert block is not None, "docs/province.md no longer holds a pgbouncer.ini"
    return block.group(1)


def page_lookup_sql() -> str:
    block = re.search(r"```sql\n(  CREATE ROLE pgbouncer_auth.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    assert block is not None, "docs/province.md no longer holds the look-up function"
    return block.group(1)


def this_machine(ini: str, cluster: Cluster, database: str, folder: Path, port: int) -> str:
    lines = []
    for line in ini.splitlines():
        if line.startswith(("client_tls_", "server_tls_")):
            continue  # no certificates here
        line = line.replace("host=10.20.0.5 port=5432", f"host=127.0.0.1 port={cluster.port}").replace("dbname=motcua", f"dbname={database}")
        line = re.sub(r"^listen_addr = .*", "listen_addr = 127.0.0.1", line)
        line = re.sub(r"^listen_port = .*", f"listen_port = {port}", line)
        line = re.sub(r"^auth_file = .*", f"auth_file = {folder}/userlist.txt", line)
        lines.append(line)
    return "\n".join([*lines, "unix_socket_dir =", f"logfile = {folder}/pgbouncer.log", f"pidfile = {folder}/pgbouncer.pid", ""])


def test_the_pages_pgbouncer_ini_lets_a_sites_role_and_the_province_in(pg_cluster: Cluster, central_dsn: str) -> None:
    database = central_dsn.rsplit("/", 1)[1]
    with central.connect(central_dsn) as conn:
        central.migrate(conn)
        for statement in page_lookup_sql().split(";\n"):
            if statement.strip():
                conn.execute(statement)
        conn.execute(f"CREATE ROLE site_doc_check LOGIN PASSWORD '{SITE_PASSWORD}'")
        conn.execute("GRANT SELECT, INSERT, UPDATE ON sites TO site_doc_check")
        conn.execute("GRANT SELECT ON schema_version TO site_doc_check")
        conn.execute("INSERT INTO site_roles (role, site) VALUES ('site_doc_check', 'xa-doc')")
        conn.execute(f"CREATE ROLE shipper_doc_check LOGIN PASSWORD '{SITE_PASSWORD}'")  # the pooled role (a key a site)
        conn.execute("GRANT SELECT, INSERT, UPDATE ON sites TO shipper_doc_check")
        conn.execute("GRANT SELECT ON schema_version TO shipper_doc_check")
        conn.execute("INSERT INTO site_keys (site, key_hash) VALUES ('xa-pooled', sha256(convert_to(%s, 'UTF8')))", [SITE_KEY])
        conn.execute(f"CREATE ROLE province_doc_check LOGIN PASSWORD '{SITE_PASSWORD}'")
        conn.execute("GRANT SELECT ON schema_version TO province_doc_check")
    folder = Path(tempfile.mkdtemp(prefix="motcua-pgbouncer-doc-"))
    port = free_port()
    try:
        (folder / "pgbouncer.ini").write_text(this_machine(page_ini(), pg_cluster, database, folder, port), encoding="utf-8")
        (folder / "userlist.txt").write_text(f'"pgbouncer_auth" "{LOOKUP_PASSWORD}"\n', encoding="utf-8")
        if os.geteuid() == 0:
            for path in (folder, *folder.iterdir()):
                shutil.chown(path, "postgres", "postgres")
        pooler = Pooler(pg_cluster, folder, port, "", pool_size=1, max_clients=4000)
        pooler.start()
        try:
            site = pooler.dsn("motcua", user="site_doc_check", password=SITE_PASSWORD)
            with central.connect(site) as conn:
                assert central.migrate(conn) == len(central.MIGRATIONS)  # only read: the role changes nothing
                central.heartbeat(conn, "xa-doc", 7, timeout=5)
                assert conn.execute("SELECT current_user, site, site_seq FROM sites").fetchall() == [("site_doc_check", "xa-doc", 7)]
            pooled = pooler.dsn("motcua", user="shipper_doc_check", password=SITE_PASSWORD)
            with central.connect(pooled, key=central.SiteKey("xa-pooled", SITE_KEY)) as conn:
                central.heartbeat(conn, "xa-pooled", 3, timeout=5)
                with central.transaction(conn, 5):
                    assert conn.execute("SELECT site, site_seq FROM sites").fetchall() == [("xa-pooled", 3)]
            province = pooler.dsn("motcua_province", user="province_doc_check", password=SITE_PASSWORD)
            with central.connect(province) as conn:
                assert central.migrate(conn) == len(central.MIGRATIONS)
                assert conn.execute("SELECT current_database(), current_user").fetchone() == (database, "province_doc_check")
            with pytest.raises(psycopg.OperationalError, match="authentication failed"):
                psycopg.connect(pooler.dsn("motcua", user="site_doc_check", password="wrong"), connect_timeout=5)
        finally:
            pooler.stop()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        with central.connect(central_dsn) as conn:
            conn.execute("DROP SCHEMA pgbouncer CASCADE")
            for role in ("pgbouncer_auth", "site_doc_check", "shipper_doc_check", "province_doc_check"):
                conn.execute(f"DROP OWNED BY {role}")
                conn.execute(f"DROP ROLE {role}")
