"""Fixtures every suite may use, written once in tests/support/: a throwaway PostgreSQL
cluster for the session and a fresh database for each test (``pg_cluster``, ``central_dsn``)."""

from tests.support.postgres import central_dsn, pg_cluster  # noqa: F401 - fixtures
