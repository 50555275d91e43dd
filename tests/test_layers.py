"""The layers of docs/architecture.md, enforced: every import arrow points down, and no cycles.

The test reads every product module with `ast` (module-level imports and those inside
functions alike, but not those under ``if TYPE_CHECKING:``) and fails naming the file, the
line and the arrow that points the wrong way, or the modules of an import cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

#: What each layer may import of the others (top-level packages; cli and app are the
#: entry scripts). Read downwards: a layer imports only layers listed after it here.
MAY_IMPORT: dict[str, set[str]] = {
    "app": {"ui", "access"},
    # The server: app.py plus the route that sets the staff sign-in cookie.
    "serve": {"access", "services"},
    "app_pages": {"ui", "services", "charts", "access", "measures"},
    "ui": {"services", "access", "privacy", "measures", "charts"},
    "cli": {"commands", "ingest", "measures"},
    "commands": {"services", "access", "ingest", "measures", "privacy"},
    "services": {
        "access",
        "privacy",
        "reports",
        "charts",
        "ingest",
        "analysis",
        "measures",
        "store",
    },
    "reports": {"charts", "privacy", "analysis", "measures"},
    "charts": {"analysis", "measures"},
    "access": {"privacy", "store"},
    "privacy": set(),
    "sample_data": {"ingest", "measures", "store"},
    "ingest": {"measures", "store"},
    "analysis": {"measures"},
    "measures": set(),
    "store": set(),
    "contract": set(),
}
#: Imported by every layer: the facts of the contracts (contract/ imports nothing of Mutuality).
EVERYWHERE = {"contract"}
#: Folders that are not product code (tests, benchmarks, migrations' own scripts).
NOT_PRODUCT = {"tests", "bench", ".venv", "data", "out", "docs"}


def _layer(path: Path) -> str:
    relative = path.relative_to(ROOT)
    return relative.parts[0] if len(relative.parts) > 1 else relative.stem


def _module(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _product_files() -> list[Path]:
    return sorted(
        path
        for path in ROOT.rglob("*.py")
        if path.relative_to(ROOT).parts[0] not in NOT_PRODUCT
        and "migrations" not in path.relative_to(ROOT).parts
    )


def _type_checking_lines(tree: ast.Module) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in ast.walk(node):
                if hasattr(child, "lineno"):
                    lines.add(child.lineno)
    return lines


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) for every absolute import in `path`, and for ``from a import b`` also
    (line, ``a.b``), which is the module a.b when there is one."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    skipped = _type_checking_lines(tree)
    found = []
    for node in ast.walk(tree):
        if getattr(node, "lineno", None) in skipped:
            continue
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
            found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
    return found


FILES = _product_files()
LAYERS = set(MAY_IMPORT)


def test_every_product_folder_has_a_place_in_the_layers():
    unknown = sorted({_layer(path) for path in FILES} - LAYERS)
    assert not unknown, f"add these to MAY_IMPORT (and docs/architecture.md): {unknown}"


def test_every_import_points_down_the_layers():
    wrong = []
    for path in FILES:
        layer = _layer(path)
        for line, module in sorted({(line, m.split(".")[0]) for line, m in _imports(path)}):
            target = module
            allowed = MAY_IMPORT[layer] | EVERYWHERE
            if target in LAYERS and target != layer and target not in allowed:
                wrong.append(f"{path.relative_to(ROOT)}:{line}: {layer} -> {module}")
    assert not wrong, "imports that point the wrong way:\n" + "\n".join(sorted(set(wrong)))


def _graph() -> dict[str, set[str]]:
    modules = {_module(path): path for path in FILES}
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        for _, imported in _imports(path):
            if imported in modules and imported != name:
                graph[name].add(imported)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycles():
    cycles = _cycles(_graph())
    assert not cycles, "modules that import each other (directly or round about):\n" + "\n".join(
        " <-> ".join(cycle) for cycle in cycles
    )


@pytest.mark.parametrize(
    ("graph", "expected"),
    [
        ({"a": {"b"}, "b": {"a"}, "c": set()}, [["a", "b"]]),
        ({"a": {"b"}, "b": {"c"}, "c": set()}, []),
    ],
)
def test_the_cycle_finder_finds_cycles(graph, expected):
    assert _cycles(graph) == expected
