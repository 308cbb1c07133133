"""How an officer's sign-in ends: its shortest length, the console's warning before the end,
and what may still be done after it (shared by the counter's operations and the server)."""

from __future__ import annotations

# A sign-in lasts at least this long (but never past session_minutes): signing in again with the
# PIN when the console warns (WARNING_MINUTES before the end) gives the officer an hour more to
# serve the citizens still waiting at the close, as many times as needed.
MIN_MINUTES = 60
# The console warns this long before the sign-in ends (counter.status's warning_minutes): time
# to finish the citizen at the counter (a service takes a few minutes) and type the PIN unhurried,
# not so early that it nags through the last hour.
WARNING_MINUTES = 10
# What an officer whose sign-in ends while a ticket is current may still do, until that ticket
# is done (no citizen is left half served): the next tick after it signs the officer out.
FINISHING = frozenset({"ticket.recall", "ticket.serve", "ticket.no_show", "ticket.complete", "ticket.transfer"})
