"""motcua-server's subcommands, run as a user would (in-process through main())."""

from __future__ import annotations

import csv
import io
import sqlite3
from pathlib import Path

import pytest

from queue_server.cli import main
from queue_server.core import pins
from tests.integration.conftest import Clock, run, running_lobby

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "assets" / "demo.toml"


def test_check_accepts_the_demo_configuration(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--config", str(DEMO)]) == 0
    out = capsys.readouterr().out
    assert "OK" in out and "Tây Ninh" in out and "10 counters" in out


def test_check_names_the_file_line_and_key_of_a_mistake(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "site.toml"
    broken.write_text(DEMO.read_text(encoding="utf-8").replace('prefix = "B"', 'prefx = "B"'), encoding="utf-8")
    assert main(["check", "--config", str(broken)]) == 1
    err = capsys.readouterr().err
    line = next(i for i, text in enumerate(broken.read_text().splitlines(), 1) if text.startswith("prefx"))
    assert f"{broken}:{line}" in err
    assert "prefx" in err and "prefix" in err


def test_the_server_refuses_to_start_on_an_invalid_configuration(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    broken = tmp_path / "site.toml"
    broken.write_text("[site]\nid = 3\n", encoding="utf-8")
    assert main(["--config", str(broken), "--db", str(tmp_path / "x.db")]) == 2
    assert "site.id" in capsys.readouterr().err
    assert not (tmp_path / "x.db").exists()


def test_hash_pin_prints_a_hash_that_verifies(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["hash-pin", "--pin", "482916"]) == 0
    hashed = capsys.readouterr().out.strip()
    assert pins.verify_pin("482916", hashed) and not pins.verify_pin("482917", hashed)
    assert main(["hash-pin", "--pin", "12a4"]) == 1


def _busy_database(path: Path) -> None:
    async def scenario() -> None:
        async with running_lobby(path, clock=Clock()) as lobby:
            kiosk = await lobby.client("kiosk")
            for service in ("HT", "HT", "DD"):
                await kiosk.ok("ticket.issue", service=service)
            officer = await lobby.officer()
            await officer.ok("ticket.call_next")
            await officer.ok("ticket.complete")

    run(scenario())


def test_tickets_lists_the_days_tickets(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "lobby.db"
    _busy_database(db)
    assert main(["tickets", "--db", str(db), "--day", "2026-11-23"]) == 0
    out = capsys.readouterr().out
    assert "A001" in out and "done" in out and "B001" in out
    assert "3 ticket(s) on 2026-11-23" in out
    assert main(["tickets", "--db", str(db), "--day", "2026-11-24"]) == 0
    assert "0 ticket(s)" in capsys.readouterr().out


def test_export_events_writes_the_whole_log_as_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "lobby.db"
    _busy_database(db)
    out = tmp_path / "events.csv"
    assert main(["export-events", "--db", str(db), "--out", str(out)]) == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    seqs = [int(r["seq"]) for r in rows]
    assert seqs == list(range(1, len(rows) + 1))
    assert {r["site"] for r in rows} == {"test-site"}
    assert [r["type"] for r in rows].count("ticket.issued") == 3
    assert main(["export-events", "--db", str(db), "--since", str(seqs[-2])]) == 0
    assert len(capsys.readouterr().out.strip().splitlines()) == 2  # header and the last event


def test_backup_copies_the_database_online(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "lobby.db"
    _busy_database(db)
    copy = tmp_path / "backup.db"
    assert main(["backup", "--db", str(db), "--to", str(copy)]) == 0
    count = sqlite3.connect(copy).execute("select count(*) from events").fetchone()[0]
    assert count == sqlite3.connect(db).execute("select count(*) from events").fetchone()[0] > 0
    assert main(["backup", "--db", str(db), "--to", str(copy)]) == 2
    assert "exists" in capsys.readouterr().err


def test_commands_on_a_missing_database_say_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["tickets", "--db", str(tmp_path / "none.db")]) == 2
    assert "no such database file" in capsys.readouterr().err


def test_every_command_has_help(capsys: pytest.CaptureFixture[str]) -> None:
    for command in ("serve", "check", "hash-pin", "tickets", "export-events", "backup", "import-dossiers", "book"):
        with pytest.raises(SystemExit):
            main([command, "--help"])
        assert "usage: motcua-server" in capsys.readouterr().out


def test_a_public_url_that_is_not_http_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--config", str(DEMO), "--db", str(tmp_path / "x.db"), "--public-url", "ftp://x"])
    assert info.value.code == 2
    assert "'ftp://x': give an http:// or https:// address" in capsys.readouterr().err
    assert not (tmp_path / "x.db").exists()
