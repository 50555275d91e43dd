"""The Excel report: every result of one response file, in sheets an evaluator can filter.

Sheets: Summary, Scored data, Reliability, Change, Member categories, Groups, Session
trends. Each table has a bold, filled header, frozen panes, column widths and number formats
(2 decimals; 3 for coefficients, slopes and p values). The Session trends sheet carries
native Excel line charts of the session means. A section that cannot be computed says why in
its sheet. Every text cell passes through ``privacy.safety`` (text starting with ``=``, ``+``,
``-``, ``@``, tab or carriage return cannot run as a formula), because member codes, group
names and file names come from users' spreadsheets.

Two kinds of workbook, from the same content:

- For staff who may see member codes (``build_workbook(content)``): every sheet, nothing
  suppressed: they hold the member-level data anyway.
- Fit to publish (``build_workbook(content, Suppressor())``), for a user who may not see
  member codes (an evaluator in the app): no member-level sheets (Scored data, Member
  categories), and every aggregate cell resting on fewer than 5 members hidden as in the
  PDF (privacy.suppression), with the count of hidden cells on the Summary sheet. An
  evaluator's member-level data comes only through the de-identified export.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.chart import LineChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from analysis.labels import column_word, with_item_wording
from analysis.reliability import reliability_frames
from measures import Instrument
from privacy.safety import neutralise_text
from privacy.suppression import Suppressor
from reports.content import METHOD_NAMES, ReportContent, key_results, published_rule

#: The extra sheet that holds the 42 CFR Part 2 notice (as in privacy.exports).
NOTICE_SHEET = "42 CFR Part 2 notice"
SHEETS = (
    "Summary",
    "Scored data",
    "Reliability",
    "Change",
    "Member categories",
    "Groups",
    "Session trends",
)
#: The sheets of a workbook fit to publish: no member-level data.
PUBLISHED_SHEETS = tuple(s for s in SHEETS if s not in ("Scored data", "Member categories"))
SHEET_DESCRIPTIONS = {
    "Scored data": "one row per administration, with every scale score",
    "Reliability": "alpha, omega and item statistics per scale and timepoint",
    "Change": "paired change and every reliable change method's counts",
    "Member categories": "Jacobson-Truax category of each member on each scale",
    "Groups": "how alike members of a group are (ICC) and group means",
    "Session trends": "mean per session with 95% CI, and the mixed-model slope",
}

#: The sheet of a report of stored answers that compares members by how their
#: disconnections ended (after the SHEETS, before the notice).
REPAIR_SHEET = "Repair"
#: The sheet of outcomes by a chosen grouping (a report of stored answers, when asked for).
CONTEXT_SHEET = "Context"

HEADER_FILL = PatternFill("solid", fgColor="DDE5F0")
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
NOTE = Font(italic=True, color="7F4F00")
#: Number formats.
TWO = "0.00"
THREE = "0.000"
WHOLE = "0"
#: Columns shown with three decimals: coefficients, slopes, p values.
_THREE_DECIMAL_WORDS = ("alpha", "omega", "lambda", "icc", "_r", "r_", "slope", "reliab", "rci")
_P_COLUMNS = {"p", "wilcoxon_p", "slope_p"}
MAX_WIDTH = 60
#: Date cells: a day, or a day and a time.
DATE = "yyyy-mm-dd"
DATE_TIME = "yyyy-mm-dd hh:mm"
#: Columns that hold dates, written as Excel dates (not text) whatever their type.
DATE_COLUMNS = {"date", "at"}


def date_cell(value: object) -> tuple[object, str | None]:
    """A date or date-time as an Excel date cell's value and number format.

    Text in ISO form (``2026-05-15``, ``2026-05-15 14:30``) is read as a date; a time of
    midnight is a day (``yyyy-mm-dd``), another time a day and time (``yyyy-mm-dd hh:mm``).
    Anything else is returned as it is, with no format: a typed "May 15?" stays readable.
    Times with a time zone are written in UTC, as Excel has no time zones.
    """
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return None, None
    moment = value
    if isinstance(value, str):
        try:
            moment = pd.Timestamp(dt.datetime.fromisoformat(value.strip()))
        except ValueError:
            return value, None
    if isinstance(moment, dt.date) and not isinstance(moment, dt.datetime):
        return moment, DATE
    if isinstance(moment, dt.datetime):  # pandas Timestamps too
        moment = pd.Timestamp(moment)
        if moment.tzinfo is not None:
            moment = moment.tz_convert("UTC").tz_localize(None)
        moment = moment.to_pydatetime()
        if moment.time() == dt.time(0):
            return moment.date(), DATE
        return moment.replace(microsecond=0), DATE_TIME
    return value, None


def _is_dates(column: str, series: pd.Series) -> bool:
    return str(column) in DATE_COLUMNS or pd.api.types.is_datetime64_any_dtype(series)


def cell_value(value: object) -> object:
    """A value openpyxl can write safely: no formulas, no NaN, plain Python numbers."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, list | tuple):
        value = "; ".join(str(v) for v in value)
    if isinstance(value, str):
        return neutralise_text(value)
    if isinstance(value, int | float | bool):
        return value
    if isinstance(value, dt.date):  # an Excel date (datetime is a date too)
        return date_cell(value)[0]
    return neutralise_text(str(value))


