"""What the commands print and write: one JSON object on stdout, or a table file."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import pandas as pd


def plain(value):
    """JSON-safe value: NaN and infinities become null, numpy scalars plain Python."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is pd.NaT or value is pd.NA:
        return None
    return value


def decimals(value: float | None, digits: int = 2) -> str:
    """A number as the tables print it (`digits` decimals), "-" when there is none."""
    return "-" if value is None else f"{value:.{digits}f}"


def emit_json(payload: dict) -> None:
    """Print one JSON object on stdout and nothing else."""
    print(json.dumps(plain(payload), ensure_ascii=False, indent=2, allow_nan=False))


def write_table(frame: pd.DataFrame, out: str | None) -> None:
    """Write a table to csv or xlsx (by suffix), or to stdout as csv when `out` is None."""
    from privacy.safety import neutralise_formulas

    frame = neutralise_formulas(frame)
    if out is None:
        frame.to_csv(sys.stdout, index=False)
    elif Path(out).suffix.lower() == ".xlsx":
        frame.to_excel(out, index=False)
    else:
        frame.to_csv(out, index=False)
