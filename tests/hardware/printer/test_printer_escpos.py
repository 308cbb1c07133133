"""The exact ESC/POS bytes of a job (made through python-escpos's Dummy printer)."""

from __future__ import annotations

import logging
import os

import pytest
from PIL import Image, ImageChops, ImageDraw

from hardware.printer.config import CutMode, PrinterConfig
from hardware.printer.escpos_decode import EscPosDecodeError, decode_job
from hardware.printer.escpos_job import FRAGMENT_HEIGHT, job_bytes
from hardware.printer.layouts import render
from hardware.printer.samples import sample_queue_ticket

INIT = b"\x1b@"
FEED_AND_FULL_CUT = b"\x1bd\x06\x1dV\x00"


def raster_header(width: int, height: int) -> bytes:
    width_bytes = width // 8
    return b"\x1dv0\x00" + bytes((width_bytes & 0xFF, width_bytes >> 8, height & 0xFF, height >> 8))


def pattern(width: int, height: int) -> Image.Image:
    """Black left half on the first row, one black dot at the right end of the last."""
    image = Image.new("1", (width, height), 1)
    draw = ImageDraw.Draw(image)
    draw.line([(0, 0), (width // 2 - 1, 0)], fill=0)
    draw.point((width - 1, height - 1), fill=0)
    return image


@pytest.mark.parametrize("width", [384, 512, 576])
def test_exact_bytes_of_a_small_job(width: int) -> None:
    row = width // 8
    first = b"\xff" * (row // 2) + b"\x00" * (row - row // 2)
    middle = b"\x00" * row
    last = b"\x00" * (row - 1) + b"\x01"
    expected = INIT + raster_header(width, 3) + first + middle + last + FEED_AND_FULL_CUT
    assert job_bytes(pattern(width, 3), PrinterConfig(width=width)) == expected


@pytest.mark.parametrize("width", [384, 512, 576])
def test_a_ticket_job_is_reset_raster_bands_feed_and_cut(width: int) -> None:
    image = render(sample_queue_ticket(), width)
    data = job_bytes(image, PrinterConfig(width=width))
    assert data.startswith(INIT + raster_header(width, min(image.height, FRAGMENT_HEIGHT)))
    assert data.endswith(FEED_AND_FULL_CUT)
    assert bytes((width // 8 & 0xFF, width // 8 >> 8)) == data[6:8]  # xL xH
    decoded = decode_job(data)
    assert decoded.image is not None
    assert ImageChops.difference(decoded.image.convert("L"), image.convert("L")).getbbox() is None
    assert (decoded.resets, decoded.cuts, decoded.feeds, decoded.unknown_bytes) == (1, 1, 6, 0)


def test_a_tall_image_is_sent_in_bands_the_printer_can_buffer() -> None:
    data = job_bytes(pattern(384, FRAGMENT_HEIGHT + 40), PrinterConfig(width=384))
    assert data.count(b"\x1dv0") == 2
    assert raster_header(384, FRAGMENT_HEIGHT) in data and raster_header(384, 40) in data
    assert decode_job(data).bands == 2


def test_partial_cut_and_no_cut() -> None:
    image = pattern(384, 2)
    assert job_bytes(image, PrinterConfig(width=384, cut=CutMode.PARTIAL)).endswith(b"\x1bd\x06\x1dV\x01")
    assert job_bytes(image, PrinterConfig(width=384, cut=CutMode.NONE)).endswith(b"\x01\x1bd\x06")


def test_a_profile_without_a_cutter_only_feeds() -> None:
    """Quirks are data: python-escpos's POS-5890 profile has no cutter."""
    data = job_bytes(pattern(384, 2), PrinterConfig(width=384, profile="POS-5890"))
    assert data.endswith(b"\x1bd\x06") and b"\x1dV" not in data


def test_an_image_of_the_wrong_width_is_refused() -> None:
    with pytest.raises(ValueError, match="576"):
        job_bytes(pattern(384, 2), PrinterConfig(width=576))


def test_python_escpos_does_not_take_over_the_root_logger() -> None:
    job_bytes(pattern(384, 2), PrinterConfig(width=384))
    assert not any(type(handler) is logging.StreamHandler for handler in logging.getLogger().handlers)


def test_decoder_refuses_a_job_cut_short() -> None:
    data = job_bytes(pattern(384, 8), PrinterConfig(width=384))
    with pytest.raises(EscPosDecodeError):
        decode_job(data[:20])


def test_decoder_counts_what_it_does_not_know() -> None:
    job = decode_job(b"\x1b@hello\n\x10\x04\x01")
    assert (job.image, job.unknown_bytes, job.feeds, job.status_queries) == (None, 5, 1, 1)


@pytest.mark.skipif("ESCPOS_CAPABILITIES_PICKLE_DIR" in os.environ, reason="a cache folder was chosen")
def test_python_escpos_leaves_no_temporary_folder_behind() -> None:
    import escpos.capabilities

    job_bytes(pattern(384, 2), PrinterConfig(width=384))
    assert not os.path.exists(escpos.capabilities.pickle_dir)
