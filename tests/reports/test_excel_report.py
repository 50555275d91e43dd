"""The Excel report: sheets, formatting, native charts, numbers equal to the analyses, and
text that cannot run as a formula.

The numbers in the sheets are compared with the analysis functions called directly on the
same data (those functions are tested against R in tests/analysis); here the question is
whether the report shows exactly what they compute.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from openpyxl.chart import LineChart
from report_data import (
    HOSTILE_GROUP,
    HOSTILE_MEMBER,
    SMALL_GROUP,
    session_answers,
    tiny_instrument,
)

from analysis.change import paired_change
from analysis.groups import group_structure
from analysis.labels import machine_name
from analysis.reliability import reliability_table
from analysis.reliable_change import reliable_change, sample_reliability
from analysis.trend import session_trend
from ingest import read_responses
from measures import keyed_items, score
from reports.content import report_content
from reports.excel import SHEETS, write_excel_report

SAMPLE_DATA = Path(__file__).resolve().parents[2] / "sample_data"
DEMO = SAMPLE_DATA / "demo_relational_connection_wide.xlsx"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def sheet_table(sheet, header_row: int) -> pd.DataFrame:
    """The table whose header is at `header_row`, down to the first empty row.

    The worded headers are read back to the analysis' machine names through the one
    dictionary of column words (`analysis.labels`), so the numbers compare column by column.
    """
    rows = sheet.iter_rows(min_row=header_row, values_only=True)
    header = [None if h is None else machine_name(h) for h in next(rows)]
    width = max(i for i, v in enumerate(header) if v is not None) + 1
    body = []
    for row in rows:
        if all(v is None for v in row[:width]):
            break
        body.append(row[:width])
    return pd.DataFrame(body, columns=header[:width])


def find_row(sheet, first_cell: str) -> int:
    for row in sheet.iter_rows(min_col=1, max_col=1):
        if row[0].value == first_cell:
            return row[0].row
    raise AssertionError(f"no row starting with {first_cell!r} in {sheet.title}")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo program's relational connection file (pre/post, 8 groups) as a report."""
    if not DEMO.exists():
        from sample_data.files import write_program
        from sample_data.generator import generate_program

        folder = tmp_path_factory.mktemp("demo")
        write_program(generate_program(), folder)
        path = folder / DEMO.name
    else:
        path = DEMO
    table = read_responses(path, instrument="relational-connection")
    content = report_content(
        table.wide(), table.instrument, source=path.name, made=dt.date(2026, 9, 1)
    )
    out = write_excel_report(content, tmp_path_factory.mktemp("xlsx") / "report.xlsx")
    return table, content, openpyxl.load_workbook(out)


@pytest.fixture(scope="module")
def sessions_report(tmp_path_factory):
    """Crafted per-session answers with hostile member and group names."""
    folder = tmp_path_factory.mktemp("tiny")
    instrument = tiny_instrument(folder)
    wide = session_answers()
    content = report_content(wide, instrument, source="=cmd|' /C calc'!A0.csv")
    out = write_excel_report(content, folder / "tiny.xlsx")
    return wide, instrument, content, openpyxl.load_workbook(out)


def test_the_workbook_has_every_sheet_in_order(demo):
    _, _, workbook = demo
    assert workbook.sheetnames == list(SHEETS)


def test_tables_have_frozen_bold_filled_headers(demo):
    _, _, workbook = demo
    for name in ("Scored data", "Reliability", "Groups"):
        sheet = workbook[name]
        assert sheet.freeze_panes == "C2", name
        header = sheet["A1"]
        assert header.font.bold and header.fill.fgColor.rgb.endswith("DDE5F0"), name
    assert workbook["Summary"].freeze_panes == "A4"
    assert workbook["Change"].freeze_panes == "B4"
    assert workbook["Member categories"].freeze_panes == "C4"
    assert workbook["Scored data"].column_dimensions["A"].width >= len("member") + 3


