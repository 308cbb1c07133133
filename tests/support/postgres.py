"""A real PostgreSQL for the province's and the shipping's tests: one cluster for the session,
a fresh database for each test (fixtures ``pg_cluster`` and ``central_dsn``)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import psycopg
import pytest

from province.cluster import Cluster

_numbers = itertools.count(1)


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    cluster = Cluster.create()
    cluster.start()
    try:
        yield cluster
    finally:
        cluster.destroy()


@pytest.fixture
def central_dsn(pg_cluster: Cluster) -> Iterator[str]:
    if not pg_cluster.running():
        pg_cluster.start()  # a test before this one may have stopped it
    name = f"central_{next(_numbers)}"
    with psycopg.connect(pg_cluster.dsn(), autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    yield pg_cluster.dsn(name)
    if not pg_cluster.running():
        pg_cluster.start()
    with psycopg.connect(pg_cluster.dsn(), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE {name} WITH (FORCE)")
