"""`cli.py change`: the contract JSON on reference data, and bad input as messages."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

import cli


def write_instrument(path, items=("bdi",), higher="worse", lo=0, hi=63, norms=""):
    lines = [
        "id: bdi",
        "name: bdi",
        'version: "1"',
        'citation: "reference data"',
        'license: "scoring only"',
        "use: pre-post",
        f"response_scale: {{min: {lo}, max: {hi}}}",
        f"higher_is: {higher}",
        "items:",
        *[f"  - {{id: {i}}}" for i in items],
        "scales:",
        f"  - {{id: total, name: Total, items: [{', '.join(items)}], method: sum}}",
    ]
    path.write_text("\n".join(lines) + "\n" + norms)
    return path


@pytest.fixture
def claus_files(tmp_path, reference_dir):
    claus = pd.read_csv(reference_dir / "clinicalsignificance" / "claus_2020.csv")
    claus = claus.dropna(subset=["id", "time"])
    # timepoints as 1.0, 2.0, ... the way a spreadsheet exported from R/SPSS writes them
    frame = pd.DataFrame(
        {"member": claus["id"].astype(int), "timepoint": claus["time"], "group": claus["treatment"]}
    )
    bdi = frame.assign(bdi=claus["bdi"])
    bdi.to_csv(tmp_path / "bdi.csv", index=False)
    hamd = frame.assign(bdi=claus["hamd"])  # hamd under the one-item instrument's item id
    hamd.to_csv(tmp_path / "hamd.csv", index=False)
    return tmp_path / "bdi.csv", tmp_path / "hamd.csv", write_instrument(tmp_path / "bdi.yaml")


def run_json(capsys, *args):
    code = cli.main(["change", *map(str, args), "--json"])
    out = capsys.readouterr()
    assert code == 0, out.err
    return json.loads(out.out)


def test_contract_keys_and_published_jt_counts(capsys, claus_files):
    bdi, _, instrument = claus_files
    result = run_json(
        capsys,
        bdi,
        "--instrument",
        instrument,
        "--scale",
        "total",
        "--pre",
        "1",
        "--post",
        "4",
        "--method",
        "jt",
        "--reliability",
        "0.801",
        "--cutoff",
        "a",
    )
    for key in [
        "instrument",
        "scale",
        "pre",
        "post",
        "n_pairs",
        "mean_pre",
        "sd_pre",
        "mean_post",
        "sd_post",
        "t",
        "df",
        "p",
        "d_z",
        "d_z_ci",
        "d_av",
        "g_av",
        "d_rm",
        "wilcoxon_p",
        "reliability",
        "cutoff",
        "methods",
        "members",
    ]:
        assert key in result
    # clinicalsignificance, claus_2020 bdi 1 -> 4, reliability 0.801, JT + cutoff a (VALIDATION.md):
    # M_pre 35.48, SD_pre 8.1586, cutoff 19.16; recovered 10, improved 8, unchanged 22, 0, 0
    assert result["n_pairs"] == 40
    assert result["mean_pre"] == pytest.approx(35.48, abs=0.005)
    assert result["sd_pre"] == pytest.approx(8.1586, abs=5e-5)
    assert result["cutoff"]["type"] == "a"
    assert result["cutoff"]["value"] == pytest.approx(19.16, abs=0.005)
    assert result["methods"]["jt"]["counts"] == {
        "recovered": 10,
        "improved": 8,
        "unchanged": 22,
        "deteriorated": 0,
        "harmed": 0,
    }
    assert result["reliability"] == 0.801 and result["reliability_source"] == "user"
    assert list(result["methods"]) == ["jt"]
    assert len(result["members"]) == 40
    first = result["members"][0]
    assert set(first) >= {"member", "pre", "post", "change", "rci", "category"}
    assert first["change"] == first["post"] - first["pre"]
    assert sum(m["category"] == "recovered" for m in result["members"]) == 10
    groups = result["methods"]["jt"]["groups"]
    assert sum(g["recovered"] for g in groups.values()) == 10


def test_all_methods_on_hamd_with_hlm(capsys, claus_files):
    _, hamd, instrument = claus_files
    result = run_json(
        capsys,
        hamd,
        "--instrument",
        instrument,
        "--scale",
        "total",
        "--pre",
        "1.0",
        "--post",
        "4",
        "--reliability",
        "0.8",
    )
    # cs_distribution(claus_2020, id, time, hamd, pre = 1, post = 4, reliability = 0.8,
    #   rci_method = M): JT 29/10/1, GLN 29/10/1, HLL 12/16/12, EN 32/5/3, HA 32/7/1;
    # rci_method = "HLM" (all four timepoints): 11/20/9
    expected = {
        "jt": (29, 10, 1),
        "gln": (29, 10, 1),
        "hll": (12, 16, 12),
        "en": (32, 5, 3),
        "ha": (32, 7, 1),
        "hlm": (11, 20, 9),
    }
    for method, (improved, unchanged, deteriorated) in expected.items():
        assert result["methods"][method]["counts"] == {
            "improved": improved,
            "unchanged": unchanged,
            "deteriorated": deteriorated,
        }, method
    assert result["cutoff"] is None
    assert result["members_method"] == "jt"
    assert "recovered" not in result["methods"]["jt"]["counts"]


def test_reliability_from_the_instrument_norms(capsys, tmp_path, claus_files):
    bdi, _, _ = claus_files
    norms = 'norms:\n  total: {reliability: 0.801, source: "Claus et al. 2020"}\n'
    instrument = write_instrument(tmp_path / "normed.yaml", norms=norms)
    result = run_json(
        capsys,
        bdi,
        "--instrument",
        instrument,
        "--scale",
        "total",
        "--pre",
        "1",
        "--post",
        "4",
        "--method",
        "jt",
    )
    assert result["reliability_source"] == "norms"
    # same analysis as VALIDATION.md without a cutoff: improved 18, unchanged 22, deteriorated 0
    assert result["methods"]["jt"]["counts"] == {"improved": 18, "unchanged": 22, "deteriorated": 0}


def test_reliability_from_the_sample_alpha_at_pre(capsys, tmp_path):
    items = ("x1", "x2", "x3")
    instrument = write_instrument(tmp_path / "three.yaml", items=items, hi=4, higher="better")
    pre = [[1, 2, 1], [2, 2, 3], [3, 3, 3], [4, 3, 4], [0, 1, 1], [2, 3, 2]]
    post = [[2, 2, 2], [3, 3, 3], [3, 4, 4], [4, 4, 4], [1, 1, 2], [2, 2, 3]]
    rows = [
        {"member": f"m{i}", "timepoint": tp, **dict(zip(items, answers, strict=True))}
        for tp, block in (("pre", pre), ("post", post))
        for i, answers in enumerate(block)
    ]
    pd.DataFrame(rows).to_csv(tmp_path / "three.csv", index=False)
    result = run_json(
        capsys,
        tmp_path / "three.csv",
        "--instrument",
        instrument,
        "--scale",
        "total",
        "--pre",
        "pre",
        "--post",
        "post",
        "--method",
        "jt",
    )
    # Cronbach (1951) by hand on the pre answers: k/(k-1) * (1 - sum item var / total var)
    frame = pd.DataFrame(pre, columns=items)
    alpha = 3 / 2 * (1 - frame.var(ddof=1).sum() / frame.sum(axis=1).var(ddof=1))
    assert result["reliability_source"] == "sample_alpha_pre"
    assert result["reliability"] == pytest.approx(alpha)
    assert result["methods"]["jt"]["counts"] is not None


def test_missing_reliability_is_reported_not_invented(capsys, claus_files):
    bdi, _, instrument = claus_files
    result = run_json(
        capsys,
        bdi,
        "--instrument",
        instrument,
        "--scale",
        "total",
        "--pre",
        "1",
        "--post",
        "4",
        "--method",
        "jt",
    )
    assert result["reliability"] is None
    assert result["methods"]["jt"]["counts"] is None
    assert "--reliability" in result["methods"]["jt"]["problem"]
    assert all(m["category"] is None for m in result["members"])
    # the pre/post statistics are still there
    assert result["n_pairs"] == 40 and result["t"] is not None


def test_text_output(capsys, claus_files):
    bdi, _, instrument = claus_files
    code = cli.main(
        [
            "change",
            str(bdi),
            "--instrument",
            str(instrument),
            "--scale",
            "total",
            "--pre",
            "1",
            "--post",
            "4",
            "--method",
            "jt",
            "--reliability",
            "0.801",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "40 complete pair(s)" in out and "jt: improved 18, unchanged 22" in out
    # 40 pairs: paired t has 40 - 1 = 39 df, written as a whole number; p in APA style.
    assert "t(39) = " in out and "t(39.00)" not in out
    assert "p = 0.00" not in out
    assert re.search(r"t\(39\) = -?\d+\.\d\d, p (< \.001|= \.\d{3});", out), out
    assert re.search(r"Wilcoxon p (< \.001|= \.\d{3})", out), out


def test_text_output_numbers():
    from commands.change import _df, _p

    assert (_df(83.0), _df(83.47), _df(float("nan"))) == ("83", "83.47", "n/a")
    assert (_p(0.0004), _p(0.0342), _p(0.5)) == ("p < .001", "p = .034", "p = .500")


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--pre", "1", "--post", "9"], "timepoint '9'"),
        (["--pre", "1", "--post", "4", "--cutoff", "b", "--reliability", "0.8"], "functional"),
        (["--pre", "1", "--post", "4", "--reliability", "1.5"], "between 0 and 1"),
        (["--pre", "1", "--post", "4", "--functional-mean", "8"], "--functional-sd"),
        (["--pre", "1", "--post", "1"], "same timepoint"),
    ],
)
def test_bad_input_exits_2_with_a_message(capsys, claus_files, extra, message):
    bdi, _, instrument = claus_files
    code = cli.main(
        ["change", str(bdi), "--instrument", str(instrument), "--scale", "total", *extra, "--json"]
    )
    out = capsys.readouterr()
    assert code == 2
    assert out.out == ""
    assert message in out.err and "Traceback" not in out.err


def phq9_rows(values_pre=(2, 2, 2, 1, 3), values_post=(0, 1, 1, 0, 1)):
    """Five members' PHQ-9 at pre and post (every item the member's value)."""
    return [
        {"member": f"P{m}", "timepoint": timepoint, **{f"phq9_{i}": value for i in range(1, 10)}}
        for m, (a, b) in enumerate(zip(values_pre, values_post, strict=True))
        for timepoint, value in (("pre", a), ("post", b))
    ]


def test_a_conflicting_duplicate_is_refused_as_score_refuses_it(capsys, tmp_path):
    rows = phq9_rows()
    # P1 answers phq9_4 at pre twice: 2 (row 4 of the file) and 3 (row 12, appended).
    rows.append(dict(rows[2], **{"phq9_4": 3}))
    path = tmp_path / "twice.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    args = ["--scale", "total", "--pre", "pre", "--post", "post", "--json"]
    code = cli.main(["change", str(path), "--instrument", "phq9", *args])
    out = capsys.readouterr()
    assert code == 2 and out.out == "" and "Traceback" not in out.err
    assert "member P1, timepoint pre: phq9_4 is answered 2 on row 4 but 3 here" in out.err
    assert "row 12" in out.err
    # The same words as `score`, which refused such files first.
    assert cli.main(["score", str(path), "--instrument", "phq9"]) == 2
    assert "member P1, timepoint pre: phq9_4" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("value", "words"),
    [(7, "7"), ("often", "text where a number belongs")],
    ids=["out-of-range", "text"],
)
def test_out_of_range_and_text_values_are_refused(capsys, tmp_path, value, words):
    rows = phq9_rows()
    rows[3]["phq9_2"] = value  # P1 at post
    path = tmp_path / "bad.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    args = ["--scale", "total", "--pre", "pre", "--post", "post"]
    code = cli.main(["change", str(path), "--instrument", "phq9", *args])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    assert "row 5" in err and "phq9_2" in err and words in err


def test_the_published_cutoff_on_the_command_line(capsys, tmp_path):
    path = tmp_path / "phq9.csv"
    pd.DataFrame(phq9_rows()).to_csv(path, index=False)
    args = ["--scale", "total", "--pre", "pre", "--post", "post", "--method", "jt"]
    result = run_json(capsys, path, "--instrument", "phq9", *args, "--cutoff", "published")
    # PHQ-9's norms: cutoff 10 (Kroenke et al. 2001), reliability .89.
    assert result["cutoff"] == {"type": "published", "value": 10.0}
    assert result["cutoff_words"] == "published cutoff, 10"
    assert result["reliability"] == 0.89 and result["reliability_source"] == "norms"
    assert result["reliability_words"].startswith("published (Kroenke, Spitzer & Williams")
    # By hand (Jacobson & Truax 1991): totals 18, 18, 18, 9, 27 -> 0, 9, 9, 0, 9; SD_pre
    # sqrt(40.5) = 6.364, so a reliable drop exceeds 1.96 * 6.364 * sqrt(2 * (1 - .89)) = 5.85:
    # all five drops (18, 9, 9, 9, 18) are reliable. The four above 10 at pre and below it at
    # post recovered; P3 (9 -> 0) improved without having been in the clinical range.
    assert result["methods"]["jt"]["counts"] == {
        "recovered": 4,
        "improved": 1,
        "unchanged": 0,
        "deteriorated": 0,
        "harmed": 0,
    }


def test_no_published_cutoff_is_refused_with_what_to_choose(capsys, claus_files):
    bdi, _, instrument = claus_files
    args = ["--scale", "total", "--pre", "1", "--post", "4", "--reliability", "0.8"]
    code = cli.main(["change", str(bdi), "--instrument", str(instrument), *args, "--cutoff",
                     "published", "--json"])  # fmt: skip
    out = capsys.readouterr()
    assert code == 2 and out.out == ""
    assert "has no published cutoff for Total" in out.err
    assert "--cutoff a, b, c or a NUMBER" in out.err  # the command adds its own flag hint