def test_number_formats(demo):
    _, _, workbook = demo
    sheet = workbook["Change"]
    header = [machine_name(c.value) for c in sheet[3]]
    values = sheet[4]
    assert values[header.index("p")].number_format == "0.000"
    assert values[header.index("wilcoxon_p")].number_format == "0.000"
    assert values[header.index("mean_pre")].number_format == "0.00"
    assert values[header.index("n_pairs")].number_format == "0"
    reliability = workbook["Reliability"]
    header = [machine_name(c.value) for c in reliability[1]]
    assert reliability.cell(row=2, column=header.index("alpha") + 1).number_format == "0.000"


def test_summary_states_counts_in_words(demo):
    table, content, workbook = demo
    facts = {}
    for label, value in workbook["Summary"].iter_rows(values_only=True):
        facts.setdefault(label, value)  # the first table; the sheet list below reuses names
    wide = table.wide()
    assert facts["Members"] == wide["member"].nunique() == 100
    assert facts["Administrations"] == len(wide)
    assert facts["Groups"] == wide["group"].nunique()
    assert facts["Timepoints"] == 2
    # A date cell, not the text "2026-09-01" (issue 12, item 5).
    assert facts["Report made on"] == dt.datetime(2026, 9, 1)
    assert facts["File"] == DEMO.name
    assert "labelled pre" in facts["Pre and post"]
    key = [row[0] for row in workbook["Summary"].iter_rows(values_only=True)]
    assert any(str(k).startswith("Reliable change (Jacobson-Truax)") for k in key)


def test_change_sheet_equals_paired_change_and_reliable_change(demo):
    table, _, workbook = demo
    wide = table.wide()
    instrument = table.instrument
    scored = score(wide, instrument)
    expected = paired_change(scored, "total", "pre", "post")
    sheet = workbook["Change"]
    change = sheet_table(sheet, 3).set_index("scale")
    row = change.loc["total"]
    assert row["n_pairs"] == expected.n_pairs
    for column in ("mean_pre", "sd_pre", "mean_post", "t", "p", "d_z", "d_av", "wilcoxon_p"):
        assert row[column] == pytest.approx(getattr(expected, column), rel=1e-12), column
    assert row["d_z_ci_low"] == pytest.approx(expected.d_z_ci[0], rel=1e-12)
    # relational-connection has no published reliability: the sample's alpha at pre is used.
    at_pre = wide[wide["timepoint"] == "pre"]
    alpha = sample_reliability(keyed_items(at_pre, instrument, instrument.scale("total").items))
    assert row["reliability"] == pytest.approx(alpha, rel=1e-12)
    methods = sheet_table(sheet, _methods_row(sheet))
    methods = methods.set_index(["scale", "method"])
    for method in ("jt", "gln", "hll", "en", "nk", "ha"):
        counts = reliable_change(
            expected.pairs, method=method, reliability=alpha, higher_is="better"
        ).counts
        shown = methods.loc[("total", method)]
        for category, count in counts.items():
            assert shown[category] == count, (method, category)
    # Two timepoints only: the HLM method says why it has no counts.
    assert "session" in methods.loc[("total", "hlm")]["notes"]


def _methods_row(sheet) -> int:
    title = find_row(sheet, "Reliable change: members in each category, by method")
    return title + 2  # the note, then the table's header


def test_member_categories_are_the_jacobson_truax_categories(demo):
    table, _, workbook = demo
    scored = score(table.wide(), table.instrument)
    pairs = paired_change(scored, "engagement", "pre", "post").pairs
    at_pre = table.wide()[table.wide()["timepoint"] == "pre"]
    items = keyed_items(at_pre, table.instrument, table.instrument.scale("engagement").items)
    expected = reliable_change(
        pairs, method="jt", reliability=sample_reliability(items), higher_is="better"
    ).members.set_index("member")
    shown = sheet_table(workbook["Member categories"], 3)
    shown = shown[shown["scale"] == "engagement"].set_index("member")
    assert len(shown) == len(expected) == len(pairs)
    assert (shown["category"] == expected.loc[shown.index, "category"]).all()
    assert shown["rci"].to_numpy() == pytest.approx(expected.loc[shown.index, "rci"].to_numpy())


def test_reliability_sheet_equals_reliability_table(demo):
    table, _, workbook = demo
    expected = reliability_table(table.wide(), table.instrument)
    shown = sheet_table(workbook["Reliability"], 1).set_index(["scale", "timepoint"])
    assert len(shown) == len(expected) == 10  # five scales at pre and post
    for result in expected:
        row = shown.loc[(result.scale, result.timepoint)]
        assert row["n"] == result.n
        assert row["alpha"] == pytest.approx(result.alpha, rel=1e-12)
        assert row["omega_total"] == pytest.approx(result.omega_total, rel=1e-12)


