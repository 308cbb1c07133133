"""Where the figures go: printed, ``bench/results/<date>.json``, and the table in
``docs/performance.md`` (between its ``bench:table`` markers), with the machine and commit."""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import subprocess
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
DOC = ROOT / "docs" / "performance.md"
BEGIN, END = "<!-- bench:table begin -->", "<!-- bench:table end -->"
HEADER = (
    "| date | commit | machine | issue p50 / p99 (ms) | call → board p50 / p99 (ms) | clients | "
    "durable changes/s | server CPU | peak RSS (MB) | full day (s) | report checked | load avg |\n"
    "|---|---|---|---|---|---|---|---|---|---|---|---|"
)


def machine() -> dict[str, Any]:
    cpuinfo = Path("/proc/cpuinfo").read_text()
    model = next((line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if line.startswith("model name")), "?")
    memory_kb = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")))
    return {
        "cpu": model,
        "cpus": os.cpu_count(),
        "memory_gb": round(memory_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "kernel": platform.release(),
    }


def load_average() -> float:
    """The 1-minute load average: other work on the machine skews every figure."""
    return float(Path("/proc/loadavg").read_text().split()[0])


def commit() -> str:
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    except OSError:
        return "?"
    return out.stdout.strip() or "?"


def save(results: dict[str, Any], name: str = "") -> Path:
    """Write the run into today's file (``<date>[-name].json``); parts run earlier today and
    not now are kept."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{dt.date.today().isoformat()}{'-' + name if name else ''}.json"
    if path.exists():
        results = {**json.loads(path.read_text(encoding="utf-8")), **results}
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def table_row(results: dict[str, Any]) -> str:
    def pair(figures: dict[str, Any] | None) -> str:
        if not figures or figures.get("p50") is None:
            return "–"
        return f"{figures['p50']:.1f} / {figures['p99']:.1f}"

    load = results.get("clients") or {}
    throughput = results.get("throughput") or {}
    day = results.get("day") or {}
    m = results["machine"]
    return (
        f"| {results['date']} | {results['commit']} | {m['cpus']}× {m['cpu']}, {m['memory_gb']} GB | "
        f"{pair(load.get('issue_latency_ms'))} | {pair(load.get('call_to_board_ms'))} | "
        f"{load.get('connected_clients', '–')} | {throughput.get('durable_changes_per_second', '–')} | "
        f"{load.get('server_cpu_percent', '–')} % | {load.get('server_peak_rss_mb', '–')} | "
        f"{day.get('seconds', '–')} | {_yes(day.get('report_matches'))} | {results.get('load_average', '–')} |"
    )


def _yes(value: Any) -> str:
    return "–" if value is None else ("yes" if value else "NO")


def update_doc(results: dict[str, Any], doc: Path = DOC) -> bool:
    """Put this run's row in the table (replacing a row of the same commit and date);
    False if the document has no table markers."""
    text = doc.read_text(encoding="utf-8") if doc.exists() else ""
    if BEGIN not in text or END not in text:
        return False
    head, rest = text.split(BEGIN, 1)
    body, tail = rest.split(END, 1)
    rows = [line for line in body.strip().splitlines() if line.startswith("| ") and not line.startswith("| date")]
    key = f"| {results['date']} | {results['commit']} |"
    rows = [row for row in rows if not row.startswith(key)] + [table_row(results)]
    doc.write_text(f"{head}{BEGIN}\n{HEADER}\n" + "\n".join(rows[-12:]) + f"\n{END}{tail}", encoding="utf-8")
    return True
