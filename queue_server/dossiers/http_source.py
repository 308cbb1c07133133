"""An HTTP adapter to the centre's one-stop system (một cửa điện tử).

Configured by ``[dossier_lookup]`` (``docs/configuration.md``): a URL template with
``{code}``, a field mapping (our field → a dotted path in the JSON answer) and a status
mapping (their status text → ours). The request runs with :mod:`urllib` in a thread, with a
timeout; 404 means "unknown dossier"; every other failure is a :class:`DossierSourceFailed`
that says what went wrong.

Strangers type these codes (the phone page ``/d/CODE``), and each look-up is a request to the
one-stop system under the centre's credentials, so what they may cost is bounded here
(docs/protocol.md, "Limits"): the look-ups run on a small pool of their own threads (never the
event loop's default pool, which other work shares); one code asked by many at once is asked
once; past ``workers + queue`` codes in flight a look-up is refused at once (:class:`LookupBusy`,
"try again later"); and a code the one-stop system does not know is remembered as unknown for
``unknown_seconds`` (at most ``remembered`` codes, the oldest forgotten first).
"""

from __future__ import annotations

import asyncio
import collections
import concurrent.futures
import dataclasses
import http.client
import json
import logging
import socket
import time
import unicodedata
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from typing import Any

from queue_server.config.settings import DossierLookupSettings
from queue_server.core.dossiers.errors import DossierSourceFailed, InvalidDossier
from queue_server.core.dossiers.model import Dossier

log = logging.getLogger(__name__)

MAX_BODY = 1 << 20
LOOKUP_WORKERS = 4  # threads asking the one-stop system at once
LOOKUP_QUEUE = 16  # codes waiting for one of them; past that, LookupBusy at once
UNKNOWN_SECONDS = 300.0  # a code the one-stop system did not know is not asked again for this long
UNKNOWN_REMEMBERED = 10_000


class LookupBusy(DossierSourceFailed):
    """Too many look-ups in flight: refused at once, not queued (the caller says "try again")."""


@dataclasses.dataclass
class LookupCounts:
    """What the look-ups cost, for ``/metrics``."""

    asked: int = 0  # requests sent to the one-stop system
    shared: int = 0  # look-ups answered by a request already in flight for the same code
    remembered_unknown: int = 0  # answered "unknown" from memory, nothing sent
    busy: int = 0  # refused: the pool and its queue were full


def extract(document: Any, path: str) -> Any:
    """``extract({"a": {"b": [1, 2]}}, "a.b.1") == 2``; raises KeyError naming the path."""
    value = document
    for part in path.split("."):
        if isinstance(value, Mapping) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            raise KeyError(path)
    return value


def place(document: dict[str, Any], path: str, value: Any) -> None:
    """The inverse of :func:`extract`, for what the lobby sends (``[evaluation_sync.fields]``):
    ``place(d, "a.b", 1)`` makes ``d == {"a": {"b": 1}}``, keeping what ``d`` holds already.
    Every part is an object's key (a number too: a request is built, not read)."""
    *parents, last = path.split(".")
    for part in parents:
        inner = document.get(part)
        if not isinstance(inner, dict):
            inner = document[part] = {}
        document = inner
    document[last] = value


def map_answer(
    answer: Any, code: str, fields: Mapping[str, str], statuses: Mapping[str, str], source: str
) -> Dossier:
    """The one-stop system's JSON answer → a dossier (pure)."""
    data: dict[str, Any] = {"code": code}
    for ours, path in fields.items():
        try:
            data[ours] = extract(answer, path)
        except KeyError:
            if ours in ("status",):
                raise DossierSourceFailed(source, f"the answer has no {path!r} (mapped to {ours!r})") from None
            data[ours] = None
    if "status" not in data:
        raise DossierSourceFailed(source, "no field is mapped to 'status'")
    status = unicodedata.normalize("NFC", str(data["status"])).strip()
    mapped = {unicodedata.normalize("NFC", k).casefold(): v for k, v in statuses.items()}
    data["status"] = mapped.get(status.casefold(), status)
    try:
        return Dossier.from_mapping(data)
    except InvalidDossier as exc:
        raise DossierSourceFailed(source, f"the answer's {exc.field} is unusable: {exc.message}") from None


