"""``cups://QUEUE``: a raw CUPS queue, through ``lp -d QUEUE -o raw``.

Useful when the printer is shared or only CUPS can reach it. Each job is one ``lp`` run;
CUPS cannot tell us the paper state, so the status is unknown.
"""

from __future__ import annotations

import logging
import shutil
import subprocess

from hardware.printer.errors import PrinterNotFound, PrinterTimeout, PrintFailed
from hardware.printer.transport import Transport

__all__ = ["CupsTransport"]

logger = logging.getLogger(__name__)


class CupsTransport(Transport):
    def __init__(self, queue: str, *, timeout: float = 30.0, name: str | None = None) -> None:
        super().__init__(name or f"cups://{queue}")
        self.queue, self.timeout = queue, timeout
        self._lp: str | None = None

    @property
    def is_open(self) -> bool:
        return self._lp is not None

    def open(self) -> None:
        lp = shutil.which("lp")
        if lp is None:
            raise PrinterNotFound(f"{self.name}: the `lp` command is not installed (apt install cups-client)")
        self._lp = lp

    def close(self) -> None:
        self._lp = None

    def write(self, data: bytes) -> None:
        self._require_open()
        assert self._lp is not None
        command = [self._lp, "-d", self.queue, "-o", "raw", "-t", "motcua-ticket"]
        try:
            done = subprocess.run(command, input=data, capture_output=True, timeout=self.timeout, check=False)
        except subprocess.TimeoutExpired as error:
            raise PrinterTimeout(f"{self.name}: `lp` did not finish within {self.timeout:g} s") from error
        except OSError as error:
            raise PrintFailed(f"{self.name}: cannot run `lp`: {error}") from error
        message = done.stderr.decode(errors="replace").strip()
        if done.returncode != 0:
            if "not exist" in message or "Unknown destination" in message:
                raise PrinterNotFound(f"{self.name}: CUPS has no queue {self.queue!r} ({message})")
            raise PrintFailed(f"{self.name}: `lp` failed with status {done.returncode}: {message}")
        logger.info("%s: %s", self.name, done.stdout.decode(errors="replace").strip())
