"""Reading response files: formats, layouts, headers, missing tokens, labels, dates, limits."""

from __future__ import annotations

import io
from datetime import date, datetime

import pandas as pd
import pytest
from ingest_files import INSTRUMENT, WIDE_HEADER, write_csv, write_xlsx, xlsx_bytes

from ingest import InputError, read_responses, read_table
from ingest.reader import excel_serial_to_date, parse_dates

ROWS = [
    WIDE_HEADER,
    ["m01", "pre", 0, 1, 2, 3],
    ["m01", "post", 1, 1, None, 2],
    ["m02", "pre", 3, 3, 3, 3],
]


def answers(table) -> list[tuple]:
    """(member, timepoint, item, value) sorted, values as floats or None."""
    frame = table.long[["member", "timepoint", "item", "value"]]
    return sorted(frame.itertuples(index=False, name=None), key=lambda r: r[:3])


def test_csv_xlsx_ods_and_uploads_read_alike(tmp_path):
    csv_path = write_csv(tmp_path / "a.csv", ROWS)
    xlsx_path = write_xlsx(tmp_path / "a.xlsx", ROWS)
    tables = [
        read_responses(csv_path, instrument=INSTRUMENT),
        read_responses(xlsx_path, instrument=INSTRUMENT),
        read_responses(io.BytesIO(csv_path.read_bytes()), instrument=INSTRUMENT),
        read_responses(xlsx_bytes(ROWS), instrument=INSTRUMENT),  # no name: sniffed as xlsx
    ]
    pytest.importorskip("odf", reason="odfpy writes the ods file (requirements-dev.txt)")
    ods_path = tmp_path / "a.ods"
    pd.DataFrame(ROWS[1:], columns=ROWS[0]).to_excel(ods_path, engine="odf", index=False)
    tables.append(read_responses(ods_path, instrument=INSTRUMENT))
    expected = answers(tables[0])
    assert ("m01", "post", "it_3", None) in expected
    assert ("m02", "pre", "it_4", 3.0) in expected
    for table in tables[1:]:
        assert answers(table) == expected
        assert table.layout == "wide"
        assert table.row_numbers.tolist() == tables[0].row_numbers.tolist()


def test_long_and_wide_are_detected(tmp_path):
    long_rows = [["Member", "TIMEPOINT", "item", "value"], ["m01", "pre", "IT_1", 2]]
    table = read_responses(write_csv(tmp_path / "l.csv", long_rows), instrument=INSTRUMENT)
    assert table.layout == "long"
    assert answers(table) == [("m01", "pre", "it_1", 2.0)]
    wide = read_responses(write_csv(tmp_path / "w.csv", ROWS), instrument=INSTRUMENT)
    assert wide.layout == "wide"


def test_headers_match_ignoring_case_and_spaces(tmp_path):
    rows = [["  MEMBER ", "Timepoint  ", " It_1", "IT_2 "], ["m01", "pre", 1, 2]]
    table = read_responses(write_xlsx(tmp_path / "h.xlsx", rows), instrument=INSTRUMENT)
    assert answers(table) == [("m01", "pre", "it_1", 1.0), ("m01", "pre", "it_2", 2.0)]
    assert table.columns["member"] == "MEMBER"  # messages cite the header as written


@pytest.mark.parametrize("token", ["NA", "n/a", "N/A", "-", ".", "", "  ", " na "])
def test_missing_tokens_read_as_missing(tmp_path, token):
    rows = [WIDE_HEADER, ["m01", "pre", token, 1, 1, 1]]
    for path in (write_csv(tmp_path / "m.csv", rows), write_xlsx(tmp_path / "m.xlsx", rows)):
        table = read_responses(path, instrument=INSTRUMENT)
        value = table.long.set_index("item").at["it_1", "value"]
        assert value is None, path


def test_spreadsheet_numbers_become_labels(tmp_path):
    rows = [["member", "timepoint", "session", "group", "it_1"], [7.0, 1.0, 3.0, 12, 2]]
    table = read_responses(write_xlsx(tmp_path / "n.xlsx", rows), instrument=INSTRUMENT)
    row = table.long.iloc[0]
    assert (row["member"], row["timepoint"], row["session"], row["group"]) == ("7", "1", "3", "12")
    csv_rows = [["member", "timepoint", "it_1"], ["7.0", "1", "2"]]
    table = read_responses(write_csv(tmp_path / "n.csv", csv_rows), instrument=INSTRUMENT)
    assert (table.long.at[0, "member"], table.long.at[0, "timepoint"]) == ("7", "1")


