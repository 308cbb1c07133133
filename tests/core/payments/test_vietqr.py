"""VietQR payloads: built, parsed back, CRC checked; wrong values refused with a clear error."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from queue_server.core.payments import vietqr
from queue_server.core.payments.vietqr import VietQRError

BIN, ACCOUNT = "970436", "0011000012345"


def test_the_crc_is_ccitt_false():
    assert vietqr.crc16(b"123456789") == "29B1"  # the catalogue's check value of CRC-16/CCITT-FALSE
    assert vietqr.crc16(b"") == "FFFF"


def test_a_fee_code_has_the_napas_fields_in_order():
    payload = vietqr.build(BIN, ACCOUNT, 50_000, "HS-000123")
    fields = vietqr.parse_tlv(payload)
    assert list(fields) == ["00", "01", "38", "53", "54", "58", "62", "63"]
    assert fields["00"] == "01" and fields["01"] == "12"  # dynamic: one payment with its amount
    merchant = vietqr.parse_tlv(fields["38"])
    assert merchant == {"00": "A000000727", "01": "0006970436" + "0113" + ACCOUNT, "02": "QRIBFTTA"}
    assert fields["53"] == "704" and fields["54"] == "50000" and fields["58"] == "VN"
    assert vietqr.parse_tlv(fields["62"]) == {"01": "HS-000123", "08": "PHI HS-000123"}
    assert fields["63"] == vietqr.crc16(payload[:-4].encode())
    assert payload.startswith("000201010212") and payload[-8:-4] == "6304"


def test_a_code_reads_back():
    payload = vietqr.build(BIN, ACCOUNT, 1_250_000, "A023-261123", purpose="LE PHI A023")
    assert vietqr.parse(payload) == vietqr.VietQR(BIN, ACCOUNT, 1_250_000, "A023-261123", "LE PHI A023")


def test_a_static_code_has_no_amount():
    payload = vietqr.build(BIN, ACCOUNT, None, "HS-1")
    assert vietqr.parse_tlv(payload)["01"] == "11" and "54" not in vietqr.parse_tlv(payload)
    assert vietqr.parse(payload).amount is None


@given(
    bank_bin=st.from_regex(r"[0-9]{6}", fullmatch=True),
    account=st.from_regex(r"[0-9A-Za-z]{1,19}", fullmatch=True),
    amount=st.integers(1, vietqr.MAX_AMOUNT),
    reference=st.from_regex(r"[0-9A-Za-z.-]{1,25}", fullmatch=True),
)
def test_any_valid_code_round_trips(bank_bin, account, amount, reference):
    parsed = vietqr.parse(vietqr.build(bank_bin, account, amount, reference))
    assert (parsed.bank_bin, parsed.account, parsed.amount, parsed.reference) == (bank_bin, account, amount, reference)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("97043", ACCOUNT, 1, "X"), "bank BIN must be 6 digits"),
        (("97043A", ACCOUNT, 1, "X"), "bank BIN must be 6 digits"),
        ((BIN, "", 1, "X"), "account number must be 1 to 19"),
        ((BIN, "1" * 20, 1, "X"), "account number must be 1 to 19"),
        ((BIN, "001 234", 1, "X"), "account number must be 1 to 19"),
        ((BIN, ACCOUNT, 0, "X"), "amount must be whole đồng"),
        ((BIN, ACCOUNT, -5, "X"), "amount must be whole đồng"),
        ((BIN, ACCOUNT, 10**13, "X"), "amount must be whole đồng"),
        ((BIN, ACCOUNT, 12.5, "X"), "amount must be whole đồng"),
        ((BIN, ACCOUNT, True, "X"), "amount must be whole đồng"),
        (("٩٧٠٤٣٦", ACCOUNT, 1, "X"), "bank BIN must be 6 digits"),  # Arabic-Indic digits
        ((BIN, ACCOUNT, 1, ""), "dossier or ticket code"),
        ((BIN, ACCOUNT, 1, "X" * 26), "dossier or ticket code"),
        ((BIN, ACCOUNT, 1, "HỒ-SƠ"), "dossier or ticket code"),
    ],
)
def test_wrong_values_are_refused(args, message):
    with pytest.raises(VietQRError, match=message):
        vietqr.build(*args)


@pytest.mark.parametrize(
    ("reference", "purpose"),
    [("HS-000123", "PHI HS-000123"), ("X" * 21, "PHI " + "X" * 21), ("000.00.16.H57-261201-0002", "000.00.16.H57-261201-0002")],
)
def test_the_purpose_is_phi_and_the_code_where_it_fits_else_the_code(reference, purpose):
    assert vietqr.parse(vietqr.build(BIN, ACCOUNT, 8000, reference)).purpose == purpose


def test_a_purpose_with_diacritics_is_refused():
    with pytest.raises(VietQRError, match="without diacritics"):
        vietqr.build(BIN, ACCOUNT, 1, "X", purpose="Lệ phí")


def _with_crc(body: str) -> str:
    body += "6304"
    return body + vietqr.crc16(body.encode())


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ("", "ends with its CRC"),
        ("0002016304ABCD", "CRC is ABCD but"),
        ("0002016304abcd", "4 upper-case hex"),
        ("Mã 6304ABCD", "ASCII"),
        (_with_crc("0002010102125303704"), "field 58 \\(country\\) is missing"),
        (_with_crc("00020101021253037045802VN"), "field 38 .* is missing"),
        (_with_crc("000202"), "field 00"),
        (_with_crc("00020101021338070003abc5303704"), "point of initiation"),
        (_with_crc("0002010102125303704540"), "must start with 4 digits"),
        (_with_crc("00020101021253037045410"), "says 10 characters but only"),
        (_with_crc("000201000201"), "appears twice"),
        (_with_crc("0002010102121X"), "must start with 4 digits"),
        ("00020101021253037045406٥٠٠٠٠٠6304ABCD", "ASCII"),
    ],
)
def test_payloads_that_are_not_vietqr_are_refused(payload, message):
    with pytest.raises(VietQRError, match=message):
        vietqr.parse(payload)


def test_a_damaged_code_is_caught_by_its_crc():
    payload = vietqr.build(BIN, ACCOUNT, 50_000, "HS-000123")
    damaged = payload.replace("50000", "90000")
    with pytest.raises(VietQRError, match="the code is damaged"):
        vietqr.parse(damaged)


def test_the_napas_fields_are_checked():
    good = vietqr.build(BIN, ACCOUNT, 50_000, "HS-1")[:-8]
    wrong_aid = good.replace("A000000727", "A000000999")
    with pytest.raises(VietQRError, match="NAPAS AID"):
        vietqr.parse(_with_crc(wrong_aid))
    with pytest.raises(VietQRError, match="currency"):
        vietqr.parse(_with_crc(good.replace("5303704", "5303840")))
    no_amount_dynamic = good.replace("540550000", "")
    with pytest.raises(VietQRError, match="dynamic code"):
        vietqr.parse(_with_crc(no_amount_dynamic))
    with pytest.raises(VietQRError, match="amount"):
        vietqr.parse(_with_crc(good.replace("540550000", "54055000x")))


def _tlv(tag, value):
    return f"{tag}{len(value):02d}{value}"


@pytest.mark.parametrize(
    ("bank_bin", "account", "message"),
    [("97043", ACCOUNT, "bank BIN must be 6 digits, not '97043'"), (BIN, "001-100", "account number must be 1 to 19")],
)
def test_a_code_for_a_bank_or_account_that_cannot_be_is_refused(bank_bin, account, message):
    def body(bank_bin, account):
        merchant = _tlv("00", "A000000727") + _tlv("01", _tlv("00", bank_bin) + _tlv("01", account)) + _tlv("02", "QRIBFTTA")
        return _tlv("00", "01") + _tlv("01", "12") + _tlv("38", merchant) + "5303704" + _tlv("54", "50000") + "5802VN"

    assert vietqr.parse(_with_crc(body(BIN, ACCOUNT))) == vietqr.VietQR(BIN, ACCOUNT, 50_000, "", "")
    with pytest.raises(VietQRError, match=message):
        vietqr.parse(_with_crc(body(bank_bin, account)))


def test_a_field_longer_than_two_digits_can_say_is_refused():
    assert vietqr._tlv("62", "x" * 99) == "6299" + "x" * 99
    with pytest.raises(VietQRError, match="field 62 is 100 characters long; a TLV field holds at most 99"):
        vietqr._tlv("62", "x" * 100)
