"""The province's configuration file: what a valid one gives, and every problem with its line."""

from __future__ import annotations

import pytest

from province.cli import main
from province.config import parse_province
from queue_server.config.site import ConfigError

GOOD = """\
[province]
name = "Tỉnh Tây Ninh"
dsn = "postgresql://reader@127.0.0.1/motcua"

[[manager]]
user = "giam.doc"
name = "Trần Văn Giám"
token = "province-director-token"
sites = ["*"]

[[manager]]
user = "huyen.a"
name = "Lê Thị Huyện"
token = "district-a-manager-token"
sites = ["xa-an-binh", "phuong-1"]
"""


def test_a_good_file_gives_its_managers_and_their_scopes() -> None:
    config = parse_province(GOOD)
    director, district = config.managers
    assert director.sites is None and director.sees("anywhere")
    assert district.sites == {"xa-an-binh", "phuong-1"} and not district.sees("huyen-khac")
    assert config.manager_by_token("district-a-manager-token") is district
    assert "token" not in repr(district) and "district-a" not in repr(config)
    assert config.offline_minutes == 3, "a site silent 3 minutes (6 heartbeats) is offline by default"
    assert parse_province(GOOD.replace("[province]\n", "[province]\noffline_minutes = 10\n")).offline_minutes == 10


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (('sites = ["*"]', 'sites = ["*", "xa-an-binh"]'), "manager[1].sites: '*' (the whole province) stands alone"),
        (('sites = ["*"]', "sites = []"), "manager[1].sites: missing (required)"),
        (('"phuong-1"]', '"Phường 1"]'), "manager[2].sites[2]: must be a site id"),
        (('token = "district-a-manager-token"', 'token = "province-director-token"'), "manager[2].token: duplicate token"),
        (('user = "huyen.a"', 'user = "GIAM.DOC"'), "manager[2].user: duplicate manager user 'giam.doc'"),
        (('token = "province-director-token"', 'token = "short"'), "manager[1].token: must be 16 to 256"),
        (('dsn = "postgresql://reader@127.0.0.1/motcua"\n', ""), "province.dsn: missing (required)"),
        (("[province]\n", '[province]\ntimezone = "Mars/Olympus"\n'), "province.timezone: unknown time zone"),
        (('name = "Trần Văn Giám"', 'name = "Trần Văn Giám"\nrole = "boss"'), "manager[1].role: unknown key"),
        (("[province]\n", "[province]\noffline_minutes = 0\n"), "province.offline_minutes: must be"),
        (("[province]\n", "[province]\noffline_minutes = 2000\n"), "province.offline_minutes: must be"),
        (("[province]\n", '[province]\noffline_minutes = "3"\n'), "province.offline_minutes: must be a whole number"),
    ],
)
def test_each_problem_is_named_with_its_line(change: tuple[str, str], problem: str) -> None:
    text = GOOD.replace(*change, 1)
    with pytest.raises(ConfigError) as caught:
        parse_province(text, "province.toml")
    assert problem in str(caught.value), str(caught.value)
    assert "province.toml:" in str(caught.value)
    assert "province-director-token" not in str(caught.value), "a token is never shown"


def test_a_file_without_managers_or_province_is_refused() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_province("")
    assert "province: missing (required)" in str(caught.value) and "manager: missing (required)" in str(caught.value)


def test_the_check_command(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "province.toml"
    path.write_text(GOOD, encoding="utf-8")
    assert main(["check", "--config", str(path)]) == 0
    assert "Tỉnh Tây Ninh, 2 manager(s): ok" in capsys.readouterr().out
    path.write_text(GOOD.replace('sites = ["*"]', "sites = []"), encoding="utf-8")
    assert main(["check", "--config", str(path)]) == 2
    assert "manager[1].sites" in capsys.readouterr().err
