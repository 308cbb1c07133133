"""What a call says, as steps a voice pack turns into sound (no audio here).

    Mời công dân có số thứ tự | a | mười | hai | đến quầy số | năm      (× ``repeat``)
    Ticket number | A | twelve | please go to counter | five          (once, when English is on)

with the chime first and short pauses between the parts.
"""

from __future__ import annotations

import dataclasses

from voice.numbers import NORTH, VietnameseStyle, read_en, read_label, read_vi

INVITE_VI = "Mời công dân có số thứ tự"
TO_COUNTER_VI = "đến quầy số"
INVITE_EN = "Ticket number"
TO_COUNTER_EN = "please go to counter"

PHRASES = {"vi": (INVITE_VI, TO_COUNTER_VI), "en": (INVITE_EN, TO_COUNTER_EN)}


@dataclasses.dataclass(frozen=True)
class Chime:
    pass


@dataclasses.dataclass(frozen=True)
class Say:
    language: str  # "vi" or "en": a section of the voice pack
    text: str  # one clip's text (a phrase, a number word, a letter's name)


@dataclasses.dataclass(frozen=True)
class Pause:
    milliseconds: int


Step = Chime | Say | Pause

WORD_GAP_MS = 40
PHRASE_GAP_MS = 150
REPEAT_GAP_MS = 700


def call_steps(
    label: str, counter: int, *, repeat: int = 2, english: bool = False, style: VietnameseStyle = NORTH
) -> tuple[Step, ...]:
    """The chime, then the Vietnamese sentence ``repeat`` times, then English once if asked."""
    sentences = [_sentence("vi", label, counter, style)] * repeat
    if english:
        sentences.append(_sentence("en", label, counter, style))
    steps: list[Step] = [Chime(), Pause(300)]
    for index, sentence in enumerate(sentences):
        if index:
            steps.append(Pause(REPEAT_GAP_MS))
        steps += sentence
    return tuple(steps)


def _sentence(language: str, label: str, counter: int, style: VietnameseStyle) -> list[Step]:
    invite, to_counter = PHRASES[language]
    number = read_vi(counter, style) if language == "vi" else read_en(counter)
    steps: list[Step] = [Say(language, invite), Pause(PHRASE_GAP_MS)]
    steps += _words(language, read_label(label, language, style))
    steps += [Pause(PHRASE_GAP_MS), Say(language, to_counter), Pause(PHRASE_GAP_MS)]
    steps += _words(language, number)
    return steps


def _words(language: str, words: list[str]) -> list[Step]:
    steps: list[Step] = []
    for index, word in enumerate(words):
        if index:
            steps.append(Pause(WORD_GAP_MS))
        steps.append(Say(language, word))
    return steps


def call_text(label: str, counter: int) -> str:
    """The sentence as text, for the log and for the screen when there is no voice."""
    return f"{INVITE_VI} {label} {TO_COUNTER_VI} {counter}"
