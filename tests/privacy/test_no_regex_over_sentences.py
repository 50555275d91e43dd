"""What is hidden is decided on numbers, never by re-reading a sentence (docs/security.md).

A walk over the source of services/, privacy/ and reports/: every use of the `re` module,
and every call of ``Suppressor.sentence`` (a regular expression over a sentence's "3
members"), must sit in a function listed here with the reason it is there. A regular
expression that validates or cleans an identifier (a file name, a member code) is fine; one
over a reading, a note, a caption or a rule is not: suppression belongs on the typed count
the sentence is worded from (privacy.suppression, services.readings).
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("services", "privacy", "reports")

#: (file, function) -> why a regular expression is there. "<module>" is module level.
IDENTIFIERS = {
    # A report's file name from the instrument id and the group or program name.
    ("services/reporting.py", "report_name"): "file name slug",
    # An export's file name from the same words.
    ("services/exports.py", "_slug"): "file name slug",
}


def _uses(path: Path, root: Path = ROOT) -> set[tuple[str, str]]:
    """(file, function) of every `re` use and `.sentence(...)` call in `path`."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    relative = path.relative_to(root).as_posix()
    aliases = {"re"}
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            aliases |= {a.asname or a.name for a in node.names if a.name == "re"}
        if isinstance(node, ast.ImportFrom) and node.module == "re":
            names |= {a.asname or a.name for a in node.names}
    # A pattern compiled once and used by name: `_MEMBERS = re.compile(...)`, `_MEMBERS.sub`.
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Call)
            and isinstance(node.value.func, ast.Attribute)
            and isinstance(node.value.func.value, ast.Name)
            and node.value.func.value.id in aliases
            and node.value.func.attr == "compile"
        ):
            names |= {target.id for target in node.targets if isinstance(target, ast.Name)}
    found = set()

    def visit(node: ast.AST, function: str) -> None:
        for child in ast.iter_child_nodes(node):
            inside = function
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) and function == "<module>":
                inside = child.name  # a nested function counts as the one it is in
            regex = (
                isinstance(child, ast.Attribute)
                and isinstance(child.value, ast.Name)
                and child.value.id in aliases
            ) or (
                isinstance(child, ast.Name)
                and isinstance(child.ctx, ast.Load)
                and child.id in names
            )
            sentence = (
                isinstance(child, ast.Call)
                and isinstance(child.func, ast.Attribute)
                and child.func.attr == "sentence"
            )
            if regex or sentence:
                found.add((relative, function))
            visit(child, inside)

    visit(tree, "<module>")
    return found


def _all_uses() -> set[tuple[str, str]]:
    paths = [path for package in PACKAGES for path in sorted((ROOT / package).rglob("*.py"))]
    return {use for path in paths for use in _uses(path)}


def test_no_regular_expression_decides_what_is_hidden():
    unexplained = _all_uses() - set(IDENTIFIERS)
    assert not unexplained, (
        f"regular expressions (or Suppressor.sentence) in {sorted(unexplained)}: hide a count "
        "on the number the sentence is worded from (services.readings), or, for one that "
        "only validates an identifier, list it in IDENTIFIERS with the reason"
    )


def test_the_lists_hold_only_what_is_still_there():
    """An entry whose regular expression is gone is taken off, so the lists only shrink."""
    assert set(IDENTIFIERS) <= _all_uses()


def test_the_walk_finds_a_regex_over_a_reading(tmp_path):
    """The check itself can fail: a function re-reading a reading with `re` is flagged."""
    package = tmp_path / "services"
    package.mkdir()
    (package / "published.py").write_text(
        "import re as regex\n"
        "from re import findall\n\n"
        "def over_time(view):\n"
        "    return regex.sub(r'\\d+ answered', 'few answered', view.reading)\n\n"
        "def groups(view):\n"
        "    return findall(r'\\d+ members', view.reading)\n\n"
        "_SIZES = regex.compile(r' \\(\\d+ to \\d+ members\\)')\n\n"
        "def notes(structure):\n"
        "    def strip(note):\n"
        "        return _SIZES.sub('', note)\n"
        "    return [strip(note) for note in structure.notes]\n\n"
        "def change(view, suppressor):\n"
        "    return [suppressor.sentence(note) for note in view.notes]\n",
        encoding="utf-8",
    )
    assert _uses(package / "published.py", tmp_path) == {
        ("services/published.py", "over_time"),
        ("services/published.py", "groups"),
        ("services/published.py", "<module>"),
        ("services/published.py", "notes"),
        ("services/published.py", "change"),
    }
