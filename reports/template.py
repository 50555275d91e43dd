"""Data-entry workbooks: an Excel template for typing in one instrument's answers.

The workbook has three sheets:

- **Data** (first, so that the filled-in workbook imports as it is): the columns ``member``,
  ``timepoint``, ``group``, ``session``, ``date``, ``mode`` and one column per item (the wide
  format of ARCHITECTURE.md), with Excel data validation restricting each item cell to the
  response scale, an input message and an error alert, and a frozen header;
- **Instructions**: plain English, including how to enter a skipped answer and that reverse
  keying is done by Mutuality, not by hand;
- **Data dictionary**: one row per item: id, text (when the instrument ships it), scale(s),
  reverse keying, response labels.

Every text an instrument contributes passes through ``privacy.safety`` so that no cell can
run as a formula.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from measures import Instrument, load_instrument
from privacy.safety import neutralise_text

#: Identifying columns of the Data sheet, before the item columns.
TEMPLATE_ID_COLUMNS = ["member", "timepoint", "group", "session", "date", "mode"]
#: How a questionnaire was given (the values the store records).
MODES = ["self-completed", "read aloud", "staff-entered", "imported"]
#: Rows of the Data sheet that carry the data validation (row 1 is the header).
VALIDATED_ROWS = 2000

_HEADER_FILL = PatternFill("solid", fgColor="DDE5F0")
_BOLD = Font(bold=True)
# Excel limits: input/error titles 32 characters, messages 255.
_TITLE_LIMIT = 32
_MESSAGE_LIMIT = 255


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 3].rstrip() + "..."


def _item_text(instrument: Instrument, item_id: str, language: str) -> str | None:
    text = instrument.item(item_id).text
    if not text:
        return None
    return text.get(language) or next(iter(text.values()))


def _labels(instrument: Instrument, language: str) -> list[str] | None:
    labels = instrument.response_scale.labels
    if not labels:
        return None
    return labels.get(language) or next(iter(labels.values()))


def _scale_words(instrument: Instrument, language: str) -> str:
    """'0 = Not at all, 1 = Several days, ...' or '0 to 10 (decimals allowed)'."""
    rs = instrument.response_scale
    labels = _labels(instrument, language)
    if rs.is_continuous:
        return f"any number from {rs.min:g} to {rs.max:g} (decimals allowed)"
    if labels:
        return ", ".join(
            f"{point:g} = {text}" for point, text in zip(rs.points, labels, strict=True)
        )
    return f"a whole number from {rs.min:g} to {rs.max:g}"


def _rule(instrument: Instrument) -> str:
    rs = instrument.response_scale
    kind = "a number" if rs.is_continuous else "a whole number"
    return f"{kind} from {rs.min:g} to {rs.max:g}"


def _validation(title: str, **rule) -> DataValidation:
    """A column's data validation: blank allowed, prompt shown, an error alert if `rule` has one.

    `rule` holds the other DataValidation fields (type, operator, formulas, texts).
    """
    return DataValidation(
        allow_blank=True,
        showInputMessage=True,
        showErrorMessage="error" in rule,
        promptTitle=title,
        **rule,
    )


#: The identifying columns' data validation: column, then the DataValidation fields.
_COLUMN_RULES = (
    (
        "session",
        {
            "type": "whole",
            "operator": "greaterThanOrEqual",
            "formula1": "0",
            "prompt": "The number of the group session (1, 2, 3, ...). Leave blank if none.",
            "errorTitle": "Not a session number",
            "error": "Type the session number as a whole number (1, 2, 3, ...).",
        },
    ),
    (
        "date",
        {
            "type": "date",
            "operator": "greaterThan",
            "formula1": "1",
            "prompt": "The date the questionnaire was answered, e.g. 2024-03-05.",
            "errorTitle": "Not a date",
            "error": "Type a date, for example 2024-03-05.",
        },
    ),
    (
        "mode",
        {
            "type": "list",
            "formula1": '"' + ",".join(MODES) + '"',
            "prompt": "How the questionnaire was given: " + ", ".join(MODES) + ".",
            "errorTitle": "Not a mode",
            "error": "Choose one of: " + ", ".join(MODES) + ".",
        },
    ),
    (
        "member",
        {
            "type": "textLength",
            "operator": "greaterThan",
            "formula1": "0",
            "prompt": "The member's code (never a name).",
        },
    ),
    (
        "timepoint",
        {
            "type": "textLength",
            "operator": "greaterThan",
            "formula1": "0",
            "prompt": "pre, post, session-3, ... (the same words for every member).",
        },
    ),
)


def _item_validation(instrument: Instrument, item_id: str, language: str) -> DataValidation:
    rs = instrument.response_scale
    text = _item_text(instrument, item_id, language)
    prompt = (f"{text}\n" if text else "") + (
        f"Answer: {_scale_words(instrument, language)}. Leave blank if skipped."
    )
    return _validation(
        _clip(item_id, _TITLE_LIMIT),
        type="decimal" if rs.is_continuous else "whole",
        operator="between",
        formula1=f"{rs.min:g}",
        formula2=f"{rs.max:g}",
        errorStyle="stop",
        prompt=_clip(str(neutralise_text(prompt)), _MESSAGE_LIMIT),
        errorTitle="Not an answer",
        error=_clip(
            f"{item_id} takes {_rule(instrument)}. Type the member's answer, or leave the cell "
            "blank if the member skipped the item.",
            _MESSAGE_LIMIT,
        ),
    )


def _data_sheet(workbook: Workbook, instrument: Instrument, language: str) -> None:
    sheet = workbook.active
    sheet.title = "Data"
    columns = TEMPLATE_ID_COLUMNS + instrument.item_ids
    sheet.append(columns)
    for position, name in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=position)
        cell.font = _BOLD
        cell.fill = _HEADER_FILL
        sheet.column_dimensions[get_column_letter(position)].width = max(12, len(name) + 4)
    sheet.freeze_panes = "C2"  # header row and the member/timepoint columns stay in view
    last = VALIDATED_ROWS + 1

    def column_range(name: str) -> str:
        letter = get_column_letter(columns.index(name) + 1)
        return f"{letter}2:{letter}{last}"

    validations = [
        (_item_validation(instrument, item_id, language), item_id)
        for item_id in instrument.item_ids
    ] + [(_validation(name, **rule), name) for name, rule in _COLUMN_RULES]
    for validation, name in validations:
        sheet.add_data_validation(validation)
        validation.add(column_range(name))
    for row in range(2, last + 1):
        sheet.cell(row=row, column=columns.index("date") + 1).number_format = "yyyy-mm-dd"
        for name in ("member", "timepoint", "group"):
            sheet.cell(row=row, column=columns.index(name) + 1).number_format = "@"


def _instructions_sheet(workbook: Workbook, instrument: Instrument, language: str) -> None:
    sheet = workbook.create_sheet("Instructions")
    rs = instrument.response_scale
    reversed_items = [i.id for i in instrument.items if i.reverse]
    lines = [
        (f"Entering answers for {instrument.name} ({instrument.id})", True),
        ("", False),
        ("Use the Data sheet: one row for each time a member fills in the questionnaire.", False),
        ("member: the member's code. Never write a name.", False),
        (
            "timepoint: when it was filled in, e.g. pre, post or session-3. Use the same words "
            "for every member.",
            False,
        ),
        ("group: the group's name or code (optional).", False),
        ("session: the number of the group session, 1, 2, 3, ... (optional).", False),
        ("date: the date it was filled in, e.g. 2024-03-05 (optional).", False),
        ("mode: how it was given: " + ", ".join(MODES) + " (optional).", False),
        ("", False),
        (
            f"Item columns ({instrument.item_ids[0]} ... {instrument.item_ids[-1]}): type the "
            f"answer the member gave, {_scale_words(instrument, language)}.",
            False,
        ),
        (
            f"The sheet only accepts {_rule(instrument)} in these columns; anything else is "
            "refused when you press Enter.",
            False,
        ),
        (
            "Skipped answer: leave the cell empty (you may also type NA). Never type 0 for a "
            "skipped answer: 0 is an answer.",
            False,
        ),
        (
            "Type the answers exactly as the member gave them, on the form's own scale. "
            "Reverse keying is done by Mutuality when it scores: do not reverse any item by "
            "hand."
            + (f" (Reverse-keyed items: {', '.join(reversed_items)}.)" if reversed_items else ""),
            False,
        ),
        (
            "Scores are computed by Mutuality; do not add total or average columns here.",
            False,
        ),
        ("", False),
        (
            "When you are done: save the workbook and import it (python cli.py import FILE.xlsx "
            "or the app's upload page). Mutuality checks every cell first and lists any "
            "problem by row and column; nothing is stored until the file is correct.",
            False,
        ),
        ("The Data dictionary sheet describes every item.", False),
        ("", False),
        (f"Source: {instrument.citation}", False),
        (f"Licence: {instrument.license}", False),
        (f"Response scale: {rs.min:g} to {rs.max:g}; higher is {instrument.higher_is}.", False),
    ]
    for text, bold in lines:
        sheet.append([neutralise_text(text)])
        if bold:
            sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True, size=14)
    sheet.column_dimensions["A"].width = 110
    for row in sheet.iter_rows():
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def _dictionary_sheet(workbook: Workbook, instrument: Instrument, language: str) -> None:
    sheet = workbook.create_sheet("Data dictionary")
    header = ["item", "text", "scales", "reverse", "min", "max", "response labels"]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = _BOLD
        cell.fill = _HEADER_FILL
    rs = instrument.response_scale
    labels = _scale_words(instrument, language)
    for item in instrument.items:
        scales = ", ".join(s.id for s in instrument.scales if item.id in s.items)
        text = _item_text(instrument, item.id, language) or (
            "(wording not shipped: use the official form)"
        )
        row = [item.id, text, scales, "yes" if item.reverse else "no", rs.min, rs.max, labels]
        sheet.append([neutralise_text(v) for v in row])
    sheet.freeze_panes = "A2"
    for letter, width in zip("ABCDEFG", (16, 60, 24, 9, 6, 6, 60), strict=True):
        sheet.column_dimensions[letter].width = width
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def write_template(
    instrument: str | Path | Instrument, path: str | Path, *, language: str = "en"
) -> Path:
    """Write a data-entry workbook for `instrument` to `path` (xlsx).

    Parameters
    ----------
    instrument
        Built-in id, YAML path or Instrument.
    path
        The xlsx file to write.
    language
        Language of item texts and response labels, when the instrument has them.

    Returns
    -------
    pathlib.Path
        The path written. The Data sheet is the first sheet and is in the wide format, so the
        filled-in workbook can be imported as it is.
    """
    instrument = load_instrument(instrument)
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise ValueError(f"{path}: a template is an Excel workbook; name it ....xlsx")
    workbook = Workbook()
    _data_sheet(workbook, instrument, language)
    _instructions_sheet(workbook, instrument, language)
    _dictionary_sheet(workbook, instrument, language)
    workbook.save(path)
    return path
