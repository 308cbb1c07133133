"""Web pages of another origin may not speak to the site: a hello from a page whose ``Origin``
is not the site's own (its ``public_url``'s, ``[site] origins``, the address the server is
reached at) is answered ``bad_origin`` whatever it says — no number for a stranger's page, no
manager's work for a stolen token. Programs that send no ``Origin`` (kiosks, boards, the pad
agent, integrations) are not concerned. Real connections that send the headers a browser sends."""

from __future__ import annotations

import pytest

from queue_server.config.site import ConfigError, parse_config
from tests.integration.client import Client
from tests.integration.conftest import Clock, Lobby, run, running_lobby
from tests.integration.sites import TOKENS, site_config
from tests.support.demo import demo_site

PUBLIC_URL = "https://hcc.example.gov.vn"
LISTED = "http://motcua.local:8080"
FOREIGN = ["http://evil.example", "null", "http://127.0.0.1", "https://hcc.example.gov.vn.evil.example", "http://127.0.0.2:{port}", "file://"]


async def page(lobby: Lobby, origin: str) -> Client:
    """A connection as a browser opens it from a page of ``origin``."""
    client = await Client.open(lobby.url, additional_headers={"Origin": origin})
    lobby.clients.append(client)
    return client


def test_a_page_of_another_origin_is_refused_at_hello_and_the_sites_own_pages_are_served(db_path, clock: Clock) -> None:  # type: ignore[no-untyped-def]
    config = site_config(public_url=PUBLIC_URL, origins=(LISTED,))

    async def scenario() -> None:
        async with running_lobby(db_path, config, clock=clock) as lobby:
            seq = lobby.hub.lobby.seq
            for foreign in FOREIGN:
                origin = foreign.format(port=lobby.port)
                for hello in ({}, {"token": TOKENS["manager"]}, {"token": TOKENS["counter-1"]}, {"token": TOKENS["pad-1"]}):
                    refused_page = await page(lobby, origin)
                    refused = await refused_page.error("hello", "bad_origin", **hello)
                    assert refused["details"] == {"origin": origin}
                    await refused_page.error("ticket.issue", "hello_first", service="HT")  # nothing taken
            assert lobby.hub.lobby.seq == seq
            own = [f"http://127.0.0.1:{lobby.port}", f"http://localhost:{lobby.port}", PUBLIC_URL, f"{PUBLIC_URL}:443", LISTED, LISTED.upper()]
            for origin in own:
                phone = await page(lobby, origin)
                assert (await phone.ok("hello"))["role"] == "public"
                manager = await page(lobby, origin)
                assert (await manager.ok("hello", token=TOKENS["manager"]))["role"] == "manager"
            for device in ("kiosk", "display", "counter-1", "pad-1", "manager"):  # no Origin: programs
                await lobby.client(device)
            stranger = await lobby.client()
            assert (await stranger.ok("hello"))["role"] == "public"

    run(scenario())


def test_the_site_files_origins_are_origins() -> None:
    text = demo_site().replace("[site]\n", f'[site]\norigins = ["{LISTED}", "https://hcc.example.gov.vn/"]\n', 1)
    assert parse_config(text).settings.origins == (LISTED, "https://hcc.example.gov.vn")
    for bad in ('"ftp://x"', '"https://hcc.example.gov.vn/path"', '"hcc.example.gov.vn"', "7"):
        with pytest.raises(ConfigError, match="origins"):
            parse_config(demo_site().replace("[site]\n", f"[site]\norigins = [{bad}]\n", 1))
