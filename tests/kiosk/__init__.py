"""The kiosk's tests.

With no ``tests/__init__.py``, pytest imports this folder as the top-level package ``kiosk``,
which hides the real ``kiosk`` package from the tests. When that is so, the real package's
folder is added to this package's path, so ``kiosk.core`` and ``kiosk.app`` still import.
(An empty ``tests/__init__.py``, or pytest's ``--import-mode=importlib``, makes this moot.)
"""

from pathlib import Path

if __name__ == "kiosk":
    __path__.append(str(Path(__file__).resolve().parents[2] / "kiosk"))  # noqa: F821 - __path__: set on a package by the import system
