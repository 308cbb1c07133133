"""A real PostgreSQL for the province's and the shipping's tests: one cluster for the session
(left at PostgreSQL's default ``max_connections``, 100), a fresh database for each test
(fixtures ``pg_cluster`` and ``central_dsn``), and PgBouncer in transaction pooling in front of
it, as a province runs it (``pg_pooler``, and ``central_pooled_dsn``: a fresh database reached
through the pooler)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import psycopg
import pytest

from province.cluster import Cluster, Pooler

_numbers = itertools.count(1)
POOL_SIZE = 20  # server connections a database, whatever the number of clients


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    cluster = Cluster.create()
    cluster.start()
    try:
        yield cluster
    finally:
        cluster.destroy()


@pytest.fixture(scope="session")
def pg_pooler(pg_cluster: Cluster) -> Iterator[Pooler]:
    pooler = Pooler.create(pg_cluster, pool_size=POOL_SIZE)
    pooler.start()
    try:
        yield pooler
    finally:
        pooler.stop()


def _fresh_database(cluster: Cluster) -> Iterator[str]:
    if not cluster.running():
        cluster.start()  # a test before this one may have stopped it
    name = f"central_{next(_numbers)}"
    with psycopg.connect(cluster.dsn(), autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    yield name
    if not cluster.running():
        cluster.start()
    with psycopg.connect(cluster.dsn(), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE {name} WITH (FORCE)")


@pytest.fixture
def central_dsn(pg_cluster: Cluster) -> Iterator[str]:
    for name in _fresh_database(pg_cluster):
        yield pg_cluster.dsn(name)


@pytest.fixture
def central_pooled_dsn(pg_pooler: Pooler) -> Iterator[str]:
    """A fresh database, its DSN through the pooler (the cluster's owner, with its password)."""
    for name in _fresh_database(pg_pooler.cluster):
        yield pg_pooler.dsn(name)
