"""Messages on the wire: parsing requests, validating their fields, encoding replies.

    request  {"id": 7, "op": "ticket.issue", "service": "HT"}
    reply    {"re": 7, "ok": true, ...}   or   {"re": 7, "ok": false, "error": {"code", "message"}}
    event    {"ev": "ticket.called", "seq": 1234, "at": "2026-11-23T08:01:02+07:00", ...}

No I/O here: text in, values out.
"""

from __future__ import annotations

import dataclasses
import json
import unicodedata
from collections.abc import Mapping
from typing import Any

import orjson

from queue_server.protocol.errors import ProtocolError, ProtocolErrorCode

MAX_ID_LENGTH = 64
MAX_TEXT = 500
# Bidirectional overrides and isolates (U+202A–202E, U+2066–2069): in a name, a note or an
# announcement they reorder what a screen, a printout or a report shows after them.
BIDI_CONTROLS = frozenset(map(chr, [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]))


@dataclasses.dataclass(frozen=True)
class Field:
    """A request field: its type (str, int, bool, list), whether it is required, and limits
    (``max_length``: characters of a string, items of a list)."""

    type: type
    required: bool = True
    max_length: int = MAX_TEXT
    minimum: int | None = None
    maximum: int | None = None
    choices: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True)
class Request:
    id: int | str
    op: str
    args: Mapping[str, Any]


def parse_request(text: str | bytes) -> Request:
    """Parse one request; raises :class:`ProtocolError` saying what is wrong with it."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            raise ProtocolError(ProtocolErrorCode.BAD_JSON, "The message is not UTF-8 text.") from None
    try:
        message = json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as exc:
        raise ProtocolError(ProtocolErrorCode.BAD_JSON, f"The message is not valid JSON: {exc}.") from None
    if not isinstance(message, dict):
        raise ProtocolError(ProtocolErrorCode.BAD_MESSAGE, "A request is a JSON object.")
    request_id = message.get("id")
    if isinstance(request_id, bool) or not isinstance(request_id, int | str):
        raise ProtocolError(ProtocolErrorCode.BAD_MESSAGE, 'A request needs an "id" (a number or a string).')
    if isinstance(request_id, str) and not 0 < len(request_id) <= MAX_ID_LENGTH:
        raise ProtocolError(ProtocolErrorCode.BAD_MESSAGE, f'An "id" string is 1 to {MAX_ID_LENGTH} characters.')
    op = message.get("op")
    if not isinstance(op, str) or not op:
        raise ProtocolError(ProtocolErrorCode.BAD_MESSAGE, 'A request needs an "op" (a string).', id=request_id)
    args = {k: v for k, v in message.items() if k not in ("id", "op")}
    return Request(request_id, op, args)


def request_id_of(text: str | bytes) -> int | str | None:
    """The id of a message that failed to parse, where one can be read, to answer it."""
    try:
        message = json.loads(text)
    except (ValueError, RecursionError, UnicodeDecodeError):
        return None
    if isinstance(message, dict):
        value = message.get("id")
        if isinstance(value, int | str) and not isinstance(value, bool):
            return value
    return None


def validate(args: Mapping[str, Any], fields: Mapping[str, Field]) -> dict[str, Any]:
    """Check ``args`` against ``fields``; strings come back NFC-normalised."""
    unknown = sorted(set(args) - set(fields))
    if unknown:
        raise ProtocolError(
            ProtocolErrorCode.UNKNOWN_FIELD,
            f"Unknown field(s): {', '.join(unknown)}. Allowed: {', '.join(sorted(fields)) or 'none'}.",
            fields=unknown,
        )
    clean: dict[str, Any] = {}
    for name, spec in fields.items():
        if name not in args or args[name] is None:
            if spec.required:
                raise ProtocolError(ProtocolErrorCode.MISSING_FIELD, f'The field "{name}" is required.', field=name)
            clean[name] = None
            continue
        clean[name] = _check(name, args[name], spec)
    return clean


def _whole_number_range(minimum: int | None, maximum: int | None) -> str:
    if minimum is not None and maximum is not None:
        return f"a whole number from {minimum} to {maximum}"
    if minimum is not None:
        return f"a whole number of at least {minimum}"
    return f"a whole number of at most {maximum}"


def _check(name: str, value: Any, spec: Field) -> Any:
    if spec.type is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise _bad(name, "a whole number")
        if (spec.minimum is not None and value < spec.minimum) or (spec.maximum is not None and value > spec.maximum):
            raise _bad(name, _whole_number_range(spec.minimum, spec.maximum))
        return value
    if spec.type is bool:
        if not isinstance(value, bool):
            raise _bad(name, "true or false")
        return value
    if spec.type is str:
        if not isinstance(value, str):
            raise _bad(name, "a string")
        value = unicodedata.normalize("NFC", value)
        if len(value) > spec.max_length:
            raise _bad(name, f"at most {spec.max_length} characters")
        if any(unicodedata.category(ch) in ("Cc", "Cs") for ch in value):
            raise _bad(name, "text without control characters")
        if _has_bidi_control(value):
            raise _bad(name, "text without bidirectional overrides (U+202A–202E, U+2066–2069)")
        if spec.choices and value not in spec.choices:
            raise _bad(name, "one of " + ", ".join(spec.choices))
        return value
    if spec.type is list:  # the items are checked by the operation (e.g. a dossier's steps)
        if not isinstance(value, list):
            raise _bad(name, "a list")
        if len(value) > spec.max_length:
            raise _bad(name, f"a list of at most {spec.max_length} items")
        if _has_bidi_control(value):
            raise _bad(name, "a list without bidirectional overrides (U+202A–202E, U+2066–2069) in its text")
        return value
    raise TypeError(f"unsupported field type {spec.type!r}")  # a programming error


def _has_bidi_control(value: Any) -> bool:
    """Whether a string, or any string (key or value) within lists and objects, holds a bidi
    control. A loop, not recursion: a list may be nested as deep as the JSON parser allows."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if not BIDI_CONTROLS.isdisjoint(item):
                return True
        elif isinstance(item, list):
            pending.extend(item)
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
    return False


def _bad(name: str, expected: str) -> ProtocolError:
    return ProtocolError(ProtocolErrorCode.BAD_FIELD, f'The field "{name}" must be {expected}.', field=name)


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not allowed")


def encode(message: Mapping[str, Any]) -> bytes:
    """A message as compact UTF-8 JSON. Every event and reply goes through here: orjson does
    it several times faster than the json module. What orjson refuses is written by json: an
    integer over 64 bits (a request id echoed back), and a lone surrogate (echoed from a
    request's id or op), escaped so that the reply stays valid UTF-8 JSON."""
    try:
        return orjson.dumps(message, option=orjson.OPT_NON_STR_KEYS)
    except orjson.JSONEncodeError:
        text = json.dumps(message, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        try:
            return text.encode()
        except UnicodeEncodeError:
            return json.dumps(message, ensure_ascii=True, separators=(",", ":"), allow_nan=False).encode()


def reply(request_id: int | str, result: Mapping[str, Any] | None = None) -> dict[str, Any]:
    return {"re": request_id, "ok": True, **(result or {})}


def error_reply(request_id: int | str | None, code: str, message: str, **details: Any) -> dict[str, Any]:
    error: dict[str, Any] = {"code": code, "message": message}
    if details:
        error["details"] = details
    return {"re": request_id, "ok": False, "error": error}


__all__ = ["Field", "Request", "encode", "error_reply", "parse_request", "reply", "request_id_of", "validate"]
