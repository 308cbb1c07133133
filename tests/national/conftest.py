"""The nation's tests: two province clusters and a national one (tests/national/country.py),
published and subscribed with ``motcua-national``'s own commands, once for the folder."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest

from national import cli, replication
from tests.national.country import PROVINCES, Country, eventually, make_country, rows_of

NATIONAL = """
[national]
name = "Cục Kiểm soát thủ tục hành chính"
dsn = "{dsn}"

[[province]]
code = "80"                    # its name from the 2025 map: Tỉnh Tây Ninh

[[province]]
code = "82"
name = "Tỉnh Đồng Tháp"

[[manager]]
user = "bo.truong"
name = "Nguyễn Văn Bộ"
token = "national-director-token"
provinces = ["*"]

[[manager]]
user = "vung.72"
name = "Trần Thị Vùng"
token = "region-80-manager-token"
provinces = ["80"]
"""


def national_file(tmp_path_factory: pytest.TempPathFactory, dsn: str) -> str:
    path = tmp_path_factory.mktemp("national") / "national.toml"
    path.write_text(NATIONAL.format(dsn=dsn), encoding="utf-8")
    return str(path)


@pytest.fixture(scope="package")
def country(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Country, str]]:
    """The country set up as docs/national.md says: each province published, the nation
    subscribed to each through the province's replication role; every row arrived."""
    with make_country() as made:
        config = national_file(tmp_path_factory, made.national)
        for code, dsn in made.provinces.items():
            assert cli.main(["publish", "--dsn", dsn, "--province", code]) == 0
        for code in PROVINCES:
            assert cli.main(["subscribe", "--config", config, "--province", code, "--publisher-dsn", made.publisher_dsn(code)]) == 0
        for code in PROVINCES:
            wait_replicated(made, code)
        try:
            yield made, config
        finally:
            with psycopg.connect(made.national, autocommit=True) as conn:
                names = [s.province for s in replication.subscriptions(conn)]
            for code in names:  # drops the slots on the provinces (still running: the test restarts any it stops)
                replication.unsubscribe(made.national, code)


def province_rows(country: Country, code: str, table: str = "report_days") -> list[tuple[object, ...]]:
    """The province's rows as the nation should have them (every column but ``province``)."""
    columns = "site, day, dim, key, issued, done, wait_sum, waits, rating_scores, rating_counts" if table == "report_days" else "site, taken_at, config"
    return sorted(rows_of(country.provinces[code], f"SELECT {columns} FROM {table}"), key=repr)


def national_rows(country: Country, code: str, table: str = "report_days") -> list[tuple[object, ...]]:
    columns = "site, day, dim, key, issued, done, wait_sum, waits, rating_scores, rating_counts" if table == "report_days" else "site, taken_at, config"
    return sorted(rows_of(country.national, f"SELECT {columns} FROM {table} WHERE province = %s", [code]), key=repr)


def wait_replicated(country: Country, code: str, seconds: float = 60.0) -> None:
    """Until the nation's rows of the province are the province's own (polled, with a deadline)."""
    for table in replication.TABLES:
        want = province_rows(country, code, table)
        eventually(lambda t=table: national_rows(country, code, t), lambda rows, w=want: rows == w, seconds, f"{table} of {code}")