def number_format(column: str, series: pd.Series) -> str | None:
    """The number format of a column, from its name and values (None for text)."""
    if not pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
        return None
    name = str(column).lower()
    if name in _P_COLUMNS or name.endswith("_p"):
        return THREE
    if pd.api.types.is_integer_dtype(series) or name in ("n", "k", "df_between", "df_within"):
        return WHOLE
    if name.startswith("n_") or name.endswith("_answered"):
        return WHOLE
    if any(word in name for word in _THREE_DECIMAL_WORDS):
        return THREE
    return TWO


def _header(sheet: Worksheet, row: int, names: list[str]) -> None:
    for position, name in enumerate(names, start=1):
        cell = sheet.cell(row=row, column=position, value=cell_value(name))
        cell.font = BOLD
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(vertical="top", wrap_text=False)


def write_table(
    sheet: Worksheet,
    frame: pd.DataFrame,
    start_row: int = 1,
    instrument: Instrument | None = None,
) -> int:
    """Write `frame` with a formatted header at `start_row`; return the next free row.

    The header says each column in words (`analysis.labels.column_word`, the pages' words;
    with `instrument`, scale ids are scale names); number formats are chosen from the
    machine names. Date columns are Excel dates with a date format, not text.
    """
    _header(sheet, start_row, [column_word(c, instrument) for c in frame.columns])
    formats = [number_format(c, frame[c]) for c in frame.columns]
    dates = [_is_dates(c, frame[c]) for c in frame.columns]
    for offset, values in enumerate(frame.itertuples(index=False, name=None), start=1):
        for position, (value, fmt, is_date) in enumerate(
            zip(values, formats, dates, strict=True), start=1
        ):
            if is_date:
                value, fmt = date_cell(value)
            cell = sheet.cell(row=start_row + offset, column=position, value=cell_value(value))
            if fmt is not None:
                cell.number_format = fmt
    _widen(sheet, frame, instrument)
    return start_row + len(frame) + 2


def _widen(sheet: Worksheet, frame: pd.DataFrame, instrument: Instrument | None = None) -> None:
    for position, column in enumerate(frame.columns, start=1):
        letter = get_column_letter(position)
        texts = [len(column_word(column, instrument))]
        for value in frame[column].head(500):
            if isinstance(value, float):
                texts.append(8)
            elif value is not None and value is not pd.NA:
                texts.append(len(str(value)))
        width = min(MAX_WIDTH, max(texts) + 3)
        current = sheet.column_dimensions[letter].width or 0
        sheet.column_dimensions[letter].width = max(width, current, 8)


def note(sheet: Worksheet, row: int, text: str, column: int = 1) -> int:
    """Write a plain-word note (why a section is missing) and return the next row."""
    cell = sheet.cell(row=row, column=column, value=cell_value(text))
    cell.font = NOTE
    return row + 1


def title(sheet: Worksheet, row: int, text: str) -> int:
    """Write a section title and return the next row."""
    sheet.cell(row=row, column=1, value=cell_value(text)).font = TITLE
    return row + 1