class HttpDossierSource:
    def __init__(
        self,
        settings: DossierLookupSettings,
        workers: int = LOOKUP_WORKERS,
        queue: int = LOOKUP_QUEUE,
        unknown_seconds: float = UNKNOWN_SECONDS,
        remembered: int = UNKNOWN_REMEMBERED,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not settings.url_template:
            raise ValueError("no url_template: the HTTP dossier source is not configured")
        self.settings = settings
        self.name = urllib.parse.urlsplit(settings.url_template).netloc or "one-stop system"
        self.counts = LookupCounts()
        self._pool = concurrent.futures.ThreadPoolExecutor(workers, thread_name_prefix="one-stop-lookup")
        self._room = workers + queue
        self._in_flight: dict[str, asyncio.Future[Any]] = {}
        self._unknown: collections.OrderedDict[str, float] = collections.OrderedDict()  # code → forgotten at
        self._unknown_seconds = unknown_seconds
        self._remembered = remembered
        self._clock = clock

    def url_for(self, code: str) -> str:
        return self.settings.url_template.replace("{code}", urllib.parse.quote(code, safe=""))

    async def find(self, code: str) -> Dossier | None:
        if self._known_unknown(code):
            self.counts.remembered_unknown += 1
            return None
        asking = self._in_flight.get(code)
        if asking is not None:
            self.counts.shared += 1
        else:
            if len(self._in_flight) >= self._room:
                self.counts.busy += 1
                raise LookupBusy(self.name, f"{len(self._in_flight)} look-ups are under way already: try again later")
            self.counts.asked += 1
            asking = asyncio.get_running_loop().run_in_executor(self._pool, self._fetch, code)
            self._in_flight[code] = asking
            asking.add_done_callback(lambda done: self._settled(code, done))
        answer = await asyncio.shield(asking)
        if answer is None:
            return None
        return map_answer(answer, code, self.settings.fields, self.settings.statuses, self.name)

    def _known_unknown(self, code: str) -> bool:
        until = self._unknown.get(code)
        if until is None:
            return False
        if self._clock() < until:
            return True
        del self._unknown[code]
        return False

    def _settled(self, code: str, done: asyncio.Future[Any]) -> None:
        self._in_flight.pop(code, None)
        if done.cancelled() or done.exception() is not None or done.result() is not None:
            return
        self._unknown.pop(code, None)
        self._unknown[code] = self._clock() + self._unknown_seconds  # the newest last
        while len(self._unknown) > self._remembered:
            self._unknown.popitem(last=False)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _fetch(self, code: str) -> Any:
        return fetch_json(self.url_for(code), self.settings.headers, self.settings.timeout_seconds, self.name)


def fetch_json(url: str, headers: Mapping[str, str], timeout: float, source: str) -> Any:
    """GET ``url`` and decode its JSON (blocking: run it in a thread); ``None`` for a 404.
    Every other failure is a :class:`DossierSourceFailed` saying what went wrong."""
    request = urllib.request.Request(url, headers={"Accept": "application/json", **headers})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - configured http(s)
            body = response.read(MAX_BODY + 1)
            missing = response.length  # what the Content-Length promised and did not come
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            return None
        raise DossierSourceFailed(source, f"HTTP {exc.code} {exc.reason} from {url}") from None
    except TimeoutError:
        raise DossierSourceFailed(source, f"no answer within {timeout:g} s from {url}") from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, TimeoutError | socket.timeout):
            raise DossierSourceFailed(source, f"no answer within {timeout:g} s from {url}") from None
        raise DossierSourceFailed(source, f"cannot reach {url}: {reason}") from None
    except http.client.IncompleteRead as exc:
        raise DossierSourceFailed(
            source, f"the answer from {url} was cut short ({len(exc.partial)} bytes of {exc.expected} more)"
        ) from None
    except (OSError, ValueError, http.client.HTTPException) as exc:
        raise DossierSourceFailed(source, f"cannot read {url}: {exc!r}") from None
    if len(body) > MAX_BODY:
        raise DossierSourceFailed(source, f"the answer from {url} is over {MAX_BODY} bytes")
    if missing:
        raise DossierSourceFailed(source, f"the answer from {url} was cut short ({missing} bytes missing)")
    try:
        return json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        raise DossierSourceFailed(source, f"the answer from {url} is not JSON") from None
