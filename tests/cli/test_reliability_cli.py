"""`cli.py reliability`: the JSON contract, the text table, and bad input."""

from __future__ import annotations

import json

import pandas as pd
import pytest

import cli

AGREE_YAML = """id: agree
name: Agreeableness
version: "1"
citation: "psych::bfi, items A1-A5"
license: "scoring only"
use: pre-post
response_scale: {min: 1, max: 6}
higher_is: better
items:
  - {id: a1, reverse: true}
  - {id: a2}
  - {id: a3}
  - {id: a4}
  - {id: a5}
scales:
  - {id: agreeableness, name: Agreeableness, items: [a1, a2, a3, a4, a5]}
  - {id: kindness, name: Kindness, items: [a2, a3]}
"""

SCALE_KEYS = [
    "scale",
    "timepoint",
    "n",
    "k",
    "alpha",
    "alpha_ci",
    "alpha_standardized",
    "lambda6",
    "omega_total",
    "omega_hierarchical",
    "mean_inter_item_r",
    "items",
]
ITEM_KEYS = ["item", "n", "mean", "sd", "item_rest_r", "alpha_if_deleted"]


@pytest.fixture
def reliability_files(reference_dir, tmp_path):
    bfi = pd.read_csv(reference_dir / "psych_bfi.csv")
    wide = pd.DataFrame({"member": bfi["rownames"], "timepoint": "pre"})
    for n in range(1, 6):
        wide[f"a{n}"] = bfi[f"A{n}"]
    data = tmp_path / "bfi.csv"
    wide.to_csv(data, index=False)
    instrument = tmp_path / "agree.yaml"
    instrument.write_text(AGREE_YAML)
    return data, instrument


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(["reliability", *map(str, argv)])
    out, err = capsys.readouterr()
    return code, out, err


def test_json_has_contract_shape_and_psych_values(capsys, reliability_files):
    data, instrument = reliability_files
    code, out, _ = run(capsys, data, "--instrument", instrument, "--scale", "agreeableness",
                       "--json")  # fmt: skip
    assert code == 0
    payload = json.loads(out)
    assert payload["instrument"] == "agree"
    [scale] = payload["scales"]
    assert list(scale)[: len(SCALE_KEYS)] == SCALE_KEYS
    assert [list(item) for item in scale["items"]] == [ITEM_KEYS] * 5
    # R: psych::alpha(bfi[, c("A1r","A2","A3","A4","A5")]) with A1r = 7 - A1
    assert scale["alpha"] == pytest.approx(0.70, abs=0.005)  # raw_alpha 0.70
    assert scale["alpha_standardized"] == pytest.approx(0.71, abs=0.005)  # std.alpha 0.71
    assert scale["lambda6"] == pytest.approx(0.68, abs=0.005)  # G6(smc) 0.68
    assert scale["mean_inter_item_r"] == pytest.approx(0.33, abs=0.005)  # average_r 0.33
    assert scale["alpha_ci"] == pytest.approx([0.69, 0.72], abs=0.005)  # Feldt 0.69, 0.72
    a1 = scale["items"][0]
    assert a1["item"] == "a1"
    assert a1["item_rest_r"] == pytest.approx(0.31, abs=0.005)  # r.drop A1 0.31
    assert a1["alpha_if_deleted"] == pytest.approx(0.72, abs=0.005)  # alpha.drop A1 0.72
    assert scale["omega_hierarchical"] is None


def test_json_is_valid_with_nulls_for_what_cannot_be_computed(capsys, reliability_files):
    data, instrument = reliability_files
    code, out, _ = run(capsys, data, "--instrument", instrument, "--scale", "kindness", "--json")
    assert code == 0
    [scale] = json.loads(out)["scales"]
    assert scale["k"] == 2 and scale["alpha"] is not None
    assert scale["omega_total"] is None
    assert any("three or more items" in note for note in scale["notes"])
    assert all(item["alpha_if_deleted"] is None for item in scale["items"])


def test_listwise_option_counts_complete_respondents(capsys, reliability_files):
    data, instrument = reliability_files
    code, out, _ = run(capsys, data, "--instrument", instrument, "--scale", "agreeableness",
                       "--missing", "listwise", "--json")  # fmt: skip
    assert code == 0
    [scale] = json.loads(out)["scales"]
    bfi = pd.read_csv(data)
    assert scale["n"] == len(bfi.dropna(subset=["a1", "a2", "a3", "a4", "a5"]))
    assert scale["missing"] == "listwise"
    assert scale["n"] < 2800


def test_text_table_is_readable(capsys, reliability_files):
    data, instrument = reliability_files
    code, out, _ = run(capsys, data, "--instrument", instrument)
    assert code == 0
    assert "agreeableness at pre: n = 2800, k = 5" in out
    assert "alpha 0.70 95% CI [0.69, 0.72]" in out
    assert "kindness at pre" in out
    assert not out.lstrip().startswith("{")


def test_unknown_timepoint_exits_2_with_the_valid_ones(capsys, reliability_files):
    data, instrument = reliability_files
    code, out, err = run(capsys, data, "--instrument", instrument, "--timepoint", "post", "--json")
    assert code == 2 and out == ""
    assert "timepoint 'post'" in err and "pre" in err
    assert "Traceback" not in err


def test_out_of_range_answer_exits_2_naming_member_and_item(capsys, tmp_path):
    instrument = tmp_path / "agree.yaml"
    instrument.write_text(AGREE_YAML)
    data = tmp_path / "bad.csv"
    data.write_text(
        "member,timepoint,a1,a2,a3,a4,a5\nM1,pre,1,2,3,4,5\nM2,pre,2,7,3,4,5\nM3,pre,3,3,3,2,1\n"
    )
    code, out, err = run(capsys, data, "--instrument", instrument, "--json")
    assert code == 2 and out == ""
    assert "member M2, timepoint pre, item a2: value 7" in err
