"""VietQR: the NAPAS profile of the EMVCo merchant-presented QR code, built and parsed.

A payload is a string of TLV fields: a 2-digit id, a 2-digit length, then the value::

    00 02 01                     payload format indicator
    01 02 12                     point of initiation: 11 static, 12 dynamic (one payment, amount set)
    38 ..                        merchant account information (NAPAS)
       00 10 A000000727          NAPAS's AID (the "GUID")
       01 ..                     the beneficiary organisation
          00 06 970436           the bank's BIN
          01 .. 0011000012345    the account number
       02 08 QRIBFTTA            the service: fast transfer to an account
    53 03 704                    currency: VND (ISO 4217)
    54 .. 50000                  amount in đồng (whole, no decimals)
    58 02 VN                     country
    62 ..                        additional data
       01 .. HS-000123           bill number: the dossier or ticket code
       08 .. PHI HS-000123       purpose of the transaction (what the bank app shows): "PHI " and
                                 the code, or the code alone when it is over 21 characters
    63 04 ABCD                   CRC-16/CCITT-FALSE of everything before, "6304" included

:func:`build` refuses a wrong BIN, account, amount or code with :class:`VietQRError`;
:func:`parse` checks the CRC, every length and the NAPAS fields and returns a :class:`VietQR`.
"""

from __future__ import annotations

import binascii
import dataclasses
import re

__all__ = ["MAX_REFERENCE", "NAPAS_AID", "VietQR", "VietQRError", "build", "crc16", "parse", "parse_tlv"]

NAPAS_AID = "A000000727"
SERVICE_TO_ACCOUNT = "QRIBFTTA"
CURRENCY_VND = "704"
COUNTRY = "VN"
STATIC, DYNAMIC = "11", "12"
MAX_AMOUNT = 9_999_999_999_999  # 13 digits, EMVCo's longest amount
MAX_REFERENCE = 25  # the bill number (62.01) and the purpose (62.08) hold 25 characters each

_BIN = re.compile(r"[0-9]{6}")
_ACCOUNT = re.compile(r"[0-9A-Za-z]{1,19}")
_REFERENCE = re.compile(r"[0-9A-Za-z.-]{1,25}")  # a receipt code: 000.00.16.H57-261201-0002
_PURPOSE = re.compile(r"[0-9A-Za-z .,-]{1,25}")
_HEX4 = re.compile(r"[0-9A-F]{4}")


class VietQRError(ValueError):
    """A value that cannot go into a VietQR code, or a payload that is not one."""


@dataclasses.dataclass(frozen=True)
class VietQR:
    """One fee payment: to ``account`` at the bank ``bank_bin``, ``amount`` đồng, for ``reference``."""

    bank_bin: str
    account: str
    amount: int | None
    reference: str
    purpose: str


def crc16(data: bytes) -> str:
    """CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF, no reflection, no final xor) as 4
    upper-case hex digits; ``binascii.crc_hqx`` is exactly this CRC given 0xFFFF."""
    return f"{binascii.crc_hqx(data, 0xFFFF):04X}"


def _tlv(tag: str, value: str) -> str:
    if len(value) > 99:
        raise VietQRError(f"field {tag} is {len(value)} characters long; a TLV field holds at most 99")
    return f"{tag}{len(value):02d}{value}"


def build(bank_bin: str, account: str, amount: int | None, reference: str, purpose: str | None = None) -> str:
    """The payload of a VietQR code; ``amount=None`` makes a static code (the payer types it)."""
    if not isinstance(bank_bin, str) or not _BIN.fullmatch(bank_bin):
        raise VietQRError(f"the bank BIN must be 6 digits (NAPAS's list), not {bank_bin!r}")
    if not isinstance(account, str) or not _ACCOUNT.fullmatch(account):
        raise VietQRError(f"the account number must be 1 to 19 letters or digits, not {account!r}")
    if amount is not None and (isinstance(amount, bool) or not isinstance(amount, int) or not 1 <= amount <= MAX_AMOUNT):
        raise VietQRError(f"the amount must be whole đồng from 1 to {MAX_AMOUNT}, not {amount!r}")
    if not isinstance(reference, str) or not _REFERENCE.fullmatch(reference):
        raise VietQRError(
            f"the dossier or ticket code must be 1 to {MAX_REFERENCE} letters, digits, '.' or '-', not {reference!r}"
        )
    if purpose is None:  # "PHI " where it fits in the purpose's 25 characters, else the code alone
        purpose = f"PHI {reference}" if len(reference) <= MAX_REFERENCE - 4 else reference
    if not isinstance(purpose, str) or not _PURPOSE.fullmatch(purpose):
        raise VietQRError(
            f"the purpose must be 1 to 25 letters without diacritics, digits, spaces or .,- (bank apps "
            f"show it as is), not {purpose!r}"
        )
    beneficiary = _tlv("00", bank_bin) + _tlv("01", account)
    merchant = _tlv("00", NAPAS_AID) + _tlv("01", beneficiary) + _tlv("02", SERVICE_TO_ACCOUNT)
    body = (
        _tlv("00", "01")
        + _tlv("01", STATIC if amount is None else DYNAMIC)
        + _tlv("38", merchant)
        + _tlv("53", CURRENCY_VND)
        + (_tlv("54", str(amount)) if amount is not None else "")
        + _tlv("58", COUNTRY)
        + _tlv("62", _tlv("01", reference) + _tlv("08", purpose))
        + "6304"
    )
    return body + crc16(body.encode("ascii"))


