"""The pure parts of listening mode and large text: what a touch does, the pages of tiles,
the texts said aloud, the WCAG contrast of the theme's colours, where the ticket says to wait."""

from __future__ import annotations

import unicodedata

import pytest

from kiosk import theme
from kiosk.core.access import Access, Touch
from kiosk.core.contrast import AA_LARGE_TEXT, AA_TEXT, is_large, luminance, ratio, required
from kiosk.core.decisions import ServiceTile, TileState
from kiosk.core.documents import wait_line
from kiosk.core.spoken import plain, screen_speech, ticket_speech, tile_speech
from kiosk.core.texts import Catalogue, Language
from queue_server.config.site import parse_config
from tests.kiosk.support import write_site

TICKET = {"label": "A012", "service": "HT", "service_name_vi": "Hộ tịch", "service_name_en": "Civil status",
          "counters": [1, 2], "people_ahead": 3}  # fmt: skip


# --- listening mode's touches and large text's pages ---------------------------------------------


def test_a_first_touch_reads_the_second_on_the_same_button_takes() -> None:
    access = Access()
    assert access.touch("tile:HT") is Touch.TAKE  # not listening: every touch takes
    access.listening = True
    assert access.touch("tile:HT") is Touch.READ
    assert access.touch("tile:DD") is Touch.READ  # another button: read that one
    assert access.touch("tile:DD") is Touch.TAKE
    assert access.touch("tile:DD") is Touch.READ  # taken: the next touch reads again


def test_reset_gives_the_normal_kiosk_back() -> None:
    access = Access(listening=True, large=True, page=2, armed="tile:HT")
    assert access.reset() is True
    assert access == Access()
    assert access.reset() is False  # nothing to reset


@pytest.mark.parametrize(
    ("count", "large", "pages"),
    [(5, False, [[0, 1, 2, 3, 4]]), (4, True, [[0, 1, 2, 3]]), (5, True, [[0, 1, 2], [3, 4]]),
     (7, True, [[0, 1, 2], [3, 4, 5], [6]])],
)  # fmt: skip
def test_large_text_shows_four_tiles_a_page_the_last_place_next_page(count: int, large: bool, pages: list[list[int]]) -> None:
    access = Access(large=large)
    tiles = list(range(count))
    assert access.pages(count) == len(pages)
    for expected in [*pages, pages[0]]:  # the pages go round
        shown, more = access.tiles(tiles)
        assert shown == expected and more == (len(pages) > 1)
        access.next_page()


# --- what is said ----------------------------------------------------------------------------------


def test_an_issued_ticket_says_its_number_field_counters_people_ahead_and_where_to_wait() -> None:
    said = ticket_speech(TICKET, Catalogue(Language.VI), "Mời ngồi chờ tại khu B, tầng 1")
    assert said == (
        "Số thứ tự của bạn là a mười hai. Lĩnh vực Hộ tịch. Mời đến quầy số một và hai khi được gọi. "
        "Có ba người đang chờ trước bạn. Mời ngồi chờ tại khu B, tầng 1."
    )
    assert unicodedata.is_normalized("NFC", said)
    english = ticket_speech({**TICKET, "counters": [5], "people_ahead": 0}, Catalogue(Language.EN), "Wait here")
    assert english == "Your number is A twelve. Field: Civil status. Go to counter five when called. Nobody is ahead of you. Wait here."


def test_a_ticket_called_already_says_where_to_go_now() -> None:
    said = ticket_speech({**TICKET, "state": "called", "counter": 21}, Catalogue(), "Mời ngồi chờ")
    assert said == "Số thứ tự của bạn là a mười hai. Lĩnh vực Hộ tịch. Mời đến quầy số hai mươi mốt ngay."


def test_a_tile_says_its_name_and_state_in_the_citizens_language() -> None:
    tile = ServiceTile("HT", "Hộ tịch", "Civil status", TileState.OPEN, waiting=4, wait_minutes=25)
    assert tile_speech(tile, Catalogue()) == "Hộ tịch. Đang chờ: 4. Chờ khoảng 25 phút."
    assert tile_speech(tile, Catalogue(Language.EN)) == "Civil status. Waiting: 4. About 25 min."
    shut = ServiceTile("XD", "Xây dựng", "Construction", TileState.CLOSED, waiting=0, wait_minutes=None)
    assert tile_speech(shut, Catalogue()) == "Xây dựng. Ngoài giờ phục vụ."


