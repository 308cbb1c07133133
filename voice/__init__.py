"""The lobby's offline voice, shared by the display board and the kiosk: sound as plain values
(:mod:`.audio`), numbers and ticket labels as Vietnamese and English words (:mod:`.numbers`),
espeak-ng's offline synthesis (:mod:`.espeak`) and the one-at-a-time player (:mod:`.player`).

It imports nothing of ours (``.importlinter``: "voice imports nothing of ours"): the apps use
it, never the other way round, and no app imports another for its voice.
"""
