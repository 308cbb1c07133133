"""The one place that wires a board: configuration, options, voice pack, player, client, app.

    setup = load_setup(Path("site.toml"), "board-hall")      # no Kivy yet: errors are plain
    sound_card = prepare_kivy(setup, size=None)                # window and audio, before Kivy starts
    app = build_app(setup, sound_card=sound_card)              # the App, its controller and client
    asyncio.run(app.run_with_client())
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING

from display_board.announcer import Announcer
from display_board.board import Board
from display_board.numbers import NORTH, SOUTH
from display_board.setup import BoardSetup
from queue_server.config.board_options import BoardOptionError, Layout, NumberStyle, parse_options
from queue_server.config.settings import DeviceNotFound, Role
from queue_server.config.site import ConfigError, load_config

if TYPE_CHECKING:
    from display_board.app import BoardApp

log = logging.getLogger(__name__)

PACKAGE = Path(__file__).resolve().parent
FONTS = PACKAGE.parent / "assets" / "fonts"
KV_FILES = ("widgets.kv", "landscape.kv", "portrait.kv")
RECONNECT_BACKOFF = (0.5, 4.0)  # seconds: a board comes back quickly once the server does


class BoardSetupError(Exception):
    """The board cannot start: a wrong configuration, device or option (the message says which)."""


def load_setup(config_path: Path, device_id: str, server_url: str | None = None, var: Path = Path("var")) -> BoardSetup:
    try:
        config = load_config(config_path)
    except ConfigError as exc:
        raise BoardSetupError(str(exc)) from None
    try:
        device = config.require_device(device_id, Role.DISPLAY)
    except DeviceNotFound as exc:
        raise BoardSetupError(f"{config_path}: {exc}") from None
    try:
        options = parse_options(device_id, device.options, config_path)
    except BoardOptionError as exc:
        raise BoardSetupError(str(exc)) from None
    return BoardSetup(config, device, options, server_url or config.settings.server_url, var, config.site.tz)


def prepare_kivy(setup: BoardSetup, size: tuple[int, int] | None = None) -> bool:
    """Window and audio settings; must run before Kivy's window and sound are imported.
    False when no sound card was found (the calls then play into SDL's dummy driver)."""
    os.environ.setdefault("KIVY_NO_ARGS", "1")
    sound_card = True
    if "SDL_AUDIODRIVER" not in os.environ and not _has_sound_card():
        os.environ["SDL_AUDIODRIVER"] = "dummy"  # calls keep their pace with no sound card
        log.warning("no sound card found: using SDL's dummy audio driver (calls are shown, not heard)")
        sound_card = False
    from kivy.config import Config

    Config.set("kivy", "exit_on_escape", "0")
    Config.set("input", "mouse", "mouse,disable_multitouch")
    if size is not None:
        Config.set("graphics", "fullscreen", "0")
        Config.set("graphics", "width", str(size[0]))
        Config.set("graphics", "height", str(size[1]))
        Config.set("graphics", "resizable", "0")
    elif setup.options.fullscreen:
        Config.set("graphics", "fullscreen", "auto")
        Config.set("graphics", "show_cursor", "0")
    return sound_card


def _has_sound_card() -> bool:
    runtime = os.environ.get("XDG_RUNTIME_DIR", "")
    return (
        Path("/dev/snd").is_dir()
        or bool(os.environ.get("PULSE_SERVER"))
        or (bool(runtime) and (Path(runtime) / "pulse" / "native").exists())
    )


def build_app(setup: BoardSetup, *, monotonic=time.monotonic, sound_card: bool = True) -> BoardApp:
    """The app with everything it uses; Kivy is imported from here on. Faults of the sound
    (``sound_card`` False: none was found) are reported to the server (:mod:`.faults`)."""
    from kivy.core.text import LabelBase
    from kivy.lang import Builder

    from display_board.app import BoardApp
    from display_board.controller import BoardController, Speaker
    from display_board.faults import AudioFault, AudioReporter
    from display_board.player import SoundPlayer
    from display_board.voice import VoicePack, VoicePackError
    from display_board.voicegen import CHIME, VoiceBuildError, ensure_pack
    from queue_server.protocol.client import QueueClient

    LabelBase.register("NotoSans", str(FONTS / "NotoSans-Regular.ttf"), fn_bold=str(FONTS / "NotoSans-Bold.ttf"))
    for name in KV_FILES:
        Builder.load_file(str(PACKAGE / name))

    options = setup.options
    device = setup.device
    shown_services = frozenset(device.services) or None
    shown_counters = frozenset(device.counters) or None
    board = Board(
        counters=shown_counters,
        services=shown_services,
        highlight_seconds=options.highlight_seconds,
        offline_after_seconds=options.offline_after_seconds,
        keep_calls=max(options.last_calls, 10),
    )
    announcer = Announcer(repeat=options.voice_repeat, catch_up_window=dt.timedelta(seconds=options.catch_up_seconds))
    speaker = None
    if options.voice:
        try:
            folder = Path(options.voice_pack) if options.voice_pack else ensure_pack(setup.var / "voice" / "vi-espeak")
            pack = VoicePack(folder, CHIME)
            missing = pack.missing()
            if missing:
                log.warning("voice pack %s lacks %d clips (%s…): calls needing them get the chime only",
                            folder, len(missing), ", ".join(f"{lang}:{text}" for lang, text in missing[:5]))  # fmt: skip
            style = SOUTH if options.number_style is NumberStyle.SOUTH else NORTH
            player = SoundPlayer(volume=options.volume)
            speaker = Speaker(pack, player, setup.var / "voice" / "calls", english=options.english_voice, style=style)
        except (VoicePackError, VoiceBuildError, OSError) as exc:
            log.error("no voice: %s; calls are shown with no sound", exc)

    from kivy.clock import Clock

    controller = BoardController(
        board,
        announcer,
        speaker,
        monotonic=monotonic,
        wall_clock=lambda: dt.datetime.now(dt.UTC),
        schedule=lambda seconds, fn: Clock.schedule_once(lambda _dt: fn(), seconds),
    )

    def on_status(status: object) -> None:
        controller.on_status(status)
        reporter.on_status(status)  # what could not be reported goes once connected

    client = QueueClient(
        setup.server_url,
        token=device.token,
        on_event=controller.on_event,
        on_snapshot=controller.on_snapshot,
        on_status=on_status,
        backoff=RECONNECT_BACKOFF,
    )
    reporter = AudioReporter(client)
    if options.voice:  # a board with its voice turned off has no sound to report
        controller.on_audio = reporter.call_said
        if speaker is None:
            reporter.standing(AudioFault.VOICE_UNAVAILABLE)
        elif not sound_card:
            reporter.standing(AudioFault.NO_SOUND_CARD)
    app = BoardApp(setup=setup, controller=controller, client=client, layout=options.layout, monotonic=monotonic)
    controller.on_change = app.refresh_soon  # every change is on screen from the next frame
    return app


__all__ = ["BoardSetup", "BoardSetupError", "Layout", "build_app", "load_setup", "prepare_kivy"]
