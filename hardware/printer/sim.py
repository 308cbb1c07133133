"""``sim://DIR``: a virtual ticket printer that keeps every job in a folder.

Each job is decoded from its ESC/POS bytes (as a printer would) and kept as
``DIR/job-0001.png`` (what would be on paper) and ``DIR/job-0001.bin`` (the raw bytes);
:func:`list_jobs` lists them, ``motcua-hw sim-printer --dir DIR --list`` too.

It answers ``DLE EOT`` like a real printer, from a state made of the URL's query
(``sim://var/sim/printer?paper=out&online=0&cover=open&delay=2``) overlaid by
``DIR/state.json``, which is read again before every answer and job: a test, or a person
with ``motcua-hw sim-printer --dir DIR --paper out``, can run a kiosk's printer out of
paper while it runs. A job sent while the state forbids printing raises the printer's
error and leaves no file; ``delay`` makes each job that slow (past ``timeout`` it fails).
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import re
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from hardware.printer.errors import PrinterTimeout
from hardware.printer.escpos_decode import decode_job
from hardware.printer.status import (
    DLE_EOT,
    PaperState,
    PrinterStatus,
    StatusQuery,
    encode_status,
    raise_for_status,
)
from hardware.printer.transport import Transport
from hardware.urls import DeviceURL, InvalidDeviceURL

__all__ = [
    "STATE_FILE",
    "SimJob",
    "SimPrinterTransport",
    "SimState",
    "clear_jobs",
    "list_jobs",
    "load_state",
    "save_state",
]

logger = logging.getLogger(__name__)

STATE_FILE = "state.json"
_JOB_RE = re.compile(r"job-(\d+)\.bin(?:\.part)?")
_QUERIES = frozenset(query.value for query in StatusQuery)
_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off"}


@dataclasses.dataclass(frozen=True)
class SimState:
    paper: PaperState = PaperState.OK
    online: bool = True
    cover_open: bool = False
    delay: float = 0.0  # seconds each job takes

    def status(self) -> PrinterStatus:
        return PrinterStatus(
            online=self.online and not self.cover_open and self.paper is not PaperState.OUT,
            paper=self.paper,
            cover_open=self.cover_open,
            cutter_error=False,
            unrecoverable_error=False,
            recoverable_error=False,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "paper": self.paper.value,
            "online": self.online,
            "cover_open": self.cover_open,
            "delay": self.delay,
        }

    @classmethod
    def from_mapping(
        cls, values: Mapping[str, Any], base: SimState | None = None, where: str = ""
    ) -> SimState:
        """``base`` with the entries of ``values`` (JSON or URL query strings) applied."""
        state = base or cls()
        try:
            changes: dict[str, Any] = {}
            if "paper" in values:
                paper = PaperState(str(values["paper"]).lower())
                if paper is PaperState.UNKNOWN:
                    raise ValueError("paper")
                changes["paper"] = paper
            if "online" in values:
                changes["online"] = _flag(values["online"])
            if "cover" in values:
                changes["cover_open"] = str(values["cover"]).lower() == "open"
            if "cover_open" in values:
                changes["cover_open"] = _flag(values["cover_open"])
            if "delay" in values:
                changes["delay"] = max(0.0, float(values["delay"]))
        except (ValueError, TypeError) as error:
            raise InvalidDeviceURL(
                f"{where}: bad simulated printer state {dict(values)!r} "
                "(paper=ok|near_end|out, online=1|0, cover=open|closed, delay=SECONDS)"
            ) from error
        return dataclasses.replace(state, **changes)


def _flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).lower()
    if text in _TRUE | _FALSE:
        return text in _TRUE
    raise ValueError(value)


def load_state(directory: Path, base: SimState = SimState()) -> SimState:
    """``base`` overlaid by ``DIR/state.json`` when there is one."""
    path = Path(directory) / STATE_FILE
    try:
        values = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return base
    except (OSError, ValueError) as error:
        logger.warning("%s: unreadable (%s); using the URL's state", path, error)
        return base
    return SimState.from_mapping(values, base, str(path)) if isinstance(values, dict) else base


def save_state(directory: Path, state: SimState) -> None:
    """Write ``DIR/state.json`` atomically (a running simulator never reads half a file)."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    temporary = directory / f".{STATE_FILE}.{os.getpid()}"
    temporary.write_text(json.dumps(state.to_json(), indent=2) + "\n", encoding="utf-8")
    os.replace(temporary, directory / STATE_FILE)


