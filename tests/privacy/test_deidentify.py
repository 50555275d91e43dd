"""Pseudonyms, date shifting and coarsening."""

from __future__ import annotations

import re

import pandas as pd

from privacy.deidentify import (
    MAX_SHIFT_DAYS,
    coarsen_dates,
    date_shift_days,
    deidentify_responses,
    new_export_key,
    pseudonym,
)


def responses() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "member": ["R01", "R01", "R02", "R02", "C01"],
            "timepoint": ["pre", "post", "pre", "post", "pre"],
            "group": ["R-1", "R-1", "R-1", "R-1", "C-1"],
            "date": ["2025-03-04", "2025-05-13", "2025-03-04", "2025-05-13", None],
            "value": [1, 4, 2, 3, 0],
        }
    )


def test_pseudonyms_are_stable_within_an_export_and_differ_across_exports():
    first = deidentify_responses(responses(), key=new_export_key())
    second = deidentify_responses(responses(), key=new_export_key())
    assert all(re.fullmatch(r"P-[0-9a-f]{12}", p) for p in first["member"])
    # Within one export: one pseudonym per member, distinct members stay distinct.
    assert first["member"].tolist()[0] == first["member"].tolist()[1]
    assert first["member"].tolist()[2] == first["member"].tolist()[3]
    assert first["member"].nunique() == 3
    # Across exports: nothing in common, and no code survives.
    assert not set(first["member"]) & set(second["member"])
    assert not {"R01", "R02", "C01"} & (set(first["member"]) | set(second["member"]))


def test_pseudonym_is_hmac_sha256_of_the_code():
    import hashlib
    import hmac

    key = bytes(range(32))
    expected = hmac.new(key, b"member:R01", hashlib.sha256).hexdigest()[:12]
    assert pseudonym("R01", key) == f"P-{expected}"


def test_date_shift_keeps_each_members_intervals_and_changes_every_date():
    key = new_export_key()
    shifted = deidentify_responses(responses(), key=key)
    dates = pd.to_datetime(shifted["date"])
    original = pd.to_datetime(responses()["date"])
    # pre -> post is 70 days for R01 and R02 before and after shifting.
    assert (dates[1] - dates[0]).days == 70 and (dates[3] - dates[2]).days == 70
    assert (dates[:4] != original[:4]).all()
    assert all(1 <= abs((dates[i] - original[i]).days) <= MAX_SHIFT_DAYS for i in range(4))
    assert (dates[0] - original[0]).days == date_shift_days("R01", key)
    assert shifted["date"][4] is None


def test_members_of_one_group_get_different_shifts():
    key = bytes(32)
    shifts = {date_shift_days(f"R{n:02d}", key) for n in range(20)}
    assert len(shifts) > 15


def test_coarsening_keeps_only_the_month_and_does_not_shift():
    coarse = deidentify_responses(responses(), coarsen=True)
    assert coarse["date"].tolist() == ["2025-03", "2025-05", "2025-03", "2025-05", None]
    assert coarsen_dates(pd.DataFrame({"x": [1]})).columns.tolist() == ["x"]
