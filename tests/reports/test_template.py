"""The data-entry template: opens in openpyxl, restricts item cells, imports back as it is."""

from __future__ import annotations

import openpyxl
import pytest

from ingest import read_responses, validate_responses
from measures import Instrument
from reports.template import TEMPLATE_ID_COLUMNS, VALIDATED_ROWS, write_template

LABELLED = Instrument.model_validate(
    {
        "id": "template-test",
        "name": "Template test questionnaire",
        "version": "1",
        "citation": "synthetic, for tests",
        "license": "synthetic",
        "use": "pre-post",
        "response_scale": {
            "min": 1,
            "max": 3,
            "labels": {"en": ["=Never", "Sometimes", "Often"]},
        },
        "higher_is": "better",
        "items": [
            {"id": "tt_1", "text": {"en": '=HYPERLINK("http://example.org")'}},
            {"id": "tt_2", "text": {"en": "I felt heard."}, "reverse": True},
            {"id": "tt_3"},
        ],
        "scales": [{"id": "total", "name": "Total", "items": ["tt_1", "tt_2", "tt_3"]}],
    }
)
VAS = Instrument.model_validate(
    {
        "id": "template-vas",
        "name": "Visual scale",
        "version": "1",
        "citation": "synthetic",
        "license": "synthetic",
        "use": "per-session",
        "response_scale": {"min": 0, "max": 10, "step": 0.1},
        "higher_is": "better",
        "items": [{"id": "vas_1"}],
        "scales": [{"id": "vas", "name": "VAS", "items": ["vas_1"]}],
    }
)


def validations(sheet) -> dict[str, object]:
    """Data validations by the column letter they cover."""
    found = {}
    for validation in sheet.data_validations.dataValidation:
        for cell_range in validation.sqref.ranges:
            found[cell_range.coord.split(":")[0].rstrip("0123456789")] = validation
    return found


def test_template_sheets_columns_and_validation(tmp_path):
    path = write_template(LABELLED, tmp_path / "entry.xlsx")
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == ["Data", "Instructions", "Data dictionary"]
    data = workbook["Data"]
    header = [c.value for c in data[1]]
    assert header == TEMPLATE_ID_COLUMNS + ["tt_1", "tt_2", "tt_3"]
    assert data.freeze_panes == "C2"
    by_column = validations(data)
    for letter in ("G", "H", "I"):  # the item columns
        rule = by_column[letter]
        assert (rule.type, rule.operator, rule.formula1, rule.formula2) == (
            "whole",
            "between",
            "1",
            "3",
        )
        assert rule.showErrorMessage and rule.errorStyle == "stop" and rule.allow_blank
        assert "whole number from 1 to 3" in rule.error
        assert rule.showInputMessage and "Leave blank if skipped" in rule.prompt
        assert str(rule.sqref) == f"{letter}2:{letter}{VALIDATED_ROWS + 1}"
    assert "I felt heard." in by_column["H"].prompt
    assert by_column["F"].type == "list" and "read aloud" in by_column["F"].formula1


def test_template_instructions_and_dictionary(tmp_path):
    workbook = openpyxl.load_workbook(write_template(LABELLED, tmp_path / "entry.xlsx"))
    instructions = " ".join(str(r[0]) for r in workbook["Instructions"].iter_rows(values_only=True))
    assert "leave the cell empty" in instructions
    assert "Reverse keying is done by Mutuality" in instructions and "tt_2" in instructions
    rows = list(workbook["Data dictionary"].iter_rows(values_only=True))
    assert rows[0] == ("item", "text", "scales", "reverse", "min", "max", "response labels")
    by_item = {r[0]: r for r in rows[1:]}
    # item text starting with = is neutralised: it cannot run as a formula
    assert by_item["tt_1"][1] == '\'=HYPERLINK("http://example.org")'
    assert by_item["tt_2"][3] == "yes" and by_item["tt_1"][3] == "no"
    assert "wording not shipped" in by_item["tt_3"][1]
    assert by_item["tt_1"][6] == "1 = =Never, 2 = Sometimes, 3 = Often"
    for sheet in workbook:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)


def test_continuous_scale_allows_decimals(tmp_path):
    workbook = openpyxl.load_workbook(write_template(VAS, tmp_path / "vas.xlsx"))
    rule = validations(workbook["Data"])["G"]
    assert (rule.type, rule.formula1, rule.formula2) == ("decimal", "0", "10")


def test_filled_template_imports(tmp_path):
    path = write_template(LABELLED, tmp_path / "entry.xlsx")
    workbook = openpyxl.load_workbook(path)
    data = workbook["Data"]
    # the first rows are formatted (text for member codes), so type into row 2 like a user
    for column, value in enumerate(["007", "pre", "A", 1, None, "read aloud", 1, 2, 3], 1):
        data.cell(row=2, column=column).value = value
    workbook.save(path)
    table = read_responses(path, instrument=LABELLED)
    assert table.layout == "wide" and table.row_numbers.tolist() == [2, 2, 2]
    assert table.long["member"].unique().tolist() == ["007"]
    assert validate_responses(table).ok


def test_cli_template(tmp_path, capsys):
    import cli

    instrument = tmp_path / "template-test.yaml"
    instrument.write_text(LABELLED.model_dump_json())
    out = tmp_path / "t.xlsx"
    assert cli.main(["template", "--instrument", str(instrument), "--out", str(out)]) == 0
    assert openpyxl.load_workbook(out).sheetnames[0] == "Data"
    assert (
        cli.main(["template", "--instrument", str(instrument), "--out", str(tmp_path / "t.csv")])
        == 2
    )
    assert "name it" in capsys.readouterr().err


def test_template_needs_a_known_instrument(tmp_path):
    from measures import InstrumentError

    with pytest.raises(InstrumentError):
        write_template("no-such-instrument", tmp_path / "x.xlsx")
