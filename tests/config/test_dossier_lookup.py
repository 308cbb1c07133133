"""``[dossier_lookup]``: the HTTP adapter to the one-stop system, read and checked."""

from __future__ import annotations

import pytest

from queue_server.config.site import ConfigError, parse_config
from tests.config.helpers import MINIMAL

GOOD = """
[dossier_lookup]
url_template = "https://motcua.example.gov.vn/api/hoso/{code}?full=1"
timeout_seconds = 2.5

[dossier_lookup.fields]
status = "data.trangThai"
due_date = "data.items.0.ngayHenTra"

[dossier_lookup.statuses]
"Đang xử lý" = "processing"

[dossier_lookup.headers]
X-Api-Key = "secret"
"""


def test_absent_means_no_http_source() -> None:
    assert parse_config(MINIMAL).dossier_lookup.url_template is None


def test_a_complete_table() -> None:
    lookup = parse_config(MINIMAL + GOOD).dossier_lookup
    assert lookup.url_template == "https://motcua.example.gov.vn/api/hoso/{code}?full=1"
    assert lookup.timeout_seconds == 2.5
    assert lookup.fields == {"status": "data.trangThai", "due_date": "data.items.0.ngayHenTra"}
    assert lookup.statuses == {"Đang xử lý": "processing"}
    assert lookup.headers == {"X-Api-Key": "secret"}


def test_status_keys_are_nfc() -> None:
    decomposed = "Đang xử lý".replace("ử", "ư\u0309")
    lookup = parse_config(MINIMAL + GOOD.replace('"Đang xử lý"', f'"{decomposed}"')).dossier_lookup
    assert list(lookup.statuses) == ["Đang xử lý"]


@pytest.mark.parametrize(
    ("table", "problem"),
    [
        ('[dossier_lookup]\nfields = { status = "a" }\n', "dossier_lookup.url_template: missing (required)"),
        ('[dossier_lookup]\nurl_template = "ftp://h/{code}"\nfields = { status = "a" }\n',
         "dossier_lookup.url_template: must be an http:// or https:// address"),
        ('[dossier_lookup]\nurl_template = "http://h/x"\nfields = { status = "a" }\n',
         "dossier_lookup.url_template: must hold {code} exactly once"),
        ('[dossier_lookup]\nurl_template = "http://h/{code}/{code}"\nfields = { status = "a" }\n',
         "must hold {code} exactly once"),
        ('[dossier_lookup]\nurl_template = "http://h/{code}"\n', "dossier_lookup.fields.status: missing (required)"),
        ('[dossier_lookup]\nurl_template = "http://h/{code}"\nfields = { status = "a..b" }\n',
         "dossier_lookup.fields.status: must be a dotted path"),
        ('[dossier_lookup]\nurl_template = "http://h/{code}"\nfields = { status = "a", name = "b" }\n',
         "dossier_lookup.fields.name: unknown key 'name'"),
        ('[dossier_lookup]\nurl_template = "http://h/{code}"\nfields = { status = "a" }\ntimeout_seconds = 0\n',
         "dossier_lookup.timeout_seconds: must be a number greater than 0"),
        ('[dossier_lookup]\nurl_template = "http://h/{code}"\nfields = { status = "a" }\ntimeout_seconds = 600\n',
         "dossier_lookup.timeout_seconds: must be at most 60"),
        ('[dossier_lookup]\nurl_template = "http://h/{code}"\nfields = { status = "a" }\nstatuses = { X = "lost" }\n',
         "dossier_lookup.statuses.X: must be one of received, processing"),
        ('[dossier_lookup]\nurl_template = "http://h/{code}"\nfields = { status = "a" }\nstatuses = "x"\n',
         "dossier_lookup.statuses: must be a table"),
        ('[dossier_lookup]\nurl_template = "http://h/{code}"\nfields = { status = "a" }\nheaders = { "A B" = "v" }\n',
         'dossier_lookup.headers."A B": must be an HTTP header name'),
        ('[dossier_lookup]\nurl_template = "http://h/{code}"\nfields = { status = "a" }\nretries = 3\n',
         "dossier_lookup.retries: unknown key 'retries'"),
        ('dossier_lookup = 3\n', "dossier_lookup: must be a table"),
    ],
)
def test_each_problem_names_its_key_and_line(table: str, problem: str) -> None:
    with pytest.raises(ConfigError) as info:
        text = table + MINIMAL if table.startswith("dossier_lookup =") else MINIMAL + table  # a top-level key
        parse_config(text, "site.toml")
    message = str(info.value)
    assert problem in message, message
    assert "site.toml:1" in message  # the problem has its line


def test_the_documentation_lists_every_key() -> None:
    from pathlib import Path

    from queue_server.config import dossier_lookup as config_dossier_lookup

    doc = (Path(__file__).resolve().parents[2] / "docs" / "configuration.md").read_text("utf-8")
    for key in config_dossier_lookup.DOSSIER_LOOKUP_KEYS:
        assert f"`{key}`" in doc, key
    assert "`[dossier_lookup]`" in doc
