"""Rating pads: serial RS-485 buses (our frame or QSystem's units) and USB key pads.

    from hardware.pad import open_pad_bus

    bus = open_pad_bus("serial:///dev/ttyUSB0?protocol=qsystem", counters={2: "5", 3: "6"})
    async with bus:
        bus.arm("A1023", counter="5")     # when service at counter 5 ends
        async for event in bus:           # RatingAccepted | PressIgnored | ArmExpired
            ...

Pure parts (no I/O, time passed in): :mod:`~hardware.pad.frames` and
:mod:`~hardware.pad.qsystem` (bytes → presses, commands → bytes), :mod:`~hardware.pad.keys`
(key events → presses), :mod:`~hardware.pad.arming` and :mod:`~hardware.pad.bank` (one
rating per armed ticket). Transports: :mod:`~hardware.pad.transports`, wrapped for asyncio
by :mod:`~hardware.pad.bus`.
"""

from __future__ import annotations

from hardware.pad.arming import ArmingSettings, PadArming, PadState
from hardware.pad.bank import PadBank, UnknownPad
from hardware.pad.bus import PadBus, PadBusClosed
from hardware.pad.events import (
    ArmExpired,
    Beep,
    IgnoreReason,
    KeyPress,
    LedState,
    PadCommand,
    PadEvent,
    PressIgnored,
    RatingAccepted,
    SetLed,
)
from hardware.pad.open import open_pad_bus
from hardware.pad.wire import PadProtocol

__all__ = [
    "ArmExpired",
    "ArmingSettings",
    "Beep",
    "IgnoreReason",
    "KeyPress",
    "LedState",
    "PadArming",
    "PadBank",
    "PadBus",
    "PadBusClosed",
    "PadCommand",
    "PadEvent",
    "PadProtocol",
    "PadState",
    "PressIgnored",
    "RatingAccepted",
    "SetLed",
    "UnknownPad",
    "open_pad_bus",
]
