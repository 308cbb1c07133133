"""Where a centre's machine keeps what (the same on every role), as paths on the machine."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

USER = "motcua"


@dataclass(frozen=True)
class Layout:
    """The machine's paths; ``venv`` is where ``python3 -m venv`` and ``pip install motcua-queue``
    put the project (docs/deployment.md), ``/opt/motcua`` unless told otherwise."""

    venv: PurePosixPath = PurePosixPath("/opt/motcua")
    etc: PurePosixPath = PurePosixPath("/etc/motcua")
    var: PurePosixPath = PurePosixPath("/var/lib/motcua")
    units: PurePosixPath = PurePosixPath("/etc/systemd/system")
    sysusers: PurePosixPath = PurePosixPath("/etc/sysusers.d/motcua.conf")
    tmpfiles: PurePosixPath = PurePosixPath("/etc/tmpfiles.d/motcua.conf")
    pam: PurePosixPath = PurePosixPath("/etc/pam.d/motcua-session")

    def bin(self, command: str) -> PurePosixPath:
        return self.venv / "bin" / command

    @property
    def site(self) -> PurePosixPath:
        """The site file: on the server alone."""
        return self.etc / "site.toml"

    @property
    def db(self) -> PurePosixPath:
        return self.var / "lobby.db"

    @property
    def backups(self) -> PurePosixPath:
        return self.var / "backups"

    def state(self, role: str) -> PurePosixPath:
        """A device's state folder: its token file (0600) and what it keeps between starts."""
        return self.var / role
