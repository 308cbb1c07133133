""""Cần hỗ trợ" at the kiosk: what the help bar says about this kiosk's request for a volunteer.

The server keeps one open request per kiosk (``help.ask`` answers with the open one: a second
touch makes nothing new); the kiosk learns where it stands from the replies of ``help.ask``
and ``help.status`` (docs/protocol.md "help.ask, help.status"). Pure: replies in, what to
say out.

An idle reset sends the screen home but does not end the request: only a volunteer closes it
(the citizen who asked is most likely still standing at the kiosk, untouched — exactly when
the idle timer fires — and the reports count the requests nobody answered). The bar keeps
saying the request is open until the server says it is closed.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Mapping
from typing import Any

POLL_SECONDS = 3.0  # how often the kiosk asks help.status while its request is open


class HelpStage(enum.Enum):
    NONE = "none"  # no open request: the bar shows its button alone
    ASKING = "asking"  # the touch was sent, no answer yet
    WAITING = "waiting"  # asked; no volunteer has taken it yet
    COMING = "coming"  # a volunteer took it and is on the way
    FAILED = "failed"  # the request could not be sent (not connected, refused)


@dataclasses.dataclass(frozen=True)
class HelpShown:
    """What the help bar says: a stage, the request's id and how many requests are ahead."""

    stage: HelpStage
    request: int | None = None
    ahead: int = 0
    reason: str = ""

    @property
    def is_open(self) -> bool:
        return self.stage in (HelpStage.WAITING, HelpStage.COMING)

    def lines(self) -> list[tuple[str, dict[str, Any]]]:
        """The catalogue's keys (with their parameters) the bar shows, first line first."""
        if self.stage is HelpStage.ASKING:
            return [("help.asking", {})]
        if self.stage is HelpStage.WAITING:
            return [("help.asked", {}), ("help.ahead", {"count": self.ahead}) if self.ahead else ("help.next", {})]
        if self.stage is HelpStage.COMING:
            return [("help.coming", {})]
        if self.stage is HelpStage.FAILED:
            return [("help.failed", {"reason": self.reason})]
        return []


NOTHING = HelpShown(HelpStage.NONE)


def shown_from_reply(reply: Mapping[str, Any]) -> HelpShown:
    """The bar's state from a ``help.ask`` or ``help.status`` reply (``request`` null: none open)."""
    request = reply.get("request")
    if not isinstance(request, Mapping):
        return NOTHING
    stage = HelpStage.COMING if request.get("taken") else HelpStage.WAITING
    return HelpShown(stage, int(request["id"]), max(0, int(request.get("ahead") or 0)))


def should_ask(shown: HelpShown) -> bool:
    """A touch sends ``help.ask`` unless one is on its way; with a request open it is sent all
    the same (the server answers with the open one, making nothing new) so the bar is fresh."""
    return shown.stage is not HelpStage.ASKING
