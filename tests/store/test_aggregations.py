"""session_means (computed by the database) against pandas + measures.score on the same rows."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ingest import long_to_wide
from measures import load_instrument, parse_instrument, score
from store import Administration, load_responses
from store.repository import save_administrations, scale_session_means, session_means

SUM_INSTRUMENT = parse_instrument(
    """
id: sum-test
name: Sum test
version: "1"
citation: synthetic instrument for the storage tests
license: none
use: per-session
response_scale: {min: 0, max: 4}
higher_is: better
items:
  - {id: sumtest_1}
  - {id: sumtest_2, reverse: true}
  - {id: sumtest_3}
  - {id: sumtest_4}
scales:
  - {id: total, name: Total, items: [sumtest_1, sumtest_2, sumtest_3, sumtest_4],
     method: sum, max_missing: 1}
"""
)


def synthetic_administrations(instrument, seed=7):
    """Three groups in two programs, four sessions, random answers with skipped items."""
    rng = np.random.default_rng(seed)
    low, high = int(instrument.response_scale.min), int(instrument.response_scale.max)
    batch = []
    for g, (program, group) in enumerate([("P1", "G1"), ("P1", "G2"), ("P2", "G3")]):
        for m in range(7):
            member = f"{group}-{m:02d}"
            for session in range(1, 5):
                if rng.random() < 0.15:
                    continue  # missed the session
                answers = {}
                for item in instrument.item_ids:
                    skipped = rng.random() < 0.12
                    answers[item] = None if skipped else int(rng.integers(low, high + 1))
                batch.append(
                    Administration(
                        member=member,
                        instrument=instrument.id,
                        instrument_version=instrument.version,
                        timepoint=f"session-{session}",
                        answers=answers,
                        group=group,
                        program=program,
                        session=session,
                    )
                )
            # A pre measure without a session: not part of the session means.
            batch.append(
                Administration(
                    member,
                    instrument.id,
                    instrument.version,
                    "pre",
                    {i: high for i in instrument.item_ids},
                    group=group,
                    program=program,
                )
            )
        assert g < 3
    return batch


def pandas_session_means(engine, instrument, scale):
    """The same numbers the slow way: every row into pandas, measures.score, groupby."""
    long = load_responses(engine, instrument=instrument.id)
    long = long[long["session"].notna()]
    scored = score(long_to_wide(long, instrument), instrument)
    scored = scored[scored[scale].notna()]
    expected = (
        scored.groupby(["program", "group", "session"])[scale]
        .agg(n="count", mean="mean", sd="std")
        .reset_index()
    )
    expected["session"] = expected["session"].astype(int)
    return expected


@pytest.mark.parametrize(
    "instrument_id, scale",
    [("mutuality-checkin", "total"), ("mutuality-checkin", "connection"), ("sum", "total")],
)
def test_session_means_equal_pandas_and_measures_score(engine, instrument_id, scale):
    instrument = SUM_INSTRUMENT if instrument_id == "sum" else load_instrument(instrument_id)
    batch = synthetic_administrations(instrument)
    assert save_administrations(engine, batch).committed
    got = scale_session_means(engine, instrument, scale)
    expected = pandas_session_means(engine, instrument, scale)
    assert len(got) == len(expected) == 12
    # Skipped items beyond max_missing really occur, so the exclusion rule is exercised.
    every = score(
        long_to_wide(load_responses(engine, instrument=instrument.id), instrument), instrument
    )
    assert every[scale].isna().any() and every[f"{scale}_prorated"].any()
    got["session"] = got["session"].astype(int)
    pd.testing.assert_frame_equal(
        got[["program", "group", "session", "n", "mean", "sd"]],
        expected[["program", "group", "session", "n", "mean", "sd"]],
        check_dtype=False,
        rtol=1e-12,
    )


def test_session_means_filters_and_hand_computed_values(engine):
    # Two members in session 1 of G1; reverse item q2 on a 1-5 scale.
    # A: q1=5, q2=2 -> 5, 4 -> mean 4.5;  B: q1=3, q2=4 -> 3, 2 -> mean 2.5
    # n = 2, mean = 3.5, sd = sqrt(((4.5-3.5)^2 + (2.5-3.5)^2) / 1) = sqrt(2)
    batch = [
        Administration("A", "x", "1", "s1", {"q1": 5, "q2": 2}, group="G1", session=1),
        Administration("B", "x", "1", "s1", {"q1": 3, "q2": 4}, group="G1", session=1),
        Administration("C", "x", "1", "s1", {"q1": 1, "q2": 1}, group="G2", session=1),
    ]
    save_administrations(engine, batch)
    got = session_means(engine, "x", ["q1", "q2"], ["q2"], (1, 5), group="G1")
    assert got[["group", "session", "n"]].values.tolist() == [["G1", 1, 2]]
    assert got.loc[0, "mean"] == pytest.approx(3.5)
    assert got.loc[0, "sd"] == pytest.approx(np.sqrt(2))
    single = session_means(engine, "x", ["q1", "q2"], ["q2"], (1, 5), group="G2")
    assert single.loc[0, "n"] == 1 and np.isnan(single.loc[0, "sd"])
    assert session_means(engine, "x", ["q1"], program="nowhere").empty
