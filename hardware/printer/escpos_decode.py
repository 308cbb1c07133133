"""Read a job's ESC/POS bytes back into the image a printer would print (for the simulator).

Understands the commands our jobs use and a few neighbours: ``ESC @``, ``GS v 0`` raster
bands, ``ESC d n`` and ``LF`` feeds, ``GS V`` cuts, ``ESC a``/``ESC 2``/``ESC 3``, and
``DLE EOT n`` status queries. Anything else is counted as unknown, never guessed at.
Pure: bytes in, a :class:`DecodedJob` out.
"""

from __future__ import annotations

import dataclasses

from PIL import Image

__all__ = ["DecodedJob", "EscPosDecodeError", "decode_job"]

ESC, GS, DLE, LF = 0x1B, 0x1D, 0x10, 0x0A


class EscPosDecodeError(ValueError):
    """The bytes end in the middle of a command or a raster band is malformed."""


@dataclasses.dataclass(frozen=True)
class DecodedJob:
    image: Image.Image | None  # the raster bands stacked (white = 1), None if there were none
    bands: int
    resets: int
    feeds: int  # lines fed by ESC d n and LF
    cuts: int
    status_queries: int
    unknown_bytes: int


def _need(data: bytes, end: int) -> None:
    if end > len(data):
        raise EscPosDecodeError(f"the job ends inside a command at byte {len(data)}")


def decode_job(data: bytes) -> DecodedJob:
    bands: list[Image.Image] = []
    resets = feeds = cuts = queries = unknown = 0
    i = 0
    while i < len(data):
        byte = data[i]
        if byte == ESC and data[i + 1 : i + 2] == b"@":
            resets += 1
            i += 2
        elif byte == ESC and data[i + 1 : i + 2] in (b"d", b"a", b"3"):
            _need(data, i + 3)
            feeds += data[i + 2] if data[i + 1 : i + 2] == b"d" else 0
            i += 3
        elif byte == ESC and data[i + 1 : i + 2] == b"2":
            i += 2
        elif byte == LF:
            feeds += 1
            i += 1
        elif byte == GS and data[i + 1 : i + 3] == b"v0":
            _need(data, i + 8)
            width_bytes = data[i + 4] | data[i + 5] << 8
            height = data[i + 6] | data[i + 7] << 8
            size = width_bytes * height
            _need(data, i + 8 + size)
            if width_bytes == 0 or height == 0:
                raise EscPosDecodeError(f"an empty raster band at byte {i}")
            raster = data[i + 8 : i + 8 + size]
            bands.append(Image.frombytes("1", (width_bytes * 8, height), raster, "raw", "1;I"))
            i += 8 + size
        elif byte == GS and data[i + 1 : i + 2] == b"V":
            _need(data, i + 3)
            cuts += 1
            i += 4 if data[i + 2] in (65, 66, 97, 98, 103, 104) else 3
        elif byte == DLE and data[i + 1 : i + 2] == b"\x04":
            _need(data, i + 3)
            queries += 1
            i += 3
        else:
            unknown += 1
            i += 1
    return DecodedJob(
        image=_stack(bands),
        bands=len(bands),
        resets=resets,
        feeds=feeds,
        cuts=cuts,
        status_queries=queries,
        unknown_bytes=unknown,
    )


def _stack(bands: list[Image.Image]) -> Image.Image | None:
    if not bands:
        return None
    width = max(band.width for band in bands)
    image = Image.new("1", (width, sum(band.height for band in bands)), 1)
    y = 0
    for band in bands:
        image.paste(band, (0, y))
        y += band.height
    return image
