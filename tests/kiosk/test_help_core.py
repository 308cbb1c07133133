"""What the kiosk's help bar says, from the server's replies (kiosk/core/help.py)."""

from __future__ import annotations

from kiosk.core.help import NOTHING, HelpShown, HelpStage, should_ask, shown_from_reply
from kiosk.core.texts import Catalogue


def test_a_reply_becomes_waiting_with_those_ahead_then_coming_then_nothing() -> None:
    waiting = shown_from_reply({"request": {"id": 7, "taken": False, "ahead": 2}, "words_vi": "…"})
    assert waiting == HelpShown(HelpStage.WAITING, 7, 2) and waiting.is_open
    assert waiting.lines() == [("help.asked", {}), ("help.ahead", {"count": 2})]
    assert shown_from_reply({"request": {"id": 7, "taken": False, "ahead": 0}}).lines() == [("help.asked", {}), ("help.next", {})]
    coming = shown_from_reply({"request": {"id": 7, "taken": True, "ahead": 0}})
    assert coming.stage is HelpStage.COMING and coming.lines() == [("help.coming", {})]
    assert shown_from_reply({"request": None}) is NOTHING and NOTHING.lines() == [] and not NOTHING.is_open


def test_a_touch_asks_again_unless_one_is_on_its_way() -> None:
    assert should_ask(NOTHING) and should_ask(HelpShown(HelpStage.WAITING, 7)) and should_ask(HelpShown(HelpStage.FAILED))
    assert not should_ask(HelpShown(HelpStage.ASKING))


def test_the_bar_says_it_in_vietnamese_first_with_the_words_of_the_issue() -> None:
    texts = Catalogue()
    assert texts("help.asked") == "Đã gọi người hỗ trợ, xin chờ trong giây lát"
    assert texts("help.coming") == "Tình nguyện viên đang đến"
    assert texts("help.button") == "Cần hỗ trợ" and texts.other("help.button") == "I need help"
    assert HelpShown(HelpStage.FAILED, reason="x").lines() == [("help.failed", {"reason": "x"})]
