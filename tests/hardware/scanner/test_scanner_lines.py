"""The serial scanner's line parser: bytes in any pieces, codes out, garbage counted."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hardware.scanner.events import Symbology
from hardware.scanner.lines import DiscardReason, LineParser, LineSettings, ScannedCode, Terminator


def parse(data: bytes, **kwargs: object) -> tuple[list[str], LineParser]:
    parser = LineParser(LineSettings(**kwargs))  # type: ignore[arg-type]
    parser.receive_data(data)
    return [code.text for code in parser.codes_received()], parser


@pytest.mark.parametrize(
    "terminator, wire",
    [
        (Terminator.CR, b"ABCD2345\rEFGH2345\r"),
        (Terminator.LF, b"ABCD2345\nEFGH2345\n"),
        (Terminator.CRLF, b"ABCD2345\r\nEFGH2345\r\n"),
        (Terminator.ANY, b"ABCD2345\r\nEFGH2345\n"),
        (Terminator.ANY, b"ABCD2345\rEFGH2345\r"),
        (Terminator.CR, b"ABCD2345\r\nEFGH2345\r\n"),  # CR LF sent, CR configured: still fine
        (Terminator.LF, b"ABCD2345\r\nEFGH2345\r\n"),
    ],
)
def test_each_terminator_ends_a_code(terminator: Terminator, wire: bytes) -> None:
    codes, parser = parse(wire, terminator=terminator)
    assert codes == ["ABCD2345", "EFGH2345"]
    assert not parser.discards


def test_cr_lf_under_any_is_one_terminator_not_an_empty_line() -> None:
    _, parser = parse(b"A\r\nB\r\n", terminator=Terminator.ANY)
    assert parser.discards[DiscardReason.EMPTY] == 0


@pytest.mark.parametrize("terminator", list(Terminator))
def test_a_code_split_at_every_byte_boundary_is_read_once(terminator: Terminator) -> None:
    wire = b"\x02https://hcc.example.gov.vn/t/ABCDEFGH23\x03\r\n"
    for cut in range(len(wire) + 1):
        parser = LineParser(LineSettings(terminator=terminator, prefix=b"\x02", suffix=b"\x03"))
        parser.receive_data(wire[:cut])
        parser.receive_data(wire[cut:])
        assert [c.text for c in parser.codes_received()] == ["https://hcc.example.gov.vn/t/ABCDEFGH23"]


def test_byte_by_byte() -> None:
    parser = LineParser()
    for byte in b"ABCD2345\r\n":
        parser.receive_data(bytes([byte]))
    assert parser.codes_received() == [ScannedCode("ABCD2345", Symbology.UNKNOWN)]


def test_prefix_and_suffix_are_stripped_and_required() -> None:
    codes, parser = parse(b"[ABCD2345]\rABCD2345]\r[ABCD2345\r", prefix=b"[", suffix=b"]")
    assert codes == ["ABCD2345"]
    assert parser.discards == {DiscardReason.MISSING_PREFIX: 1, DiscardReason.MISSING_SUFFIX: 1}


@pytest.mark.parametrize(
    "line, reason",
    [
        (b"", DiscardReason.EMPTY),
        (b"   ", DiscardReason.EMPTY),
        ("Việt".encode(), DiscardReason.NOT_ASCII),
        (b"\xff\xfe\x00", DiscardReason.NOT_ASCII),
        (b"AB\x00CD", DiscardReason.CONTROL_CHARACTER),
        (b"AB\x1bCD", DiscardReason.CONTROL_CHARACTER),
        (b"AB\x7fCD", DiscardReason.CONTROL_CHARACTER),
    ],
)
def test_bad_lines_are_discarded_with_their_reason(line: bytes, reason: DiscardReason) -> None:
    codes, parser = parse(line + b"\rGOOD\r")
    assert codes == ["GOOD"]
    assert parser.discards == {reason: 1}


def test_an_over_long_line_is_dropped_whole_and_the_next_code_is_read() -> None:
    parser = LineParser(LineSettings(max_length=16))
    parser.receive_data(b"X" * 10_000)
    assert len(parser._buffer) <= 16 + 16  # bounded while it streams in
    parser.receive_data(b"still the same line\rABCD2345\r")
    assert [c.text for c in parser.codes_received()] == ["ABCD2345"]
    assert parser.discards == {DiscardReason.TOO_LONG: 1}


def test_a_line_just_over_the_limit_is_too_long() -> None:
    codes, parser = parse(b"X" * 17 + b"\r" + b"Y" * 16 + b"\r", max_length=16)
    assert codes == ["Y" * 16]
    assert parser.discards == {DiscardReason.TOO_LONG: 1}


def test_aim_identifiers_give_the_symbology() -> None:
    parser = LineParser(LineSettings(aim=True))
    parser.receive_data(b"]Q1https://x.vn/t/ABCDEFGH23\r]C0ABC\r]E08934567890123\rPLAIN\r")
    assert parser.codes_received() == [
        ScannedCode("https://x.vn/t/ABCDEFGH23", Symbology.QR_CODE),
        ScannedCode("ABC", Symbology.CODE_128),
        ScannedCode("8934567890123", Symbology.EAN_13),
        ScannedCode("PLAIN", Symbology.UNKNOWN),
    ]


def test_reset_drops_a_half_line() -> None:
    parser = LineParser()
    parser.receive_data(b"ABCD")
    parser.reset()
    parser.receive_data(b"2345\r")
    assert [c.text for c in parser.codes_received()] == ["2345"]
    assert parser.discards == {DiscardReason.INTERRUPTED: 1}


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000), st.sampled_from(list(Terminator)))
def test_random_bytes_never_raise_and_the_buffer_stays_bounded(data: bytes, terminator: Terminator) -> None:
    parser = LineParser(LineSettings(terminator=terminator, max_length=64))
    parser.receive_data(data)
    for code in parser.codes_received():
        assert code.text.isascii() and code.text.isprintable() and 0 < len(code.text) <= 64
    assert len(parser._buffer) <= 64 + 16


codes_strategy = st.text(
    alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=40
)
noise_strategy = st.binary(max_size=30).map(lambda b: b.replace(b"\r", b"").replace(b"\n", b""))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(noise_strategy, codes_strategy), max_size=8), st.data())
def test_codes_between_noisy_lines_are_all_found(pairs: list[tuple[bytes, str]], data: st.DataObject) -> None:
    wire = b"".join(noise + b"\r\n" + code.encode() + b"\r\n" for noise, code in pairs)
    parser = LineParser(LineSettings(terminator=Terminator.CRLF, max_length=64))
    cuts = sorted(data.draw(st.lists(st.integers(0, len(wire)), max_size=5)))
    for start, end in zip([0, *cuts], [*cuts, len(wire)]):
        parser.receive_data(wire[start:end])
    found = [c.text for c in parser.codes_received()]
    expected = [code for _, code in pairs]
    iterator = iter(found)
    assert all(code in iterator for code in expected)  # a subsequence: noise lines may be codes too
