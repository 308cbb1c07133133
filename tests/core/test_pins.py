"""Officer PINs are kept as salted scrypt hashes."""

from __future__ import annotations

import pytest

from queue_server.core import pins
from tests.config.helpers import PIN, PIN_HASH


def test_the_right_pin_verifies_and_a_wrong_one_does_not() -> None:
    assert pins.verify_pin(PIN, PIN_HASH)
    assert not pins.verify_pin("2469", PIN_HASH)
    assert not pins.verify_pin(PIN + "0", PIN_HASH)
    assert not pins.verify_pin("", PIN_HASH)


def test_the_hash_names_its_parameters() -> None:
    scheme, n, r, p, salt, digest = PIN_HASH.split("$")
    assert (scheme, n, r, p) == ("scrypt", "16384", "8", "1")
    parsed = pins.parse_pin_hash(PIN_HASH)
    assert len(parsed.salt) == 16 and len(parsed.digest) == 32
    assert str(parsed) == PIN_HASH
    assert not pins.needs_rehash(PIN_HASH)


def test_each_hash_has_its_own_salt() -> None:
    assert pins.hash_pin(PIN) != PIN_HASH


def test_a_given_salt_makes_the_same_hash() -> None:
    salt = bytes(range(16))
    assert pins.hash_pin("1234", salt=salt) == pins.hash_pin("1234", salt=salt)


def test_other_parameters_still_verify_and_ask_for_a_rehash() -> None:
    parsed = pins.parse_pin_hash(PIN_HASH)
    digest = pins._derive(PIN, parsed.salt, 2**10, 8, 1, 32)
    old = str(pins.PinHash(2**10, 8, 1, parsed.salt, digest))
    assert pins.verify_pin(PIN, old)
    assert pins.needs_rehash(old)


@pytest.mark.parametrize(
    ("pin", "valid"),
    [
        ("1234", True),
        ("12345678", True),
        ("0000", True),
        ("123", False),
        ("123456789", False),
        ("12a4", False),
        (" 1234", False),
        ("١٢٣٤", False),  # Arabic-Indic digits are not PIN digits
        ("", False),
    ],
)
def test_pin_is_valid(pin: str, valid: bool) -> None:
    assert pins.pin_is_valid(pin) is valid


def test_a_pin_that_is_not_4_to_8_digits_cannot_be_hashed() -> None:
    with pytest.raises(pins.InvalidPin, match="4 to 8 digits"):
        pins.hash_pin("12")


_SALT = PIN_HASH.split("$")[4]
_DIGEST = PIN_HASH.split("$")[5]


_MALFORMED = [
    ("", "not a PIN hash"),
    ("1234", "not a PIN hash"),
    ("bcrypt$16384$8$1$" + _SALT + "$" + _DIGEST, "not a PIN hash"),
    ("scrypt$16384$8$1$" + _SALT, "not a PIN hash"),
    (f"scrypt$abc$8$1${_SALT}${_DIGEST}", "parameter N must be a whole number"),
    (f"scrypt$1000$8$1${_SALT}${_DIGEST}", "power of 2"),
    (f"scrypt$16384$0$1${_SALT}${_DIGEST}", "out of range"),
    (f"scrypt$16384$8$99${_SALT}${_DIGEST}", "out of range"),
    (f"scrypt$1073741824$8$1${_SALT}${_DIGEST}", "too much memory"),
    (f"scrypt$16384$8$1$not base64!${_DIGEST}", "salt is not valid base64"),
    (f"scrypt$16384$8$1$QUJD${_DIGEST}", "salt must be 8 to 64 bytes"),
    (f"scrypt$16384$8$1${_SALT}$QUJD", "hash must be 16 to 64 bytes"),
    (f"scrypt$16384$8$1${_SALT}$ĐĐĐ", "hash is not valid base64"),
]


# (ids without the random salt: the same ids in every process that collects them)
@pytest.mark.parametrize(("bad", "reason"), _MALFORMED, ids=[f"{i}-{reason}" for i, (_, reason) in enumerate(_MALFORMED)])
def test_a_malformed_hash_raises_invalid_pin_hash(bad: str, reason: str) -> None:
    with pytest.raises(pins.InvalidPinHash, match=reason):
        pins.verify_pin(PIN, bad)


def test_invalid_pin_hash_is_a_value_error() -> None:
    assert issubclass(pins.InvalidPinHash, ValueError)


def test_something_that_is_not_a_string() -> None:
    assert not pins.verify_pin(1234, PIN_HASH)  # type: ignore[arg-type]
    with pytest.raises(pins.InvalidPinHash, match="a PIN hash is a string, not bytes"):
        pins.verify_pin(PIN, PIN_HASH.encode())  # type: ignore[arg-type]
