"""What a device needs to enrol by scanning, in the enrolment QR's text: the server's address
and the one-time code (docs/protocol.md, "Enrolment").

    enrolment_text("ws://10.0.0.2:8765/", "ABCD-EFGH")   # "MOTCUA-ENROL:1:ws://10.0.0.2:8765/:ABCD-EFGH"
    parse_enrolment_text("MOTCUA-ENROL:1:ws://10.0.0.2:8765/:ABCD-EFGH")
    # EnrolmentQr(server="ws://10.0.0.2:8765/", code="ABCD-EFGH")

Why this form and not a URL (``http://10.0.0.2:8765/enrol?code=…``): a phone that scans the
manager's screen would open a URL in its browser and carry the code off to a page; a tag that
names itself is opened by nothing, cannot be taken for a ticket, booking or dossier code by the
kiosk's classifier, and its version number lets a later form be refused in words ("update this
kiosk") instead of misread. The code comes last: it holds no colon, the address may (its port).

The code's form is the server's (:data:`CODE_LENGTH` characters of the codes' alphabet, no
look-alikes, written ``XXXX-XXXX``); its randomness is made at the edge (``secrets``).
"""

from __future__ import annotations

import dataclasses
import enum
import re

from queue_server.core.codes import ALPHABET

__all__ = [
    "CODE_LENGTH",
    "PREFIX",
    "VERSION",
    "EnrolmentQr",
    "EnrolmentTextError",
    "Problem",
    "enrolment_text",
    "looks_like_enrolment",
    "normalize_enrolment_code",
    "parse_enrolment_text",
]

PREFIX = "MOTCUA-ENROL"
VERSION = 1
CODE_LENGTH = 8
_SERVER = re.compile(r"wss?://[^\s/?#:]+(:\d{1,5})?(/[^\s?#]*)?", re.IGNORECASE)


class Problem(enum.Enum):
    """Why a text is not an enrolment this release takes; :attr:`message` in English."""

    NOT_ENROLMENT = "not-enrolment"
    NEWER_VERSION = "newer-version"
    BAD_SERVER = "bad-server"
    BAD_CODE = "bad-code"

    @property
    def message(self) -> str:
        return _MESSAGES[self]


_MESSAGES = {
    Problem.NOT_ENROLMENT: f"not an enrolment QR (it starts with {PREFIX}:{VERSION}:)",
    Problem.NEWER_VERSION: f"an enrolment QR of another version: this software reads version {VERSION}",
    Problem.BAD_SERVER: "the enrolment QR's server address is not a ws:// or wss:// address",
    Problem.BAD_CODE: f"the enrolment QR's code is not {CODE_LENGTH} characters of the codes' alphabet",
}


class EnrolmentTextError(ValueError):
    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


@dataclasses.dataclass(frozen=True)
class EnrolmentQr:
    server: str  # the site's server_url, as the manager's server knows it
    code: str  # XXXX-XXXX

    def __repr__(self) -> str:  # the code stays out of logs
        return f"EnrolmentQr(server={self.server!r}, code='***')"


def normalize_enrolment_code(text: str) -> str | None:
    """A code as typed or scanned (any case, with or without its dash or spaces) as
    ``XXXX-XXXX``, or None if it cannot be one."""
    chars = "".join(text.split()).replace("-", "").upper()
    if len(chars) != CODE_LENGTH or any(c not in ALPHABET for c in chars):
        return None
    return f"{chars[:4]}-{chars[4:]}"


def is_server_address(text: str) -> bool:
    return _SERVER.fullmatch(text) is not None


def enrolment_text(server: str, code: str) -> str:
    """The QR's text; ``ValueError`` for an address or a code it could not carry."""
    normal = normalize_enrolment_code(code)
    if normal is None:
        raise EnrolmentTextError(Problem.BAD_CODE)
    if not is_server_address(server):
        raise EnrolmentTextError(Problem.BAD_SERVER)
    return f"{PREFIX}:{VERSION}:{server}:{normal}"


def looks_like_enrolment(text: str) -> bool:
    """Whether ``text`` says it is an enrolment QR (of any version)."""
    return text.strip().upper().startswith(PREFIX + ":")


def parse_enrolment_text(text: str) -> EnrolmentQr:
    """The server and code of an enrolment QR's text, or :class:`EnrolmentTextError`."""
    text = text.strip()
    if not looks_like_enrolment(text):
        raise EnrolmentTextError(Problem.NOT_ENROLMENT)
    version, _, rest = text[len(PREFIX) + 1 :].partition(":")
    if version != str(VERSION):
        raise EnrolmentTextError(Problem.NEWER_VERSION)
    server, _, code = rest.rpartition(":")
    normal = normalize_enrolment_code(code)
    if normal is None:
        raise EnrolmentTextError(Problem.BAD_CODE)
    if not is_server_address(server):
        raise EnrolmentTextError(Problem.BAD_SERVER)
    return EnrolmentQr(server, normal)
