"""`cli.py dif`: a planted language difference is found and worded; small groupings stay hidden."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[2]
ITEMS = [f"mutualitycheckin_{i}" for i in range(1, 11)]


def run(*args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "cli.py", *map(str, args)], cwd=ROOT, capture_output=True, text=True
    )


@pytest.fixture(scope="module")
def language_file(tmp_path_factory) -> Path:
    """120 synthetic members; item 7 is answered 1 point higher in Spanish at the same level.

    Three more members answered in Tagalog: too few to compare (fewer than 5).
    """
    rng = np.random.default_rng(11)
    rows = []
    languages = ["Spanish" if m % 3 == 0 else "English" for m in range(120)] + ["Tagalog"] * 3
    for m, language in enumerate(languages):
        level = rng.normal()
        row = {"member": f"M{m:03d}", "timepoint": "pre", "language": language}
        for i, item in enumerate(ITEMS, start=1):
            shift = 1.0 if (i == 7 and language == "Spanish") else 0.0
            value = np.round(3 + 0.9 * level + shift + rng.normal(scale=0.8))
            row[item] = int(np.clip(value, 1, 5))
        rows.append(row)
    path = tmp_path_factory.mktemp("dif") / "checkin_by_language.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def payload(language_file) -> dict:
    done = run(
        "dif", language_file, "--instrument", "mutuality-checkin", "--by", "language", "--json"
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_the_planted_item_is_flagged_and_read_in_plain_words(payload):
    flagged = [i for i in payload["items"] if i["flagged"]]
    assert [i["item"] for i in flagged] == ["mutualitycheckin_7"]
    assert flagged[0]["reading"] == (
        "mutualitycheckin_7 is answered higher in Spanish than in English, among members "
        "with the same total."
    )
    assert flagged[0]["p_uniform"] < 0.001


def test_json_has_the_contract_keys_and_the_criterion(payload):
    keys = {
        "item",
        "chi2_uniform",
        "p_uniform",
        "chi2_nonuniform",
        "p_nonuniform",
        "delta_r2",
        "flagged",
    }
    assert all(keys <= set(item) for item in payload["items"])
    assert len(payload["items"]) == 10
    assert "p <= 0.01" in payload["criterion"] and "purification" in payload["criterion"]
    assert payload["purified"] is True and "mutualitycheckin_7" not in payload["anchors"]


def test_a_grouping_of_three_members_is_left_out_and_not_counted(payload):
    assert payload["groupings"] == ["English", "Spanish"]
    assert payload["not_compared"] == ["Tagalog"]
    assert [r["grouping"] for r in payload["reliability"]] == ["English", "Spanish"]
    assert [r["members"] for r in payload["reliability"]] == [80, 40]
    assert not any("3 members" in note for note in payload["notes"])
    assert all(i["n"] == 120 for i in payload["items"])


def test_alpha_and_omega_are_given_per_language(payload):
    for rel in payload["reliability"]:
        assert 0.5 < rel["alpha"] < 1 and 0.5 < rel["omega_total"] < 1


def test_a_missing_column_is_named_with_the_columns_there_are(language_file):
    done = run("dif", language_file, "--instrument", "mutuality-checkin", "--by", "race")
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert "no column named 'race' to group by" in done.stderr
    assert "'language'" in done.stderr


def test_everyone_in_one_grouping_is_said_not_computed(tmp_path, language_file):
    one = pd.read_csv(language_file).assign(language="English")
    path = tmp_path / "one_language.csv"
    one.to_csv(path, index=False)
    done = run("dif", path, "--instrument", "mutuality-checkin", "--by", "language", "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert any("Every member is in one grouping" in note for note in data["notes"])
    assert all(i["chi2_uniform"] is None and not i["flagged"] for i in data["items"])


def test_text_output_lists_the_items_and_the_reading(language_file):
    done = run("dif", language_file, "--instrument", "mutuality-checkin", "--by", "language")
    assert done.returncode == 0, done.stderr
    assert "mutualitycheckin_7 is answered higher in Spanish than in English" in done.stdout
    assert "Criterion:" in done.stdout
