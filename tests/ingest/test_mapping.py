"""Mapping files: the user's column names -> ours, in YAML or csv, in the library and the CLI."""

from __future__ import annotations

import pytest
from ingest_files import INSTRUMENT, write_csv, write_xlsx

from ingest import InputError, MappingError, read_mapping, read_responses, validate_responses

THEIR_ROWS = [["ID", "Wave", "Q1", "Q2", "Q3", "Q4"], [101, "Pre", 1, 2, 3, 9]]


def test_yaml_mapping(tmp_path):
    mapping = tmp_path / "columns.yaml"
    mapping.write_text("ID: member\nwave: Timepoint\nQ1: it_1\nQ2: it_2\nQ3: it_3\nQ4: it_4\n")
    table = read_responses(
        write_xlsx(tmp_path / "theirs.xlsx", THEIR_ROWS), instrument=INSTRUMENT, mapping=mapping
    )
    assert table.long["member"].unique().tolist() == ["101"]
    assert table.long.set_index("item").at["it_3", "value"] == 3.0
    problem = validate_responses(table).errors[0]
    # the message cites the user's own header and column letter
    assert (problem.row, problem.column, problem.letter, problem.value) == (2, "Q4", "F", 9.0)


def test_csv_mapping_with_and_without_header(tmp_path):
    with_header = write_csv(
        tmp_path / "m1.csv",
        [["their column", "our column"], ["ID", "member"], ["Wave", "timepoint"]],
    )
    without = write_csv(tmp_path / "m2.csv", [["ID", "member"], ["Wave", "timepoint"]])
    assert (
        read_mapping(with_header)
        == read_mapping(without)
        == {
            "id": "member",
            "wave": "timepoint",
        }
    )


def test_bad_mappings(tmp_path):
    with pytest.raises(MappingError, match="more than one column is mapped to member"):
        read_mapping({"ID": "member", "Code": "member"})
    with pytest.raises(MappingError, match=r"nowhere\.yaml: no such mapping file"):
        read_mapping(tmp_path / "nowhere.yaml")
    listed = tmp_path / "list.yaml"
    listed.write_text("- ID\n- member\n")
    with pytest.raises(MappingError, match="`their column: our column`"):
        read_mapping(listed)
    rows = [["ID", "member", "timepoint", "it_1"], [1, 2, "pre", 1]]
    with pytest.raises(InputError, match="already has a column of that name"):
        read_responses(
            write_csv(tmp_path / "c.csv", rows), instrument=INSTRUMENT, mapping={"ID": "member"}
        )


def test_cli_score_with_mapping(tmp_path, capsys):
    import cli

    rows = [THEIR_ROWS[0], [101, "Pre", 1, 2, 3, 0], [102, "Pre", 0, 0, 0, 0]]
    data = write_xlsx(tmp_path / "theirs.xlsx", rows)
    mapping = write_csv(
        tmp_path / "map.csv",
        [["ID", "member"], ["Wave", "timepoint"]] + [[f"Q{i}", f"it_{i}"] for i in range(1, 5)],
    )
    instrument = tmp_path / "ingest-test.yaml"
    instrument.write_text(INSTRUMENT.model_dump_json())  # JSON is YAML
    out = tmp_path / "scored.csv"
    code = cli.main(
        [
            "score",
            str(data),
            "--instrument",
            str(instrument),
            "--mapping",
            str(mapping),
            "--out",
            str(out),
        ]
    )
    assert code == 0, capsys.readouterr().err
    scored = out.read_text().splitlines()
    assert scored[0].startswith("member,timepoint,total,first")
    # 101: 1 + (3 - 2) + 3 + 0 = 5; 102: 0 + 3 + 0 + 0 = 3 (it_2 reverse-keyed: 0 + 3 - x)
    assert scored[1].startswith("101,Pre,5.0,") and scored[2].startswith("102,Pre,3.0,")
    bad = write_xlsx(tmp_path / "bad.xlsx", [THEIR_ROWS[0], [101, "Pre", 1, 2, 3, 9]])
    code = cli.main(["score", str(bad), "--instrument", str(instrument), "--mapping", str(mapping)])
    err = capsys.readouterr().err
    assert code == 2
    assert "bad.xlsx" in err and "row 2, column F 'Q4': 9 is outside" in err
    assert "Traceback" not in err
