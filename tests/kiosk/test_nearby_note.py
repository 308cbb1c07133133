"""The ticket screen's note of centres nearby with a shorter wait (kiosk/nearby.py), from
``province.nearby``'s reply: in the kiosk's language, and nothing when there is nothing to say."""

from __future__ import annotations

from typing import Any

import pytest

from kiosk.nearby import note

CENTRE = {"site": "xa-thanh-dien", "name": "UBND xã Thạnh Điền", "address": "Ấp Thạnh Hiệp", "waiting": 1, "distance_km": 2.97}
REPLY: dict[str, Any] = {"long": True, "province": "ok", "centres": [CENTRE, {**CENTRE, "site": "x", "name": "UBND xã X", "address": None, "distance_km": None}]}


def test_in_vietnamese_with_a_decimal_comma() -> None:
    assert note(REPLY, "vi").splitlines() == [
        "Ở đây đang chờ lâu. Nơi gần đây chờ ít hơn:",
        "• UBND xã Thạnh Điền: 1 người đang chờ, cách đây 3,0 km",
        "   Ấp Thạnh Hiệp",
        "• UBND xã X: 1 người đang chờ",
        "Số của bạn ở đây vẫn giữ nguyên.",
    ]


def test_in_english() -> None:
    assert note(REPLY, "en").splitlines()[:2] == [
        "The wait here is long. Nearby, the wait is shorter at:",
        "• UBND xã Thạnh Điền: 1 waiting, 3.0 km away",
    ]


@pytest.mark.parametrize(
    "reply",
    [
        {**REPLY, "long": False},  # the wait here is not long
        {**REPLY, "province": "no_data", "centres": []},  # the link down: nothing of the others
        {**REPLY, "province": "off"},  # no province
        {**REPLY, "centres": []},  # nobody better
    ],
)
def test_nothing_to_say_is_no_note(reply: dict[str, Any]) -> None:
    assert note(reply, "vi") == ""
