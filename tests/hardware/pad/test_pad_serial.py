"""Pad buses through real ptys: both frame formats, LEDs, unplugging and plugging back."""

from __future__ import annotations

import asyncio
import os
import threading
from pathlib import Path

import pytest

from hardware.pad.arming import ArmingSettings
from hardware.pad.bus import PadBus, PadBusClosed
from hardware.pad.events import ArmExpired, IgnoreReason, LedState, RatingAccepted
from hardware.pad.open import open_pad_bus
from hardware.pad.transports import HidPadTransport, SerialPadTransport
from hardware.pad.wire import PadProtocol
from hardware.simulators.pad import SimulatedPadBus
from hardware.simulators.paths import SimPaths
from hardware.urls import InvalidDeviceURL

FAST = "reconnect_initial=0.02&reconnect_max=0.1"


async def connected(bus: PadBus) -> None:
    assert isinstance(bus.transport, SerialPadTransport)
    assert await asyncio.to_thread(bus.transport.connected.wait, 5)


def test_arm_press_and_leds_with_our_frames(tmp_path: Path) -> None:
    sim = SimulatedPadBus(SimPaths.of("bus", tmp_path))

    async def main() -> list[object]:
        bus = open_pad_bus(f"sim://bus?dir={tmp_path}&{FAST}", counters={2: "5", 3: "6"})
        async with bus:
            await connected(bus)
            bus.arm("A1023", counter="5")
            assert await asyncio.to_thread(sim.wait_for, lambda: sim.leds.get(2) is LedState.ARMED)
            sim.write(b"\x00\xffnoise\x02K02")  # garbage and a frame cut short by a collision
            sim.press(2, 4)
            sim.press(9, 1)  # not configured
            sim.press(3, 2)  # configured, not armed
            events = [await asyncio.wait_for(bus.get(), 5) for _ in range(3)]
            # one beep when armed, two for "thank you"
            thanked = lambda: sim.leds.get(2) is LedState.THANKS and sim.beeps.get(2) == 3  # noqa: E731 - a named condition, waited on below
            assert await asyncio.to_thread(sim.wait_for, thanked)
            bus.disarm(counter="5")
            assert await asyncio.to_thread(sim.wait_for, lambda: sim.leds.get(2) is LedState.OFF)
        return events

    with sim:
        events = asyncio.run(main())
    assert events[0] == RatingAccepted(2, "5", "A1023", 4, events[0].time)  # type: ignore[union-attr]
    assert [e.reason for e in events[1:]] == [IgnoreReason.UNKNOWN_ADDRESS, IgnoreReason.DISARMED]  # type: ignore[union-attr]


def test_qsystem_units_at_57600_without_leds(tmp_path: Path) -> None:
    sim = SimulatedPadBus(SimPaths.of("qs", tmp_path), protocol=PadProtocol.QSYSTEM)

    async def main() -> object:
        bus = open_pad_bus(f"sim://qs?dir={tmp_path}&protocol=qsystem&{FAST}", counters={1: "1"})
        assert isinstance(bus.transport, SerialPadTransport)
        assert bus.transport.settings.baudrate == 57600
        async with bus:
            await connected(bus)
            bus.arm("T1", address=1)
            sim.write(bytes([0x01, 0x01]))  # a frame cut short
            sim.press(1, 3)
            return await asyncio.wait_for(bus.get(), 5)

    with sim:
        event = asyncio.run(main())
    assert isinstance(event, RatingAccepted) and event.score == 3
    assert sim.leds == {}


def test_an_unrated_arming_expires(tmp_path: Path) -> None:
    sim = SimulatedPadBus(SimPaths.of("exp", tmp_path))

    async def main() -> object:
        bus = open_pad_bus(f"sim://exp?dir={tmp_path}&{FAST}", counters={2: "5"}, arming=ArmingSettings(timeout=0.1))
        bus.poll_interval = 0.02
        async with bus:
            await connected(bus)
            bus.arm("A9", counter="5")
            event = await asyncio.wait_for(bus.get(), 5)
            assert await asyncio.to_thread(sim.wait_for, lambda: sim.leds.get(2) is LedState.OFF)
            return event

    with sim:
        assert isinstance(asyncio.run(main()), ArmExpired)


def test_the_bus_survives_its_device_being_killed_and_restarted(tmp_path: Path) -> None:
    paths = SimPaths.of("kill", tmp_path)
    fds = len(os.listdir("/proc/self/fd"))
    threads = threading.active_count()

    async def main() -> list[int]:
        bus = open_pad_bus(f"sim://kill?dir={tmp_path}&{FAST}", counters={2: "5"})
        scores = []
        async with bus:
            for score in (4, 1):
                sim = SimulatedPadBus(paths)
                sim.start()
                await connected(bus)
                bus.arm(f"T{score}", counter="5")
                armed = await asyncio.to_thread(sim.wait_for, lambda sim=sim: sim.leds.get(2) is LedState.ARMED)
                assert armed
                sim.press(2, score)
                event = await asyncio.wait_for(bus.get(), 5)
                assert isinstance(event, RatingAccepted)
                scores.append(event.score)
                sim.stop()
                assert isinstance(bus.transport, SerialPadTransport)
                for _ in range(200):
                    if not bus.transport.connected.is_set():
                        break
                    await asyncio.sleep(0.01)
        return scores

    assert asyncio.run(main()) == [4, 1]
    assert threading.active_count() == threads
    assert len(os.listdir("/proc/self/fd")) == fds
    assert list(tmp_path.iterdir()) == []


def test_a_closed_bus_ends_iteration() -> None:
    async def main() -> None:
        bus = open_pad_bus("serial:///nonexistent/tty?reconnect_initial=0.05")
        async with bus:
            await asyncio.sleep(0.05)
        with pytest.raises(PadBusClosed):
            await bus.get()
        assert [e async for e in bus] == []

    asyncio.run(main())


def test_hid_pad_urls() -> None:
    bus = open_pad_bus("hid:///dev/input/by-id/usb-pad-event-kbd?address=7&keys=a:4,b:3&scores=4:1")
    assert isinstance(bus.transport, HidPadTransport)
    assert bus.transport.decoder.address == 7
    assert bus.transport.decoder.keys == {"a": 4, "b": 3}
    assert bus.bank.settings.scores == {4: 1}


@pytest.mark.parametrize(
    "url",
    [
        "tcp://pads:9100",
        "serial:///dev/ttyUSB0?protocol=modbus",
        "serial:///dev/ttyUSB0?scores=1-4",
        "hid:///dev/input/by-id/x?keys=abc",
        "sim://bad/name",
    ],
)
def test_bad_pad_urls_are_refused(url: str) -> None:
    with pytest.raises(InvalidDeviceURL):
        open_pad_bus(url)

