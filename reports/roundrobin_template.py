"""The round-robin data-entry workbook: one row per rating, in the long format.

Columns ``group``, ``session``, ``perceiver``, ``target``, ``connection`` (who rated whom, how
connected they felt: 1 Not at all to 5 Very much, the check-in's scale), what
`cli.py roundrobin FILE --value connection --session session` reads. With member codes,
every pair of each group is listed, so a facilitator types only the ratings.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation

#: The columns of the round-robin long format, in order.
ROUND_ROBIN_COLUMNS = ("group", "session", "perceiver", "target", "connection")
#: The question each rating answers.
QUESTION = "Today, how connected did you feel with this person? (1 Not at all - 5 Very much)"


def write_roundrobin_template(
    path: str | Path, groups: dict[str, list[str]] | None = None, session: int = 1
) -> Path:
    """Write the round-robin workbook to `path` (xlsx); `groups` (group -> codes) fills pairs."""
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise ValueError(f"{path}: a template is an Excel workbook; name it ....xlsx")
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Ratings"
    sheet.append(list(ROUND_ROBIN_COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for group, codes in (groups or {}).items():
        for perceiver in codes:
            for target in codes:
                if perceiver != target:
                    sheet.append([group, session, perceiver, target, None])
    rule = DataValidation(
        type="whole",
        operator="between",
        formula1="1",
        formula2="5",
        allow_blank=True,
        showInputMessage=True,
        showErrorMessage=True,
        promptTitle="connection",
        prompt=QUESTION,
        errorTitle="Not a rating",
        error="Type a whole number from 1 (Not at all) to 5 (Very much), or leave it empty.",
    )
    sheet.add_data_validation(rule)
    rule.add("E2:E10000")
    for letter, width in zip("ABCDE", (14, 10, 14, 14, 12), strict=True):
        sheet.column_dimensions[letter].width = width
    notes = workbook.create_sheet("Instructions")
    for line in (
        "One row per rating: the perceiver is the member who rates, the target the member "
        "they rate.",
        QUESTION,
        "Leave a rating empty when a member skipped that person; never rate oneself.",
        "Members are named by their member codes only, never by name.",
        "Read it with: python cli.py roundrobin FILE --value connection --session session",
    ):
        notes.append([line])
    notes.column_dimensions["A"].width = 100
    workbook.save(path)
    return path
