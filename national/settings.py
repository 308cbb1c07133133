"""The national configuration as values."""

from __future__ import annotations

import dataclasses
import datetime as dt

from queue_server.config.managers import by_token


@dataclasses.dataclass(frozen=True)
class ProvinceEntry:
    """A province the nation subscribes to: its code (the ``province`` of its rows) and name."""

    code: str
    name: str


@dataclasses.dataclass(frozen=True)
class NationalManager:
    """A person who reads the country's figures: every province (``provinces`` None) or only
    the listed ones (a region's, say)."""

    user: str
    name: str
    token: str
    provinces: frozenset[str] | None = None

    def sees(self, province: str) -> bool:
        return self.provinces is None or province in self.provinces

    def __repr__(self) -> str:  # the token is a secret
        return f"NationalManager(user={self.user!r}, provinces={sorted(self.provinces) if self.provinces else 'all'})"


@dataclasses.dataclass(frozen=True)
class NationalConfig:
    name: str
    tz: dt.tzinfo
    dsn: str
    provinces: tuple[ProvinceEntry, ...]
    managers: tuple[NationalManager, ...]
    origins: tuple[str, ...] = ()

    def manager_by_token(self, token: str) -> NationalManager | None:
        """The manager with this token, compared in constant time (every token is compared)."""
        return by_token(self.managers, token)

    def province_name(self, code: str) -> str:
        return next((p.name for p in self.provinces if p.code == code), code)

    def __repr__(self) -> str:
        return f"NationalConfig(name={self.name!r}, provinces={len(self.provinces)}, managers={len(self.managers)})"
