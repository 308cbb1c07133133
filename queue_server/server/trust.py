"""The devices' tokens as the store has them (their hashes only), kept in memory: the tokens
are written by this server alone (:mod:`queue_server.server.enrolment`), so a hello never
waits for the disk."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any

from queue_server.config.settings import Device, SiteConfig
from queue_server.protocol.errors import ProtocolError, ProtocolErrorCode
from queue_server.server.auth import device_for_token
from queue_server.store.enrolment import digest

REVOKED_WORDS = "Thiết bị đã bị thu hồi — xin cấp lại mã đăng ký (This device was revoked — ask for a new enrolment code)."


@dataclasses.dataclass
class TokenRow:
    token_hash: str
    device: str
    enrolled_at: str | None
    revoked_at: str | None


class Trust:
    """The tokens' hashes in memory, as the store has them."""

    def __init__(self, rows: Iterable[dict[str, Any]] = ()) -> None:
        self.tokens: dict[str, TokenRow] = {}
        self.used_codes: set[str] = set()  # codes being used or used by this process (single use)
        self.update(rows)

    def update(self, rows: Iterable[dict[str, Any]]) -> None:
        for row in rows:
            self.tokens[row["token_hash"]] = TokenRow(**row)

    def revoke(self, device: str, at: str) -> None:
        for row in self.tokens.values():
            if row.device == device and row.revoked_at is None:
                row.revoked_at = at

    def active(self, device: str) -> list[str]:
        return [h for h, row in self.tokens.items() if row.device == device and row.revoked_at is None]

    def status(self, device: Device) -> dict[str, Any]:
        """How a device is trusted: ``enrolled`` (its own token), ``revoked``, ``site_file`` (a
        token written in the site file, kept for one release) or ``not_enrolled``."""
        rows = [row for row in self.tokens.values() if row.device == device.id]
        enrolled = [r for r in rows if r.enrolled_at is not None]
        last = max(enrolled, key=lambda r: r.enrolled_at or "", default=None)
        site_revoked = device.token and digest(device.token) in self.tokens
        if last is not None and last.revoked_at is None:
            state = "enrolled"
        elif device.token and not site_revoked:
            state = "site_file"
        elif rows:
            state = "revoked"
        else:
            state = "not_enrolled"
        revoked = [r.revoked_at for r in rows if r.revoked_at is not None]
        return {
            "enrolment": state,
            "enrolled_at": last.enrolled_at if last is not None else None,
            "revoked_at": max(revoked) if state == "revoked" and revoked else None,
        }

    def device_for(self, config: SiteConfig, token: str) -> tuple[Device | None, str]:
        """The device saying hello with ``token`` and the token's hash; ``device_revoked`` for a
        revoked one."""
        token_hash = digest(token)
        row = self.tokens.get(token_hash)
        if row is not None and row.revoked_at is not None:
            raise ProtocolError(ProtocolErrorCode.DEVICE_REVOKED, REVOKED_WORDS, device=row.device)
        if row is not None:
            return config.device(row.device), token_hash
        return device_for_token(config, token), token_hash
