"""The display board: the waiting room's TV showing and speaking every call.

Pure parts (no Kivy, no asyncio): :mod:`.board` (the board's state from a snapshot and events),
:mod:`.announcer` (the queue of calls to speak), :mod:`.numbers` (numbers and ticket labels read
aloud), :mod:`.speech` (what one call says), :mod:`.voice` and :mod:`.audio` (voice packs and the
WAV of one call), :mod:`.options` (the device's board settings). The edges: :mod:`.player`
(Kivy sound), :mod:`.screen` and the ``.kv`` layouts, :mod:`.app`; :mod:`.bootstrap` wires them.
"""
