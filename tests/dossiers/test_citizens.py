"""Chip ID cards (CCCD): the card's QR code parsed defensively (realistic samples made for
these tests, and garbage), the keyed hash, and ``citizen.find`` on a real server — with the
ID number never stored in clear, never in the log, never in the reply."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import shutil
import tempfile
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from queue_server.core.citizens import CardInvalid, KeyFileError, mask_id, parse_card
from queue_server.core.citizens.card import looks_like_card
from queue_server.protocol.client import RequestFailed
from queue_server.store.citizen_key import key_beside
from tests.kiosk.support import INTEGRATION_TOKEN, KIOSK_TOKEN, MANAGER_TOKEN, Clock, ask, free_port, load, queue_server, write_site

# Made for these tests in the card's format; no real person's numbers.
AN = "001099012345|187654321|Nguyễn Văn An|15031999|Nam|Thôn 1, xã Bình An, huyện Thạch Thất, Hà Nội|20042021"
BINH = "079301004567||Trần Thị Bình|02112001|Nữ|12 Lê Lợi, phường Bến Nghé, quận 1, TP. Hồ Chí Minh|10072022"
CUONG = "036085007788|036085007788|Lê Văn Cường|30121985|Nam|Xóm 3, xã Hải Phong, huyện Hải Hậu, Nam Định|01012022"
TODAY = dt.date(2026, 11, 23)


def test_realistic_cards_give_their_id_number_and_nothing_else() -> None:
    assert parse_card(AN, TODAY).id_number == "001099012345"
    binh = parse_card(BINH + "\r\n", TODAY)  # a scanner's line end
    assert (binh.id_number, binh.birth_date) == ("079301004567", dt.date(2001, 11, 2))
    assert parse_card(CUONG, TODAY).masked == "•••••••••788"
    assert "036085007788" not in repr(parse_card(CUONG, TODAY)) and "Cường" not in repr(parse_card(CUONG, TODAY))
    decomposed = unicodedata.normalize("NFD", BINH)  # NFD from some scanners' keyboard layouts
    assert decomposed != BINH
    assert parse_card(decomposed, TODAY).id_number == "079301004567"


@pytest.mark.parametrize(
    ("text", "field", "message"),
    [
        ("", "card", "empty"),
        ("001099012345", "card", "expected 7 fields separated by '|', found 1"),
        (AN + "|extra", "card", "found 8"),
        (AN.replace("001099012345", "00109901234"), "id_number", "must be 12 digits"),
        (AN.replace("001099012345", "00109901234X"), "id_number", "must be 12 digits"),
        (AN.replace("001099012345", "099099012345"), "id_number", "not a province code"),
        (AN.replace("187654321", "18765432"), "old_id", "must be empty, 9 or 12 digits"),
        (AN.replace("Nguyễn Văn An", ""), "name", "must be a name"),
        (AN.replace("15031999", "31021999"), "birth_date", "ddmmyyyy"),
        (AN.replace("15031999", "15031998"), "birth_date", "does not match the year"),
        (AN.replace("|Nam|", "|Male|"), "sex", "must be Nam or Nữ"),
        (AN.replace("|Nam|", "|Nữ|"), "sex", "does not match the ID number"),
        (AN.replace("Thôn 1, xã Bình An, huyện Thạch Thất, Hà Nội", " "), "address", "missing"),
        (AN.replace("20042021", "20041990"), "issue_date", "not a possible date"),
        (AN.replace("20042021", "20042027"), "issue_date", "not a possible date"),
        (AN.replace("Nguyễn", "Nguy\x00ễn"), "card", "control characters"),
        ("1" * 601, "card", "longer than 600"),
    ],
)
def test_a_malformed_card_is_refused_naming_the_field_never_the_number(text: str, field: str, message: str) -> None:
    with pytest.raises(CardInvalid) as info:
        parse_card(text, TODAY)
    assert info.value.field == field and message in info.value.message
    assert "001099012345" not in str(info.value)


@given(st.text(max_size=700))
def test_garbage_is_refused_cleanly(text: str) -> None:
    try:
        card = parse_card(text, TODAY)
    except CardInvalid as exc:
        assert exc.field in ("card", "id_number", "old_id", "name", "birth_date", "sex", "address", "issue_date")
    else:
        assert len(card.id_number) == 12


@given(st.lists(st.text(alphabet="0123456789|ANmaủữ ", max_size=20), min_size=7, max_size=7))
def test_pipe_separated_near_misses_are_refused_or_read(parts: list[str]) -> None:
    try:
        parse_card("|".join(parts), TODAY)
    except CardInvalid:
        pass


def test_the_classifier_test_and_the_mask() -> None:
    assert looks_like_card(AN) and not looks_like_card("000.00.16.H12-261120-0001") and not looks_like_card("001099012345")
    assert mask_id("001099012345") == "•••••••••345"


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
