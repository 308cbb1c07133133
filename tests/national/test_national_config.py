"""The national configuration file: every problem at once, each with its file, line and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from national import cli
from national.config import load_national, parse_national
from queue_server.config.site import ConfigError
from tests.national.conftest import NATIONAL

GOOD = NATIONAL.format(dsn="postgresql://national@127.0.0.1:5432/national")


def test_a_good_file_is_read_with_its_scopes() -> None:
    config = parse_national(GOOD)
    assert [(p.code, p.name) for p in config.provinces] == [("72", "Tỉnh Tây Ninh"), ("80", "Tỉnh Long An")]
    director, region = config.managers
    assert director.provinces is None and director.sees("80")
    assert region.provinces == {"72"} and region.sees("72") and not region.sees("80")
    assert config.manager_by_token("region-72-manager-token") is region and config.manager_by_token("nope" * 5) is None
    assert "token" not in repr(config) and "region-72" not in repr(region)


def test_every_problem_is_named_by_its_line_and_key(tmp_path: Path) -> None:
    bad = GOOD.replace('code = "80"', 'code = "72"').replace('provinces = ["72"]', 'provinces = ["72", "01"]')
    bad = bad.replace('name = "Cục Kiểm soát thủ tục hành chính"', 'name = "Cục"\ncolour = "đỏ"')
    bad = bad.replace('token = "region-72-manager-token"', 'token = "short"')
    path = tmp_path / "national.toml"
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_national(path)
    lines = bad.splitlines()
    found = {problem.key: problem for problem in raised.value.problems}
    assert set(found) == {"national.colour", "province[2].code", "manager[2].provinces[2]", "manager[2].token"}
    assert lines[found["national.colour"].line - 1] == 'colour = "đỏ"'
    assert lines[found["province[2].code"].line - 1] == 'code = "72"' and found["province[2].code"].line > found["national.colour"].line
    assert "duplicate province code '72'" in found["province[2].code"].message
    assert "must be the code of a [[province]] of this file, not '01'" in found["manager[2].provinces[2]"].message
    assert lines[found["manager[2].token"].line - 1] == 'token = "short"'
    assert str(path) in str(raised.value)


@pytest.mark.parametrize(
    ("change", "key", "message"),
    [
        (('provinces = ["*"]', 'provinces = ["*", "72"]'), "manager[1].provinces", "stands alone"),
        (('provinces = ["*"]', "provinces = []"), "manager[1].provinces", "missing (required)"),
        (('code = "80"', 'code = "Long-An"'), "province[2].code", "must be a province code"),
        (('dsn = "postgresql://national@127.0.0.1:5432/national"', ""), "national.dsn", "missing (required)"),
        (('user = "vung.72"', 'user = "Bo.Truong"'), "manager[2].user", "duplicate manager user"),
    ],
)
def test_a_bad_value_is_refused(change: tuple[str, str], key: str, message: str) -> None:
    with pytest.raises(ConfigError) as raised:
        parse_national(GOOD.replace(*change, 1))
    assert [(p.key, message in p.message) for p in raised.value.problems] == [(key, True)]


def test_check_says_what_the_file_holds(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "national.toml"
    path.write_text(GOOD, encoding="utf-8")
    assert cli.main(["check", "--config", str(path)]) == 0
    assert "2 province(s), 2 manager(s): ok" in capsys.readouterr().out
    path.write_text(GOOD.replace('provinces = ["72"]', 'provinces = ["80", "99"]'), encoding="utf-8")
    assert cli.main(["check", "--config", str(path)]) == 2
    said = capsys.readouterr().err
    line = GOOD.splitlines().index('provinces = ["72"]') + 1
    assert f"national.toml:{line}: manager[2].provinces[2]: must be the code of a [[province]] of this file, not '99'" in said
