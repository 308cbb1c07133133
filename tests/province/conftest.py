"""The province's tests: a province of two sites (province_data.py) on the throwaway
PostgreSQL cluster of tests/support/postgres.py."""

from tests.province.province_data import province  # noqa: F401 - a fixture