def test_excel_dates_serials_and_strings_become_iso_dates(tmp_path):
    rows = [
        ["member", "timepoint", "date", "it_1"],
        ["a", "pre", datetime(2024, 3, 5, 0, 0), 1],  # a date cell
        ["b", "pre", date(2024, 3, 6), 1],
        ["c", "pre", 45000, 1],  # serial number: Excel shows 2023-03-15
        ["d", "pre", "2024-03-07", 1],
        ["e", "pre", "25/12/2023", 1],  # 25 > 12: the column is day/month/year
        ["f", "pre", "01/02/2024", 1],  # so this is 1 February
        ["g", "pre", "5 March 2024", 1],
        ["h", "pre", "2024-02-30", 1],  # not a date: kept as written for the report
    ]
    table = read_responses(write_xlsx(tmp_path / "d.xlsx", rows), instrument=INSTRUMENT)
    dates = dict(zip(table.long["member"], table.long["date"], strict=True))
    assert dates == {
        "a": "2024-03-05",
        "b": "2024-03-06",
        "c": "2023-03-15",
        "d": "2024-03-07",
        "e": "2023-12-25",
        "f": "2024-02-01",
        "g": "2024-03-05",
        "h": "2024-02-30",
    }


def test_excel_serial_epoch():
    # Excel (1900 system): serial 1 = 1900-01-01, 60 = the phantom 1900-02-29, 61 = 1900-03-01,
    # 45000 = 2023-03-15 (=TEXT(45000,"yyyy-mm-dd") in Excel / LibreOffice).
    assert excel_serial_to_date(61) == date(1900, 3, 1)
    assert excel_serial_to_date(45000) == date(2023, 3, 15)
    assert excel_serial_to_date(45000.75) == date(2023, 3, 15)
    assert excel_serial_to_date(-3) is None


def test_ambiguous_dates_are_read_day_first_with_a_note():
    values = pd.Series(["03/04/2024", "05/06/2024", None], dtype=object)
    parsed, notes = parse_dates(values)
    assert parsed.tolist() == ["2024-04-03", "2024-06-05", None]
    assert notes and "day/month/year" in notes[0]
    month_first, notes = parse_dates(pd.Series(["03/04/2024", "12/31/2024"], dtype=object))
    assert month_first.tolist() == ["2024-03-04", "2024-12-31"]
    assert notes == []
    chosen, _ = parse_dates(pd.Series(["03/04/2024"], dtype=object), dayfirst=False)
    assert chosen.tolist() == ["2024-03-04"]


def test_row_numbers_are_as_the_spreadsheet_shows_them(tmp_path):
    rows = [
        [],  # empty first row: the header is on row 2
        ["member", "timepoint", "item", "value"],
        ["m01", "pre", "it_1", 1],
        [],  # blank row 4 is skipped but keeps the numbering
        ["m01", "pre", "it_2", 2],
    ]
    table = read_responses(write_xlsx(tmp_path / "r.xlsx", rows), instrument=INSTRUMENT)
    assert table.row_numbers.tolist() == [3, 5]
    csv_rows = [WIDE_HEADER, ["m01", "pre", 1, 1, 1, 1], [], ["m02", "pre", 1, 1, 1, 1]]
    table = read_responses(write_csv(tmp_path / "r.csv", csv_rows), instrument=INSTRUMENT)
    by_member = dict(zip(table.long["member"], table.row_numbers, strict=True))
    assert by_member == {"m01": 2, "m02": 4}
    frame = read_table(write_csv(tmp_path / "t.csv", csv_rows))
    assert frame.index.tolist() == [2, 4]


def test_first_sheet_unless_one_is_named(tmp_path):
    other = [WIDE_HEADER, ["x9", "post", 2, 2, 2, 2]]
    path = write_xlsx(tmp_path / "s.xlsx", ROWS, title="Data", extra={"Later": other})
    assert read_responses(path, instrument=INSTRUMENT).long["member"].iloc[0] == "m01"
    named = read_responses(path, instrument=INSTRUMENT, sheet=" later")
    assert named.long["member"].unique().tolist() == ["x9"]
    with pytest.raises(InputError, match=r"s\.xlsx: no sheet named 'Results'.*'Data', 'Later'"):
        read_responses(path, instrument=INSTRUMENT, sheet="Results")


def test_semicolon_csv_and_windows_encoding(tmp_path):
    rows = [["member", "timepoint", "it_1"], ["Zoë", "pré", "2"]]
    path = write_csv(tmp_path / "e.csv", rows, delimiter=";", encoding="cp1252")
    table = read_responses(path, instrument=INSTRUMENT)
    assert answers(table) == [("Zoë", "pré", "it_1", 2.0)]


def test_instrument_found_from_item_columns(tmp_path):
    pytest.importorskip("yaml")
    from measures import builtin_instruments

    if "phq9" not in {i.id for i in builtin_instruments()}:
        pytest.skip("the built-in phq9 definition is not in the library")
    rows = [["member", "timepoint", "PHQ9_1", "phq9_2"], ["m1", "pre", 1, 2]]
    table = read_responses(write_csv(tmp_path / "p.csv", rows))
    assert table.instrument.id == "phq9"


