"""The integration tests' fixtures (a real server on a free port, a real SQLite file) and the
stand-in gateways, closed after each test."""

from __future__ import annotations

import pytest

from bench.gateways import Gateway
from tests.integration.conftest import clock, db_path  # noqa: F401 (fixtures)


@pytest.fixture
def gateways():
    opened: list[Gateway] = []
    yield opened
    for gateway in opened:
        gateway.close()
