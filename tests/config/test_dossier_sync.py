"""``[dossiers]`` (working-day calendar, alarm threshold, pick-up field) and
``[dossier_pull]`` (the one-stop system's changed dossiers), read and checked."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from queue_server.config.dossier_sync import DOSSIERS_KEYS, PULL_KEYS
from queue_server.config.site import ConfigError, parse_config
from tests.config.helpers import MINIMAL

GOOD = """
[dossiers]
warn_working_days = 2
weekend = ["Sunday"]
holidays = [2026-09-01, "2026-09-02"]
make_up_days = [2026-09-12]
pickup_service = "HT"

[dossier_pull]
url_template = "https://motcua.example.gov.vn/api/hoso/thay-doi?tu={since}&trang={page}"
items = "ketQua.danhSach"
next_page = "ketQua.conTiep"
every_seconds = 120
[dossier_pull.fields]
code = "soHoSo"
status = "trangThai"
version = "phienBan"
[dossier_pull.statuses]
"Đang xử lý" = "processing"
[dossier_pull.headers]
X-Api-Key = "secret"
"""


def test_absent_tables_mean_the_defaults_and_no_pull() -> None:
    config = parse_config(MINIMAL)
    assert config.dossiers.warn_working_days == 1 and config.dossiers.weekend == {5, 6}
    assert config.dossiers.pickup_service is None and config.dossier_pull is None


def test_complete_tables() -> None:
    config = parse_config(MINIMAL + GOOD)
    d = config.dossiers
    assert (d.warn_working_days, d.weekend, d.pickup_service) == (2, {6}, "HT")
    assert d.holidays == {dt.date(2026, 9, 1), dt.date(2026, 9, 2)} and d.make_up_days == {dt.date(2026, 9, 12)}
    pull = config.dossier_pull
    assert pull is not None and pull.items == "ketQua.danhSach" and pull.next_page == "ketQua.conTiep"
    assert pull.fields == {"code": "soHoSo", "status": "trangThai", "version": "phienBan"}
    assert (pull.every_seconds, pull.statuses, pull.headers) == (120, {"Đang xử lý": "processing"}, {"X-Api-Key": "secret"})


PULL = '[dossier_pull]\nurl_template = "http://h/x?a={since}&b={page}"\nitems = "l"\n'
FIELDS = '[dossier_pull.fields]\ncode = "c"\nstatus = "s"\nversion = "v"\n'


@pytest.mark.parametrize(
    ("table", "problem"),
    [
        ("[dossiers]\nwarn_working_days = -1\n", "dossiers.warn_working_days: must be"),
        ('[dossiers]\nweekend = ["thứ bảy"]\n', "dossiers.weekend[1]: must be a day's English name"),
        ('[dossiers]\nholidays = ["2/9/2026"]\n', "dossiers.holidays[1]: must be a date like 2026-09-02"),
        ("[dossiers]\nmake_up_days = [3]\n", "dossiers.make_up_days[1]: must be a date"),
        ('[dossiers]\npickup_service = "KQ"\n', "dossiers.pickup_service: no [[service]] has the code 'KQ'"),
        ("[dossiers]\nalarm = 1\n", "dossiers.alarm: unknown key 'alarm'"),
        ('[dossier_pull]\nitems = "l"\n' + FIELDS, "dossier_pull.url_template: missing (required)"),
        (PULL.replace("{page}", "1") + FIELDS, "must hold {since} and {page} once each"),
        (PULL.replace("http:", "ftp:") + FIELDS, "dossier_pull.url_template: must be an http:// or https:// address"),
        (PULL.replace('items = "l"\n', "") + FIELDS, "dossier_pull.items: missing (required)"),
        (PULL + FIELDS.replace('code = "c"\n', ""), "dossier_pull.fields.code: missing (required)"),
        (PULL + FIELDS.replace('version = "v"\n', ""), "dossier_pull.fields.version: missing (required)"),
        (PULL + FIELDS + 'steps = "x"\n', "dossier_pull.fields.steps: unknown key 'steps'"),
        (PULL + 'every_seconds = 0\n' + FIELDS, "dossier_pull.every_seconds: must be a number greater than 0"),
        (PULL + FIELDS + '[dossier_pull.statuses]\nX = "lost"\n', "dossier_pull.statuses.X: must be one of received"),
    ],
)
def test_each_problem_names_its_key_and_line(table: str, problem: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_config(MINIMAL + table, "site.toml")
    message = str(info.value)
    assert problem in message, message
    assert "site.toml:" in message


def test_the_documentation_lists_every_key() -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "configuration.md").read_text("utf-8")
    for key in (*DOSSIERS_KEYS, *PULL_KEYS):
        assert f"`{key}`" in doc, key
    assert "`[dossiers]`" in doc and "`[dossier_pull]`" in doc
