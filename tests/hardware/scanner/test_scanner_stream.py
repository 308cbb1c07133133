"""The merged scan stream: all sources in one, repeats within the window counted once."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable

import pytest

from hardware.scanner.dedup import Deduplicator
from hardware.scanner.events import ScanEvent, Symbology
from hardware.scanner.stream import ScanStream, ScanStreamClosed
from hardware.threaded import run_in_thread


def test_dedup_suppresses_within_the_window_and_slides() -> None:
    dedup = Deduplicator(2.0)
    assert dedup.accept("A", 100.0)
    assert not dedup.accept("A", 101.0)
    assert not dedup.accept("A", 102.5)  # still held in view: the window slides
    assert dedup.accept("B", 102.5)
    assert dedup.accept("A", 104.6)
    assert dedup.suppressed == 2


def test_dedup_accepts_when_the_clock_steps_back() -> None:
    dedup = Deduplicator(2.0)
    assert dedup.accept("A", 100.0)
    assert dedup.accept("A", 50.0)


def test_dedup_memory_is_bounded() -> None:
    dedup = Deduplicator(1.0)
    for i in range(10_000):
        dedup.accept(str(i), float(i))
    assert len(dedup._last_seen) <= 66


class ListSource:
    """A fake source: emits its codes, then waits to be cancelled."""

    def __init__(self, name: str, codes: list[str], clock: Callable[[], float] = time.time) -> None:
        self.name = name
        self.codes = codes
        self.clock = clock
        self.cancelled = False

    async def run(self, emit: Callable[[ScanEvent], None]) -> None:
        for code in self.codes:
            emit(ScanEvent(code, Symbology.UNKNOWN, self.name, self.clock()))
            await asyncio.sleep(0)
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            self.cancelled = True
            raise


class FailingSource:
    name = "broken"

    def __init__(self) -> None:
        self.runs = 0

    async def run(self, emit: Callable[[ScanEvent], None]) -> None:
        self.runs += 1
        if self.runs == 1:
            raise OSError("boom")
        emit(ScanEvent("AFTER-RESTART", Symbology.UNKNOWN, self.name, time.time()))
        await asyncio.Event().wait()


def test_sources_are_merged_and_repeats_counted_once() -> None:
    async def main() -> tuple[list[tuple[str, str]], ScanStream]:
        a = ListSource("a", ["ONE", "ONE", "TWO"])
        b = ListSource("b", ["ONE", "THREE"])
        stream = ScanStream([a, b])
        async with stream:
            got = [await asyncio.wait_for(stream.get(), 2) for _ in range(3)]
        assert a.cancelled and b.cancelled
        return sorted((e.code, e.source) for e in got), stream

    got, stream = asyncio.run(main())
    assert [code for code, _ in got] == ["ONE", "THREE", "TWO"]
    assert stream.dedup.suppressed == 2


def test_a_failing_source_is_restarted_and_others_keep_going(caplog: pytest.LogCaptureFixture) -> None:
    async def main() -> list[str]:
        broken = FailingSource()
        async with ScanStream([broken, ListSource("ok", ["OK"])], restart_delay=0.01) as stream:
            return sorted([(await asyncio.wait_for(stream.get(), 2)).code for _ in range(2)])

    assert asyncio.run(main()) == ["AFTER-RESTART", "OK"]
    assert "scan source broken failed" in caplog.text


def test_iteration_ends_when_the_stream_is_closed() -> None:
    async def main() -> list[str]:
        stream = ScanStream([ListSource("a", ["X"])])
        stream.start()
        codes = []
        async for event in stream:
            codes.append(event.code)
            await stream.aclose()
        with pytest.raises(ScanStreamClosed):
            await stream.get()
        return codes

    assert asyncio.run(main()) == ["X"]


def test_duplicate_source_names_are_refused() -> None:
    with pytest.raises(ValueError):
        ScanStream([ListSource("a", []), ListSource("a", [])])


def test_a_blocking_reader_runs_in_a_thread_and_stops_with_its_task() -> None:
    seen_threads: list[str] = []

    def reader(deliver: Callable[[int], None], stop: threading.Event) -> None:
        seen_threads.append(threading.current_thread().name)
        n = 0
        while not stop.wait(0.005):
            n += 1
            deliver(n)

    async def main() -> list[int]:
        got: list[int] = []
        loop_thread = threading.current_thread()

        def deliver(n: int) -> None:
            assert threading.current_thread() is loop_thread
            got.append(n)

        task = asyncio.create_task(run_in_thread(reader, deliver, name="test reader"))
        while len(got) < 3:
            await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        return got

    before = threading.active_count()
    assert asyncio.run(main())[:3] == [1, 2, 3]
    assert seen_threads == ["test reader"]
    assert threading.active_count() == before


def test_a_blocking_reader_error_reaches_the_task() -> None:
    def reader(deliver: Callable[[int], None], stop: threading.Event) -> None:
        raise OSError("device on fire")

    async def main() -> None:
        await run_in_thread(reader, lambda n: None, name="bad reader")

    with pytest.raises(OSError, match="on fire"):
        asyncio.run(main())