def test_a_screen_is_read_in_the_citizens_language_without_the_other_ones_lines() -> None:
    shown = [
        "[size=44]Mời chọn lĩnh vực để lấy số thứ tự[/size]\n[size=28]Choose a field to take a number[/size]",
        "[size=36]Hộ tịch[/size]\n[size=22]Civil status[/size]\n[size=24]Chưa có quầy mở[/size]",
        "Người cao tuổi, khuyết tật, mang thai…",
        "A &amp; B &bl;1&br;",
    ]
    said = screen_speech(shown, Language.VI, skip=["Civil status"])
    assert said == "Mời chọn lĩnh vực để lấy số thứ tự. Hộ tịch. Chưa có quầy mở. Người cao tuổi, khuyết tật, mang thai. A & B [1]."
    assert plain("[b]Xin[/b] chào") == "Xin chào"


# --- where to wait ------------------------------------------------------------------------------------


def test_the_wait_line_is_the_fields_else_the_sites_else_the_usual_one(tmp_path) -> None:  # type: ignore[no-untyped-def]
    text = write_site(tmp_path, 8765, "sim://k1").read_text("utf-8")
    text = text.replace('name_en = "Civil status"\n', 'name_en = "Civil status"\nwait_line = "Mời ngồi chờ tại khu B, tầng 1"\n', 1)
    site = parse_config(text, "site.toml").site
    texts = Catalogue()
    assert wait_line(site, "HT", texts) == "Mời ngồi chờ tại khu B, tầng 1"
    assert wait_line(site, "DD", texts) == "Mời ngồi chờ tại khu vực chờ và theo dõi số trên bảng gọi số"
    assert wait_line(site, "HT", texts, Language.EN) == "Please wait in the waiting area and watch for your number on the board"
    with_site = parse_config(text.replace('name = "Trung tâm', 'wait_line = "Mời lên tầng 2"\nname = "Trung tâm', 1), "s.toml").site
    assert wait_line(with_site, "DD", texts) == "Mời lên tầng 2"
    assert wait_line(with_site, "HT", texts) == "Mời ngồi chờ tại khu B, tầng 1"  # the field's first
    assert wait_line(with_site, None, texts) == "Mời lên tầng 2"


# --- contrast ------------------------------------------------------------------------------------------


def test_contrast_is_wcags() -> None:
    assert ratio((0, 0, 0, 1), (1, 1, 1, 1)) == pytest.approx(21.0)
    assert ratio((1, 1, 1), (1, 1, 1)) == 1.0
    grey = [0x76 / 255] * 3  # #767676 on white: the lightest grey that passes AA, 4.54:1
    assert ratio(grey, (1, 1, 1)) == pytest.approx(4.54, abs=0.01)
    assert luminance((1, 0, 0)) == pytest.approx(0.2126)
    assert is_large(24, False) and is_large(18.7, True) and not is_large(18.7, False) and not is_large(23, False)
    assert required(30, False) == AA_LARGE_TEXT and required(18, True) == AA_TEXT and required(20, True) == AA_LARGE_TEXT


@pytest.mark.parametrize("large", [False, True], ids=["normal", "large-text"])
def test_every_text_colour_of_the_theme_meets_aa_on_what_it_is_drawn_on(large: bool) -> None:
    pairs = theme.text_pairs(large)
    assert len(pairs) >= 20
    failing = [(name, round(ratio(fg, bg), 2)) for name, fg, bg in pairs if ratio(fg, bg) < AA_TEXT]
    assert not failing  # 4.5:1 even for small text


def test_large_text_has_higher_contrast_and_buttons_reach_aaa() -> None:
    normal = {name: ratio(fg, bg) for name, fg, bg in theme.text_pairs(False)}
    large = {name: ratio(fg, bg) for name, fg, bg in theme.text_pairs(True)}
    assert normal.keys() == large.keys()
    assert all(large[name] >= normal[name] for name in normal)
    assert all(value >= 7.0 for name, value in large.items() if name.startswith("white on"))


def test_no_voice_when_it_is_off_or_espeak_ng_is_missing(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from kiosk.listening import KioskVoice
    from queue_server.config.kiosk_options import parse_options

    assert KioskVoice.for_options(parse_options({"voice_output": "off"}), tmp_path) is None
    monkeypatch.setenv("PATH", str(tmp_path))  # no espeak-ng on it
    assert KioskVoice.for_options(parse_options({}), tmp_path) is None
