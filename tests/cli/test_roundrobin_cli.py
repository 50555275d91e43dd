"""`cli.py roundrobin`: TripleR's printed output from the command line, and bad input in words.

Files: TripleR's `likingLong` and `multiGroup` (tests/reference/round_robin/),
written as csv with the contract's column names (perceiver, target, group). Expected values
are TripleR's printed output with the R call beside each (tests/analysis/test_srm.py has the
same at the analysis layer).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from cli import main

REFERENCE = Path(__file__).resolve().parents[1] / "reference" / "round_robin"
NAMES = {"perceiver.id": "perceiver", "target.id": "target", "group.id": "group"}


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("roundrobin")
    for name in ("likingLong", "multiGroup"):
        data = pd.read_csv(REFERENCE / f"{name}.tab", sep=" ").rename(columns=NAMES)
        data.to_csv(folder / f"{name}.csv", index=False)
    return folder


def run(capsys, *args) -> tuple[int, str, str]:
    code = main(["roundrobin", *map(str, args)])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_json_has_triplers_components_and_reliabilities(files, capsys):
    # R: RR(liking_a ~ perceiver.id * target.id, data = likingLong)   (TripleR 1.5)
    code, out, _ = run(capsys, files / "likingLong.csv", "--value", "liking_a", "--json")
    assert code == 0
    data = json.loads(out)
    assert (data["variable"], data["groups"], data["members"]) == ("liking_a", 1, 54)
    assert [c["component"] for c in data["components"]] == [
        "perceiver variance",
        "target variance",
        "relationship variance",
        "error variance",
        "perceiver-target covariance",
        "relationship covariance",
    ]
    printed = {c["component"]: c for c in data["components"]}
    assert round(printed["relationship variance"]["estimate"], 3) == 0.609
    assert round(printed["relationship covariance"]["t"], 3) == 4.809
    assert round(printed["perceiver-target covariance"]["p"], 3) == 0.485
    assert printed["error variance"]["estimate"] is None
    assert round(data["reliability"]["perceiver"], 3) == 0.937
    assert round(data["reliability"]["target"], 3) == 0.901
    assert len(data["effects"]) == 54 and set(data["effects"][0]) == {
        "round_robin",
        "member",
        "perceiver",
        "target",
    }


def test_two_value_columns_give_the_latent_model(files, capsys):
    # R: RR(liking_a / liking_b ~ perceiver.id * target.id, data = likingLong)
    code, out, _ = run(capsys, files / "likingLong.csv", "--value", "liking_a,liking_b", "--json")
    assert code == 0
    data = json.loads(out)
    printed = {c["component"]: c for c in data["components"]}
    assert round(printed["error variance"]["estimate"], 3) == 0.206
    assert round(printed["relationship variance"]["se"], 3) == 0.016
    assert round(data["reliability"]["relationship"], 3) == 0.852


def test_several_groups_name_the_members_left_out(files, capsys):
    # R: RR.summary(ex ~ perceiver.id * target.id | group.id, data = multiGroup)
    code, out, _ = run(capsys, files / "multiGroup.csv", "--value", "ex", "--json")
    assert code == 0
    data = json.loads(out)
    assert (data["groups"], data["members"]) == (10, 217)
    left_out = sorted((e["group"], e["member"]) for e in data["excluded"])
    assert ("2", "90202") in left_out and ("14", "91424") in left_out
    assert len(left_out) == 28


def test_bad_input_is_named_with_its_row_and_never_a_traceback(tmp_path, capsys):
    path = tmp_path / "ratings.csv"
    rows = [("A", "B", 3), ("A", "C", 4), ("B", "A", 2), ("B", "C", "lots"), ("C", "A", 5)]
    pd.DataFrame(rows, columns=["perceiver", "target", "connected"]).to_csv(path, index=False)
    code, _, err = run(capsys, path, "--value", "connected")
    assert code == 2
    assert "ratings.csv, row 5, column 'connected': 'lots' is not a number" in err
    code, _, err = run(capsys, path, "--value", "closeness")
    assert code == 2 and "no column named 'closeness'" in err

    rows = [("A", "B", 3), ("A", "B", 4), ("B", "A", 2)]
    pd.DataFrame(rows, columns=["perceiver", "target", "v"]).to_csv(path, index=False)
    code, _, err = run(capsys, path, "--value", "v")
    assert code == 2 and "A rated B twice in group all, session all (rows 2, 3)" in err

    rows = [(p, t, 3) for p in "ABC" for t in "ABC" if p != t]
    pd.DataFrame(rows, columns=["perceiver", "target", "v"]).to_csv(path, index=False)
    code, _, err = run(capsys, path, "--value", "v")
    assert code == 2 and "no group has at least 4 members rating each other" in err
    assert "Traceback" not in err


def test_a_typed_in_paper_grid_is_stored_all_or_nothing(tmp_path, capsys):
    import datetime as dt

    from store.connections import session_ratings
    from store.db import connect, dispose
    from store.roster import create_group, create_member, create_program
    from store.sessions import create_session, get_session

    url = f"sqlite:///{tmp_path / 'rr.sqlite'}"
    engine = connect(url)
    create_program(engine, "Recovery")
    create_group(engine, "Recovery", "RC-1")
    for code in ("R1", "R2", "R3", "R4"):
        create_member(engine, code, group="RC-1", program="Recovery")
    session_id = create_session(engine, "RC-1", 3, dt.date(2026, 2, 2), program="Recovery")
    path = tmp_path / "grid.csv"
    rows = [("RC-1", 3, "R1", "R2", 4), ("RC-1", 3, "R2", "R1", 5), ("RC-1", 3, "R3", "R9", 7)]
    columns = ["group", "session", "perceiver", "target", "connection"]
    pd.DataFrame(rows, columns=columns).to_csv(path, index=False)
    args = [path, "--value", "connection", "--session", "session", "--store", "--database", url]
    code, _, err = run(capsys, *args)
    assert code == 2
    assert "grid.csv, row 4: 7 is not on the 1-5 scale" in err
    assert session_ratings(engine).empty
    rows[-1] = ("RC-1", 3, "R3", "R4", None)  # skipped: nothing stored for that pair
    pd.DataFrame(rows, columns=columns).to_csv(path, index=False)
    code, out, _ = run(capsys, *args, "--json")
    assert code == 0 and json.loads(out) == {"file": "grid.csv", "ratings": 2, "sessions": 1}
    stored = session_ratings(engine)
    assert sorted(zip(stored["perceiver"], stored["target"], strict=True)) == [
        ("R1", "R2"),
        ("R2", "R1"),
    ]
    assert get_session(engine, session_id).round_robin is True
    dispose(url)