def test_groups_sheet_equals_group_structure(demo):
    table, _, workbook = demo
    scored = score(table.wide(), table.instrument)
    expected = group_structure(scored[scored["timepoint"] == "post"], "total")
    shown = sheet_table(workbook["Groups"], 1).set_index(["scale", "timepoint"])
    row = shown.loc[("total", "post")]
    assert row["n_groups"] == expected.n_groups == 8
    assert row["icc1_reml"] == pytest.approx(expected.icc1_reml, rel=1e-12)
    assert row["icc2"] == pytest.approx(expected.icc2, rel=1e-12)


def test_session_trends_say_why_when_there_are_no_sessions(demo):
    _, _, workbook = demo
    text = workbook["Session trends"]["A1"].value
    assert text.startswith("Not computed") and "session number" in text


def test_session_trends_sheet_has_means_slope_and_native_line_charts(sessions_report):
    wide, instrument, _, workbook = sessions_report
    sheet = workbook["Session trends"]
    charts = sheet._charts
    assert len(charts) == 2 and all(isinstance(c, LineChart) for c in charts)
    expected = session_trend(score(wide, instrument), "total")
    model = sheet_table(sheet, 2).set_index("scale").loc["total"]
    assert model["slope"] == pytest.approx(expected.slope, rel=1e-10)
    assert model["slope_p"] == pytest.approx(expected.slope_p, rel=1e-8)
    header = [machine_name(c.value) for c in sheet[2]]
    assert sheet.cell(row=3, column=header.index("slope_p") + 1).number_format == "0.000"
    means = sheet_table(sheet, find_row(sheet, "Mean per session with 95% CI") + 1)
    assert means["session"].tolist() == [1, 2, 3, 4]
    assert means["mean"].to_numpy() == pytest.approx(expected.sessions["mean"].to_numpy())
    assert means["ci_low"].to_numpy() == pytest.approx(expected.sessions["ci_low"].to_numpy())


def test_no_cell_in_any_sheet_can_run_as_a_formula(sessions_report):
    _, _, _, workbook = sessions_report
    seen = set()
    for sheet in workbook:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(FORMULA_STARTS), (sheet.title, cell.value)
                    seen.add(cell.value)
    # The hostile names are there, neutralised (so nothing was silently dropped).
    for text in (HOSTILE_MEMBER, HOSTILE_GROUP, SMALL_GROUP, "-Program"):
        assert "'" + text in seen, text
    facts = {r[0]: r[1] for r in workbook["Summary"].iter_rows(values_only=True) if r[0]}
    assert facts["File"] == "'=cmd|' /C calc'!A0.csv"
    member_codes = sheet_table(workbook["Member categories"], 3)["member"]
    assert "'" + HOSTILE_MEMBER in set(member_codes)


def test_sections_that_cannot_be_computed_say_why(tmp_path):
    instrument = tiny_instrument(tmp_path)
    wide = session_answers(big=6, small=0, sessions=1)  # one timepoint, one group
    content = report_content(wide, instrument)
    workbook = openpyxl.load_workbook(write_excel_report(content, tmp_path / "one.xlsx"))
    assert "single timepoint" in workbook["Change"]["A1"].value
    assert workbook["Member categories"]["A1"].value.startswith("Not computed")
    assert "group" in workbook["Groups"]["A1"].value and "two or more" in (
        workbook["Groups"]["A1"].value
    )
    assert "one session" in workbook["Session trends"]["A1"].value
    # The scored data is still all there.
    assert len(sheet_table(workbook["Scored data"], 1)) == 6


def test_pre_and_post_follow_the_shared_rule_and_the_workbook_says_it(tmp_path):
    instrument = tiny_instrument(tmp_path)
    wide = session_answers(sessions=4)
    # Three members have just answered a new session 5: 12 members reached sessions 1-4.
    late = wide[wide["timepoint"] == "session-4"].head(3).assign(timepoint="session-5")
    content = report_content(pd.concat([wide, late], ignore_index=True), instrument)
    assert (content.pre, content.post) == ("session-1", "session-4")
    assert content.change[0].change.n_pairs == 12
    workbook = openpyxl.load_workbook(write_excel_report(content, tmp_path / "late.xlsx"))
    assert "session-5 (3 members)" in workbook["Change"]["A1"].value


