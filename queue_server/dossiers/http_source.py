"""An HTTP adapter to the centre's one-stop system (một cửa điện tử).

Configured by ``[dossier_lookup]`` (``docs/configuration.md``): a URL template with
``{code}``, a field mapping (our field → a dotted path in the JSON answer) and a status
mapping (their status text → ours). The request runs with :mod:`urllib` in a thread, with a
timeout; 404 means "unknown dossier"; every other failure is a :class:`DossierSourceFailed`
that says what went wrong.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import logging
import socket
import unicodedata
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from typing import Any

from queue_server.config.settings import DossierLookupSettings
from queue_server.core.dossiers.errors import DossierSourceFailed, InvalidDossier
from queue_server.core.dossiers.model import Dossier

log = logging.getLogger(__name__)

MAX_BODY = 1 << 20


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
    def __init__(self, settings: DossierLookupSettings) -> None:
        if not settings.url_template:
            raise ValueError("no url_template: the HTTP dossier source is not configured")
        self.settings = settings
        self.name = urllib.parse.urlsplit(settings.url_template).netloc or "one-stop system"

    def url_for(self, code: str) -> str:
        return self.settings.url_template.replace("{code}", urllib.parse.quote(code, safe=""))

    async def find(self, code: str) -> Dossier | None:
        answer = await asyncio.to_thread(self._fetch, code)
        if answer is None:
            return None
        return map_answer(answer, code, self.settings.fields, self.settings.statuses, self.name)

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
