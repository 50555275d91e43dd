"""The long and wide forms of the same answers read and score identically."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from ingest_files import INSTRUMENT, write_csv, write_xlsx

from ingest import read_responses, validate_responses
from measures import score


def synthetic_wide() -> pd.DataFrame:
    """Seeded synthetic answers: 12 members x pre/post, some items skipped."""
    rng = np.random.default_rng(20240305)
    rows = []
    for member in range(1, 13):
        for timepoint in ("pre", "post"):
            values = rng.integers(0, 4, size=4).astype(float)
            if rng.random() < 0.3:
                values[rng.integers(0, 4)] = np.nan
            rows.append([f"m{member:02d}", timepoint, *values])
    rows[0][2:] = [0.0, 1.0, 2.0, np.nan]  # checked by hand below
    return pd.DataFrame(rows, columns=["member", "timepoint", *INSTRUMENT.item_ids])


def sheet_rows(frame: pd.DataFrame) -> list[list]:
    cells = frame.astype(object).where(frame.notna(), None)
    return [list(frame.columns), *cells.values.tolist()]


def test_long_and_wide_score_identically(tmp_path):
    wide = synthetic_wide()
    long = wide.melt(id_vars=["member", "timepoint"], var_name="item", value_name="value")
    long = long.sample(frac=1, random_state=7)  # long files come in any order
    long["value"] = long["value"].map(lambda v: "NA" if pd.isna(v) else int(v))
    wide_table = read_responses(
        write_xlsx(tmp_path / "wide.xlsx", sheet_rows(wide)), instrument=INSTRUMENT
    )
    long_table = read_responses(
        write_csv(tmp_path / "long.csv", sheet_rows(long)), instrument=INSTRUMENT
    )
    assert (wide_table.layout, long_table.layout) == ("wide", "long")
    assert validate_responses(wide_table).ok and validate_responses(long_table).ok
    keys = ["member", "timepoint"]
    from_wide = score(wide_table.wide(), INSTRUMENT).sort_values(keys).reset_index(drop=True)
    from_long = score(long_table.wide(), INSTRUMENT).sort_values(keys).reset_index(drop=True)
    pd.testing.assert_frame_equal(from_wide, from_long)
    assert len(from_wide) == 24
    # By hand, m01 pre: it_1 = 0, it_2 = 1 reverse-keyed to 0 + 3 - 1 = 2, it_3 = 2, it_4
    # skipped. Total (sum, max_missing 1) is prorated: mean(0, 2, 2) x 4 = 16/3. The "first"
    # scale (mean of it_1, it_2) = (0 + 2) / 2 = 1.
    first = from_wide[(from_wide["member"] == "m01") & (from_wide["timepoint"] == "pre")].iloc[0]
    assert first["total"] == pytest.approx(16 / 3)
    assert bool(first["total_prorated"]) and first["total_answered"] == 3
    assert first["first"] == pytest.approx(1.0)
