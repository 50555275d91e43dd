"""Keeping exported text from running as a spreadsheet formula (CSV/formula injection)."""

from __future__ import annotations

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_text(value: object) -> object:
    """Prefix text a spreadsheet would run as a formula with an apostrophe; leave the rest.

    Numbers are never changed, so a negative number stays a number.
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` whose text cells and column names cannot run as formulas."""
    result = frame.copy()
    for column in result.columns:
        if result[column].dtype == object:
            # Built as object explicitly: `map` would infer a dtype and turn a column of
            # whole numbers with blanks (3, None) into floats (3.0, NaN).
            result[column] = pd.Series(
                [neutralise_text(v) for v in result[column]], index=result.index, dtype=object
            )
        elif pd.api.types.is_string_dtype(result[column]):
            result[column] = result[column].map(neutralise_text)
    result.columns = [neutralise_text(c) if isinstance(c, str) else c for c in result.columns]
    return result
