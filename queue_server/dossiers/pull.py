"""Pulling changed dossiers from the one-stop system, page by page (``[dossier_pull]``).

    run = await pull_changes(settings, since=cursor, store=keep)   # PullRun

Each page is ``url_template`` with ``{since}`` (the highest version pulled so far) and
``{page}``; its list of dossiers is at the ``items`` path, each item mapped by ``fields``. A
page's good dossiers are handed to ``store`` before the next page is asked for, with their
applicants' ID numbers when ``applicant_id`` is mapped (the store keeps only their keyed
hash); an item that cannot be used is rejected (named in the run, the others kept). A page that fails (slow, HTTP
error, not JSON, cut short, no list at ``items``) ends the run: what came before it is kept
(dossiers are idempotent by code and version), and the next run asks again from the highest
version kept. Pages must come in ascending version order for that to lose nothing.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import unicodedata
import urllib.parse
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, NamedTuple

from queue_server.config.settings import DossierPullSettings
from queue_server.core.citizens.card import CardInvalid, check_id_number
from queue_server.core.dossiers.errors import DossierSourceFailed, InvalidDossier
from queue_server.core.dossiers.model import Dossier
from queue_server.dossiers.http_source import extract, fetch_json

log = logging.getLogger(__name__)

MAX_REJECTED_SHOWN = 20


@dataclasses.dataclass(frozen=True)
class PullRun:
    pages: int  # pages read whole
    stored: int  # dossiers handed to the store
    rejected: tuple[str, ...]  # "page 2, item 3: status: 'Lạ' is not one of …"
    cursor: int  # the highest version pulled (the next run's ``since``)
    failure: str | None = None  # why the run stopped early
    complete: bool = True  # False when a failure or ``max_pages`` stopped it

    def as_dict(self) -> dict[str, Any]:
        return {
            "pages": self.pages,
            "stored": self.stored,
            "rejected": list(self.rejected[:MAX_REJECTED_SHOWN]),
            "rejected_count": len(self.rejected),
            "cursor": self.cursor,
            "failure": self.failure,
            "complete": self.complete,
        }


class Page(NamedTuple):
    dossiers: list[Dossier]
    applicants: dict[str, str]  # dossier code → its applicant's ID number (to hash at once, never keep)
    rejected: list[str]
    more: bool  # another page follows


def applicant_of(item: Mapping[str, Any], fields: Mapping[str, str]) -> str | None:
    """The applicant's ID number when ``applicant_id`` is mapped and present (checked)."""
    path = fields.get("applicant_id")
    if path is None:
        return None
    try:
        value = extract(item, path)
    except KeyError:
        return None
    if value in (None, ""):
        return None
    try:
        return check_id_number(str(value))
    except CardInvalid as exc:
        raise InvalidDossier("applicant_id", exc.message) from None


def map_item(item: Any, fields: Mapping[str, str], statuses: Mapping[str, str]) -> Dossier:
    """One item of a page → a dossier (pure); :class:`InvalidDossier` names what is wrong."""
    if not isinstance(item, Mapping):
        raise InvalidDossier("item", "is not a JSON object")
    fields = {ours: path for ours, path in fields.items() if ours != "applicant_id"}
    data: dict[str, Any] = {}
    for ours, path in fields.items():
        try:
            data[ours] = extract(item, path)
        except KeyError:
            if ours in ("code", "status"):
                raise InvalidDossier(ours, f"the item has no {path!r}") from None
    status = unicodedata.normalize("NFC", str(data.get("status", ""))).strip()
    mapped = {unicodedata.normalize("NFC", k).casefold(): v for k, v in statuses.items()}
    data["status"] = mapped.get(status.casefold(), status)
    if not isinstance(data.get("code"), str):
        raise InvalidDossier("code", "must be text")
    return Dossier.from_mapping(data)


def read_page(answer: Any, page: int, settings: DossierPullSettings, source: str) -> Page:
    """A page's answer → its dossiers, their applicants, rejections, whether another page
    follows (pure)."""
    try:
        items = extract(answer, settings.items)
    except KeyError:
        raise DossierSourceFailed(source, f"page {page} has no {settings.items!r}") from None
    if not isinstance(items, list):
        raise DossierSourceFailed(source, f"page {page}: {settings.items!r} is not a list")
    dossiers: list[Dossier] = []
    applicants: dict[str, str] = {}
    rejected: list[str] = []
    for index, item in enumerate(items, start=1):
        try:
            dossier = map_item(item, settings.fields, settings.statuses)
            applicant = applicant_of(item, settings.fields)
        except InvalidDossier as exc:
            rejected.append(f"page {page}, item {index}: {exc.field}: {exc.message}")
            continue
        dossiers.append(dossier)
        if applicant is not None:
            applicants[dossier.code] = applicant
    if settings.next_page is not None:
        try:
            more = bool(extract(answer, settings.next_page))
        except KeyError:
            more = False
    else:
        more = len(items) >= settings.page_size
    return Page(dossiers, applicants, rejected, more)


def page_url(settings: DossierPullSettings, since: int, page: int) -> str:
    return settings.url_template.replace("{since}", str(since)).replace("{page}", str(page))


async def pull_changes(
    settings: DossierPullSettings,
    since: int,
    store: Callable[[Sequence[Dossier], Mapping[str, str]], Awaitable[None]],
) -> PullRun:
    source = urllib.parse.urlsplit(settings.url_template).netloc or "one-stop system"
    cursor, stored, pages = since, 0, 0
    rejected: list[str] = []
    page = settings.first_page
    for _ in range(settings.max_pages):
        url = page_url(settings, since, page)
        try:
            answer = await asyncio.to_thread(fetch_json, url, settings.headers, settings.timeout_seconds, source)
            if answer is None:
                raise DossierSourceFailed(source, f"HTTP 404 Not Found from {url}")
            dossiers, applicants, bad, more = read_page(answer, page, settings, source)
        except DossierSourceFailed as exc:
            log.warning("dossier pull stopped at page %d: %s", page, exc)
            return PullRun(pages, stored, tuple(rejected), cursor, exc.message, complete=False)
        if dossiers:
            await store(dossiers, applicants)
        pages += 1
        stored += len(dossiers)
        rejected += bad
        cursor = max([cursor, *(d.version for d in dossiers if d.version is not None)])
        if not more:
            return PullRun(pages, stored, tuple(rejected), cursor)
        page += 1
    return PullRun(pages, stored, tuple(rejected), cursor, f"stopped after {settings.max_pages} pages", complete=False)
