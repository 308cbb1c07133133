"""The Roles table of docs/protocol.md, made from the operations' own grants
(``@operation(name, roles, …)`` in ``op_*.py``), so that the document cannot miss one:
``tests/integration/test_protocol_doc.py`` fails when the table in the document differs.

After changing a grant, write the table again::

    python -m queue_server.server.roles_table --write docs/protocol.md
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from queue_server.config.settings import Role
from queue_server.server.ops import load

# what the table says of each role besides its grants: who it is and which events it sees
WHO: dict[Role, tuple[str, str]] = {
    Role.KIOSK: ("the lobby kiosk", "ticket and counter events, announcements, without personal details"),
    Role.DISPLAY: (
        "a display board",
        "ticket and counter events of its counters or services, announcements, without personal details",
    ),
    Role.COUNTER: (
        "a counter PC (bound to one counter)",
        "ticket and counter events, announcements, ratings, wait alarms",
    ),
    Role.PAD: ("a rating pad (bound to one counter)", "calls, completions, ratings and changes of its counter"),
    Role.MANAGER: ("the manager's screen", "everything"),
    Role.INTEGRATION: ("another system (the one-stop portal)", "everything"),
    Role.PUBLIC: ("a citizen's phone", "its own ticket's events, and `ticket.position`"),
    Role.VOLUNTEER: (
        "a volunteer's or floor staff's phone (`/volunteer`)",
        "help requests (asked, taken, closed) and new days; no ticket, counter or person",
    ),
}

# grants that hold only for the connection's own ticket or booking (the operation checks it)
OWN: dict[Role, dict[str, str]] = {
    Role.PUBLIC: {
        "ticket.get": "own",
        "fee.qr": "own",
        "ticket.cancel": "own",
        "rating.submit": "own",
        "ticket.notify": "own",
        "ticket.confirm": "own",
        "ticket.rejoin": "own",
        "remote.status": "own",
        "appointment.get": "by its code",
        "appointment.cancel": "by its code",
        "help.ask": "its phone's",
        "help.status": "its phone's",
    },
    Role.KIOSK: {"help.ask": "its own", "help.status": "its own"},
}

HEADER = "| role | who | may use | sees events |\n|---|---|---|---|\n"


def grants() -> dict[Role, list[str]]:
    """Each role's operations, in alphabetical order."""
    operations = load()
    return {role: sorted(name for name, op in operations.items() if role in op.roles) for role in Role}


def render() -> str:
    """The table, as docs/protocol.md shows it under "## Roles"."""
    rows = []
    for role, names in grants().items():
        notes = OWN.get(role, {})
        used = ", ".join(f"`{n}` ({notes[n]})" if n in notes else f"`{n}`" for n in names)
        who, sees = WHO[role]
        rows.append(f"| `{role.value}` | {who} | {used} | {sees} |\n")
    return HEADER + "".join(rows)


def table_in(document: str) -> str:
    """The Roles table as a document has it (from its header to its last row)."""
    start = document.index(HEADER, document.index("## Roles\n"))
    end = start + len(HEADER)
    while document.startswith("|", end):
        end = document.index("\n", end) + 1
    return document[start:end]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Print (or write into the protocol document) the Roles table.")
    parser.add_argument("--write", type=Path, metavar="DOC", help="replace the table in this document")
    args = parser.parse_args(argv)
    if args.write is None:
        sys.stdout.write(render())
        return 0
    text = args.write.read_text(encoding="utf-8")
    args.write.write_text(text.replace(table_in(text), render()), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
