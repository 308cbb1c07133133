"""Drivers for the lobby's devices: ticket printers, scanners and rating pads.

Each device is a pure part (a renderer that makes an image or bytes, a parser that turns
bytes into events) and a thin transport chosen by a URL (see :mod:`hardware.urls`). Every
device has a simulator (``sim://``), so the lobby runs and is tested with nothing attached.
Nothing here opens a device at import time.
"""