def parse_tlv(text: str) -> dict[str, str]:
    """The fields of one TLV level, by id; a short, non-numeric or repeated field is refused."""
    fields: dict[str, str] = {}
    at = 0
    while at < len(text):
        head = text[at : at + 4]
        if len(head) < 4 or not head.isdigit():
            raise VietQRError(f"a TLV field at character {at} must start with 4 digits (id, length), found {head!r}")
        tag, length = head[:2], int(head[2:])
        value = text[at + 4 : at + 4 + length]
        if len(value) != length:
            raise VietQRError(f"field {tag} says {length} characters but only {len(value)} follow")
        if tag in fields:
            raise VietQRError(f"field {tag} appears twice")
        fields[tag] = value
        at += 4 + length
    return fields


def parse(payload: str) -> VietQR:
    """Check a VietQR payload (CRC, lengths, NAPAS fields) and read it."""
    if not isinstance(payload, str) or not payload.isascii():
        raise VietQRError("a VietQR payload is ASCII text")
    if len(payload) < 8 or payload[-8:-4] != "6304":
        raise VietQRError("a VietQR payload ends with its CRC field 63 (6304 and 4 hex digits)")
    given = payload[-4:]
    if not _HEX4.fullmatch(given):
        raise VietQRError(f"the CRC must be 4 upper-case hex digits, not {given!r}")
    expected = crc16(payload[:-4].encode("ascii"))
    if given != expected:
        raise VietQRError(f"the CRC is {given} but the payload's is {expected}: the code is damaged")
    fields = parse_tlv(payload)
    _expect(fields, "00", "01", "payload format indicator")
    if fields.get("01") not in (STATIC, DYNAMIC):
        raise VietQRError(f"field 01 (point of initiation) must be 11 or 12, not {fields.get('01')!r}")
    _expect(fields, "53", CURRENCY_VND, "currency")
    _expect(fields, "58", COUNTRY, "country")
    merchant = parse_tlv(_required(fields, "38", "merchant account information (NAPAS)"))
    _expect(merchant, "00", NAPAS_AID, "NAPAS AID in field 38")
    beneficiary = parse_tlv(_required(merchant, "01", "beneficiary in field 38"))
    bank_bin = _required(beneficiary, "00", "bank BIN")
    account = _required(beneficiary, "01", "account number")
    if not _BIN.fullmatch(bank_bin):
        raise VietQRError(f"the bank BIN must be 6 digits, not {bank_bin!r}")
    if not _ACCOUNT.fullmatch(account):
        raise VietQRError(f"the account number must be 1 to 19 letters or digits, not {account!r}")
    amount = None
    if "54" in fields:
        if not fields["54"].isdigit() or not 1 <= int(fields["54"]) <= MAX_AMOUNT:
            raise VietQRError(f"field 54 (amount) must be whole đồng, not {fields['54']!r}")
        amount = int(fields["54"])
    if (amount is None) != (fields["01"] == STATIC):
        raise VietQRError("a dynamic code (01 = 12) carries an amount (54) and a static one (11) none")
    extra = parse_tlv(fields.get("62", ""))
    return VietQR(bank_bin, account, amount, extra.get("01", ""), extra.get("08", ""))


def _required(fields: dict[str, str], tag: str, what: str) -> str:
    if tag not in fields:
        raise VietQRError(f"field {tag} ({what}) is missing")
    return fields[tag]


def _expect(fields: dict[str, str], tag: str, value: str, what: str) -> None:
    found = _required(fields, tag, what)
    if found != value:
        raise VietQRError(f"field {tag} ({what}) must be {value!r}, not {found!r}")