# Sheets --------------------------------------------------------------------------------


def _summary(
    sheet: Worksheet,
    content: ReportContent,
    suppressor: Suppressor | None,
    sheets: tuple[str, ...],
) -> None:
    instrument = content.instrument
    row = title(sheet, 1, f"Mutuality report: {instrument.name}")
    facts = [
        ("Program(s)", ", ".join(content.programs) or "(no program column)"),
        ("File", content.source or "(not named)"),
        ("Instrument", f"{instrument.name} ({instrument.id}, version {instrument.version})"),
        ("Higher scores are", instrument.higher_is),
        ("Members", _members(content.n_members, suppressor)),
        ("Administrations", content.n_administrations),
        ("Groups", content.n_groups),
        ("Timepoints", len(content.timepoints)),
        ("Timepoints in order", ", ".join(content.timepoints)),
        ("Pre and post", _rule(content, suppressor)),
        ("Report made on", content.made),
    ]
    if suppressor is not None:
        facts.append(("Small cells", _suppression_words(suppressor)))
    _header(sheet, row + 1, ["", ""])
    sheet.cell(row=row + 1, column=1, value="What")
    sheet.cell(row=row + 1, column=2, value="Value")
    row += 2
    for label, value in facts:
        sheet.cell(row=row, column=1, value=cell_value(label)).font = BOLD
        cell = sheet.cell(row=row, column=2, value=cell_value(value))
        cell.alignment = Alignment(horizontal="left", wrap_text=True)
        if isinstance(value, dt.date):
            cell.number_format = date_cell(value)[1]
        row += 1
    row = title(sheet, row + 1, "Key results")
    for line in key_results(content, suppressor):
        cell = sheet.cell(row=row, column=1, value=cell_value(line))
        cell.alignment = Alignment(wrap_text=False)
        row += 1
    problems = [
        content.reliability_problem,
        content.groups_problem,
        content.trends_problem,
    ]
    if any(problems):
        row = title(sheet, row + 1, "Not computed")
        for problem in problems:
            if problem:
                row = note(sheet, row, problem)
    row = title(sheet, row + 1, "Sheets")
    for name in sheets[1:]:
        description = SHEET_DESCRIPTIONS[name]
        sheet.cell(row=row, column=1, value=name).font = BOLD
        sheet.cell(row=row, column=2, value=description)
        row += 1
    if content.notice:
        sheet.cell(row=row, column=1, value=NOTICE_SHEET).font = BOLD
        sheet.cell(row=row, column=2, value=cell_value(content.notice)).alignment = Alignment(
            wrap_text=True, vertical="top"
        )
        row += 1
    sheet.freeze_panes = "A4"  # the title and the What/Value header stay in view
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 100


def _members(n: int, suppressor: Suppressor | None) -> int | str:
    """The report's number of members, or the suppression label for 1 to 4 of them."""
    return n if suppressor is None or not suppressor.hides(n) else suppressor.count(n)


def _rule(content: ReportContent, suppressor: Suppressor | None) -> str:
    """The pre/post rule; fit to publish, it quotes no count of 1 to 4 members."""
    return content.pre_post_rule if suppressor is None else published_rule(content, suppressor)


def _suppression_words(suppressor: Suppressor) -> str:
    """What the Summary says about small cells in a workbook fit to publish."""
    return suppressor.summary() + " Member-level sheets are left out."


def _scored(sheet: Worksheet, content: ReportContent, suppressor: Suppressor | None) -> None:
    write_table(sheet, content.scored, instrument=content.instrument)
    sheet.freeze_panes = "C2"


def _reliability(sheet: Worksheet, content: ReportContent, suppressor: Suppressor | None) -> None:
    if not content.reliability:
        note(sheet, 1, f"Not computed: {content.reliability_problem or 'no answers'}")
        return
    scales, items = reliability_frames(content.reliability)
    if suppressor is not None:
        scales = suppressor.rows(scales, "n", keep=["scale", "timepoint", "k"])
        items = suppressor.rows(items, "n", keep=["scale", "timepoint", "item"])
    items = with_item_wording(items, content.instrument)  # what each item asks
    row = write_table(sheet, scales)
    sheet.freeze_panes = "C2"
    row = title(sheet, row, "Items")
    write_table(sheet, items, row)


