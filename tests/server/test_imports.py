"""The server's modules as the issue draws them: no operation imports another (``op_*.py``
import services and shared helpers), no circle of imports inside ``queue_server/server``
(imports under ``TYPE_CHECKING`` and inside functions counted too), and no module-level
weak dictionaries holding per-hub state."""

from __future__ import annotations

import ast
from pathlib import Path

import queue_server.server

SERVER = Path(queue_server.server.__file__).parent


def _imports() -> dict[str, set[str]]:
    modules = {path.stem: path for path in SERVER.glob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("queue_server.server."):
                found.add(node.module.removeprefix("queue_server.server.").split(".")[0])
            elif isinstance(node, ast.ImportFrom) and node.module == "queue_server.server":
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.Import):
                found.update(
                    a.name.removeprefix("queue_server.server.").split(".")[0]
                    for a in node.names
                    if a.name.startswith("queue_server.server.")
                )
        graph[name] = found & modules.keys()
    return graph


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    circles: set[tuple[str, ...]] = set()

    def walk(name: str, path: list[str]) -> None:
        for next_name in sorted(graph[name]):
            if next_name in path:
                circle = path[path.index(next_name) :]
                turn = circle.index(min(circle))  # each circle once, from its smallest name
                circles.add(tuple(circle[turn:] + circle[:turn]))
            else:
                walk(next_name, [*path, next_name])

    for name in sorted(graph):
        walk(name, [name])
    return sorted(list(circle) for circle in circles)


def test_no_operation_imports_another() -> None:
    graph = _imports()
    assert len([m for m in graph if m.startswith("op_")]) >= 15  # the walk found the ops
    assert [(a, b) for a, found in graph.items() for b in found if a.startswith("op_") and b.startswith("op_")] == []


def test_no_circle_of_imports_in_the_server() -> None:
    graph = _imports()
    assert "hub" in graph["op_tickets"] or "hub" in graph["ops"]  # TYPE_CHECKING imports are seen
    assert _circles(graph) == []


def test_the_circle_finder_finds_a_circle() -> None:
    assert _circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_module_level_weak_dictionaries_in_the_server() -> None:
    for path in SERVER.glob("*.py"):
        assert "WeakKeyDictionary" not in path.read_text(encoding="utf-8"), path.name


def test_the_import_contract_names_every_operation() -> None:
    """.importlinter's "no server operation imports another" lists its modules by name (a
    wildcard cannot): a new op_*.py left out of it would be out of the contract unseen."""
    contract = (SERVER.parents[1] / ".importlinter").read_text(encoding="utf-8")
    listed = {
        line.strip().removeprefix("queue_server.server.")
        for line in contract.splitlines()
        if line.strip().startswith("queue_server.server.op_")
    }
    assert listed == {path.stem for path in SERVER.glob("op_*.py")}
