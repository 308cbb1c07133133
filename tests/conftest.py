"""Fixtures every suite may use, written once in tests/support/: a throwaway PostgreSQL
cluster for the session and a fresh database for each test (``pg_cluster``, ``central_dsn``), and
PgBouncer in front of it (``pg_pooler``, ``central_pooled_dsn``); and, in a run split in two
processes, each its own virtual screen (tests/support/display.py)."""

import pytest

from bench.apps.processes import VirtualScreen
from tests.support.display import own_screen
from tests.support.postgres import central_dsn, central_pooled_dsn, pg_cluster, pg_pooler  # noqa: F401 - fixtures

_SCREEN = pytest.StashKey[VirtualScreen | None]()


def pytest_configure(config: pytest.Config) -> None:
    """Each process of a split run on a virtual screen of its own (tests/support/display.py)."""
    config.stash[_SCREEN] = own_screen()


def pytest_unconfigure(config: pytest.Config) -> None:
    screen = config.stash.get(_SCREEN, None)
    if screen is not None:
        screen.stop()
