"""Paper forms typed in after a session: the entry grid and its validation.

The grid has one row per member and one column per item. It is checked with the same rule as
spreadsheets (`measures.refused_answers`): when any value is refused, nothing is stored and
every refused cell is listed. A row left entirely blank is a member who handed in no form.
"""

from __future__ import annotations

import pandas as pd

from measures import Instrument, refused_answers
from store.administrations import Administration
from store.sessions import SessionInfo
from ui.answers import build_administration, timepoint_of

#: How paper forms are recorded.
PAPER_MODE = "staff-entered"


class PaperEntryError(ValueError):
    """Values in the paper grid the instrument refuses; `.problems` lists each (nothing stored)."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(
            f"{len(problems)} value(s) cannot be stored; nothing was saved. Correct them and "
            "save again:\n" + "\n".join(f"  {p}" for p in problems)
        )


def blank_grid(member_codes: list[str], instrument: Instrument) -> pd.DataFrame:
    """An empty entry grid: a ``member`` column and one text column per item.

    Cells start as empty text, not None, so the grid shows blank cells rather than "None".
    """
    grid = pd.DataFrame({"member": pd.Series(member_codes, dtype=object)})
    for item_id in instrument.item_ids:
        grid[item_id] = pd.Series([""] * len(member_codes), dtype=object)
    return grid


def _cell(value: object) -> object:
    """A typed cell as entered, with empty text and whitespace read as blank (skipped)."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return None
    if isinstance(value, str):
        stripped = value.strip().replace(",", ".")  # 3,0 typed with a Spanish keyboard
        return stripped or None
    return value


def paper_administrations(
    grid: pd.DataFrame,
    instrument: Instrument,
    session: SessionInfo,
    entered_by: str | None = None,
) -> list[Administration]:
    """The administrations in a filled-in grid (blank rows skipped).

    Raises
    ------
    PaperEntryError
        Listing every refused value (text, out of range, between two answers) by member and
        question number; no administration is returned then.
    """
    cells = grid.copy()
    for item_id in instrument.item_ids:
        cells[item_id] = cells[item_id].map(_cell).astype(object)
    cells["timepoint"] = timepoint_of(session.number)
    position = {item_id: n for n, item_id in enumerate(instrument.item_ids, start=1)}
    problems = [
        f"member {r.member}, question {position[r.item]}: {r.value!r} {r.reason}"
        for r in refused_answers(cells, instrument)
    ]
    if problems:
        raise PaperEntryError(problems)
    administrations = []
    for _, row in cells.iterrows():
        answers = {
            item_id: (None if pd.isna(row[item_id]) else float(row[item_id]))
            for item_id in instrument.item_ids
        }
        if all(value is None for value in answers.values()):
            continue
        administrations.append(
            build_administration(
                member=str(row["member"]),
                instrument=instrument,
                session=session,
                answers=answers,
                mode=PAPER_MODE,
                entered_by=entered_by,
            )
        )
    return administrations
