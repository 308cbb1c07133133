"""Officer PINs: checked against a salted scrypt hash, never stored in the clear.

A hash is one string that carries everything needed to check a PIN against it::

    scrypt$16384$8$1$<salt, base64>$<hash, base64>

``hash_pin`` makes one (``motcua-server hash-pin`` prints it for the configuration file),
``verify_pin`` checks a PIN against one in constant time. A string that is not such a hash
raises :class:`InvalidPinHash`; a PIN that is not 4 to 8 digits cannot be hashed
(:class:`InvalidPin`) and never verifies.

    ValueError
    ├── InvalidPin        hash_pin() given something that is not 4–8 digits
    └── InvalidPinHash    a hash string that cannot be parsed or has unsafe parameters
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import hashlib
import hmac
import re
import secrets

__all__ = [
    "InvalidPin",
    "InvalidPinHash",
    "PinHash",
    "hash_pin",
    "needs_rehash",
    "parse_pin_hash",
    "pin_is_valid",
    "verify_pin",
]

SCHEME = "scrypt"
N = 2**14  # CPU/memory cost: 16 MiB with r = 8
R = 8
P = 1
SALT_BYTES = 16
DIGEST_BYTES = 32

PIN_MIN_DIGITS = 4
PIN_MAX_DIGITS = 8

_PIN = re.compile(f"[0-9]{{{PIN_MIN_DIGITS},{PIN_MAX_DIGITS}}}")
_MAX_MEMORY = 256 * 1024 * 1024  # refuse hashes that would need more to check


class InvalidPin(ValueError):
    """Something that is not a PIN (4 to 8 digits) was given to :func:`hash_pin`."""


class InvalidPinHash(ValueError):
    """A PIN hash string that cannot be parsed, with the reason."""


@dataclasses.dataclass(frozen=True)
class PinHash:
    """A parsed PIN hash: scrypt parameters, salt and derived key."""

    n: int
    r: int
    p: int
    salt: bytes
    digest: bytes

    def __str__(self) -> str:
        return "$".join(
            (SCHEME, str(self.n), str(self.r), str(self.p), _b64(self.salt), _b64(self.digest))
        )


def pin_is_valid(pin: str) -> bool:
    """Whether ``pin`` is a PIN: 4 to 8 ASCII digits."""
    return isinstance(pin, str) and _PIN.fullmatch(pin) is not None


def hash_pin(pin: str, *, salt: bytes | None = None) -> str:
    """The hash string of ``pin`` with a fresh random salt (or ``salt``, for tests)."""
    if not pin_is_valid(pin):
        raise InvalidPin(f"a PIN is {PIN_MIN_DIGITS} to {PIN_MAX_DIGITS} digits (0-9)")
    salt = secrets.token_bytes(SALT_BYTES) if salt is None else salt
    digest = _derive(pin, salt, N, R, P, DIGEST_BYTES)
    return str(PinHash(N, R, P, salt, digest))


def verify_pin(pin: str, pin_hash: str) -> bool:
    """Whether ``pin`` matches ``pin_hash``; raises :class:`InvalidPinHash` if it is malformed."""
    parsed = parse_pin_hash(pin_hash)
    if not isinstance(pin, str):
        return False
    candidate = _derive(pin, parsed.salt, parsed.n, parsed.r, parsed.p, len(parsed.digest))
    return hmac.compare_digest(candidate, parsed.digest) and pin_is_valid(pin)


def needs_rehash(pin_hash: str) -> bool:
    """Whether ``pin_hash`` was made with other parameters than :func:`hash_pin` uses now."""
    parsed = parse_pin_hash(pin_hash)
    return (parsed.n, parsed.r, parsed.p, len(parsed.digest)) != (N, R, P, DIGEST_BYTES)


def parse_pin_hash(pin_hash: str) -> PinHash:
    """Parse a hash string made by :func:`hash_pin`, or raise :class:`InvalidPinHash`."""
    if not isinstance(pin_hash, str):
        raise InvalidPinHash(f"a PIN hash is a string, not {type(pin_hash).__name__}")
    parts = pin_hash.strip().split("$")
    if len(parts) != 6 or parts[0] != SCHEME:
        raise InvalidPinHash(
            "not a PIN hash (expected scrypt$N$r$p$salt$hash; make one with motcua-server hash-pin)"
        )
    n, r, p = (_parameter(name, text) for name, text in zip("Nrp", parts[1:4], strict=True))
    _check_cost(n, r, p)
    salt = _unb64("salt", parts[4], 8)
    digest = _unb64("hash", parts[5], 16)
    return PinHash(n, r, p, salt, digest)


def _parameter(name: str, text: str) -> int:
    if not text.isascii() or not text.isdigit() or len(text) > 10:
        raise InvalidPinHash(f"scrypt parameter {name} must be a whole number, not {text!r}")
    return int(text)


def _check_cost(n: int, r: int, p: int) -> None:
    if n < 2 or n & (n - 1):
        raise InvalidPinHash(f"scrypt parameter N must be a power of 2 greater than 1, not {n}")
    if not 1 <= r <= 64 or not 1 <= p <= 16:
        raise InvalidPinHash(f"scrypt parameters r={r}, p={p} out of range (r 1–64, p 1–16)")
    if _memory(n, r, p) > _MAX_MEMORY:
        raise InvalidPinHash(f"scrypt parameters N={n}, r={r} would need too much memory")


def _unb64(name: str, text: str, min_bytes: int) -> bytes:
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        raise InvalidPinHash(f"the {name} is not valid base64") from None
    if not min_bytes <= len(raw) <= 64:
        raise InvalidPinHash(f"the {name} must be {min_bytes} to 64 bytes, not {len(raw)}")
    return raw


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _memory(n: int, r: int, p: int) -> int:
    return 128 * r * (n + p + 2)


def _derive(pin: str, salt: bytes, n: int, r: int, p: int, length: int) -> bytes:
    secret = pin.encode("utf-8", "surrogatepass")
    maxmem = _memory(n, r, p) + 1024 * 1024
    return hashlib.scrypt(secret, salt=salt, n=n, r=r, p=p, dklen=length, maxmem=maxmem)