def test_an_xlsx_name_is_required(tmp_path, sessions_report):
    content = sessions_report[2]
    with pytest.raises(ValueError, match=r"\.xlsx"):
        write_excel_report(content, tmp_path / "report.csv")


# A workbook fit to publish (an evaluator's, from the app) -----------------------------------


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """The crafted per-session answers (9 members in '+1', 3 in '@small'), fit to publish."""
    from privacy.suppression import Suppressor

    folder = tmp_path_factory.mktemp("published")
    content = report_content(
        session_answers(), tiny_instrument(folder), source="tiny.csv", made=dt.date(2026, 9, 1)
    )
    path = write_excel_report(content, folder / "published.xlsx", Suppressor())
    return content, openpyxl.load_workbook(path)


HIDDEN = "fewer than 5: not shown"


def cells(workbook, sheet_name):
    return [v for row in workbook[sheet_name].iter_rows(values_only=True) for v in row]


def test_a_published_workbook_has_no_member_level_sheet(published):
    content, workbook = published
    assert "Scored data" not in workbook.sheetnames
    assert "Member categories" not in workbook.sheetnames
    assert workbook.sheetnames == ["Summary", "Reliability", "Change", "Groups", "Session trends"]
    members = set(content.scored["member"])
    everything = {v for name in workbook.sheetnames for v in cells(workbook, name)}
    assert not members & everything


def test_a_published_workbook_hides_small_groups_and_their_complement(published):
    _, workbook = published
    sheet = workbook["Groups"]
    means = sheet_table(sheet, find_row(sheet, "Group means (95% CI)") + 1)
    # '@small' has 3 members; alone it would be the published total minus '+1', so '+1'
    # is hidden with it (each scale, each timepoint).
    # (Group names are written formula-safe: "'@small", "'+1".)
    groups = means["group"].str.lstrip("'")
    assert set(means.loc[groups == SMALL_GROUP, "n"]) == {HIDDEN}
    assert set(means.loc[groups == HOSTILE_GROUP, "n"]) == {"not shown"}  # 9 members
    assert means["mean"].isna().all() and means["ci_low"].isna().all()


def test_published_reliable_change_counts_cannot_be_worked_out(published):
    content, workbook = published
    assert content.change[0].methods["jt"].counts == {
        "improved": 9,
        "unchanged": 3,
        "deteriorated": 0,
    }
    sheet = workbook["Change"]
    methods = sheet_table(sheet, _method_header(sheet))
    jt = methods[methods["method"] == "jt"].iloc[0]
    assert jt["improved"] == 9
    assert jt["unchanged"] == HIDDEN and jt["deteriorated"] == "not shown"
    summary = cells(workbook, "Summary")
    key = f"improved 9, unchanged {HIDDEN}, deteriorated not shown"
    assert f"Reliable change (Jacobson-Truax): {key}." in summary
    said = summary[summary.index("Small cells") + 1]
    assert said.startswith("Small-cell suppression applied:")
    assert f"(marked \u201c{HIDDEN}\u201d)" in said and "(marked \u201cnot shown\u201d)" in said
    assert said.endswith("Member-level sheets are left out.")


def _method_header(sheet) -> int:
    for row in sheet.iter_rows():
        values = [c.value for c in row]
        if "Method name" in values:
            return row[0].row
    raise AssertionError("no reliable change table")


def test_staff_workbook_keeps_every_sheet_and_count(tmp_path):
    content = report_content(
        session_answers(), tiny_instrument(tmp_path), source="tiny.csv", made=dt.date(2026, 9, 1)
    )
    workbook = openpyxl.load_workbook(write_excel_report(content, tmp_path / "staff.xlsx"))
    assert workbook.sheetnames[: len(SHEETS)] == list(SHEETS)
    assert HIDDEN not in {v for name in workbook.sheetnames for v in cells(workbook, name)}
