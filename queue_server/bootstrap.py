"""The queue server's one wiring place: read the configuration, open the database, rebuild
the state from the log, serve until SIGTERM or SIGINT."""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import gc
import itertools
import json
import logging
import os
import signal
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

from queue_server.config.settings import SiteConfig
from queue_server.config.settings_outreach import OutreachSettings
from queue_server.config.site import load_config
from queue_server.core.dossiers.access import DossierKey
from queue_server.core.events import Event
from queue_server.core.lobby import Lobby
from queue_server.dossiers import DossierLookup, DossierSource
from queue_server.dossiers.http_source import HttpDossierSource
from queue_server.dossiers.lookup import LocalDossierSource
from queue_server.outreach.delivery import Deliverer
from queue_server.server.app import start
from queue_server.server.citizens import Citizens
from queue_server.server.descriptors import QuietAcceptErrors, raise_open_files
from queue_server.server.dossier_access import DossierAccess
from queue_server.server.hub import RECENT_EVENTS, Hub
from queue_server.server.reconfig import Verdict, reload_from
from queue_server.server.sd_notify import Notifier
from queue_server.server.services import PullStatus, Services
from queue_server.server.trust import Trust
from queue_server.shipping.site_record import describe_site
from queue_server.store import enrolment, snapshots
from queue_server.store.citizen_key import key_beside
from queue_server.store.database import connect
from queue_server.store.reader import load_events
from queue_server.store.writer import Batch, Writer

log = logging.getLogger(__name__)

SNAPSHOT_AFTER_REPLAYING = 5000  # events replayed at start past the newest snapshot: take one now


def build_hub(config: SiteConfig, db_path: Path, clock=None, busy_timeout_ms: int = 5000) -> Hub:
    """Open the store and rebuild the lobby from its log. A commit that finds the database
    locked waits ``busy_timeout_ms`` before it fails."""
    writer = Writer(db_path, config.site.site_id, config.settings.synchronous, busy_timeout_ms)
    writer.start()
    reader = connect(db_path, config.settings.synchronous)

    def load_lobby() -> tuple[Lobby, list[Event]]:
        lobby = Lobby(config.site)
        found = snapshots.latest(reader, config.site)
        if found is not None:
            lobby.state = found[1]
        start = lobby.seq
        lobby.replay(load_events(reader, after=start))
        if lobby.seq - start >= SNAPSHOT_AFTER_REPLAYING:  # spare the next start this replay
            state = snapshots.dump(lobby.state)
            writer.submit(Batch(snapshot=(lobby.seq, snapshots.fingerprint(config.site), state)))
        return lobby, list(load_events(reader, after=max(0, lobby.seq - RECENT_EVENTS)))

    kwargs = {"clock": clock} if clock is not None else {}
    hub = Hub(config, writer, load_lobby, reader, build_services(config, db_path, reader), **kwargs)

    def make_deliverer(outreach: OutreachSettings) -> Deliverer:
        deliverer = Deliverer(db_path, outreach, writer.submit)
        deliverer.start()
        return deliverer

    hub.make_deliverer = make_deliverer  # a reload that adds the first notifications, webhook or evaluation sync starts one
    if config.outreach.delivers:
        hub.deliverer = make_deliverer(config.outreach)
    log.info("state rebuilt from %s: %d events", db_path, hub.lobby.seq)
    return hub


def build_services(config: SiteConfig, db_path: Path, reader: Any) -> Services:
    """What the operations use and do not open themselves: the citizens' key (made beside the
    database the first time), the dossier look-up, the pull's status, worker connections."""
    sources: list[DossierSource] = [LocalDossierSource(reader)]
    if config.dossier_lookup.url_template:
        sources.append(HttpDossierSource(config.dossier_lookup))
    pull = config.dossier_pull
    key = key_beside(db_path)
    return Services(
        citizens=Citizens(key),
        dossiers=DossierLookup(sources),
        dossier_access=DossierAccess(DossierKey(key.derive("dossier-access"))),
        pull=PullStatus(pull.every_seconds) if pull is not None else None,
        open_database=functools.partial(connect, db_path),
        trust=Trust(enrolment.tokens(reader.conn)),
    )


def verdict_file(db_path: Path) -> Path:
    """Where the running server writes what its last reload came to (``DB.reload``: JSON, its
    pid and a count with the verdict), for ``motcua-server reload`` to wait for and print."""
    return db_path.with_name(db_path.name + ".reload")


def write_verdict(db_path: Path, count: int, verdict: Verdict) -> None:
    path = verdict_file(db_path)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps({"pid": os.getpid(), "count": count, **verdict.as_dict()}, ensure_ascii=False))
    partial.replace(path)  # whole or not at all, for the reader


