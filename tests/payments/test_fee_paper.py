"""VietQR through paper: a fee receipt printed (ESC/POS bytes → the simulated printer's raster),
the code read back from the PNG by zbarimg, its TLV parsed and its CRC checked."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import pytest

from hardware.printer.connect import printer_from_url
from hardware.printer.documents import FeeReceipt
from hardware.printer.errors import InvalidTicket
from hardware.printer.sim import list_jobs
from queue_server.core.payments import vietqr

AT = dt.datetime(2026, 11, 23, 9, 30)


def zbarimg(png: Path) -> list[str]:
    out = subprocess.run(["zbarimg", "--quiet", "--raw", "-Sqrcode.enable", str(png)], capture_output=True, text=True)
    return out.stdout.splitlines()


def receipt(payload: str, amount: int = 50_000) -> FeeReceipt:
    return FeeReceipt(
        centre_name="Trung tâm Phục vụ hành chính công tỉnh Tây Ninh",
        number="A023",
        procedure="Hộ tịch",
        reference="HS-000123",
        amount=amount,
        account="970436 · 0011000012345 · TTPVHCC TAY NINH",
        vietqr_payload=payload,
        printed_at=AT,
        counter="5",
    )


@pytest.mark.parametrize("width", [384, 576])
def test_a_fee_receipt_round_trips_through_paper(tmp_path: Path, width: int) -> None:
    payload = vietqr.build("970436", "0011000012345", 1_250_000, "HS-000123")
    with printer_from_url(f"sim://{tmp_path}?width={width}") as printer:
        printer.print(receipt(payload, 1_250_000))
    [job] = list_jobs(tmp_path)
    assert job.png.stat().st_size > 0 and job.raw.read_bytes().startswith(b"\x1b@")
    [read] = zbarimg(job.png)
    assert read == payload
    parsed = vietqr.parse(read)
    assert (parsed.bank_bin, parsed.account, parsed.amount, parsed.reference) == (
        "970436", "0011000012345", 1_250_000, "HS-000123",
    )
    assert vietqr.parse_tlv(read)["63"] == vietqr.crc16(read[:-4].encode())


def test_a_receipt_refuses_a_fee_that_is_not_whole_dong() -> None:
    payload = vietqr.build("970436", "0011000012345", 5, "X")
    with pytest.raises(InvalidTicket, match="positive whole number of đồng"):
        receipt(payload, amount=0)
    with pytest.raises(InvalidTicket, match="printable ASCII"):
        receipt("Mã không phải VietQR")