CHANGE_COLUMNS = [
    "n_pairs",
    "n_missing_pre",
    "n_missing_post",
    "mean_pre",
    "sd_pre",
    "mean_post",
    "sd_post",
    "mean_change",
    "sd_change",
    "r_pre_post",
    "t",
    "df",
    "p",
    "d_z",
    "d_z_ci_low",
    "d_z_ci_high",
    "d_av",
    "g_av",
    "d_rm",
    "wilcoxon_p",
]
CATEGORY_COLUMNS = ["recovered", "improved", "unchanged", "deteriorated", "harmed"]


def change_frame(content: ReportContent, suppressor: Suppressor | None = None) -> pd.DataFrame:
    """One row per scale: paired change statistics, reliability, cutoff and problem.

    With `suppressor`, a problem that quotes counts of members words them as it decides
    (`Suppressor.words`: the counts are fields of the message).
    """
    worded = suppressor.words if suppressor is not None else str
    rows = []
    for section in content.change:
        row: dict = {"scale": section.scale, "pre": section.pre, "post": section.post}
        change = section.change
        for column in CHANGE_COLUMNS:
            if change is None:
                row[column] = None
            elif column == "d_z_ci_low":
                row[column] = change.d_z_ci[0]
            elif column == "d_z_ci_high":
                row[column] = change.d_z_ci[1]
            else:
                row[column] = getattr(change, column)
        row["reliability"] = section.reliability
        row["reliability_source"] = section.reliability_source
        row["cutoff"] = section.cutoff
        row["cutoff_type"] = section.cutoff_type
        row["cutoff_used"] = section.cutoff_words
        problems = ([section.problem] if section.problem else []) + (
            change.problems if change is not None else []
        )
        if section.cutoff_problem:
            problems.append(section.cutoff_problem)
        row["notes"] = "; ".join(worded(problem) for problem in problems) or None
        rows.append(row)
    frame = pd.DataFrame(rows)
    for column in CHANGE_COLUMNS + ["reliability", "cutoff"]:
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
    for column in ("n_pairs", "n_missing_pre", "n_missing_post"):
        frame[column] = frame[column].astype("Int64")
    return frame


def method_frame(content: ReportContent, suppressor: Suppressor | None = None) -> pd.DataFrame:
    """One row per scale and reliable change method: counts of each category.

    With `suppressor`, a method's problem words its counts of members as it decides.
    """
    worded = suppressor.words if suppressor is not None else str
    rows = []
    for section in content.change:
        for method, result in section.methods.items():
            counts = result.counts or {}
            rows.append(
                {
                    "scale": section.scale,
                    "method": method,
                    "method_name": METHOD_NAMES[method],
                    "critical_value": result.critical_value,
                    "cutoff": None if result.cutoff is None else result.cutoff.value,
                    **{c: counts.get(c) for c in CATEGORY_COLUMNS},
                    "notes": None if result.problem is None else worded(result.problem),
                }
            )
    frame = pd.DataFrame(
        rows,
        columns=["scale", "method", "method_name", "critical_value", "cutoff"]
        + [*CATEGORY_COLUMNS, "notes"],
    )
    for column in CATEGORY_COLUMNS:
        frame[column] = frame[column].astype("Int64")
    for column in ("critical_value", "cutoff"):
        frame[column] = pd.to_numeric(frame[column]).astype(float)
    return frame


def published_change_frame(frame: pd.DataFrame, suppressor: Suppressor) -> pd.DataFrame:
    """`change_frame` fit to publish.

    A scale with fewer than 5 members with both timepoints shows no statistics, and counts
    of 1 to 4 members missing pre or post are hidden.
    """
    keep = ["scale", "pre", "post", "reliability", "reliability_source", "cutoff"]
    keep += ["cutoff_type", "cutoff_used", "notes"]
    frame = suppressor.rows(frame, "n_pairs", keep=keep + ["n_missing_pre", "n_missing_post"])
    for column in ("n_missing_pre", "n_missing_post"):
        frame[column] = [suppressor.count(n) if suppressor.hides(n) else n for n in frame[column]]
    return frame


