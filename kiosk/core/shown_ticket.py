"""The ticket on screen: shown as soon as the server has issued it, while its paper prints.

When it may go home ("Xong", the timed return, the idle return) and what it says about the
paper: printing, printed ("take your ticket below"), or not printed (the fault, and time to
photograph the QR code). Pure: the caller says what time it is (a monotonic clock).
"""

from __future__ import annotations

import dataclasses
import enum

DONE_AFTER = 1.0  # "Xong" takes no tap in the ticket's first second: the second tap of a double tap lands there
AFTER_PRINTED = 3.0  # once printed, at least this long to read "take your ticket below"
NOT_PRINTED_TIMES = 3  # not printed: result_seconds × this, to photograph the number and its QR code
PRINT_PATIENCE = 30.0  # a print still going after this long (a link with no timeout) no longer holds the screen


class Paper(enum.Enum):
    PRINTING = "printing"
    PRINTED = "printed"
    NOT_PRINTED = "not_printed"


@dataclasses.dataclass
class ShownTicket:
    """The ticket ``code`` on screen since ``shown_at``; ``result_seconds`` is the kiosk's option."""

    code: str
    shown_at: float
    result_seconds: float
    paper: Paper = Paper.PRINTING
    fault: str | None = None  # why it was not printed (a printer.* key)
    done_asked: bool = False  # "Xong" was tapped while it printed

    @property
    def printing(self) -> bool:
        return self.paper is Paper.PRINTING

    def holds_screen(self, now: float) -> bool:
        """While its paper prints (up to :data:`PRINT_PATIENCE`), the ticket keeps the screen:
        the citizen is to be told whether it printed."""
        return self.printing and now - self.shown_at < PRINT_PATIENCE

    def may_leave(self, now: float) -> bool:
        """Whether the idle return may take it off the screen."""
        return not self.holds_screen(now)

    def done(self, now: float) -> bool:
        """"Xong" tapped: True when the kiosk goes home now. While the paper prints, the tap is
        kept and honoured once it is printed (see :meth:`printed`)."""
        if now - self.shown_at < DONE_AFTER:
            return False
        if self.holds_screen(now):
            self.done_asked = True
            return False
        return True

    def printed(self, fault: str | None, now: float) -> float:
        """The print's outcome; returns how many seconds more the ticket stays (0: home now).

        Printed: until ``result_seconds`` after it was shown, and at least
        :data:`AFTER_PRINTED` more (none when "Xong" was tapped meanwhile). Not printed:
        ``result_seconds × 3`` from now, whatever was tapped before the citizen could read
        the fault."""
        self.fault = fault
        if fault is not None:
            self.paper = Paper.NOT_PRINTED
            self.done_asked = False
            return float(self.result_seconds * NOT_PRINTED_TIMES)
        self.paper = Paper.PRINTED
        if self.done_asked:
            return 0.0
        return max(self.result_seconds - (now - self.shown_at), AFTER_PRINTED)
