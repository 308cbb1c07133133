"""Barcode and QR scanners: serial, keyboard-wedge (HID) and camera, in one scan stream.

    from hardware.scanner import ScanStream, open_scanner

    async with ScanStream([open_scanner(url) for url in scanner_urls]) as scans:
        async for event in scans:                     # ScanEvent(code, symbology, source, time)
            ...                                       # what the code means is the app's (kiosk/core/scans.py)

Pure parts (no I/O): :mod:`~hardware.scanner.lines` (serial bytes → codes),
:mod:`~hardware.scanner.keymap` (key events → text), :mod:`~hardware.scanner.camera`
(frames → codes, through zbar), :mod:`~hardware.scanner.dedup`,
:mod:`~kiosk.core.scans`. Transports: :mod:`~hardware.scanner.sources` (serial),
:mod:`~hardware.scanner.hid` (evdev), :mod:`~hardware.scanner.folder` (camera frames from
the kiosk, or a folder of images). Nothing opens a device before its source runs.
"""

from __future__ import annotations

from hardware.scanner.camera import FrameDecoding, GreyFrame, decode_frame
from hardware.scanner.events import ScanEvent, Symbology
from hardware.scanner.folder import FolderCamera, FrameFeed
from hardware.scanner.open import open_scanner
from hardware.scanner.sources import ScanSource
from hardware.scanner.stream import ScanStream, ScanStreamClosed

__all__ = [
    "FolderCamera",
    "FrameDecoding",
    "FrameFeed",
    "GreyFrame",
    "ScanEvent",
    "ScanSource",
    "ScanStream",
    "ScanStreamClosed",
    "Symbology",
    "decode_frame",
    "open_scanner",
]
