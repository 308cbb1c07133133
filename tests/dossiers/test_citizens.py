"""Chip ID cards (CCCD): the keyed hash, and ``citizen.find`` on a real server — with the ID
number never stored in clear, never in the log, never in the reply. (The card's QR code
parsed defensively: tests/core/citizens/test_card.py.)"""

from __future__ import annotations

import asyncio
import logging
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from queue_server.core.citizens import CardInvalid, KeyFileError
from queue_server.protocol.client import RequestFailed
from queue_server.store.citizen_key import key_beside
from tests.kiosk.support import (
    INTEGRATION_TOKEN,
    KIOSK_TOKEN,
    MANAGER_TOKEN,
    Clock,
    ask,
    load,
    queue_server,
    write_site,
)
from tests.support.ports import free_port


@pytest.fixture
def workdir() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="citizens-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


def test_the_key_file_is_made_once_private_and_the_hash_is_keyed(workdir: Path) -> None:
    key = key_beside(workdir / "lobby.db")
    path = workdir / "lobby.db.citizen-key"
    assert path.stat().st_mode & 0o777 == 0o600 and len(path.read_bytes()) == 32
    again = key_beside(workdir / "lobby.db")
    assert key.hash("001099012345") == again.hash("001099012345") != key.hash("079301004567")
    assert key_beside(workdir / "other.db").hash("001099012345") != key.hash("001099012345")
    assert "001099012345" not in key.hash("001099012345") and repr(key) == "CitizenKey(***)"
    with pytest.raises(CardInvalid):
        key.hash("12345")
    path.write_bytes(b"short")
    with pytest.raises(KeyFileError, match="32 bytes"):
        key_beside(workdir / "lobby.db")
    with pytest.raises(KeyFileError, match="cannot make"):
        key_beside(workdir / "no such folder" / "third.db")


def test_citizen_find_on_a_server_matches_bookings_and_dossiers_by_keyed_hash_only(
    workdir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)  # the most the server logs (-v); websockets' frame dumps are DEBUG
    caplog.set_level(logging.DEBUG, logger="queue_server")
    port = free_port()
    site = write_site(workdir, port, "sim://k1")
    site.write_text(site.read_text(encoding="utf-8") + '\n[dossiers]\npickup_service = "KQ"\n', encoding="utf-8")
    config = load(site)
    number = "001099012345"

    async def scenario() -> None:
        async with queue_server(config, workdir / "lobby.db", port, Clock(config.site.tz)):
            today = await ask(port, MANAGER_TOKEN, "appointment.book", service="HT",
                              slot_start="2026-11-23T10:00:00+07:00", id_number=number)  # fmt: skip
            await ask(port, MANAGER_TOKEN, "appointment.book", service="HT", slot_start="2026-11-24T10:00:00+07:00", id_number=number)
            await ask(port, MANAGER_TOKEN, "appointment.book", service="HT", slot_start="2026-11-23T10:15:00+07:00",
                      id_number="079301004567")  # someone else
            await ask(port, INTEGRATION_TOKEN, "dossier.upsert", code="H12-0401", status="ready", applicant_id=number)
            await ask(port, INTEGRATION_TOKEN, "dossier.upsert", code="H12-0402", status="processing", applicant_id="079301004567")
            await ask(port, INTEGRATION_TOKEN, "dossier.upsert", code="H12-0401", status="ready", version=None)  # keeps the hash

            found = (await ask(port, KIOSK_TOKEN, "citizen.find", id_number=number))["citizen"]
            assert found["id_masked"] == "•••••••••345"
            assert [a["code"] for a in found["appointments"]] == [today["appointment"]["code"]]
            assert [(d["code"], d["pickup"]) for d in found["dossiers"]] == [("H12-0401", True)]
            nobody = (await ask(port, KIOSK_TOKEN, "citizen.find", id_number="036085007788"))["citizen"]
            assert nobody["appointments"] == [] and nobody["dossiers"] == []
            for bad in ("12345", "099099012345", "00109901234X"):
                with pytest.raises(RequestFailed) as info:
                    await ask(port, KIOSK_TOKEN, "citizen.find", id_number=bad)
                assert info.value.code == "card_invalid" and bad not in str(info.value)
            with pytest.raises(RequestFailed) as info:
                await ask(port, MANAGER_TOKEN, "appointment.book", service="HT", slot_start="2026-11-23T10:30:00+07:00", id_number="1")
            assert info.value.code == "card_invalid" and info.value.details == {"field": "id_number"}
            for token in (MANAGER_TOKEN, INTEGRATION_TOKEN):
                with pytest.raises(RequestFailed) as info:
                    await ask(port, token, "citizen.find", id_number=number)
                assert info.value.code == "forbidden"

    asyncio.run(scenario())
    stored = b"".join(p.read_bytes() for p in workdir.glob("lobby.db*") if not p.name.endswith("citizen-key"))
    assert number.encode() not in stored and b"079301004567" not in stored  # the database, its WAL: no number in clear
    assert number not in caplog.text
