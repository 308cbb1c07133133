"""A print job as ESC/POS bytes: the whole ticket is one raster image.

``ESC @`` (reset), the image as ``GS v 0`` raster commands (split into bands the printer
can buffer), then feed and cut, made by python-escpos's :class:`Dummy` printer, which
captures exactly the bytes a real printer would get. No text goes through code pages:
Vietnamese is already pixels. Whether the model has a cutter comes from its python-escpos
capability profile (data, not code).

python-escpos is imported only when a job is made (:mod:`.profiles`).
"""

from __future__ import annotations

from PIL import Image

from hardware.printer.config import CutMode, PrinterConfig
from hardware.printer.profiles import escpos

__all__ = ["FRAGMENT_HEIGHT", "job_bytes"]

FRAGMENT_HEIGHT = 960  # dots per GS v 0 band; fits the input buffer of common printers
FEED_LINES = 6  # lines fed before cutting, so the last printed line clears the cutter


def job_bytes(image: Image.Image, config: PrinterConfig) -> bytes:
    """The bytes that print ``image`` (exactly ``config.width`` dots wide) and cut."""
    if image.width != config.width:
        raise ValueError(f"the image is {image.width} dots wide; this printer takes {config.width}")
    printer = escpos().printer.Dummy(profile=config.profile)
    data = dict(printer.profile.profile_data)
    data["media"] = {"width": {"pixels": config.width}}
    printer.profile.profile_data = data  # this instance only: the width we render at
    printer.hw("INIT")
    printer.image(image.convert("1"), impl="bitImageRaster", fragment_height=FRAGMENT_HEIGHT)
    if config.cut is CutMode.NONE:
        printer.print_and_feed(FEED_LINES)
    else:
        printer.cut(mode="PART" if config.cut is CutMode.PARTIAL else "FULL")
    return bytes(printer.output)
