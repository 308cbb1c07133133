"""Read the province's configuration file (TOML), every problem reported at once with its
line, as the sites' configuration is (:mod:`queue_server.config.site`)::

    [province]
    name = "Tỉnh Tây Ninh"
    timezone = "Asia/Ho_Chi_Minh"
    dsn = "postgresql://central@127.0.0.1:5432/motcua"
    offline_minutes = 3               # a site silent this long is "mất liên lạc"

    [[manager]]
    user = "giam.doc"
    name = "Trần Văn Giám"
    token = "…"                      # the dashboard asks for it once
    sites = ["*"]                     # the whole province; or a list of site ids
"""

from __future__ import annotations

import os
import re

from province.settings import DEFAULT_OFFLINE_MINUTES, Manager, ProvinceConfig
from queue_server.config.managers import ManagersFile, read_text
from queue_server.config.site import ConfigError

__all__ = ["ConfigError", "load_province", "parse_province"]  # ConfigError: what the readers raise

_TOP = ("province", "manager")
_PROVINCE = ("name", "timezone", "dsn", "origins", "offline_minutes")
_SITE = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")


def load_province(path: str | os.PathLike[str]) -> ProvinceConfig:
    return parse_province(read_text(path), str(path))


def parse_province(text: str, source: str = "<province>") -> ProvinceConfig:
    """The file's values; :class:`queue_server.config.site.ConfigError` with every problem
    (the head table and the managers read as the nation's are: :mod:`queue_server.config.managers`)."""
    read = ManagersFile(text, source, "province", _PROVINCE, _TOP)
    # a site heartbeats every [central] heartbeat_seconds (30 s) while its link is up
    offline_minutes = read.head.integer("offline_minutes", DEFAULT_OFFLINE_MINUTES, low=1, high=24 * 60)
    managers = read.managers("sites", "the whole province", "site ids", _wrong_site)
    read.check()
    return ProvinceConfig(
        name=read.name,
        tz=read.tz,
        dsn=read.dsn,
        managers=tuple(Manager(m.user, m.name, m.token, m.scope) for m in managers),
        origins=read.origins,
        offline_minutes=offline_minutes,
    )


def _wrong_site(value: str) -> str | None:
    return None if _SITE.fullmatch(value) else f"must be a site id (lower-case letters, digits, '-' and '_'), not {value!r}"
