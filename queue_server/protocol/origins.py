"""Which web pages may speak to a server (the site's or the province's): a browser says where its
page came from (``Origin``); only the server's own pages are taken.

A site's own origins are its ``public_url``'s, those listed in ``[site] origins``, and the
address the connection came in on; the province's, those in ``[province] origins`` and the address (``http://10.0.0.2:8765`` when a browser opens the server
by its address; ``localhost`` too when that address is the loopback's). The ``Host`` header is
not trusted: a hostile page could be served under a name that a DNS trick points at the
site. A connection without an ``Origin`` header (kiosks, boards, the pad agent, integrations:
programs, not pages) is not a page's and is not concerned.
"""

from __future__ import annotations

import ipaddress
import urllib.parse
from collections.abc import Iterable


def origin_of(url: str) -> str:
    """``scheme://host[:port]`` of ``url``, lower-case, the default port left out (as browsers send it)."""
    split = urllib.parse.urlsplit(url.strip())
    scheme, host = split.scheme.lower(), (split.hostname or "").lower()
    if scheme not in ("http", "https") or not host:
        raise ValueError(f"{url!r} is not an http:// or https:// address")
    if ":" in host:
        host = f"[{host}]"
    port = split.port
    if port is None or (scheme, port) in (("http", 80), ("https", 443)):
        return f"{scheme}://{host}"
    return f"{scheme}://{host}:{port}"


def own_origins(listed: Iterable[str], local: tuple[str, int] | None) -> frozenset[str]:
    """The origins of the server's own pages (``listed`` addresses and the address a connection
    came in on, ``local``: address, port)."""
    origins = {origin_of(o) for o in listed}
    if local is not None:
        address, port = local[0], local[1]
        hosts = [address]
        try:
            if ipaddress.ip_address(address).is_loopback:
                hosts.append("localhost")
        except ValueError:
            pass
        for host in hosts:
            for scheme in ("http", "https"):
                origins.add(origin_of(f"{scheme}://{f'[{host}]' if ':' in host else host}:{port}"))
    return frozenset(origins)


def page_allowed(origin: str | None, listed: Iterable[str], local: tuple[str, int] | None) -> bool:
    """Whether a connection whose ``Origin`` header is ``origin`` (None: none) may say hello."""
    if origin is None:
        return True
    try:
        return origin_of(origin) in own_origins(listed, local)
    except ValueError:  # "null" (a sandboxed or file:// page), a bad port: not the site's
        return False

