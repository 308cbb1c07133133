"""The kiosk's colours, in one place, for both modes: normal, and large text (high contrast).

Every colour a kiosk screen draws text or a button with is one of these (tests/kiosk/
test_access_checks.py walks the real windows and holds it), and every pair that carries
text meets WCAG 2.2 AA (4.5:1, 3:1 for large text) in both modes, every pair higher in large
text and the buttons' white text there at 7:1 (AAA) or more — computed from these values by
:mod:`kiosk.core.contrast` (tests/kiosk/test_access_core.py), not asserted.

Large text makes the page white, and every button 30 % darker under its white text.
"""

from __future__ import annotations

from collections.abc import Sequence

Colour = tuple[float, float, float, float]

INK: Colour = (0.07, 0.09, 0.13, 1)  # text on the page
PAPER: Colour = (0.96, 0.97, 0.98, 1)  # the page
PAPER_LARGE: Colour = (1.0, 1.0, 1.0, 1)
WHITE: Colour = (1.0, 1.0, 1.0, 1)  # text on buttons
STATUS: Colour = (1.0, 0.87, 0.35, 1)  # a tile's "closed" / "Hết số" line, on SHUT

# buttons (white text on them)
BLUE: Colour = (0.04, 0.24, 0.57, 1)  # a field's tile, the default button
SHUT: Colour = (0.33, 0.35, 0.38, 1)  # a closed field's tile
PRIORITY: Colour = (0.62, 0.24, 0.0, 1)
GREEN: Colour = (0.05, 0.40, 0.22, 1)  # appointments, confirm
PURPLE: Colour = (0.36, 0.16, 0.53, 1)  # dossiers
NEUTRAL: Colour = (0.2, 0.2, 0.2, 1)  # language, back, delete
DANGER: Colour = (0.70, 0.10, 0.05, 1)
LISTEN: Colour = (0.0, 0.33, 0.40, 1)  # "Nghe hướng dẫn"
BUTTONS: dict[str, Colour] = {
    "blue": BLUE, "shut": SHUT, "priority": PRIORITY, "green": GREEN, "purple": PURPLE, "neutral": NEUTRAL,
    "danger": DANGER, "listen": LISTEN,
}  # fmt: skip

# text drawn on the page itself (headings, notes, errors)
ON_PAPER: dict[str, Colour] = {
    "ink": INK, "blue": BLUE, "priority": PRIORITY, "green": GREEN, "danger": DANGER, "warning": (0.55, 0.22, 0.0, 1),
    "grey": (0.25, 0.25, 0.25, 1), "note": (0.25, 0.27, 0.3, 1), "hint": (0.2, 0.2, 0.25, 1),
}  # fmt: skip

DARKER_WHEN_LARGE = 0.7
DARKER_WHEN_PRESSED = 0.75


def paper(large: bool) -> Colour:
    return PAPER_LARGE if large else PAPER


def button(colour: Sequence[float], large: bool, pressed: bool = False) -> list[float]:
    """A button's background: its colour, darker in large text and while pressed."""
    factor = (DARKER_WHEN_LARGE if large else 1.0) * (DARKER_WHEN_PRESSED if pressed else 1.0)
    return [c * factor for c in colour[:3]] + [1.0]


def text_pairs(large: bool) -> list[tuple[str, Sequence[float], Sequence[float]]]:
    """Every (name, text colour, background) the kiosk draws, in one mode."""
    pairs: list[tuple[str, Sequence[float], Sequence[float]]] = []
    for name, colour in ON_PAPER.items():
        pairs.append((f"{name} on the page", colour, paper(large)))
    for name, colour in BUTTONS.items():
        for pressed in (False, True):
            pairs.append((f"white on {name}{' (pressed)' if pressed else ''}", WHITE, button(colour, large, pressed)))
    pairs.append(("status on shut", STATUS, button(SHUT, large)))
    return pairs


def known(colour: Sequence[float], large: bool) -> bool:
    """Whether ``colour`` is one the theme draws in this mode (as text, button or page)."""
    rgb = tuple(round(c, 3) for c in colour[:3])
    candidates: list[Sequence[float]] = [*ON_PAPER.values(), WHITE, STATUS, paper(large)]
    candidates += [button(c, large, p) for c in BUTTONS.values() for p in (False, True)]
    return any(rgb == tuple(round(c, 3) for c in candidate[:3]) for candidate in candidates)
