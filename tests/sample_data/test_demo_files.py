"""The committed demo files: what the generator writes for seed 2026, readable and scorable.

Every file is read the way a user's upload is (ingest.read_responses) and scored with
measures.score; wide and long files of the same instrument must score identically.
"""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from ingest import read_responses, read_table
from measures import load_instrument, score
from sample_data.__main__ import main
from sample_data.context import CONTEXT_FILE
from sample_data.files import LONG_FILE, TABLE_FILES, WIDE_FILES, write_program
from sample_data.generator import INSTRUMENTS, generate_program
from sample_data.roundrobin import ROUND_ROBIN_FILE

SAMPLE_DATA = Path(__file__).resolve().parents[2] / "sample_data"
SCALE_COLUMNS_ORDER = ["member", "timepoint"]


@cache
def regenerated(folder: str) -> list[Path]:
    return write_program(generate_program(), folder)


@pytest.fixture(scope="module")
def fresh_files(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("demo")
    regenerated(str(folder))
    return folder


def committed_files() -> list[str]:
    names = [f"{LONG_FILE}.csv", f"{LONG_FILE}.xlsx", *TABLE_FILES.values()]
    names.append(f"{CONTEXT_FILE}.csv")
    names.append(f"{ROUND_ROBIN_FILE}.csv")
    for stem in WIDE_FILES.values():
        names += [f"{stem}.csv", f"{stem}.xlsx"]
    return names


def scores_of(source: Path | io.BytesIO, instrument_id: str, filename: str) -> pd.DataFrame:
    instrument = load_instrument(instrument_id)
    table = read_responses(source, instrument=instrument, filename=filename)
    scored = score(table.wide(), instrument)
    return scored.sort_values(SCALE_COLUMNS_ORDER).reset_index(drop=True)


def long_rows_of(instrument_id: str, suffix: str) -> io.BytesIO:
    """The rows of one instrument from the long file, as a csv upload."""
    long = read_table(SAMPLE_DATA / f"{LONG_FILE}{suffix}")
    rows = long[long["instrument"] == instrument_id]
    return io.BytesIO(rows.to_csv(index=False).encode())


@pytest.mark.parametrize("name", committed_files())
def test_committed_file_is_what_the_generator_writes_for_seed_2026(name, fresh_files):
    committed, fresh = SAMPLE_DATA / name, fresh_files / name
    assert committed.exists(), f"run `python -m sample_data` and commit {name}"
    if name.endswith(".csv"):
        assert committed.read_bytes() == fresh.read_bytes(), (
            f"sample_data/{name} has drifted from the generator; run `python -m sample_data`"
        )
    else:
        assert_frame_equal(read_table(committed), read_table(fresh))


@pytest.mark.parametrize("name", committed_files())
def test_committed_files_stay_small(name):
    assert (SAMPLE_DATA / name).stat().st_size < 2_000_000


def as_cell_text(value: object) -> str:
    """A cell as the text a csv holds: '' for a blank, whole numbers without '.0'."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@pytest.mark.parametrize("stem", [LONG_FILE, *WIDE_FILES.values()])
def test_xlsx_and_csv_hold_the_same_cells(stem):
    csv = read_table(SAMPLE_DATA / f"{stem}.csv").astype(object)
    xlsx = read_table(SAMPLE_DATA / f"{stem}.xlsx").astype(object)
    assert list(csv.columns) == list(xlsx.columns)
    assert csv.map(as_cell_text).equals(xlsx.map(as_cell_text))


@pytest.mark.parametrize("instrument_id", INSTRUMENTS)
@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_wide_and_long_files_score_identically(instrument_id, suffix):
    wide_name = f"{WIDE_FILES[instrument_id]}{suffix}"
    from_wide = scores_of(SAMPLE_DATA / wide_name, instrument_id, wide_name)
    from_long = scores_of(long_rows_of(instrument_id, suffix), instrument_id, "long.csv")
    instrument = load_instrument(instrument_id)
    assert len(from_wide) == len(from_long) > 0
    assert from_wide["member"].tolist() == from_long["member"].tolist()
    assert from_wide["timepoint"].tolist() == from_long["timepoint"].tolist()
    for scale in instrument.scales:
        for column in (scale.id, f"{scale.id}_answered", f"{scale.id}_prorated"):
            pd.testing.assert_series_equal(
                from_wide[column].astype(float), from_long[column].astype(float)
            )


@pytest.mark.parametrize("instrument_id", INSTRUMENTS)
def test_every_answer_is_on_the_response_scale_and_blanks_are_empty(instrument_id):
    instrument = load_instrument(instrument_id)
    name = f"{WIDE_FILES[instrument_id]}.csv"
    text = (SAMPLE_DATA / name).read_text(encoding="utf-8")
    assert ",," in text or text.count(",\n") > 0  # skipped items are empty cells
    wide = read_responses(SAMPLE_DATA / name, instrument=instrument).wide()
    values = wide[instrument.item_ids].apply(pd.to_numeric).stack().dropna()
    assert values.between(instrument.response_scale.min, instrument.response_scale.max).all()
    assert (values % 1 == 0).all()
    scored = score(wide, instrument)  # raises ScoringError on any refused answer
    assert scored["total"].notna().mean() > 0.98


def test_command_line_writes_a_seeded_program_to_a_folder(tmp_path, capsys):
    assert main(["--seed", "5", "--scale", "0.4", "--out", str(tmp_path)]) == 0
    assert "40 members" in capsys.readouterr().out
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(committed_files())
    roster = pd.read_csv(tmp_path / "demo_roster.csv")
    assert len(roster) == 40


def test_command_line_refuses_a_bad_scale_with_a_message(tmp_path, capsys):
    assert main(["--scale", "-1", "--out", str(tmp_path)]) == 2
    assert "scale must be a positive number" in capsys.readouterr().err