@dataclasses.dataclass(frozen=True)
class SimJob:
    number: int
    raw: Path  # the ESC/POS bytes as received
    png: Path  # what the paper would show (missing if the job had no image)

    @property
    def data(self) -> bytes:
        return self.raw.read_bytes()


def list_jobs(directory: Path) -> list[SimJob]:
    """The finished jobs in ``directory``, oldest first."""
    jobs = []
    for path in Path(directory).glob("job-*.bin"):
        match = _JOB_RE.fullmatch(path.name)
        if match:
            jobs.append(SimJob(int(match[1]), path, path.with_suffix(".png")))
    return sorted(jobs, key=lambda job: job.number)


def clear_jobs(directory: Path) -> int:
    """Delete the kept jobs; returns how many."""
    jobs = list_jobs(directory)
    for job in jobs:
        job.png.unlink(missing_ok=True)
        job.raw.unlink(missing_ok=True)
    return len(jobs)


class SimPrinterTransport(Transport):
    can_read = True

    def __init__(
        self,
        directory: str | Path,
        state: SimState = SimState(),
        *,
        timeout: float = 10.0,
        name: str | None = None,
    ) -> None:
        super().__init__(name or f"sim://{directory}")
        self.directory = Path(directory)
        self.base_state = state
        self.timeout = timeout
        self._answers = bytearray()
        self._open = False

    @classmethod
    def from_url(cls, url: DeviceURL) -> SimPrinterTransport:
        state = SimState.from_mapping(url.params, where=url.raw)
        return cls(url.target, state, timeout=url.float_param("timeout", 10.0), name=url.raw)

    @property
    def state(self) -> SimState:
        return load_state(self.directory, self.base_state)

    @property
    def is_open(self) -> bool:
        return self._open

    def open(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        self._open = True

    def close(self) -> None:
        self._open = False
        self._answers.clear()

    def read(self, size: int, timeout: float) -> bytes:
        self._require_open()
        answer = bytes(self._answers[:size])
        del self._answers[:size]
        return answer

    def discard_input(self) -> None:
        self._answers.clear()

    def write(self, data: bytes) -> None:
        self._require_open()
        if len(data) == 3 and data[:2] == DLE_EOT and data[2] in _QUERIES:
            self._answers += encode_status(self.state.status(), StatusQuery(data[2]))
            return
        self._print(data)

    def _print(self, data: bytes) -> None:
        state = self.state
        raise_for_status(state.status(), self.name)
        if state.delay:
            time.sleep(min(state.delay, self.timeout))
            if state.delay > self.timeout:
                raise PrinterTimeout(f"{self.name}: the printer took longer than {self.timeout:g} s")
            raise_for_status(self.state.status(), self.name)  # it may have run out meanwhile
        job = decode_job(data)
        number, part = self._claim()
        png = part.with_name(f"job-{number:04d}.png")
        try:
            if job.image is not None:
                job.image.save(png.with_suffix(".png.part"), format="PNG")
                os.replace(png.with_suffix(".png.part"), png)
            part.write_bytes(data)
            os.replace(part, part.with_suffix(""))
        except BaseException:
            part.unlink(missing_ok=True)
            raise
        logger.info("%s: job %d, %d bytes, %d cut(s)", self.name, number, len(data), job.cuts)

    def _claim(self) -> tuple[int, Path]:
        """A new job number, reserved with an exclusive create (safe across processes)."""
        numbers = [int(m[1]) for p in self.directory.glob("job-*") if (m := _JOB_RE.fullmatch(p.name))]
        number = max(numbers, default=0) + 1
        while True:
            part = self.directory / f"job-{number:04d}.bin.part"
            try:
                os.close(os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL))
            except FileExistsError:
                number += 1
                continue
            if (self.directory / f"job-{number:04d}.bin").exists():
                part.unlink()
                number += 1
                continue
            return number, part