def pid_file(db_path: Path) -> Path:
    """Where the running server writes its process id: beside its database (``motcua-server
    reload --db`` reads it to send SIGHUP)."""
    return db_path.with_name(db_path.name + ".pid")


async def serve(
    config: SiteConfig,
    db_path: Path,
    host: str,
    port: int,
    ready=None,
    load: Callable[[], SiteConfig] | None = None,
    sock: socket.socket | None = None,
) -> None:
    """Serve until SIGTERM or SIGINT; on SIGHUP ``load()`` the configuration again (default: the
    file it came from) and apply it (:mod:`queue_server.server.reconfig`)."""
    if load is None and config.path is not None:
        path = config.path
        load = functools.partial(load_config, path)
    for warning in config.warnings:  # what check warns about (a secret file readable by all…)
        log.warning("%s", warning)
    raise_open_files()  # to the hard limit; both in /metrics
    hub = build_hub(config, db_path)

    def accept_failed() -> None:
        hub.metrics.accept_errors += 1

    asyncio.get_running_loop().set_exception_handler(QuietAcceptErrors(accept_failed))
    gc.freeze()  # the day's replayed state stays out of the garbage collector's scans
    shipper = None
    if config.central is not None:
        # only here: psycopg and its bundled libpq, libssl, Kerberos and LDAP add ~11 MB to
        # the resident memory of a site that ships nothing (docs/performance.md, "Memory")
        from queue_server.shipping.shipper import Shipper

        shipper = Shipper(
            db_path, config.site.site_id, config.central, describe_site(config), config.dossiers, config.site.tz
        )
        hub.shipping = shipper.status
        shipper.start()
    province_task = None
    if config.central is not None:
        from queue_server.server import province_link  # the other sites' live waits (issue 22)

        province_task = province_link.start(hub, config.central)
    requests = None
    if config.central is not None:  # the province page's requests to this site (a number, a booking)
        from queue_server.server.central_requests import CentralRequests
        from queue_server.shipping.remote_requests import RequestReader

        requests = RequestReader(
            config.site.site_id, config.central, CentralRequests(hub).decide, asyncio.get_running_loop()
        )
    if sock is not None:  # a listening socket handed over, already bound (motcua-lobby)
        server, clock = await start(hub, None, None, sock=sock)
    else:
        server, clock = await start(hub, host, port)
    if requests is not None:
        requests.start()  # once the server's doors are there: the requests pass through them
    stop = asyncio.get_running_loop().create_future()
    for sig in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(sig, lambda: stop.done() or stop.set_result(None))
    if load is not None:
        reread = load
        reloads = itertools.count(1)

        def reload() -> None:
            verdict = reload_from(hub, reread)
            try:
                write_verdict(db_path, next(reloads), verdict)
            except OSError as exc:
                log.warning("reload: cannot write %s: %s", verdict_file(db_path), exc)

        asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, reload)
    pid = pid_file(db_path)
    pid.write_text(f"{os.getpid()}\n")
    addresses = ", ".join(f"{s.getsockname()[0]}:{s.getsockname()[1]}" for s in server.sockets)
    log.info("serving %s (%s) on %s", config.site.name, config.site.site_id, addresses)
    print(f"motcua-server: {config.site.name} listening on ws://{addresses}", flush=True)
    if ready is not None:
        ready(server)
    notifier = Notifier()  # systemd's Type=notify unit (motcua-install server): ready, and alive
    notifier.send("READY=1")
    watchdog = asyncio.get_running_loop().create_task(notifier.keep_alive())
    try:
        await stop
    finally:
        log.info("shutting down")
        pid.unlink(missing_ok=True)
        verdict_file(db_path).unlink(missing_ok=True)
        notifier.send("STOPPING=1")
        if requests is not None:
            requests.stop()  # first: it hands requests to this event loop
        watchdog.cancel()
        server.close()
        await server.wait_closed()
        clock.cancel()
        hub.close()
        if hub.deliverer is not None:
            hub.deliverer.stop()
        if shipper is not None:
            shipper.stop()
        if province_task is not None:
            province_task.cancel()
        hub.writer.stop()
        hub.reader.close()


def run(
    config_path: Path, db_path: Path, host: str, port: int, public_url: str | None = None, listen_fd: int | None = None
) -> None:
    """Serve until stopped; ``public_url`` (motcua-server --public-url) replaces the configuration's;
    ``listen_fd`` (motcua-server --listen-fd) is a listening socket to serve on, bound by the parent."""

    def load() -> SiteConfig:
        config = load_config(config_path)
        if public_url is not None:
            config = dataclasses.replace(config, settings=dataclasses.replace(config.settings, public_url=public_url))
        return config

    sock = socket.socket(fileno=listen_fd) if listen_fd is not None else None
    asyncio.run(serve(load(), db_path, host, port, load=load, sock=sock))
