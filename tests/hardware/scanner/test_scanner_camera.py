"""Camera frames decoded by zbar: our QR codes made by the qrcode library come back."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import qrcode
from PIL import Image

from hardware.scanner.camera import GreyFrame, decode_frame
from hardware.scanner.events import Symbology
from hardware.scanner.folder import FolderCamera, FrameFeed
from hardware.scanner.lines import DiscardReason, ScannedCode
from hardware.scanner.open import open_scanner
from hardware.scanner.stream import ScanStream

URL = "https://hcc.example.gov.vn/t/ABCDEFGH23"


def qr_image(payload: str | bytes) -> Image.Image:
    return qrcode.make(payload).get_image().convert("L")


def test_a_ticket_qr_code_is_read() -> None:
    decoding = decode_frame(qr_image(URL))
    assert decoding.codes == (ScannedCode(URL, Symbology.QR_CODE),)
    assert decoding.rejections == ()


def test_any_image_mode_works() -> None:
    assert decode_frame(qr_image(URL).convert("RGB")).codes[0].text == URL


def test_a_raw_greyscale_frame_is_read() -> None:
    image = qr_image("ABCD2345")
    frame = GreyFrame(image.width, image.height, image.tobytes())
    assert [c.text for c in decode_frame(frame).codes] == ["ABCD2345"]


def test_a_non_ascii_payload_is_refused_with_a_reason() -> None:
    decoding = decode_frame(qr_image("Hồ sơ 000.00.16.H12".encode()))
    assert decoding.codes == ()
    assert [r.reason for r in decoding.rejections] == [DiscardReason.NOT_ASCII]


def test_a_blank_frame_gives_nothing() -> None:
    decoding = decode_frame(Image.new("L", (320, 240), 255))
    assert decoding.codes == () and decoding.rejections == ()


def test_a_wrong_frame_size_is_refused() -> None:
    with pytest.raises(ValueError):
        GreyFrame(10, 10, b"\x00" * 99)
    with pytest.raises(TypeError):
        decode_frame(b"not a frame")  # type: ignore[arg-type]


def test_the_folder_camera_decodes_dropped_images_once(tmp_path: Path) -> None:
    async def main() -> list[str]:
        source = open_scanner(f"sim://{tmp_path}?kind=camera&poll=0.02", name="camera-1")
        assert isinstance(source, FolderCamera)
        async with ScanStream([source], dedup_window=0) as stream:
            qr_image(URL).save(tmp_path / "one.png")
            first = await asyncio.wait_for(stream.get(), 5)
            (tmp_path / "junk.png").write_bytes(b"not an image")
            qr_image("ABCD2345").save(tmp_path / "two.png")
            second = await asyncio.wait_for(stream.get(), 5)
            assert first.source == "camera-1" and first.symbology is Symbology.QR_CODE
            return [first.code, second.code]

    assert asyncio.run(main()) == [URL, "ABCD2345"]
    assert not (tmp_path / "one.png").exists() and not (tmp_path / "two.png").exists()


def test_the_frame_feed_decodes_what_the_kiosk_submits() -> None:
    async def main() -> str:
        feed = FrameFeed(name="kiosk-camera")
        async with ScanStream([feed]) as stream:
            feed.submit(Image.new("L", (64, 64), 255))
            feed.submit(qr_image(URL))  # replaces the frame still waiting, or follows it
            event = await asyncio.wait_for(stream.get(), 5)
            return event.code

    assert asyncio.run(main()) == URL
