"""``[evaluation_sync]``: read as docs/configuration.md shows it, its token from a file or a
variable through the one secrets reader, wrong values named by their key; and the request it
makes of an outbox row (pure)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from queue_server.config.settings_outreach import Channel, EvaluationSync, OutreachSettings
from queue_server.config.site import ConfigError, parse_config
from queue_server.outreach.adapters import NotDeliverable, Outcome, outcome_of, request_for
from queue_server.store.outbox import Pending
from tests.config.helpers import MINIMAL as BASE

DOC = (Path(__file__).resolve().parents[2] / "docs" / "configuration.md").read_text("utf-8")
SECTION = DOC.split("## `[evaluation_sync]`", 1)[1].split("\n## ", 1)[0]
[EXAMPLE] = re.findall(r"```toml\n(.*?)```", SECTION, re.S)


def test_the_documented_table_reads() -> None:
    sync = parse_config(BASE + EXAMPLE).outreach.evaluation_sync
    assert sync is not None and sync.method == "POST"
    assert sync.url_template == "https://dichvucong.tayninh.gov.vn/api/hoso/{code}/danh-gia"
    assert sync.fields == {"dossier": "maHoSo", "score": "ketQua.mucDo", "level": "ketQua.moTa", "rated_at": "ketQua.thoiDiem"}
    assert sync.scores == {4: "RAT_HAI_LONG", 3: "HAI_LONG", 2: "BINH_THUONG", 1: "KHONG_HAI_LONG"}
    assert parse_config(BASE).outreach.evaluation_sync is None


def test_its_token_comes_from_a_file_or_a_variable_and_stays_out_of_logs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    token = tmp_path / "dvc-token"
    token.write_text("Bearer dvc-secret-0001\n", encoding="utf-8")
    token.chmod(0o600)
    monkeypatch.setenv("MOTCUA_DVC_KEY", "key-0002")
    headers = f'[evaluation_sync.headers]\nAuthorization_file = "{token}"\nX-Api-Key_env = "MOTCUA_DVC_KEY"\n'
    sync = parse_config(BASE + EXAMPLE + headers).outreach.evaluation_sync
    assert sync is not None and sync.headers == {"Authorization": "Bearer dvc-secret-0001", "X-Api-Key": "key-0002"}
    assert "dvc-secret" not in repr(sync) and "key-0002" not in repr(sync)
    outreach = parse_config(BASE + EXAMPLE + headers).outreach
    assert outreach.delivers


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("{code}/danh-gia", "danh-gia"), "evaluation_sync.url_template: must hold {code} exactly once"),
        (("https://dichvucong", "ftp://dichvucong"), "evaluation_sync.url_template: must be an http:// or https:// address"),
        (('score = "ketQua.mucDo"\n', ""), "evaluation_sync.fields.score: missing (required)"),
        (('dossier = "maHoSo"', 'dossier = "ma hồ sơ"'), "evaluation_sync.fields.dossier: must be a dotted path"),
        (('dossier = "maHoSo"', 'dossier = "maHoSo"\nname = "hoTen"'), "evaluation_sync.fields.name: unknown key"),
        (("4 = ", "bon = "), "evaluation_sync.scores.bon: must be a score of the rating scale"),
        (("[evaluation_sync]\n", '[evaluation_sync]\nmethod = "GET"\n'), "evaluation_sync.method: must be POST or PUT"),
    ],
)
def test_wrong_values_are_named(change: tuple[str, str], expected: str) -> None:
    text = EXAMPLE.replace(*change)
    assert text != EXAMPLE
    with pytest.raises(ConfigError) as info:
        parse_config(BASE + text, "site.toml")
    assert expected in str(info.value)


SYNC = EvaluationSync(
    url_template="https://dvc.example.vn/api/hoso/{code}/danh-gia",
    fields={"dossier": "maHoSo", "score": "ketQua.mucDo", "officer": "canBo.taiKhoan"},
    method="PUT",
    scores={4: "RAT_HAI_LONG"},
    headers={"Authorization": "Bearer t"},
)
ROW = Pending(7, "xa-an-binh:evaluation:12:000.00.16.H12/1", "evaluation", "procedures-system", 40, "evaluation", None,
              {"dossier": "000.00.16.H12/1", "score": 4, "officer": "lan", "site": "xa-an-binh"}, 0)  # fmt: skip


def test_a_row_becomes_the_request_the_mapping_says() -> None:
    request = request_for(ROW, OutreachSettings(evaluation_sync=SYNC), now=0)
    assert (request.method, request.url) == ("PUT", "https://dvc.example.vn/api/hoso/000.00.16.H12%2F1/danh-gia")
    assert json.loads(request.body or b"") == {"maHoSo": "000.00.16.H12/1", "ketQua": {"mucDo": "RAT_HAI_LONG"}, "canBo": {"taiKhoan": "lan"}}
    assert request.headers["Idempotency-Key"] == ROW.key and request.headers["Authorization"] == "Bearer t"
    assert request.headers["Content-Type"] == "application/json"
    with pytest.raises(NotDeliverable, match=r"\[evaluation_sync\] is not configured"):
        request_for(ROW, OutreachSettings(), now=0)


@pytest.mark.parametrize(
    ("status", "outcome"),
    [(200, Outcome.SENT), (201, Outcome.SENT), (409, Outcome.SENT), (500, Outcome.RETRY), (429, Outcome.RETRY), (400, Outcome.DEAD), (401, Outcome.DEAD)],
)
def test_a_409_is_an_evaluation_the_system_has_already(status: int, outcome: Outcome) -> None:
    assert outcome_of(ROW, status, b"")[0] is outcome
    assert Channel(ROW.channel) is Channel.EVALUATION
