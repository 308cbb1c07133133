"""The province's configuration as values."""

from __future__ import annotations

import dataclasses
import datetime as dt

from queue_server.config.managers import by_token

DEFAULT_OFFLINE_MINUTES = 3  # a site silent this long is "mất liên lạc" (6 missed heartbeats of 30 s)


@dataclasses.dataclass(frozen=True)
class Manager:
    """A person who reads the province's figures: the whole province (``sites`` None) or
    only the listed sites (a district's offices, say)."""

    user: str
    name: str
    token: str
    sites: frozenset[str] | None = None

    def sees(self, site: str) -> bool:
        return self.sites is None or site in self.sites

    def __repr__(self) -> str:  # the token is a secret
        return f"Manager(user={self.user!r}, sites={sorted(self.sites) if self.sites else 'all'})"


@dataclasses.dataclass(frozen=True)
class ProvinceConfig:
    name: str
    tz: dt.tzinfo
    dsn: str
    managers: tuple[Manager, ...]
    origins: tuple[str, ...] = ()  # web pages' origins taken besides the server's own address
    offline_minutes: int = DEFAULT_OFFLINE_MINUTES  # no contact for this long: the site is "mất liên lạc"

    def manager_by_token(self, token: str) -> Manager | None:
        """The manager with this token, compared in constant time (every token is compared)."""
        return by_token(self.managers, token)

    def __repr__(self) -> str:
        return f"ProvinceConfig(name={self.name!r}, managers={len(self.managers)})"
