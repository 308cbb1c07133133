"""The keyed hash of an ID number, with the key's bytes given (no file: the server's file
beside its database is tested in tests/dossiers/test_citizens.py)."""

from __future__ import annotations

import pytest

from queue_server.core.citizens import CardInvalid, CitizenKey, KeyFileError


def test_the_hash_depends_on_the_key_and_the_number_and_hides_both() -> None:
    key = CitizenKey(bytes(range(32)))
    assert key.hash("001099012345") == CitizenKey(bytes(range(32))).hash("001099012345")
    assert key.hash("001099012345") != key.hash("079301004567")
    assert CitizenKey(bytes(range(1, 33))).hash("001099012345") != key.hash("001099012345")
    assert len(key.hash("001099012345")) == 64 and "001099012345" not in key.hash("001099012345")
    assert repr(key) == "CitizenKey(***)" and "\\x00" not in repr(key)


def test_a_bad_number_or_a_key_of_the_wrong_size_is_refused() -> None:
    with pytest.raises(CardInvalid):
        CitizenKey(bytes(32)).hash("12345")
    with pytest.raises(KeyFileError, match="32 bytes, not 31"):
        CitizenKey(bytes(31))