def _change(sheet: Worksheet, content: ReportContent, suppressor: Suppressor | None) -> None:
    row = note(sheet, 1, _rule(content, suppressor))
    frame = change_frame(content, suppressor)
    methods = method_frame(content, suppressor)
    if suppressor is not None:
        frame = published_change_frame(frame, suppressor)
        methods = suppressor.part_columns(methods, CATEGORY_COLUMNS)
    row = write_table(sheet, frame, row + 1)
    sheet.freeze_panes = "B4"  # the note, a blank row and the header stay in view
    for section in content.change:
        # The reliability and the cutoff used, in the Change page's words.
        for sentence in section.used:
            row = note(sheet, row, f"{section.scale_name}: {sentence}")
    row = title(sheet, row + 1, "Reliable change: members in each category, by method")
    if not any(section.methods for section in content.change):
        note(sheet, row, "No scale has members with both a pre and a post score.")
        return
    row = note(
        sheet,
        row,
        "Recovered and Harmed appear only when a cutoff is in play (Cutoff used above; "
        "Hageman-Arrindell uses its own true-score cutoff); HLM compares each member's "
        "slope over sessions with the average member's.",
    )
    write_table(sheet, methods, row)


def categories_frame(content: ReportContent) -> pd.DataFrame:
    """Jacobson-Truax category of every member on every scale (long: member x scale)."""
    frames = []
    for section in content.change:
        jt = section.methods.get("jt")
        if jt is None or jt.members is None or jt.members.empty:
            continue
        members = jt.members.copy()
        members.insert(0, "scale", section.scale)
        frames.append(members)
    if not frames:
        return pd.DataFrame()
    return pd.concat(frames, ignore_index=True)


def _categories(sheet: Worksheet, content: ReportContent, suppressor: Suppressor | None) -> None:
    frame = categories_frame(content)
    if frame.empty:
        problems = {s.problem for s in content.change if s.problem} or {"no pairs"}
        note(sheet, 1, "Not computed: " + "; ".join(sorted(problems)))
        return
    row = note(
        sheet,
        1,
        f"Jacobson-Truax reliable change from {content.pre} to {content.post}; the reliable "
        "change index is the change divided by S_diff.",
    )
    write_table(sheet, frame, row + 1)
    sheet.freeze_panes = "C4"


def _groups(sheet: Worksheet, content: ReportContent, suppressor: Suppressor | None) -> None:
    if content.groups_problem:
        note(sheet, 1, f"Not computed: {content.groups_problem}")
        return
    rows, means = [], []
    for section in content.groups:
        s = section.structure
        rows.append(
            {
                "scale": section.scale,
                "timepoint": section.timepoint,
                "n_members": s.n_members if s else None,
                "n_groups": s.n_groups if s else None,
                "icc1_reml": s.icc1_reml if s else None,
                "icc1_anova": s.icc1_anova if s else None,
                "icc2": s.icc2 if s else None,
                "design_effect": s.design_effect if s else None,
                "f": s.f if s else None,
                "p": s.p if s else None,
                "notes": section.problem or ("; ".join(s.notes) if s else None) or None,
            }
        )
        if s is not None:
            group_rows = s.groups.copy()
            group_rows.insert(0, "timepoint", section.timepoint)
            group_rows.insert(0, "scale", section.scale)
            means.append(group_rows)
    frame = pd.DataFrame(rows)
    for column in ("n_members", "n_groups"):
        frame[column] = frame[column].astype("Int64")
    for column in ("icc1_reml", "icc1_anova", "icc2", "design_effect", "f", "p"):
        frame[column] = pd.to_numeric(frame[column]).astype(float)
    if suppressor is not None:
        frame = suppressor.rows(frame, "n_members", keep=["scale", "timepoint", "n_groups"])
    row = write_table(sheet, frame)
    sheet.freeze_panes = "C2"
    row = title(sheet, row, "Group means (95% CI)")
    if means:
        table = pd.concat(means, ignore_index=True)
        if suppressor is not None:
            # A scale's groups add up to its members, published above.
            table = suppressor.part_rows(table, "n", within=["scale", "timepoint"], keep=["group"])
        write_table(sheet, table, row)


