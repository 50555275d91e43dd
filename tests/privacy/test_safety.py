"""Formula neutralising (privacy.safety): text a spreadsheet would run cannot run, numbers stay.

Every layer that writes a csv or xlsx cell uses it (exports, reports, the pages' CSV
downloads); the paths themselves are tested in test_formula_injection.py.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pandas as pd

from privacy.safety import FORMULA_STARTS, neutralise_formulas, neutralise_text

ROOT = Path(__file__).resolve().parents[2]


def test_text_that_starts_a_formula_gets_an_apostrophe():
    for start in FORMULA_STARTS:
        assert neutralise_text(f"{start}1+1") == f"'{start}1+1"
    assert neutralise_text("PR-A") == "PR-A"
    assert neutralise_text(-3) == -3  # a negative number stays a number


def test_a_frame_keeps_its_numbers_and_blanks_and_loses_its_formulas():
    frame = pd.DataFrame(
        {"member": ["=cmd|' /C calc'!A0", "R01"], "n": pd.Series([3, None], dtype=object)}
    )
    frame["=SUM(A1)"] = [-1.5, 2.0]
    safe = neutralise_formulas(frame)
    assert safe["member"].tolist() == ["'=cmd|' /C calc'!A0", "R01"]
    assert safe["n"].tolist() == [3, None]  # not 3.0 and NaN
    assert list(safe.columns) == ["member", "n", "'=SUM(A1)"]
    assert safe["'=SUM(A1)"].tolist() == [-1.5, 2.0]


def test_privacy_imports_nothing_from_reports():
    """privacy/ sits below reports/: every layer may use it, it uses none of them."""
    for path in sorted((ROOT / "privacy").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        modules = [
            alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.Import)
            for alias in node.names
        ] + [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
        assert not [m for m in modules if m.split(".")[0] in {"reports", "services", "ui"}], path
