"""The benchmark's centre: a TOML site file with as many counters, boards and kiosks as asked.

Every service is open round the clock and takes up to a million tickets a day, so the clock
of the day and the caps never get in the way of a measurement.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from queue_server.core import pins

PIN = "2468"
SERVICES = (
    ("HT", "A", "Hộ tịch", "Civil status"),
    ("DD", "B", "Đất đai", "Land"),
    ("KD", "C", "Đăng ký kinh doanh", "Business registration"),
    ("TP", "D", "Tư pháp – Chứng thực", "Justice and certified copies"),
)


@dataclasses.dataclass(frozen=True)
class BenchSite:
    counters: int = 20
    boards: int = 10
    kiosks: int = 64
    site_id: str = "bench"

    def kiosk_token(self, n: int) -> str:
        return f"bench-kiosk-{n:03d}-token"

    def board_token(self, n: int) -> str:
        return f"bench-board-{n:03d}-token"

    def counter_token(self, n: int) -> str:
        return f"bench-counter-{n:03d}-token"

    def officer(self, n: int) -> str:
        return f"officer.{n:03d}"

    manager_token = "bench-manager-token-0001"

    @property
    def service_codes(self) -> tuple[str, ...]:
        return tuple(code for code, *_ in SERVICES)

    def write(self, path: Path) -> Path:
        pin_hash = pins.hash_pin(PIN)
        lines = [
            "# Written by bench/site.py for the benchmarks; not a real centre.",
            "[site]",
            f'id = "{self.site_id}"',
            'name = "Trung tâm đo hiệu năng"',
            'timezone = "Asia/Ho_Chi_Minh"',
            "pin_attempts = 100",
            "",
            "[hours]",
            'days = "mon-sun"',
            'times = ["00:00-24:00"]',
        ]
        for code, prefix, name_vi, name_en in SERVICES:
            lines += [
                "",
                "[[service]]",
                f'code = "{code}"',
                f'prefix = "{prefix}"',
                f'name_vi = "{name_vi}"',
                f'name_en = "{name_en}"',
                "number_width = 6",
                "daily_cap = 999999",
                "max_wait_minutes = 1440",
            ]
        services = ", ".join(f'"{c}"' for c in self.service_codes)
        for n in range(1, self.counters + 1):
            lines += ["", "[[counter]]", f"number = {n}", f'name = "Quầy {n}"', f"services = [{services}]"]
        devices = [("kiosk", self.kiosk_token(n), f"kiosk-{n}", "") for n in range(1, self.kiosks + 1)]
        devices += [("display", self.board_token(n), f"board-{n}", "") for n in range(1, self.boards + 1)]
        devices += [
            ("counter", self.counter_token(n), f"counter-{n}", f"counter = {n}") for n in range(1, self.counters + 1)
        ]
        devices.append(("manager", self.manager_token, "manager", ""))
        for role, token, device_id, extra in devices:
            lines += ["", "[[device]]", f'id = "{device_id}"', f'role = "{role}"', f'token = "{token}"']
            if extra:
                lines.append(extra)
        for n in range(1, self.counters + 1):
            lines += [
                "",
                "[[officer]]",
                f'user = "{self.officer(n)}"',
                f'name = "Cán bộ {n}"',
                f'pin_hash = "{pin_hash}"',
            ]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path
