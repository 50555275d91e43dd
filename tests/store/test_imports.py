"""store/ imports nothing above it, and its modules import each other without a cycle.

Imports anywhere in a module count, inside functions too: an import moved into a function to
dodge a cycle is still a cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

STORE = Path(__file__).resolve().parents[2] / "store"
#: Top-level packages of Mutuality that store/ must not import (they are above it).
ABOVE = (
    "access",
    "analysis",
    "app_pages",
    "charts",
    "cli",
    "commands",
    "ingest",
    "measures",
    "privacy",
    "reports",
    "sample_data",
    "services",
    "ui",
)


def imports_of(path: Path) -> set[str]:
    """Every module `path` imports (module level and inside functions), as dotted names."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            # `from store import audit` imports the module store.audit.
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def store_graph() -> dict[str, set[str]]:
    """Module of store/ -> the modules of store/ it imports (the package itself left out)."""
    modules = {
        "store." + path.stem: path for path in STORE.glob("*.py") if path.name != "__init__.py"
    }
    return {name: imports_of(path) & set(modules) for name, path in modules.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every cycle of `graph` found by a depth-first search (each as the path round it)."""
    found: list[list[str]] = []
    state: dict[str, str] = {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = "open"
        for target in sorted(graph[node]):
            if state.get(target) == "open":
                found.append([*path[path.index(target) :], target])
            elif target not in state:
                visit(target, [*path, target])
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    return found


def test_store_modules_import_each_other_without_a_cycle():
    graph = store_graph()
    assert {"store.db", "store.engines", "store.migrate", "store.administrations"} <= set(graph)
    assert cycles(graph) == []


def test_the_cycle_search_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == [["a", "b", "c", "a"]]


def test_store_imports_nothing_above_it():
    wrong = {
        f"{path.relative_to(STORE.parent)} imports {name}"
        for path in STORE.rglob("*.py")
        for name in imports_of(path)
        if name.split(".")[0] in ABOVE
    }
    assert sorted(wrong) == []
