"""Fixtures every suite may use, written once in tests/support/: a throwaway PostgreSQL
cluster for the session and a fresh database for each test (``pg_cluster``, ``central_dsn``), and
PgBouncer in front of it (``pg_pooler``, ``central_pooled_dsn``)."""

from tests.support.postgres import central_dsn, central_pooled_dsn, pg_cluster, pg_pooler  # noqa: F401 - fixtures
