"""The kiosk before the server has configured it (a part of the kiosk app): its first run,
which enrols it by the enrolment QR on its own scanner (or a typed code), and the full screen
of a refusal (revoked, unknown token, another protocol) that keeps trying, slowly.

Enrolment is ``motcua-kiosk enrol``'s own path (:func:`~queue_server.protocol.enrolling.ask_token`,
:func:`~queue_server.protocol.enrolling.write_state`); then the queue client says hello with the
new token, its reply brings the configuration (``on_config``), and the same process becomes the
normal kiosk: no restart, so no window closed and opened again in front of the public.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from kiosk.core.first_run import REENROL, Enrolment, enrolment_from_scan, enrolment_from_typed, refusal_shown
from queue_server.protocol.enrolling import EnrolmentFailed, ServerUnreachable, ask_token, write_state

log = logging.getLogger(__name__)

FIRST_RUN, REFUSED = "first_run", "refused"
REFUSED_BACKOFF = (15.0, 60.0)  # a refused kiosk asks again this slowly (a fixed server takes it back)


class FirstRunFlows:
    """Mixed into :class:`kiosk.app.KioskApp`, whose state these methods use."""

    context: Any
    root: Any
    state_dir: Path | None
    configured: bool
    enrolling: bool
    texts: Any
    issuing: Any
    client_task: Any
    normal_backoff: tuple[float, float]
    spawn: Any  # the app's methods
    screen: Any
    _cancel_return: Any

    @property
    def known_server(self) -> str | None:
        """The server's address before enrolment: ``--server`` or ``DIR/server``, if given."""
        return self.context.client.url or None

    def unconfigured_screen(self) -> str:
        """Where a kiosk without configuration stands: refused, or its first run."""
        refused = self.context.client.refused
        if refused is not None and refusal_shown(refused.code):
            return REFUSED
        return FIRST_RUN

    def takes_enrolment(self) -> bool:
        """Whether a scan now is an enrolment: the first-run screen, or a refusal a new code cures."""
        current = self.root.current
        refused = self.context.client.refused
        return current == FIRST_RUN or (current == REFUSED and refused is not None and refused.code in REENROL)

    def enrol_scan(self, text: str) -> None:
        found = enrolment_from_scan(self.context.classifier.classify(text), self.known_server)
        self._enrol_or_say(found)

    def enrol_typed(self, typed: str) -> None:
        self._enrol_or_say(enrolment_from_typed(typed, self.known_server))

    def _enrol_or_say(self, found: Enrolment | str) -> None:
        if isinstance(found, str):
            self._first_run_says(self.texts(found), self.texts.other(found), error=True)
            return
        if self.enrolling:
            return
        self.enrolling = True
        self.spawn(self._enrol(found))

    async def _enrol(self, enrolment: Enrolment) -> None:
        t = self.texts
        self.go_unconfigured(FIRST_RUN)
        self._first_run_says(t("firstrun.enrolling"), t.other("firstrun.enrolling"))
        try:
            reply = await ask_token(enrolment.server, enrolment.code, "kiosk")
            assert self.state_dir is not None
            write_state(self.state_dir, enrolment.server, str(reply["token"]))
        except ServerUnreachable:
            key, params = "firstrun.unreachable", {"url": enrolment.server}
        except EnrolmentFailed as exc:  # the server's words (Vietnamese first)
            key, params = "firstrun.refused", {"reason": str(exc)}
        except OSError as exc:
            key, params = "firstrun.cannot_write", {"folder": str(self.state_dir), "reason": exc.strerror or str(exc)}
        else:
            log.info("enrolled as %s with %s; asking for the configuration", reply.get("device"), enrolment.server)
            self._first_run_says(t("firstrun.enrolled"), t.other("firstrun.enrolled"))
            self.enrolling = False
            self.connect_as(enrolment.server, str(reply["token"]))
            return
        finally:
            self.screen(FIRST_RUN).code = ""
        self.enrolling = False
        log.warning("enrolment with %s refused: %s", enrolment.server, params)
        self._first_run_says(t(key, **params), t.other(key, **params), error=True)

    def connect_as(self, server: str, token: str) -> None:
        """The queue client, (re)started with this server and token; its hello brings the
        configuration (``on_config``)."""
        client = self.context.client
        client.url, client.token = server, token
        client.refused = None
        client.backoff = self.normal_backoff
        if self.client_task is not None:
            self.client_task.cancel()
        self.client_task = self.spawn(client.run())

    def go_unconfigured(self, name: str) -> None:
        self._cancel_return()
        self.root.current = name
        self.root.current_screen.refresh()

    def _first_run_says(self, first: str, second: str, error: bool = False) -> None:
        if self.root.current != FIRST_RUN:
            self.go_unconfigured(FIRST_RUN)
        self.screen(FIRST_RUN).say(first, second, error)

    def show_refusal(self) -> None:
        """The server refuses this kiosk: its words full screen, and tries from now on slowly."""
        refused = self.context.client.refused
        assert refused is not None
        self.context.client.backoff = REFUSED_BACKOFF
        self.issuing.reset()
        if self.root.current != REFUSED:
            log.warning("the server refuses this kiosk (%s): %s", refused.code, refused.message)
        self._cancel_return()
        self.root.current = REFUSED
        self.screen(REFUSED).show(refused.code, refused.message)