def trend_frame(content: ReportContent) -> pd.DataFrame:
    """One row per scale: the mixed model's fixed effects and variance components."""
    rows = []
    for section in content.trends:
        r = section.result
        notes = [section.problem] if section.problem else []
        if r is not None:
            notes += r.notes
        if section.n_left_out:
            notes.append(
                f"{section.n_left_out} administration(s) without a session number "
                "(e.g. pre, post) are not in the trend."
            )
        rows.append(
            {
                "scale": section.scale,
                "n_members": r.n_members if r else None,
                "n_groups": r.n_groups if r else None,
                "n_observations": r.n_observations if r else None,
                "model": r.model if r else None,
                "intercept": r.intercept if r else None,
                "slope": r.slope if r else None,
                "slope_se": r.slope_se if r else None,
                "slope_ci_low": r.slope_ci[0] if r else None,
                "slope_ci_high": r.slope_ci[1] if r else None,
                "slope_p": r.slope_p if r else None,
                "sd_intercept_member": r.sd_intercept_member if r else None,
                "sd_slope_member": r.sd_slope_member if r else None,
                "sd_residual": r.sd_residual if r else None,
                "notes": "; ".join(notes) or None,
            }
        )
    frame = pd.DataFrame(rows)
    for column in ("n_members", "n_groups", "n_observations"):
        frame[column] = frame[column].astype("Int64")
    numeric = [c for c in frame.columns if c not in ("scale", "model", "notes", "n_members")]
    for column in numeric:
        if column not in ("n_groups", "n_observations"):
            frame[column] = pd.to_numeric(frame[column]).astype(float)
    return frame


def session_means_frame(content: ReportContent) -> pd.DataFrame:
    """Per-session means of every scale (long: scale x session)."""
    frames = []
    for section in content.trends:
        if section.result is None:
            continue
        sessions = section.result.sessions.copy()
        sessions.insert(0, "scale", section.scale)
        frames.append(sessions)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _line_chart(
    sheet: Worksheet, header_row: int, first: int, last: int, columns: range, title_text: str
) -> LineChart:
    chart = LineChart()
    chart.title = title_text
    chart.y_axis.title = "Mean score"
    chart.x_axis.title = "Session"
    chart.height, chart.width = 9, 18
    data = Reference(
        sheet, min_col=columns.start, max_col=columns.stop - 1, min_row=header_row, max_row=last
    )
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=1, min_row=first, max_row=last))
    for series in chart.series:
        series.marker.symbol = "circle"
        series.smooth = False
    # openpyxl hides axes unless told (Excel 365 then draws a chart with no labels).
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    return chart


def _trends(sheet: Worksheet, content: ReportContent, suppressor: Suppressor | None) -> None:
    if content.trends_problem:
        note(sheet, 1, f"Not computed: {content.trends_problem}")
        return
    row = title(sheet, 1, "Mixed model: score on session number (random intercept and slope)")
    trends = trend_frame(content)
    means = session_means_frame(content)
    if suppressor is not None:
        trends = suppressor.rows(
            trends, "n_members", keep=["scale", "n_groups", "n_observations", "model", "notes"]
        )
        if not means.empty:
            means = suppressor.rows(means, "n", keep=["scale", "session"])
    row = write_table(sheet, trends, row)
    sheet.freeze_panes = "B3"
    if means.empty:
        note(sheet, row, "No session means: every scale's model failed (see notes above).")
        return
    row = title(sheet, row, "Mean per session with 95% CI")
    end = write_table(sheet, means, row)
    # Chart data: one column of means per scale, one row per session; then the first scale
    # with its confidence limits.
    scales = list(dict.fromkeys(means["scale"]))
    wide = means.pivot(index="session", columns="scale", values="mean")[scales].reset_index()
    wide.columns = ["session", *[f"{s} mean" for s in scales]]
    chart_row = title(sheet, end, "Chart data: mean per session")
    next_row = write_table(sheet, wide, chart_row)
    n = len(wide)
    all_scales = _line_chart(
        sheet,
        chart_row,
        chart_row + 1,
        chart_row + n,
        range(2, 2 + len(scales)),
        f"{content.instrument.name}: mean per session",
    )
    first = scales[0]
    band = means[means["scale"] == first][["session", "mean", "ci_low", "ci_high"]]
    band = band.rename(
        columns={"mean": f"{first} mean", "ci_low": "95% CI low", "ci_high": "95% CI high"}
    )
    band_row = title(sheet, next_row, f"Chart data: {first} with 95% CI")
    write_table(sheet, band.reset_index(drop=True), band_row)
    with_ci = _line_chart(
        sheet,
        band_row,
        band_row + 1,
        band_row + len(band),
        range(2, 5),
        f"{first}: mean per session with 95% CI",
    )
    for series, dash in zip(with_ci.series[1:], ("dash", "dash"), strict=True):
        series.graphicalProperties.line.dashStyle = dash
        series.marker.symbol = "none"
    anchor_column = get_column_letter(len(trend_frame(content).columns) + 2)
    sheet.add_chart(all_scales, f"{anchor_column}3")
    sheet.add_chart(with_ci, f"{anchor_column}23")


