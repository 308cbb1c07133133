"""The enrolment QR's text: the server's address and the one-time code, versioned; what the
kiosk's first run reads back is exactly what the server wrote, and every other text is refused
with its reason."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from queue_server.core.codes import ALPHABET
from queue_server.core.enrolment_qr import (
    EnrolmentQr,
    EnrolmentTextError,
    Problem,
    enrolment_text,
    looks_like_enrolment,
    normalize_enrolment_code,
    parse_enrolment_text,
)


def test_the_text_carries_the_server_and_the_code_and_reads_back() -> None:
    text = enrolment_text("ws://10.0.0.2:8765/", "abcd efgh")
    assert text == "MOTCUA-ENROL:1:ws://10.0.0.2:8765/:ABCD-EFGH"
    assert parse_enrolment_text(text) == EnrolmentQr("ws://10.0.0.2:8765/", "ABCD-EFGH")
    assert "ABCD" not in repr(parse_enrolment_text(text))  # a secret stays out of logs


@pytest.mark.parametrize(
    "text, server, code",
    [
        ("MOTCUA-ENROL:1:wss://hcc.tayninh.gov.vn/queue:ABCDEFGH", "wss://hcc.tayninh.gov.vn/queue", "ABCD-EFGH"),
        ("  motcua-enrol:1:ws://kiosk-server:8765:abcd-2345\r\n", "ws://kiosk-server:8765", "ABCD-2345"),
        ("MOTCUA-ENROL:1:WS://10.0.0.2/:ABCD-2345", "WS://10.0.0.2/", "ABCD-2345"),
    ],
)
def test_forms_a_scanner_may_give_are_read(text: str, server: str, code: str) -> None:
    assert parse_enrolment_text(text) == EnrolmentQr(server, code)
    assert looks_like_enrolment(text)


@pytest.mark.parametrize(
    "text, problem",
    [
        ("ABCD-EFGH", Problem.NOT_ENROLMENT),
        ("https://hcc.example.gov.vn/t/ABCDEFGH23", Problem.NOT_ENROLMENT),
        ("MOTCUA-ENROLX:1:ws://h/:ABCD-EFGH", Problem.NOT_ENROLMENT),
        ("MOTCUA-ENROL:2:ws://10.0.0.2:8765/:ABCD-EFGH", Problem.NEWER_VERSION),
        ("MOTCUA-ENROL:ws://10.0.0.2:8765/:ABCD-EFGH", Problem.NEWER_VERSION),
        ("MOTCUA-ENROL:1:http://10.0.0.2:8765/:ABCD-EFGH", Problem.BAD_SERVER),
        ("MOTCUA-ENROL:1::ABCD-EFGH", Problem.BAD_SERVER),
        ("MOTCUA-ENROL:1:ws://10.0.0.2:8765/x y:ABCD-EFGH", Problem.BAD_SERVER),
        ("MOTCUA-ENROL:1:ws://10.0.0.2:8765/:ABCD-EFG0", Problem.BAD_CODE),  # 0: not in the alphabet
        ("MOTCUA-ENROL:1:ws://10.0.0.2:8765/:ABCD-EFG", Problem.BAD_CODE),
        ("MOTCUA-ENROL:1:ws://10.0.0.2:8765/", Problem.BAD_CODE),
    ],
)
def test_other_texts_are_refused_with_their_reason(text: str, problem: Problem) -> None:
    with pytest.raises(EnrolmentTextError) as refused:
        parse_enrolment_text(text)
    assert refused.value.problem is problem
    assert str(refused.value) == problem.message


def test_the_server_writes_no_text_a_device_could_not_read() -> None:
    with pytest.raises(EnrolmentTextError, match="ws:// or wss://"):
        enrolment_text("http://10.0.0.2:8765/", "ABCD-EFGH")
    with pytest.raises(EnrolmentTextError, match="alphabet"):
        enrolment_text("ws://10.0.0.2:8765/", "ABCD-EFG1")


@pytest.mark.parametrize(
    "typed, code",
    [("abcd-efgh", "ABCD-EFGH"), (" AB CD EF GH ", "ABCD-EFGH"), ("ABCDEFGH", "ABCD-EFGH"), ("ABCDEFG", None), ("ABCDEFGI", None)],
)
def test_a_typed_code_is_normalised_or_refused(typed: str, code: str | None) -> None:
    assert normalize_enrolment_code(typed) == code


@given(
    host=st.from_regex(r"[a-z0-9][a-z0-9.-]{0,30}", fullmatch=True),
    port=st.integers(1, 65535),
    path=st.from_regex(r"(/[a-z0-9._-]{0,12}){0,3}", fullmatch=True),
    code=st.text(alphabet=ALPHABET, min_size=8, max_size=8),
    secure=st.booleans(),
)
def test_every_text_the_server_writes_reads_back_as_it_was(host: str, port: int, path: str, code: str, secure: bool) -> None:
    server = f"{'wss' if secure else 'ws'}://{host}:{port}{path}"
    assert parse_enrolment_text(enrolment_text(server, code)) == EnrolmentQr(server, f"{code[:4]}-{code[4:]}")
