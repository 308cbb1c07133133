"""QR codes for paper: the matrix from the ``qrcode`` library, drawn dot-exact.

Each module is a whole number of printer dots (never resampled, so edges stay sharp), the
four-module quiet zone is kept, and the code takes about half the paper's width: on a
203 dpi printer a 29-module code is then 2.5–3.5 cm wide, easy for any phone camera.
"""

from __future__ import annotations

import qrcode
import qrcode.constants
from PIL import Image

from hardware.printer.documents import check_qr_payload
from hardware.printer.errors import InvalidTicket

__all__ = ["QUIET_ZONE", "qr_image"]

QUIET_ZONE = 4  # modules, as ISO/IEC 18004 asks
MIN_MODULE_DOTS = 3
MAX_MODULE_DOTS = 10


def qr_matrix(payload: str) -> list[list[bool]]:
    """The code's modules, quiet zone included (``True`` = dark)."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=QUIET_ZONE, box_size=1)
    code.add_data(check_qr_payload(payload).encode("ascii"))
    code.make(fit=True)
    return code.get_matrix()


def qr_image(payload: str, width: int, share: float = 0.5) -> Image.Image:
    """A 1-bit image of the code, about ``share`` of ``width`` dots wide (white = 1)."""
    matrix = qr_matrix(payload)
    modules = len(matrix)
    dots = max(MIN_MODULE_DOTS, min(MAX_MODULE_DOTS, int(width * share) // modules))
    if modules * dots > width:
        raise InvalidTicket(
            f"the QR payload is too long to print legibly on {width}-dot paper "
            f"({modules} modules); shorten the URL"
        )
    small = Image.new("1", (modules, modules), 1)
    small.putdata([0 if dark else 1 for row in matrix for dark in row])
    return small.resize((modules * dots, modules * dots), Image.Resampling.NEAREST)
