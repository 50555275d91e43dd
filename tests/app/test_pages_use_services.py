"""Pages and ui/ reach the database through services/ only: no import of store or sqlalchemy.

A page that imports store/ writes its own use case, which the command line then lacks or
does differently (issue 11). Every file of app_pages/ and ui/, and app.py, is parsed (not
imported), so an import inside a function or behind a condition counts too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = ("store", "sqlalchemy")


def _files() -> list[Path]:
    files = [ROOT / "app.py", *(ROOT / "app_pages").glob("*.py"), *(ROOT / "ui").glob("*.py")]
    return sorted(files)


def forbidden_imports(path: Path, root: Path = ROOT) -> list[str]:
    """``file:line imports name`` for each import of a forbidden package in `path`."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        for name in names:
            if name.split(".")[0] in FORBIDDEN:
                found.append((node.lineno, name))
    where = path.relative_to(root).as_posix()
    return [f"{where}:{line} imports {name}" for line, name in sorted(found)]


@pytest.mark.parametrize("path", _files(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_page_or_ui_module_imports_the_store(path):
    assert forbidden_imports(path) == []


def test_the_pages_that_run_sessions_and_settings_are_checked():
    checked = {p.relative_to(ROOT).as_posix() for p in _files()}
    assert {"app.py", "app_pages/run_session.py", "app_pages/settings.py",
            "ui/member_form.py", "ui/dashboard.py"} <= checked  # fmt: skip


def test_the_check_finds_every_import_of_the_store(tmp_path):
    """The check itself: each spelling of an import of the store is reported with its line."""
    page = tmp_path / "page.py"
    page.write_text(
        "import streamlit as st\n"
        "from store.db import connect\n"
        "def f():\n"
        "    import sqlalchemy as sa\n"
        "    from store import audit\n"
        "from services import sessions\n",
        encoding="utf-8",
    )
    assert forbidden_imports(page, tmp_path) == [
        "page.py:2 imports store.db",
        "page.py:4 imports sqlalchemy",
        "page.py:5 imports store",
    ]
