"""Where a simulated device publishes its tty and its control socket."""

from __future__ import annotations

import dataclasses
import os
import re
from pathlib import Path

from hardware.urls import DeviceURL, InvalidDeviceURL

__all__ = ["DEFAULT_SIM_DIR", "SIM_DIR_ENV", "SimPaths", "resolve_sim_dir"]

DEFAULT_SIM_DIR = Path("var/sim")
SIM_DIR_ENV = "MOTCUA_SIM_DIR"
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
_MAX_SOCKET_PATH = 107  # sun_path holds 108 bytes with the final NUL


def resolve_sim_dir(directory: str | os.PathLike[str] | None = None) -> Path:
    """The directory given, else ``$MOTCUA_SIM_DIR``, else ``var/sim``."""
    if directory:
        return Path(directory)
    return Path(os.environ.get(SIM_DIR_ENV) or DEFAULT_SIM_DIR)


@dataclasses.dataclass(frozen=True)
class SimPaths:
    directory: Path
    name: str

    def __post_init__(self) -> None:
        if not _NAME.fullmatch(self.name):
            raise ValueError(
                f"{self.name!r} is not a simulator name (letters, digits, '.', '_', '-')"
            )
        if len(os.fsencode(self.control.absolute())) > _MAX_SOCKET_PATH:
            raise ValueError(f"{self.control} is too long for a Unix socket path; use a shorter --dir")

    @classmethod
    def of(cls, name: str, directory: str | os.PathLike[str] | None = None) -> SimPaths:
        return cls(resolve_sim_dir(directory), name)

    @classmethod
    def from_url(cls, url: DeviceURL) -> SimPaths:
        """``sim://NAME?dir=DIR`` → the paths of simulator NAME."""
        try:
            return cls.of(url.target, url.param("dir"))
        except ValueError as exc:
            raise InvalidDeviceURL(f"{url.raw}: {exc}") from None

    @property
    def tty(self) -> Path:
        """Symlink to the pty's slave side: what a driver opens."""
        return self.directory / f"{self.name}.tty"

    @property
    def control(self) -> Path:
        return self.directory / f"{self.name}.sock"
