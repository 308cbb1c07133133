"""Versions said in ``hello``: the protocol's (docs/protocol.md, "Versions") and the software's.

A client says ``"protocol": N`` (none: 1); the server answers with the version it speaks, or
refuses a version it does not with ``protocol_unsupported`` and words a device's screen shows.
A server keeps the previous version working for one release. A device also says its software's
``"version"``, which the server's fleet shows beside the server's own."""

from __future__ import annotations

import importlib.metadata

__all__ = ["PROTOCOL", "SUPPORTED", "software_version", "unsupported_message"]

PROTOCOL = 1  # what this release speaks
SUPPORTED = frozenset({1})  # what it still takes (this release and the one before)


def unsupported_message(version: int) -> str:
    """The refusal, in Vietnamese first: a kiosk's or a board's screen shows it as it is."""
    versions = ", ".join(str(v) for v in sorted(SUPPORTED))
    return (
        f"Thiết bị dùng giao thức phiên bản {version}, máy chủ chỉ hỗ trợ phiên bản {versions} — "
        f"cần cập nhật phần mềm của thiết bị hoặc máy chủ. "
        f"(The device speaks protocol {version}; this server speaks {versions}: update the device or the server.)"
    )


def software_version() -> str:
    try:
        return importlib.metadata.version("motcua-queue")
    except importlib.metadata.PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown"
