"""Read the national configuration file (TOML), every problem reported at once with its line,
as the province's is (:mod:`province.config`)::

    [national]
    name = "Cục Kiểm soát thủ tục hành chính"
    timezone = "Asia/Ho_Chi_Minh"
    dsn = "postgresql://national@127.0.0.1:5432/national"

    [[province]]
    code = "80"                       # the code it publishes under (motcua-national publish):
                                      # its official code on the 2025 map, which names it
    [[province]]
    code = "thi_diem"                 # or a code of our own, with its name
    name = "Tỉnh thí điểm"

    [[manager]]
    user = "bo.truong"
    name = "Nguyễn Văn Bộ"
    token = "…"
    provinces = ["*"]                 # the whole country; or a list of province codes
"""

from __future__ import annotations

import os

from national.replication import PROVINCE_CODE
from national.settings import NationalConfig, NationalManager, ProvinceEntry
from queue_server.config.checks import Table, report_duplicates
from queue_server.config.managers import ManagersFile, read_text
from queue_server.config.site import ConfigError
from queue_server.core import admin_map

__all__ = ["ConfigError", "load_national", "parse_national"]  # ConfigError: what the readers raise

_TOP = ("national", "province", "manager")
_NATIONAL = ("name", "timezone", "dsn", "origins")
_PROVINCE = ("code", "name")
_CODE_HINT = "a province code (lower-case letters, digits and '_', as it was published)"


def load_national(path: str | os.PathLike[str]) -> NationalConfig:
    return parse_national(read_text(path), str(path))


def parse_national(text: str, source: str = "<national>") -> NationalConfig:
    """The file's values; :class:`queue_server.config.site.ConfigError` with every problem
    (the head table and the managers read as the province's are: :mod:`queue_server.config.managers`)."""
    read = ManagersFile(text, source, "national", _NATIONAL, _TOP)
    province_tables = read.root.tables("province", _PROVINCE) or []
    provinces = tuple(_province(t) for t in province_tables)
    if not provinces:
        read.root.report("province", "missing (required): at least one [[province]] table")
    report_duplicates(read.problems, [(t.at("code"), p.code) for t, p in zip(province_tables, provinces, strict=True)], "province code")
    known = {str(t.data.get("code")) for t in province_tables}  # as written: a bad code is reported once, at the code

    def wrong(code: str) -> str | None:
        return None if code in known else f"must be the code of a [[province]] of this file, not {code!r}"

    managers = read.managers("provinces", "the whole country", "province codes", wrong)
    read.check()
    return NationalConfig(
        name=read.name,
        tz=read.tz,
        dsn=read.dsn,
        provinces=provinces,
        managers=tuple(NationalManager(m.user, m.name, m.token, m.scope) for m in managers),
        origins=read.origins,
    )


def _province(t: Table) -> ProvinceEntry:
    """A province by its official code (its name then from the 2025 map, unless given), or by
    a code of the deployment's own (``tay_ninh``) with its name."""
    code = t.code("code", PROVINCE_CODE, _CODE_HINT)
    official = admin_map.provinces().get(code)
    if code and admin_map.is_official_form(code) and official is None:
        t.report(
            "code",
            f"{code!r} is no province's code on the 2025 map ({admin_map.PROVINCES_2025} provinces:"
            f" {', '.join(f'{c} {n}' for c, n in list(admin_map.provinces().items())[:3])}, …)",
        )
    name = t.text("name", official or "", required=not admin_map.is_official_form(code))  # a wrong one: said once, above
    return ProvinceEntry(code, name)