def _repair(sheet: Worksheet, content: ReportContent, suppressor: Suppressor | None) -> None:
    section = content.repair
    row = title(sheet, 1, "Does repair matter here?")
    if section.problem:
        note(sheet, row, section.problem)
        return
    row = note(sheet, row, section.words)
    row = note(sheet, row, section.caveat)
    frame = section.table if suppressor is None else section.published
    write_table(sheet, frame, row + 1)


def _context(sheet: Worksheet, content: ReportContent, suppressor: Suppressor | None) -> None:
    section = content.context if suppressor is None else content.context_published
    row = title(sheet, 1, section.title)
    for reading in section.readings:
        row = note(sheet, row, reading)
    for heading, frame in section.tables:
        row = title(sheet, row + 1, heading)
        row = write_table(sheet, frame, row)
    for line in section.notes:
        row = note(sheet, row, line)


def build_workbook(content: ReportContent, suppressor: Suppressor | None = None) -> Workbook:
    """The Excel report of `content` as an openpyxl Workbook (not yet saved).

    Parameters
    ----------
    content
        Output of ``reports.content.report_content``.
    suppressor
        None: every sheet, nothing hidden (staff who may see member codes). A
        ``privacy.suppression.Suppressor``: the workbook fit to publish, with
        :data:`PUBLISHED_SHEETS` only and small cells hidden.

    Returns
    -------
    openpyxl.Workbook
        Sheets :data:`SHEETS` (or :data:`PUBLISHED_SHEETS`), in that order, then
        :data:`NOTICE_SHEET` when ``content.notice`` is set (a substance-use program's data).
    """
    workbook = Workbook()
    builders = {
        "Scored data": _scored,
        "Reliability": _reliability,
        "Change": _change,
        "Member categories": _categories,
        "Groups": _groups,
        "Session trends": _trends,
    }
    names = SHEETS if suppressor is None else PUBLISHED_SHEETS
    summary = workbook.active
    summary.title = names[0]
    for name in names[1:]:
        builders[name](workbook.create_sheet(name), content, suppressor)
    if content.repair is not None:
        _repair(workbook.create_sheet(REPAIR_SHEET), content, suppressor)
    if content.context is not None:
        _context(workbook.create_sheet(CONTEXT_SHEET), content, suppressor)
    # The Summary is written last so that it can say how many cells were hidden.
    _summary(summary, content, suppressor, names)
    if content.notice:
        # A substance-use program's data: 42 CFR 2.32 requires the notice with the disclosure.
        sheet = workbook.create_sheet(NOTICE_SHEET)
        sheet.cell(row=1, column=1, value=cell_value(content.notice)).alignment = Alignment(
            wrap_text=True, vertical="top"
        )
        sheet.column_dimensions["A"].width = 120
    return workbook


def write_excel_report(
    content: ReportContent, path: str | Path, suppressor: Suppressor | None = None
) -> Path:
    """Write the Excel report of `content` to `path` (``.xlsx``) and return the path.

    `suppressor` as in :func:`build_workbook`.
    """
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise ValueError(f"{path}: the Excel report is an .xlsx workbook; name it ....xlsx")
    build_workbook(content, suppressor).save(path)
    return path