def test_text_and_formula_cells_are_kept_for_the_report(tmp_path):
    rows = [WIDE_HEADER, ["m01", "pre", "two", "=1+1", 1, True]]
    table = read_responses(write_xlsx(tmp_path / "f.xlsx", rows), instrument=INSTRUMENT)
    values = dict(zip(table.long["item"], table.long["value"], strict=True))
    assert values["it_1"] == "two"
    # openpyxl stores no cached result for a formula, so the cell reads as blank
    assert values["it_2"] is None
    assert values["it_4"] is True


# Files that cannot be read ------------------------------------------------------------


def test_missing_member_column_names_the_file_and_columns(tmp_path):
    path = write_csv(tmp_path / "nomember.csv", [["who", "timepoint", "it_1"], ["a", "pre", 1]])
    with pytest.raises(InputError) as caught:
        read_responses(path, instrument=INSTRUMENT)
    message = str(caught.value)
    assert "nomember.csv" in message and "member" in message and "'who'" in message
    assert "mapping" in message


def test_empty_and_header_only_files(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(InputError, match=r"empty\.csv: the file is empty"):
        read_responses(empty, instrument=INSTRUMENT)
    header_only = write_xlsx(tmp_path / "header.xlsx", [WIDE_HEADER])
    with pytest.raises(InputError, match=r"header\.xlsx: the file has a header row but no data"):
        read_responses(header_only, instrument=INSTRUMENT)
    blank_sheet = write_xlsx(tmp_path / "blank.xlsx", [])
    with pytest.raises(InputError, match=r"blank\.xlsx: the sheet is empty"):
        read_responses(blank_sheet, instrument=INSTRUMENT)


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match=r"nowhere\.xlsx: no such file"):
        read_responses(tmp_path / "nowhere.xlsx", instrument=INSTRUMENT)


def test_corrupt_workbook_names_the_file(tmp_path):
    good = write_xlsx(tmp_path / "good.xlsx", ROWS).read_bytes()
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(good[: len(good) // 2])  # a truncated download
    with pytest.raises(InputError, match=r"broken\.xlsx: cannot be read as a spreadsheet"):
        read_responses(broken, instrument=INSTRUMENT)
    binary = tmp_path / "noise.xlsx"
    binary.write_bytes(bytes(range(256)) * 8)
    with pytest.raises(InputError, match=r"noise\.xlsx"):
        read_responses(binary, instrument=INSTRUMENT)


def test_password_protected_workbook(tmp_path):
    msoffcrypto = pytest.importorskip("msoffcrypto", reason="msoffcrypto-tool encrypts the file")
    ooxml = pytest.importorskip("msoffcrypto.format.ooxml")

    plain = xlsx_bytes(ROWS)
    locked = tmp_path / "locked.xlsx"
    with open(locked, "wb") as handle:
        ooxml.OOXMLFile(plain).encrypt("s3cret", handle)
    with open(locked, "rb") as handle:
        assert msoffcrypto.OfficeFile(handle).is_encrypted()
    with pytest.raises(InputError) as caught:
        read_responses(locked, instrument=INSTRUMENT)
    assert "locked.xlsx" in str(caught.value)
    assert "password" in str(caught.value)


def test_size_limits(tmp_path):
    path = write_csv(tmp_path / "big.csv", ROWS)
    with pytest.raises(InputError, match=r"big\.csv: the file is .* MB; the limit is"):
        read_responses(path, instrument=INSTRUMENT, max_bytes=20)
    with pytest.raises(InputError, match=r"big\.csv: has 3 rows; the limit is 2"):
        read_responses(path, instrument=INSTRUMENT, max_rows=2)
    xlsx = write_xlsx(tmp_path / "big.xlsx", ROWS)
    with pytest.raises(InputError, match=r"big\.xlsx: has 3 rows; the limit is 2"):
        read_responses(xlsx, instrument=INSTRUMENT, max_rows=2)
    with pytest.raises(InputError, match=r"upload\.csv: the file is larger than the limit"):
        read_responses(
            io.BytesIO(path.read_bytes()),
            filename="upload.csv",
            instrument=INSTRUMENT,
            max_bytes=20,
        )
    assert len(read_responses(path, instrument=INSTRUMENT, max_rows=3).wide()) == 3


def test_duplicate_headers(tmp_path):
    path = write_csv(tmp_path / "dup.csv", [["member", "Member ", "timepoint"], ["a", "b", "c"]])
    with pytest.raises(InputError, match=r"dup\.csv: columns A and B are both named 'Member'"):
        read_table(path)


def test_unknown_instrument_in_the_instrument_column(tmp_path):
    rows = [["member", "timepoint", "instrument", "item", "value"], ["a", "pre", "nope", "x", 1]]
    with pytest.raises(InputError, match=r"i\.csv, row 2, column instrument: 'nope'"):
        read_responses(write_csv(tmp_path / "i.csv", rows))
