"""The Upload page's validation report in words: one row per problem, sorted, every cell text.

Columns `REPORT_COLUMNS`: the spreadsheet row ("whole file" for a problem of the file), the
column with its letter ("whole row" for a problem of the row), the value, whether it is an
error or a warning, what is wrong and what to do there, on the page (the column selectors
rather than a mapping file: `ingest.validate.Problem.page_todo`). Sorted by row, then by
column as the file orders them. The same table downloads as CSV.

For a user who may not see member codes (an evaluator, `uploads.hides_codes`): "(code
hidden)" stands wherever a member code would, and answers that differ from stored ones are
one line that counts them, naming no member, item or stored value.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from ingest import ResponseTable
from ingest.validate import DIFFERS_FROM_STORED, ERROR, HIDDEN_CODE, Problem

ROW, COLUMN, VALUE, KIND, PROBLEM, TODO = (
    "Row",
    "Column",
    "Value",
    "Error or warning",
    "Problem",
    "What to do",
)
REPORT_COLUMNS = (ROW, COLUMN, VALUE, KIND, PROBLEM, TODO)
WHOLE_FILE = "whole file"
WHOLE_ROW = "whole row"


def _letter_number(letter: str | None) -> int:
    """A spreadsheet column letter as a number (A = 1, Z = 26, AA = 27); unknown last."""
    if not letter:
        return 10**9
    number = 0
    for character in letter.upper():
        number = number * 26 + ord(character) - ord("A") + 1
    return number


def _order(problem: Problem) -> tuple:
    """Whole-file problems first, then by row; in a row, the whole row first, then columns."""
    return (
        problem.row is not None,
        problem.row or 0,
        problem.column is not None,
        _letter_number(problem.letter),
        problem.column or "",
    )


def _text(value: object) -> str:
    """A cell as typed: whole numbers without ``.0``, blanks empty."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _row_words(problem: Problem, hide_codes: bool) -> dict[str, str]:
    what, todo = problem.words(page=True, hide_codes=hide_codes)
    if problem.column is None:
        column = WHOLE_FILE if problem.row is None else WHOLE_ROW
    else:
        column = f"{problem.column} ({problem.letter})" if problem.letter else problem.column
    value = _text(problem.value)
    if hide_codes and value and problem.field == "member":
        value = HIDDEN_CODE
    return {
        ROW: WHOLE_FILE if problem.row is None else str(problem.row),
        COLUMN: column,
        VALUE: value,
        KIND: "Error" if problem.severity == ERROR else "Warning",
        PROBLEM: what,
        TODO: todo,
    }


@dataclass(frozen=True)
class ReportTable:
    """The report as the page shows it: `table` (every row), and what was only counted."""

    table: pd.DataFrame
    #: Answers differing from stored ones that are counted, not listed (an evaluator's).
    differing_answers: int = 0


def report_table(problems: list[Problem], *, hide_codes: bool = False) -> ReportTable:
    """Every problem as a row of `REPORT_COLUMNS` text, sorted by row and column.

    `hide_codes` (an evaluator): member codes become "(code hidden)", and the answers that
    differ from stored ones become one "whole file" line counting them.
    """
    listed = [p for p in problems if not (hide_codes and p.kind == DIFFERS_FROM_STORED)]
    rows = [_row_words(p, hide_codes) for p in sorted(listed, key=_order)]
    differing = len(problems) - len(listed)
    if differing:
        errors = [p for p in problems if p.kind == DIFFERS_FROM_STORED and p.severity == ERROR]
        rows.insert(
            0,
            {
                ROW: WHOLE_FILE,
                COLUMN: WHOLE_FILE,
                VALUE: "",
                KIND: "Error" if errors else "Warning",
                PROBLEM: f"{differing} answer(s) of this file differ from answers already "
                "stored for the same members and timepoints (which ones is not shown to "
                "you: it would show stored answers)",
                TODO: "Check the file against its source and correct it if it is wrong; to "
                "keep the file's answers instead, ask an administrator to import it "
                "replacing the stored questionnaires",
            },
        )
    return ReportTable(pd.DataFrame(rows, columns=list(REPORT_COLUMNS)), differing)


@dataclass(frozen=True)
class FileCounts:
    """What a read file holds, in counts only (an evaluator's preview)."""

    rows: int
    members: int
    timepoints: int
    items: int
    answers: int


def file_counts(table: ResponseTable, rows: int) -> FileCounts:
    """Counts of the file read as `table`: `rows` data rows, members, timepoints, items."""
    long = table.long
    return FileCounts(
        rows=rows,
        members=int(long["member"].dropna().nunique()),
        timepoints=int(long["timepoint"].dropna().nunique()),
        items=int(long["item"].dropna().nunique()),
        answers=int(long["value"].notna().sum()),
    )
