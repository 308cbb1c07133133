"""Where a key is in a TOML text: the line a configuration problem is reported at.

tomllib gives values, not positions; :class:`LineFinder` reads the text's table headers and
keys to find, as well as it can, the line of a key path such as ``service[2].prefix``.
"""

from __future__ import annotations

import dataclasses
import re

from queue_server.config.checks import KeyPath

_HEADER = re.compile(r"\s*(\[\[?)\s*([^\[\]#]+?)\s*\]\]?\s*(?:#.*)?")
_HEADER_PART = re.compile(r"""\s*(?:"([^"]*)"|'([^']*)'|([A-Za-z0-9_-]+))\s*""")


@dataclasses.dataclass(frozen=True)
class _Section:
    parts: tuple[str, ...]
    array: bool
    line: int  # 0-based line of the header; 0 for the root


class LineFinder:
    """Finds, as well as it can, the line of a key path in a TOML text.

    ``service[2].hours.times`` is looked for as: the 2nd ``[[service]]`` header, then a
    ``[service.hours]`` header below it or a ``hours =`` / ``hours.`` line in it, then
    ``times`` on that line or after it. The deepest part found gives the line.
    """

    def __init__(self, text: str) -> None:
        self.lines = text.split("\n")
        self.sections = [_Section((), False, 0)]
        for number, line in enumerate(self.lines):
            header = _parse_header(line)
            if header is not None:
                self.sections.append(_Section(header[0], header[1], number))

    def line_of(self, key: KeyPath) -> int | None:
        """The 1-based line of ``key``, or of the deepest part of it found."""
        names = _named_positions(key)
        found: int | None = None
        lo, hi = 0, len(self.sections)
        prefix: tuple[str, ...] = ()
        rest = names
        for name, index in names:
            section = self._find_section(lo, hi, prefix + (name,), index)
            if section is None and index is None and self._implicit(lo, hi, prefix + (name,)):
                prefix, rest = prefix + (name,), rest[1:]  # [limits.kiosk] defines [limits] without a header
                continue
            if section is None:
                break
            lo, hi, prefix = section, self._end(section, hi), prefix + (name,)
            found = self.sections[section].line
            rest = rest[1:]
        start = self.sections[lo].line + (1 if lo else 0)
        stop = self.sections[lo + 1].line if lo + 1 < len(self.sections) else len(self.lines)
        for depth, (name, _) in enumerate(rest):
            line = self._find_key(name, start, stop, first=depth == 0)
            if line is None:
                break
            found, start = line, line
        return None if found is None else found + 1

    def _find_section(
        self, lo: int, hi: int, parts: tuple[str, ...], index: int | None
    ) -> int | None:
        matches = [k for k in range(lo + 1, hi) if self.sections[k].parts == parts]
        if index is not None:
            matches = [k for k in matches if self.sections[k].array]
            return matches[index - 1] if 0 < index <= len(matches) else None
        return matches[0] if matches else None

    def _implicit(self, lo: int, hi: int, parts: tuple[str, ...]) -> bool:
        """A table with no header of its own whose sub-tables have one."""
        return any(self.sections[k].parts[: len(parts)] == parts for k in range(lo + 1, hi))

    def _end(self, section: int, hi: int) -> int:
        parts = self.sections[section].parts
        end = section + 1
        while end < hi:
            other = self.sections[end].parts
            if other == parts or other[: len(parts)] != parts:
                break
            end += 1
        return end

    def _find_key(self, name: str, start: int, stop: int, *, first: bool) -> int | None:
        names = "|".join(re.escape(n) for n in (name, f'"{name}"', f"'{name}'"))
        lead = r"^\s*" if first else r"(?:^|[{,.\s])\s*"
        pattern = re.compile(rf"{lead}(?:{names})\s*[=.]")
        for number in range(start, min(stop, len(self.lines))):
            if pattern.search(self.lines[number]):
                return number
        return None


def _named_positions(key: KeyPath) -> list[tuple[str, int | None]]:
    """``("service", 2, "prefix")`` → ``[("service", 2), ("prefix", None)]``."""
    out: list[tuple[str, int | None]] = []
    for part in key:
        if isinstance(part, str):
            out.append((part, None))
        elif out and out[-1][1] is None:
            out[-1] = (out[-1][0], part)
    return out


def _parse_header(line: str) -> tuple[tuple[str, ...], bool] | None:
    match = _HEADER.fullmatch(line)
    if not match:
        return None
    parts: list[str] = []
    for raw in match.group(2).split("."):
        part = _HEADER_PART.fullmatch(raw)
        if not part:
            return None
        parts.append(next(g for g in part.groups() if g is not None))
    return tuple(parts), match.group(1) == "[["
