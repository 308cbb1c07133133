"""What the board tells the manager about its sound: ``device.report`` (component ``audio``).

    reporter = AudioReporter(client)
    reporter.standing(AudioFault.VOICE_UNAVAILABLE)   # at start: holds for the whole run
    reporter.call_said(AudioFault.CLIPS_MISSING)      # after each call: how it went
    reporter.call_said(None)                          # a call said in full: mended
    reporter.on_status("connected")                   # what could not be sent goes now

The server is told only of changes (the fault now differs from what it last acknowledged),
once; a report the connection lost is sent again when the board is connected. A fault found
at start (no voice pack, no sound card) stands for the run: calls said "in full" through a
silent output do not clear it. The output refusing a call's sound, or its WAV not written,
holds until a call plays; clips a call needed and the pack lacks hold until they are back in
the pack (the controller looks again after each call). The dashboard shows each as a device
fault, like a kiosk's printer out of paper.
"""

from __future__ import annotations

import asyncio
import enum
import logging
from typing import Any, Protocol

log = logging.getLogger(__name__)

COMPONENT = "audio"


class AudioFault(enum.StrEnum):
    """``device.report``'s ``detail`` for the board's sound."""

    VOICE_UNAVAILABLE = "voice_unavailable"  # no usable voice pack: calls are shown, not spoken
    NO_SOUND_CARD = "no_sound_card"  # no sound card found: calls play into SDL's dummy driver
    PLAYER_FAILED = "player_failed"  # the sound output did not play a call
    FILE_FAILED = "file_failed"  # a call's sound could not be written to its WAV file
    CLIPS_MISSING = "clips_missing"  # a call needed clips the pack lacks: the chime only


class Requester(Protocol):
    async def request(self, op: str, **args: Any) -> dict[str, Any]: ...


_NOTHING = object()  # nothing told yet in this run (so a fault left from a past run gets cleared)


class AudioReporter:
    def __init__(self, client: Requester) -> None:
        self.client = client
        self._standing: AudioFault | None = None
        self._last_call: object = _NOTHING  # the last call's fault (None: said in full)
        self._told: object = _NOTHING  # what the server last acknowledged
        self._sending: asyncio.Task[None] | None = None

    @property
    def fault(self) -> object:
        """The fault to report now: None when the sound works; ``_NOTHING`` before it is known."""
        return self._standing if self._standing is not None else self._last_call

    def standing(self, fault: AudioFault) -> None:
        log.error("sound: %s for as long as the board runs", fault.value)
        self._standing = fault
        self._kick()

    def clear(self) -> None:
        """No standing fault now (a new configuration's voice, before it is judged again)."""
        self._standing = None
        self._kick()

    def call_said(self, fault: AudioFault | None) -> None:
        self._last_call = fault
        self._kick()

    def on_status(self, status: Any) -> None:
        if getattr(status, "value", status) == "connected":
            self._kick()

    def _kick(self) -> None:
        if self.fault is _NOTHING or self.fault == self._told:
            return
        if self._sending is not None and not self._sending.done():
            return  # the running send looks again when it is done
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return  # not running yet: sent once connected
        self._sending = loop.create_task(self._send())

    async def _send(self) -> None:
        from queue_server.protocol.client import NotConnected, RequestFailed

        while self.fault is not _NOTHING and self.fault != self._told:
            fault = self.fault
            args: dict[str, Any] = {"component": COMPONENT, "ok": fault is None}
            if isinstance(fault, AudioFault):
                args["detail"] = fault.value
            try:
                await self.client.request("device.report", **args)
            except (NotConnected, RequestFailed, TimeoutError) as exc:
                log.warning("sound %s not reported yet (%s): again once connected", args.get("detail", "ok"), exc)
                return
            self._told = fault
            log.info("sound reported: %s", args.get("detail", "ok"))
