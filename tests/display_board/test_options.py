"""A board's options and set-up: every wrong key or value named, nothing else started."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from display_board.bootstrap import BoardSetupError, load_setup
from queue_server.config.board_options import BoardOptionError, BoardOptions, Layout, NumberStyle, parse_options
from tests.display_board.conftest import ROOT, site_file


def test_no_options_means_the_defaults() -> None:
    assert parse_options("board-hall", {}) == BoardOptions()


def test_every_option_is_read() -> None:
    options = parse_options(
        "board-hall",
        {"layout": "portrait", "fullscreen": False, "voice": True, "voice_repeat": 3, "english_voice": True,
         "voice_pack": "/srv/voice/human", "number_style": "south", "volume": 0.5, "highlight_seconds": 12,
         "offline_after_seconds": 4, "catch_up_seconds": 30, "last_calls": 6, "flash_seconds": 0},
    )  # fmt: skip
    assert options.layout is Layout.PORTRAIT and options.number_style is NumberStyle.SOUTH
    assert options.flash_seconds == 0.0 and BoardOptions().flash_seconds == 10.0
    assert (options.voice_repeat, options.volume, options.highlight_seconds) == (3, 0.5, 12.0)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"layot": "portrait"}, "options.layot: unknown board option (did you mean 'layout'?)"),
        ({"colour": "red"}, "options.colour: unknown board option; known: catch_up_seconds"),
        ({"layout": "sideways"}, "options.layout: must be one of 'auto', 'landscape', 'portrait', not 'sideways'"),
        ({"voice_repeat": 0}, "options.voice_repeat: must be a whole number from 1 to 5, not 0"),
        ({"voice_repeat": 2.5}, "must be a whole number"),
        ({"voice_repeat": True}, "must be a whole number"),
        ({"volume": 1.5}, "options.volume: must be a number from 0 to 1, not 1.5"),
        ({"volume": "loud"}, "must be a number"),
        ({"english_voice": "yes"}, "options.english_voice: must be true or false, not 'yes'"),
        ({"voice_pack": 3}, "options.voice_pack: must be a text"),
        ({"highlight_seconds": 0}, "options.highlight_seconds: must be a number from 1 to 120"),
        ({"flash_seconds": -1}, "options.flash_seconds: must be a number from 0 to 120, not -1"),
        ({"flash_seconds": "10s"}, "options.flash_seconds: must be a number from 0 to 120, not '10s'"),
        ({"flash_second": 10}, "options.flash_second: unknown board option (did you mean 'flash_seconds'?)"),
    ],
)
def test_wrong_options_are_named(options: dict, message: str) -> None:
    with pytest.raises(BoardOptionError) as error:
        parse_options("board-hall", options)
    assert message in str(error.value)
    assert "device 'board-hall'" in str(error.value)


_VALUES = st.one_of(st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=20))


@given(st.dictionaries(st.sampled_from([*BoardOptions.__dataclass_fields__, "x", "Layout"]), _VALUES, max_size=4))
def test_any_options_give_a_board_or_a_named_error(options: dict) -> None:
    try:
        parsed = parse_options("b", options)
    except BoardOptionError as error:
        assert "options." in str(error)
    else:
        assert isinstance(parsed, BoardOptions)


def test_the_error_names_the_line_in_the_file(tmp_path: Path) -> None:
    path = site_file(tmp_path, 8765, {"board-floor2": {"layout": "landscape", "voice_repeat": 9}})
    with pytest.raises(BoardSetupError) as error:
        load_setup(path, "board-floor2")
    line = next(i for i, text in enumerate(path.read_text().splitlines(), 1) if "voice_repeat = 9" in text)
    assert f"{path}:{line}: device[4].options.voice_repeat: must be a whole number from 1 to 5" in str(error.value)
    path = site_file(tmp_path, 8765, {"board-floor2": {"flash_seconds": 600}})
    with pytest.raises(BoardSetupError) as error:
        load_setup(path, "board-floor2")
    line = next(i for i, text in enumerate(path.read_text().splitlines(), 1) if "flash_seconds = 600" in text)
    assert f"{path}:{line}: device[4].options.flash_seconds: must be a number from 0 to 120, not 600" in str(error.value)


@pytest.mark.parametrize(
    ("device", "message"),
    [("board-attic", "no device 'board-attic' (display boards there: board-hall, board-floor2)"),
     ("kiosk-1", "device 'kiosk-1' is a kiosk, not a display board")],
)  # fmt: skip
def test_a_wrong_device_is_named(tmp_path: Path, device: str, message: str) -> None:
    path = site_file(tmp_path, 8765, {})
    with pytest.raises(BoardSetupError, match=re.escape(message)):
        load_setup(path, device)


def test_the_setup_takes_the_configuration_server_and_limits(tmp_path: Path) -> None:
    setup = load_setup(site_file(tmp_path, 8765, {}), "board-floor2", "ws://10.0.0.5:8765/")
    assert setup.server_url == "ws://10.0.0.5:8765/"
    assert setup.device.counters == (6, 7, 8, 9, 10)
    assert str(setup.tz) == "Asia/Ho_Chi_Minh"


def test_the_command_line_says_what_is_wrong_and_starts_nothing(tmp_path: Path) -> None:
    path = site_file(tmp_path, 8765, {"board-hall": {"layout": "round"}})
    env = dict(os.environ, KIVY_NO_CONSOLELOG="1", KIVY_HOME=str(tmp_path / "kivy"))
    result = subprocess.run(
        [sys.executable, "-m", "display_board", "--config", str(path), "--device", "board-hall"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 2
    assert "motcua-display:" in result.stderr and "options.layout: must be one of" in result.stderr
    assert not (tmp_path / "var").exists()


def test_the_command_line_has_help(tmp_path: Path) -> None:
    env = dict(os.environ, KIVY_NO_CONSOLELOG="1", KIVY_HOME=str(tmp_path / "kivy"))
    result = subprocess.run(
        [sys.executable, "-m", "display_board", "--help"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0
    for option in ("--config", "--device", "--server", "--size", "--var"):
        assert option in result.stdout
