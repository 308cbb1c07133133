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
    assert [(p.code, p.name) for p in config.provinces] == [("80", "Tỉnh Tây Ninh"), ("82", "Tỉnh Đồng Tháp")]
    director, region = config.managers
    assert director.provinces is None and director.sees("82")
    assert region.provinces == {"80"} and region.sees("80") and not region.sees("82")
    assert config.manager_by_token("region-80-manager-token") is region and config.manager_by_token("nope" * 5) is None
    assert "token" not in repr(config) and "region-80" not in repr(region)


def test_every_problem_is_named_by_its_line_and_key(tmp_path: Path) -> None:
    bad = GOOD.replace('code = "82"', 'code = "80"').replace('provinces = ["80"]', 'provinces = ["80", "01"]')
    bad = bad.replace('name = "Cục Kiểm soát thủ tục hành chính"', 'name = "Cục"\ncolour = "đỏ"')
    bad = bad.replace('token = "region-80-manager-token"', 'token = "short"')
    path = tmp_path / "national.toml"
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_national(path)
    lines = bad.splitlines()
    found = {problem.key: problem for problem in raised.value.problems}
    assert set(found) == {"national.colour", "province[2].code", "manager[2].provinces[2]", "manager[2].token"}
    assert lines[found["national.colour"].line - 1] == 'colour = "đỏ"'
    assert lines[found["province[2].code"].line - 1] == 'code = "80"' and found["province[2].code"].line > found["national.colour"].line
    assert "duplicate province code '80'" in found["province[2].code"].message
    assert "must be the code of a [[province]] of this file, not '01'" in found["manager[2].provinces[2]"].message
    assert lines[found["manager[2].token"].line - 1] == 'token = "short"'
    assert str(path) in str(raised.value)


@pytest.mark.parametrize(
    ("change", "key", "message"),
    [
        (('provinces = ["*"]', 'provinces = ["*", "80"]'), "manager[1].provinces", "stands alone"),
        (('provinces = ["*"]', "provinces = []"), "manager[1].provinces", "missing (required)"),
        (('code = "82"', 'code = "Long-An"'), "province[2].code", "must be a province code"),
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
    path.write_text(GOOD.replace('provinces = ["80"]', 'provinces = ["82", "99"]'), encoding="utf-8")
    assert cli.main(["check", "--config", str(path)]) == 2
    said = capsys.readouterr().err
    line = GOOD.splitlines().index('provinces = ["80"]') + 1
    assert f"national.toml:{line}: manager[2].provinces[2]: must be the code of a [[province]] of this file, not '99'" in said


def test_a_province_is_named_by_the_2025_map() -> None:
    """The real map (vietnam-provinces): 34 provinces; an official code names its province, a
    code that was a province's before 1 July 2025 (Long An's 80 is Tây Ninh's now; 72, the old
    Tây Ninh, is no more) is refused; a code of our own needs its name."""
    from queue_server.core import admin_map

    assert len(admin_map.provinces()) == 34
    assert admin_map.provinces()["01"] == "Thành phố Hà Nội" and admin_map.provinces()["80"] == "Tỉnh Tây Ninh"
    assert admin_map.provinces()["79"] == "Thành phố Hồ Chí Minh"
    config = parse_national(GOOD.replace('code = "82"\nname = "Tỉnh Đồng Tháp"', 'code = "01"'))
    assert [(p.code, p.name) for p in config.provinces] == [("80", "Tỉnh Tây Ninh"), ("01", "Thành phố Hà Nội")]
    with pytest.raises(ConfigError) as raised:
        parse_national(GOOD.replace('code = "82"\nname = "Tỉnh Đồng Tháp"', 'code = "72"').replace('["80"]', '["80", "72"]'))
    ((key, message),) = [(p.key, p.message) for p in raised.value.problems]
    assert key == "province[2].code" and "'72' is no province's code on the 2025 map (34 provinces: 01 Thành phố Hà Nội" in message
    with pytest.raises(ConfigError) as raised:
        parse_national(GOOD.replace('code = "82"\nname = "Tỉnh Đồng Tháp"', 'code = "thi_diem"'))
    assert [(p.key, p.message) for p in raised.value.problems] == [("province[2].name", "missing (required)")]
    config = parse_national(GOOD.replace('code = "82"\nname = "Tỉnh Đồng Tháp"', 'code = "thi_diem"\nname = "Tỉnh thí điểm"'))
    assert config.province_name("thi_diem") == "Tỉnh thí điểm"
