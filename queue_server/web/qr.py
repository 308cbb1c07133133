"""A booking's QR code as SVG, made on the server with the ``qrcode`` library (no JS QR
library to vendor). Only the codes of bookings and fees that exist are drawn: the route is not a
general QR generator. Drawing one costs milliseconds, so the last ``CACHED`` are kept."""

from __future__ import annotations

import functools
import io

import qrcode
import qrcode.constants
import qrcode.image.svg

QUIET_ZONE = 4
CACHED = 512


@functools.lru_cache(maxsize=CACHED)
def qr_svg(payload: str, box_size: int = 10) -> bytes:
    """``payload`` (ASCII) as a standalone SVG document, black on white, quiet zone kept."""
    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        border=QUIET_ZONE,
        box_size=box_size,
        image_factory=qrcode.image.svg.SvgPathFillImage,
    )
    code.add_data(payload.encode("ascii"))
    code.make(fit=True)
    out = io.BytesIO()
    code.make_image().save(out)
    return out.getvalue()
