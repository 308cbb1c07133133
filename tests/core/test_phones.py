"""Vietnamese mobile numbers: one form inside (84…), refused when not a mobile, masked outside."""

from __future__ import annotations

import pytest

from queue_server.core import phones


@pytest.mark.parametrize(
    ("given", "kept"),
    [("0912345678", "84912345678"), ("+84 912 345 678", "84912345678"), ("84-35-123-4567", "84351234567"), ("(0)3.51234567", "84351234567")],
)
def test_mobile_numbers_are_kept_one_way(given: str, kept: str) -> None:
    assert phones.normalize(given) == kept
    assert phones.local(kept) == "0" + kept[2:]


@pytest.mark.parametrize("bad", ["", "0123", "0212345678", "09123456789", "091234567x", "０９１２３４５６７８", 912345678])
def test_other_numbers_are_refused(bad) -> None:
    with pytest.raises(phones.BadPhone):
        phones.normalize(bad)


def test_masks_show_the_ends_only() -> None:
    assert phones.mask("84912345678") == "091****678"
    assert phones.mask(None) == "" and phones.mask("") == ""
    assert phones.mask("0912345678") == "091****678"  # kept as typed, masked the same
