"""The one place that wires a board: configuration, options, voice pack, player, client, app.

    setup = load_state_setup(Path("/var/lib/motcua/board"))  # its server, token and configuration
    setup = load_setup(Path("site.toml"), "board-hall")      # or the old way: a site file (no Kivy yet)
    sound_card = prepare_kivy(setup, size=None)                # window and audio, before Kivy starts
    app = build_app(setup, sound_card=sound_card)              # the App, its controller and client
    asyncio.run(app.run_with_client())
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import logging
import os
import time
import zoneinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any

from display_board.announcer import Announcer
from display_board.board import Board
from display_board.setup import BoardSetup
from queue_server.config.board_options import BoardOptionError, BoardOptions, Layout, NumberStyle, parse_options
from queue_server.config.settings import DeviceNotFound, Role
from queue_server.config.site import ConfigError, load_config, parse_config
from queue_server.protocol.role_words import not_this_roles_config
from queue_server.protocol.state_dir import ConfigRefused, StateError, fetch_config, read_state
from voice.numbers import NORTH, SOUTH

if TYPE_CHECKING:
    from display_board.app import BoardApp
    from display_board.controller import Speaker

log = logging.getLogger(__name__)

PACKAGE = Path(__file__).resolve().parent
FONTS = PACKAGE.parent / "assets" / "fonts"
KV_FILES = ("widgets.kv", "landscape.kv", "portrait.kv")
RECONNECT_BACKOFF = (0.5, 4.0)  # seconds: a board comes back quickly once the server does
DEFAULT_TZ = "Asia/Ho_Chi_Minh"  # the clock of a board the server refused before sending its own
VOICE_OPTIONS = ("voice", "voice_pack", "english_voice", "number_style", "volume")  # a new speaker when one changes


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
    return BoardSetup(
        config, device, options, server_url or config.settings.server_url, var, config.site.tz, token=device.token
    )


def load_state_setup(state: Path, server_url: str | None = None, var: Path = Path("var")) -> BoardSetup:
    """The board of a state folder (``DIR/server``, ``DIR/token``: ``motcua-display enrol``), its
    configuration asked of the server (waiting for it as long as it takes). A board the server
    refuses (revoked, an incompatible protocol) is still set up, with the server's words to
    show; it keeps asking, and takes its configuration if it is accepted again."""
    try:
        own = read_state(state)
    except StateError as exc:
        raise BoardSetupError(str(exc).replace("motcua-kiosk", "motcua-display")) from None
    server_url = server_url or own.server
    try:
        config = asyncio.run(fetch_config(dataclasses.replace(own, server=server_url), backoff=RECONNECT_BACKOFF))
    except ConfigRefused as exc:
        log.error("the server %s refuses this board: %s (%s)", server_url, exc, exc.code)
        return BoardSetup(
            None, None, BoardOptions(), server_url, var, zoneinfo.ZoneInfo(DEFAULT_TZ), token=own.token, refusal=str(exc)
        )
    return setup_from_server(config, server_url, own.token, var)


def setup_from_server(config: dict[str, Any], server_url: str, token: str, var: Path) -> BoardSetup:
    """The setup of the configuration the server sent (hello's or config.changed's ``config``:
    the site file's text cut to this board, docs/protocol.md); :class:`BoardSetupError` when it
    is not a usable board's."""
    source = f"<configuration {config.get('version')} from the server>"
    text = str(config.get("toml", ""))
    try:
        site = parse_config(text, source)
    except ConfigError as exc:
        raise BoardSetupError(str(exc)) from None
    boards = [d for d in site.devices if d.role is Role.DISPLAY]
    if len(boards) != 1:
        raise BoardSetupError(f"{not_this_roles_config(site, Role.DISPLAY)} [{source}]")
    [device] = boards
    try:
        options = parse_options(device.id, device.options)
    except BoardOptionError as exc:
        raise BoardSetupError(f"{source}: {exc}") from None
    return BoardSetup(site, device, options, server_url, var, site.site.tz, token=token, config_text=text)


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
    from display_board.controller import BoardController
    from display_board.faults import AudioFault, AudioReporter
    from queue_server.protocol.client import QueueClient

    LabelBase.register("NotoSans", str(FONTS / "NotoSans-Regular.ttf"), fn_bold=str(FONTS / "NotoSans-Bold.ttf"))
    for name in KV_FILES:
        Builder.load_file(str(PACKAGE / name))

    options = setup.options
    board = Board(
        counters=setup.shown_counters,
        services=setup.shown_services,
        highlight_seconds=options.highlight_seconds,
        offline_after_seconds=options.offline_after_seconds,
        keep_calls=max(options.last_calls, 10),
        flash_seconds=options.flash_seconds,
    )
    announcer = Announcer(repeat=options.voice_repeat, catch_up_window=dt.timedelta(seconds=options.catch_up_seconds))
    speaker = make_speaker(options, setup.var)

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
        refused = client.refused  # set before the hello's failure ends the connection
        board.refused(refused.message if refused is not None else None)
        controller.on_status(status)
        reporter.on_status(status)  # what could not be reported goes once connected

    def on_config(config: dict[str, Any]) -> None:
        """A configuration from the server (hello, config.changed): applied at once to a board
        started from its state folder; a board with a site file of its own keeps that."""
        current = app.setup
        if not current.from_server:
            return
        try:
            new = setup_from_server(config, current.server_url, current.token, current.var)
        except BoardSetupError as exc:
            log.error("the server's configuration %s is not usable, the board keeps its own: %s", config.get("version"), exc)
            return
        if new.config_text == current.config_text:
            return
        speaker = controller.speaker
        if current.config is None or any(getattr(new.options, k) != getattr(current.options, k) for k in VOICE_OPTIONS):
            speaker = make_speaker(new.options, new.var)
        wire_audio(new.options, speaker)
        app.apply_setup(new, speaker)
        log.info("configuration %s from the server applied", config.get("version"))

    def wire_audio(options: BoardOptions, speaker: Speaker | None) -> None:
        reporter.clear()
        if options.voice:  # a board with its voice turned off has no sound to report
            controller.on_audio = reporter.call_said
            if speaker is None:
                reporter.standing(AudioFault.VOICE_UNAVAILABLE)
            elif not sound_card:
                reporter.standing(AudioFault.NO_SOUND_CARD)
        else:
            controller.on_audio = lambda fault: None

    client = QueueClient(
        setup.server_url,
        token=setup.token,
        on_event=controller.on_event,
        on_snapshot=controller.on_snapshot,
        on_status=on_status,
        on_config=on_config,
        backoff=RECONNECT_BACKOFF,
    )
    reporter = AudioReporter(client)
    wire_audio(options, speaker)
    board.refused(setup.refusal or None)
    app = BoardApp(setup=setup, controller=controller, client=client, layout=options.layout, monotonic=monotonic)
    controller.on_change = app.refresh_soon  # every change is on screen from the next frame
    return app


def make_speaker(options: BoardOptions, var: Path) -> Speaker | None:
    """The voice of the options (None: no voice, or none could be made; the calls are shown)."""
    if not options.voice:
        return None
    from display_board.controller import Speaker
    from display_board.voice import VoicePack, VoicePackError
    from display_board.voicegen import CHIME, VoiceBuildError, ensure_pack
    from voice.player import SoundPlayer

    try:
        folder = Path(options.voice_pack) if options.voice_pack else ensure_pack(var / "voice" / "vi-espeak")
        pack = VoicePack(folder, CHIME)
        missing = pack.missing()
        if missing:
            log.warning("voice pack %s lacks %d clips (%s…): calls needing them get the chime only",
                        folder, len(missing), ", ".join(f"{lang}:{text}" for lang, text in missing[:5]))  # fmt: skip
        style = SOUTH if options.number_style is NumberStyle.SOUTH else NORTH
        player = SoundPlayer(volume=options.volume)
        return Speaker(pack, player, var / "voice" / "calls", english=options.english_voice, style=style)
    except (VoicePackError, VoiceBuildError, OSError) as exc:
        log.error("no voice: %s; calls are shown with no sound", exc)
        return None


__all__ = [
    "BoardSetup", "BoardSetupError", "Layout", "build_app", "load_setup", "load_state_setup", "prepare_kivy",
    "setup_from_server",
]  # fmt: skip
