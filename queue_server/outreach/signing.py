"""Webhook signatures: HMAC-SHA256 over ``timestamp + "." + body`` with the subscription's
secret, sent as ``X-Motcua-Signature: t=<unix seconds>,v1=<hex>`` (docs/notifications.md
shows how a receiver checks it)."""

from __future__ import annotations

import hashlib
import hmac

HEADER = "X-Motcua-Signature"
TOLERANCE_SECONDS = 300


class BadSignature(ValueError):
    """A delivery whose signature does not match, or is too old."""


def sign(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def verify(secret: str, header: str, body: bytes, now: float, tolerance: float = TOLERANCE_SECONDS) -> int:
    """Check a delivery's header against its body; return its timestamp."""
    parts = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    if "t" not in parts or "v1" not in parts or not parts["t"].isdigit():
        raise BadSignature(f"the {HEADER} header must be t=<seconds>,v1=<hex>")
    timestamp = int(parts["t"])
    if abs(now - timestamp) > tolerance:
        raise BadSignature(f"the delivery is {abs(now - timestamp):.0f} s old; at most {tolerance:.0f}")
    if not hmac.compare_digest(sign(secret, timestamp, body).split("v1=")[1], parts["v1"]):
        raise BadSignature("the signature does not match the body")
    return timestamp
