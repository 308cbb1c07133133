"""The display board: the waiting room's TV showing and speaking every call.

Pure parts (no Kivy, no asyncio): :mod:`.board` (the board's state from a snapshot and events),
:mod:`.announcer` (the queue of calls to speak), :mod:`.speech` (what one call says), :mod:`.voice`
(voice packs and the WAV of one call), :mod:`.options` (the device's board settings). The edges:
:mod:`.screen` and the ``.kv`` layouts, :mod:`.app`; :mod:`.bootstrap` wires them. The sound
itself (WAV values, numbers read aloud, espeak-ng, the Kivy player) is the lobby's shared
:mod:`voice` package, which the kiosk speaks with too.
"""
