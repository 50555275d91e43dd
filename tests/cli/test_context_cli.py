"""`cli.py context`: groupings with counts, hidden small cells (hand-worked), neutral readings."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[2]
ITEMS = [f"mutualitycheckin_{i}" for i in range(1, 11)]
DEMO = ROOT / "sample_data" / "demo_checkin_context.csv"


def run(*args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "cli.py", *map(str, args)], cwd=ROOT, capture_output=True, text=True
    )


def context_json(path: Path, by: str, *extra) -> dict:
    done = run("context", path, "--instrument", "mutuality-checkin", "--by", by, *extra, "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def write_file(tmp_path: Path, sizes: dict[str, int], answer: dict[str, int]) -> Path:
    """One `pre` check-in per member: `sizes[value]` members described as `value`, every item
    answered `answer[value]` (so each grouping's mean is that number)."""
    rows, m = [], 0
    for value, size in sizes.items():
        for i in range(size):
            # Members alternate one point above and below (the last of an odd number on it),
            # so the grouping's mean is exactly `answer[value]` and its SD is not zero.
            keyed = answer[value] + ((-1) ** i if i < size - size % 2 else 0)
            row = {"member": f"M{m:03d}", "timepoint": "pre", "gender": value}
            # Items 9 and 10 are reverse-keyed (1-5): answered 6 - keyed.
            row.update({item: keyed if k < 8 else 6 - keyed for k, item in enumerate(ITEMS)})
            rows.append(row)
            m += 1
    path = tmp_path / "described.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def by_value(data: dict) -> dict:
    return {g["value"]: g for g in data["groupings"]}


def test_one_small_grouping_hides_the_next_smallest_too(tmp_path):
    # Hand-worked: 12 + 7 + 3 = 22 members shown as the total. Hiding only the 3 would give it
    # away (22 - 12 - 7), so the 7 is hidden with it; the 12 stays.
    path = write_file(
        tmp_path, {"man": 12, "woman": 7, "non-binary": 3}, {"man": 3, "woman": 4, "non-binary": 2}
    )
    data = context_json(path, "gender")
    groups = by_value(data)
    assert data["members_total"] == 22
    assert groups["man"]["members"] == 12 and groups["man"]["mean"] == 3
    for hidden in ("woman", "non-binary"):
        assert groups[hidden]["suppressed"] is True
        assert groups[hidden]["members"] is None and groups[hidden]["mean"] is None
    assert data["differences"] == []


def test_two_small_groupings_hide_only_themselves(tmp_path):
    # Hand-worked: 12, 7, 3, 2. Two hidden cells (3 and 2): only their sum (5) can be worked out,
    # so the 7 is shown.
    path = write_file(
        tmp_path,
        {"man": 12, "woman": 7, "non-binary": 3, "two-spirit": 2},
        {"man": 3, "woman": 4, "non-binary": 2, "two-spirit": 2},
    )
    groups = by_value(context_json(path, "gender"))
    assert [v for v, g in groups.items() if g["suppressed"]] == ["non-binary", "two-spirit"]
    assert groups["woman"]["members"] == 7 and groups["woman"]["mean"] == 4


def test_a_stricter_minimum_cell_size_is_honoured(tmp_path):
    path = write_file(tmp_path, {"man": 12, "woman": 7}, {"man": 3, "woman": 4})
    groups = by_value(context_json(path, "gender", "--min-cell-size", "8"))
    # 7 < 8 is hidden; with one hidden, the 12 goes too (else 19 - 12 = 7).
    assert all(g["suppressed"] for g in groups.values())


def test_prefer_not_to_say_is_its_own_grouping_never_the_reference(tmp_path):
    path = write_file(
        tmp_path,
        {"prefer not to say": 9, "woman": 6, "man": 5},
        {"prefer not to say": 3, "woman": 4, "man": 2},
    )
    data = context_json(path, "gender")
    assert data["reference"] == "woman"
    assert by_value(data)["prefer not to say"]["members"] == 9
    readings = {d["value"]: d["reading"] for d in data["differences"]}
    assert readings["prefer not to say"].startswith(
        "Members who preferred not to say scored 1.00 point lower on average than members "
        "who describe themselves as woman"
    )
    assert readings["man"].startswith(
        "Members who describe themselves as man scored 2.00 points lower on average"
    )


def test_everyone_in_one_grouping_is_said(tmp_path):
    path = write_file(tmp_path, {"woman": 8}, {"woman": 4})
    data = context_json(path, "gender")
    assert data["differences"] == []
    assert any("Every member shown is in one grouping" in n for n in data["notes"])


def test_demo_by_language_gives_means_slopes_and_a_reading():
    data = context_json(DEMO, "language")
    groups = by_value(data)
    assert set(groups) == {"English", "Spanish"} and data["reference"] == "English"
    assert groups["English"]["members"] + groups["Spanish"]["members"] == 100
    for g in groups.values():
        assert g["ci_low"] < g["mean"] < g["ci_high"]
        assert g["slope"]["ci_low"] < g["slope"]["per_session"] < g["slope"]["ci_high"]
    (difference,) = data["differences"]
    assert difference["reading"].startswith("Members answering in Spanish scored")
    assert (
        "per session than members answering in English"
        in (difference["slope_difference"]["reading"])
    )


def test_a_missing_column_is_a_clear_message():
    done = run("context", DEMO, "--instrument", "mutuality-checkin", "--by", "religion")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "no column named 'religion' to group by" in done.stderr


@pytest.mark.parametrize("by", ["race_ethnicity", "gender", "age_band", "mode"])
def test_every_demo_column_reads_without_error(by):
    data = context_json(DEMO, by)
    shown = [g for g in data["groupings"] if not g["suppressed"]]
    assert all(g["members"] >= 5 for g in shown)
    assert sum(g["suppressed"] for g in data["groupings"]) != 1


def test_a_description_changed_mid_program_counts_at_each_administration(tmp_path):
    # 6 members answer pre and post; M000 describes themselves as a woman at pre and as
    # non-binary at post. Each administration is counted under its own description.
    rows = []
    for m in range(6):
        for timepoint, keyed in (("pre", 3), ("post", 4)):
            gender = "non-binary" if (m == 0 and timepoint == "post") else "woman"
            row = {"member": f"M{m:03d}", "timepoint": timepoint, "gender": gender}
            row.update({item: keyed if k < 8 else 6 - keyed for k, item in enumerate(ITEMS)})
            rows.append(row)
    path = tmp_path / "changed.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    data = context_json(path, "gender", "--min-cell-size", "1")
    groups = by_value(data)
    assert (groups["woman"]["members"], groups["woman"]["administrations"]) == (6, 11)
    assert (groups["non-binary"]["members"], groups["non-binary"]["administrations"]) == (1, 1)
    assert data["members_total"] == 6
    # Pre/post is read by the description at pre: all six are "woman" there, change +1.
    assert groups["woman"]["pre_post"]["n"] == 6
    assert groups["woman"]["pre_post"]["mean_change"] == 1
