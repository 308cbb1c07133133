"""What the kiosk says aloud in listening mode, as text (no sound here; :mod:`kiosk.listening`
has espeak-ng say it). Everything comes out NFC, in the citizen's language.

    ticket_speech(ticket, texts, wait_line="Mời ngồi chờ tại khu B, tầng 1")
    -> "Số thứ tự của bạn là a mười hai. Lĩnh vực Hộ tịch. Mời đến quầy số một và hai khi
        được gọi. Có ba người đang chờ trước bạn. Mời ngồi chờ tại khu B, tầng 1."

Numbers are said as words (``voice.numbers``, the board's reader): a ticket label "A012" is
"a mười hai", not "A không một hai" as a synthesiser would read the characters.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from kiosk.core.decisions import ServiceTile
from kiosk.core.texts import TEXTS, Catalogue, Language
from voice.numbers import read_en, read_label, read_vi

_MARKUP = re.compile(r"\[/?[a-z]+(?:=[^\]]*)?\]")
_ENTITIES = (("&bl;", "["), ("&br;", "]"), ("&amp;", "&"))


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def plain(markup: str) -> str:
    """A Kivy label's markup as the words it shows."""
    text = _MARKUP.sub("", markup)
    for entity, char in _ENTITIES:
        text = text.replace(entity, char)
    return nfc(text)


def number_words(value: int, language: Language) -> str:
    return " ".join(read_vi(value) if language is Language.VI else read_en(value))


def label_words(label: str, language: Language) -> str:
    return " ".join(read_label(label, language.value)) or label


def sentence(text: str) -> str:
    """One spoken sentence: stripped, ending in a full stop (espeak-ng pauses there)."""
    text = nfc(text).strip().rstrip("…")
    return text if not text or text[-1] in ".!?:" else f"{text}."


def ticket_speech(ticket: Mapping[str, Any], texts: Catalogue, wait_line: str = "") -> str:
    """What an issued ticket says: its number, its field, its counter(s), the people ahead
    (or the counter calling it already) and where to wait."""
    language = texts.language
    vi = language is Language.VI
    name = ticket.get("service_name_vi" if vi else "service_name_en") or ticket.get("service", "")
    parts = [
        texts("spoken.ticket", number=label_words(ticket.get("label", ""), language)),
        texts("spoken.service", name=name),
    ]
    calling = ticket.get("counter") if ticket.get("state") in ("called", "serving") else None
    if calling is not None:
        parts.append(texts("spoken.go_now", counter=number_words(int(calling), language)))
    else:
        counters = [int(c) for c in ticket.get("counters") or ()]
        if counters:
            parts.append(texts("spoken.counters", counters=_joined([number_words(c, language) for c in counters], texts)))
        ahead = int(ticket.get("people_ahead") or 0)
        parts.append(texts("spoken.people_ahead", count=number_words(ahead, language)) if ahead else texts("spoken.nobody_ahead"))
        if wait_line:
            parts.append(sentence(wait_line))
    return nfc(" ".join(sentence(p) for p in parts))


def _joined(words: Sequence[str], texts: Catalogue) -> str:
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} {texts('spoken.and')} {words[-1]}"


def tile_speech(tile: ServiceTile, texts: Catalogue) -> str:
    """A field's tile, as a first touch in listening mode reads it: its name, then its state."""
    status = tile.status()
    parts = [tile.name(texts.language.value)]
    if tile.can_issue and tile.waiting:
        parts.append(texts("tile.waiting", count=tile.waiting))
    parts.append(texts(status.key, **status.params))
    return nfc(" ".join(sentence(p) for p in parts))


def other_language_texts(language: Language) -> frozenset[str]:
    """Every catalogue text of the other language with no placeholder: the lines a screen shows
    under the citizen's language (titles), left out when its content is read."""
    index = 1 if language is Language.VI else 0
    return frozenset(nfc(pair[index]) for pair in TEXTS.values() if "{" not in pair[index])


def screen_speech(shown: Iterable[str], language: Language, skip: Iterable[str] = ()) -> str:
    """A screen's content as read aloud: each shown text (markup removed) line by line, without
    the other language's lines (``skip`` adds the other language's field names)."""
    other = other_language_texts(language) | {nfc(s) for s in skip}
    lines: list[str] = []
    for text in shown:
        for line in plain(text).splitlines():
            line = line.strip()
            if line and line not in other and line not in lines:
                lines.append(line)
    return nfc(" ".join(sentence(line) for line in lines))
